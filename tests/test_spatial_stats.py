"""Spatial weights, Moran's I, Geary's C and LISA against esda 2.8.2 on Columbus, province
weights from the shared geo files, and bad input."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

import digitrace as dt
from digitrace.errors import DataError, DataQualityWarning, SpecificationError
from digitrace.spatial import _perm
from digitrace.spatial.moran import geary, local_moran, moran
from digitrace.spatial.weights import (as_spatial_weights, economic_distance_weights,
                                       inverse_distance_weights, knn_weights, nested_weights,
                                       rook_weights, weights_from_gal, weights_from_matrix)

REF = json.loads((Path(__file__).parent / "reference" / "disparity" / "esda_columbus.json").read_text())


@pytest.fixture(scope="module")
def crime(data_dir):
    import struct
    # read CRIME from the .dbf without libpysal (dBase III: header, field descriptors, records)
    raw = (data_dir / "reference" / "columbus" / "columbus.dbf").read_bytes()
    nrec, hlen, rlen = struct.unpack("<IHH", raw[4:12])
    fields, pos = [], 32
    while raw[pos] != 0x0D:
        name = raw[pos:pos + 11].split(b"\0")[0].decode()
        fields.append((name, raw[pos + 16]))
        pos += 32
    off = 1 + sum(f[1] for f in fields[:[f[0] for f in fields].index("CRIME")])
    ln = dict(fields)["CRIME"]
    return np.array([float(raw[hlen + i * rlen + off: hlen + i * rlen + off + ln]) for i in range(nrec)])


def _w_from_ref(kind: str):
    ids = REF[kind]["ids"]
    pos = {k: i for i, k in enumerate(ids)}
    m = np.zeros((len(ids), len(ids)))
    for k, vs in REF[kind]["neighbors"].items():
        for v in vs:
            m[pos[k], pos[v]] = 1
    return weights_from_matrix(m, ids, kind=kind)


@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_moran_geary_match_esda(crime, kind):
    W = _w_from_ref(kind)
    r = moran(crime, W, permutations=0)
    e = REF[kind]["moran"]
    assert r.I == pytest.approx(e["I"], rel=1e-13)
    assert r.EI == pytest.approx(e["EI"], rel=1e-15)
    assert r.z_norm == pytest.approx(e["z_norm"], rel=1e-12)
    assert r.z_rand == pytest.approx(e["z_rand"], rel=1e-12)
    assert r.p_norm == pytest.approx(e["p_norm"], rel=1e-9)
    assert r.p_rand == pytest.approx(e["p_rand"], rel=1e-9)
    g = geary(crime, W, permutations=0)
    eg = REF[kind]["geary"]
    assert g.C == pytest.approx(eg["C"], rel=1e-13)
    assert g.z_rand == pytest.approx(eg["z_rand"], rel=1e-12)
    assert g.z_norm == pytest.approx(eg["z_norm"], rel=1e-12)
    assert g.VC_rand == pytest.approx(eg["VC_rand"], rel=1e-12)


@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_local_moran_analytic_match_esda(crime, kind):
    W = _w_from_ref(kind)
    r = local_moran(crime, W, permutations=0)
    e = REF[kind]["local"]
    for ours, key in [(r.Is, "Is"), (r.EI, "EI"), (r.VI, "VI"), (r.EIc, "EIc"), (r.VIc, "VIc")]:
        np.testing.assert_allclose(ours, e[key], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(r.q, e["q"])
    # scatter: slope of lag on z is the global I for row-standardised W without islands
    s = r.scatter()
    slope = np.polyfit(s["z"], s["lag"], 1)[0]
    assert slope == pytest.approx(REF[kind]["moran"]["I"], rel=1e-10)


def test_local_moran_pvalues_statistically_match_esda(crime):
    P = 99999
    r = local_moran(crime, _w_from_ref("queen"), permutations=P, seed=1)
    pe = np.array(REF["queen"]["local"]["p_sim_99999_seed3"])
    se = np.sqrt(2 * pe * (1 - pe) / P)
    assert np.all(np.abs(r.p_sim - pe) <= 5 * se + 1e-12), np.max(np.abs(r.p_sim - pe) / se)
    assert np.corrcoef(r.p_sim, pe)[0, 1] > 0.999


def test_local_sims_equal_loop_with_same_draws():
    rng = np.random.default_rng(0)
    n = 30
    a = (rng.random((n, n)) < 0.15).astype(float)
    np.fill_diagonal(a, 0)
    a[0] = 0                                         # an island
    W = weights_from_matrix(a, list(range(n)))
    z = rng.normal(size=n)
    P = 50
    sims = _perm.local_moran_sims(z, W._w, P, np.random.default_rng(5), scaling=2.0)
    card = W.cardinalities
    ids = _perm.draw_ids(n - 1, int(card.max()), P, np.random.default_rng(5))
    dense = W._w.toarray()
    for i in range(n):
        zi_other = np.delete(z, i)
        wts = dense[i][dense[i] > 0]              # CSR order = column order
        for p in range(P):
            lag = zi_other[ids[p, :card[i]]] @ wts if card[i] else 0.0
            assert sims[i, p] == pytest.approx(2.0 * z[i] * lag, abs=1e-12)
    # each prefix is a set of distinct ids
    assert all(len(set(row)) == len(row) for row in ids)


def test_representations_agree(crime, data_dir):
    lp = pytest.importorskip("libpysal")
    path = data_dir / "reference" / "columbus" / "columbus.gal"
    lw = lp.io.open(str(path)).read()
    before = lw.transform
    reps = [weights_from_gal(path), as_spatial_weights(lw), _w_from_ref("queen"),
            _w_from_ref("queen").full()]
    vals = [moran(crime, w, permutations=0).I for w in reps]
    assert max(vals) - min(vals) < 1e-14
    assert lw.transform == before                   # caller's W is not mutated


def test_permutation_reproducible_and_sensible(crime):
    W = _w_from_ref("queen")
    a = moran(crime, W, permutations=999, seed=7)
    b = moran(crime, W, permutations=999, seed=7)
    assert a.p_sim == b.p_sim and a.p_sim == pytest.approx(0.001)   # I=0.50 is extreme
    assert abs(a.EI_sim - a.EI) < 0.02
    c = local_moran(crime, W, permutations=199, seed=3)
    np.testing.assert_array_equal(c.p_sim, local_moran(crime, W, permutations=199, seed=3).p_sim)
    lab = set(c.labels)
    assert lab <= {"HH", "LL", "HL", "LH", "ns"} and "HH" in lab and "LL" in lab


def test_province_weights(data_dir):
    w = rook_weights(data_dir)
    assert w.n == 31 and w.islands == (460000,)
    rs = np.asarray(w.sparse.sum(axis=1)).ravel()
    assert np.allclose(rs[np.array(w.ids) != 460000], 1) and rs[w.ids.index(460000)] == 0
    assert int(w.cardinalities.sum()) == 2 * 68
    wl = rook_weights(data_dir, link_hainan=True)
    assert wl.islands == () and 460000 in set(wl.to_frame().query("focal == 440000").neighbor)
    k = knn_weights(4, data_dir)
    assert (k.cardinalities == 4).all()
    assert set(k.to_frame().query("focal == 110000").neighbor) >= {120000, 130000}
    d = inverse_distance_weights(power=2, cutoff=800, data_dir=data_dir)
    from digitrace.data.geo import load_distances
    dist = load_distances(data_dir).to_numpy()
    np.fill_diagonal(dist, np.inf)
    expect = tuple(a for a, m in zip(d.ids, dist.min(axis=1)) if m > 800)
    assert d.islands == expect and 650000 in expect        # Urumqi is > 800 km from every capital
    np.testing.assert_array_equal(d.cardinalities, (dist <= 800).sum(axis=1))
    assert np.isfinite(d.sparse.data).all()
    full = inverse_distance_weights(data_dir=data_dir).full()
    assert full.loc[110000, 120000] > full.loc[110000, 650000]
    gdp = pd.Series(np.linspace(1, 10, 31) ** 1.3, index=list(w.ids))
    e = economic_distance_weights(gdp)
    assert np.allclose(e.sparse.sum(axis=1), 1)
    nst = nested_weights(gdp, phi=0.3, data_dir=data_dir)
    m = 0.3 * inverse_distance_weights(data_dir=data_dir).full() + 0.7 * e.full()
    np.testing.assert_allclose(nst.full().to_numpy(), m.to_numpy(), rtol=1e-12)
    # the economic values are part of the provenance (same name, other values: other digest)
    e2 = economic_distance_weights(gdp * 1.5)
    assert dict(e.provenance.inputs)["values"] != dict(e2.provenance.inputs)["values"]
    assert "values" in dict(nst.provenance.inputs)


def test_island_reported_never_nan(data_dir):
    w = rook_weights(data_dir)
    y = pd.Series(np.arange(31, dtype=float) ** 1.5, index=list(w.ids))
    with pytest.warns(DataQualityWarning, match="460000"):
        r = moran(y, w, permutations=99, seed=1)
    assert np.isfinite([r.I, r.z_rand, r.p_sim]).all() and r.islands == (460000,)
    with pytest.warns(DataQualityWarning):
        lm = local_moran(y, w, permutations=99, seed=1)
    i = w.ids.index(460000)
    assert lm.Is[i] == 0 and lm.labels[i] == "island" and np.isfinite(lm.p_sim).all()


def test_bad_input(data_dir):
    w = rook_weights(data_dir, link_hainan=True)
    y = pd.Series(np.arange(31, dtype=float), index=list(w.ids))
    with pytest.raises(SpecificationError, match="missing \\[650000\\]"):
        moran(y.drop(650000), w)
    with pytest.raises(SpecificationError, match="not in W \\[999999\\]"):
        moran(pd.concat([y, pd.Series([1.0], index=[999999])]), w)
    y2 = y.copy()
    y2[310000] = np.nan
    with pytest.raises(DataError, match="row 310000"):
        moran(y2, w)
    with pytest.raises(SpecificationError, match="31 units"):
        moran(np.arange(30.0), w)
    with pytest.raises(DataError, match="constant"):
        moran(np.ones(31), w)
    with pytest.raises(SpecificationError, match="non-negative"):
        weights_from_matrix(-np.eye(3), [1, 2, 3])
    with pytest.raises(SpecificationError, match="zero between"):
        economic_distance_weights(pd.Series([1.0, 1.0, 2.0], index=[1, 2, 3]))
    gdp = pd.Series(np.arange(1.0, 32.0), index=list(w.ids))
    with pytest.raises(SpecificationError, match="zero between 110000 and 120000"):
        economic_distance_weights(gdp.replace({2.0: 1.0}))
    from digitrace.data.provinces import province_names
    by_name = gdp.rename(index=province_names("cn"))
    np.testing.assert_allclose(economic_distance_weights(by_name).full().to_numpy(),
                               economic_distance_weights(gdp).full().to_numpy())


def test_names_resolve_and_public_api(data_dir):
    w = rook_weights(data_dir, link_hainan=True)
    from digitrace.data.provinces import province_names
    names = province_names("cn")
    y = pd.Series(np.arange(31, dtype=float) ** 2, index=[names[a] for a in w.ids])
    assert dt.moran(y, w, permutations=0).I == pytest.approx(
        moran(pd.Series(y.to_numpy(), index=list(w.ids)), w, permutations=0).I)
    assert dt.local_moran is local_moran
    assert sparse.issparse(w.sparse)


def test_live_esda_queen(crime, data_dir):
    esda = pytest.importorskip("esda")
    lp = pytest.importorskip("libpysal")
    import warnings
    lw = lp.io.open(str(data_dir / "reference" / "columbus" / "columbus.gal")).read()
    lw.transform = "r"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = esda.Moran(crime, lw, permutations=0)
        lm = esda.Moran_Local(crime, lw, permutations=0)
    r = moran(crime, lw, permutations=0)
    assert (r.I, r.EI) == (pytest.approx(m.I, rel=1e-13), pytest.approx(m.EI, rel=1e-15))
    assert r.z_rand == pytest.approx(m.z_rand, rel=1e-12) and r.z_norm == pytest.approx(m.z_norm, rel=1e-12)
    lr = local_moran(crime, lw, permutations=0)
    np.testing.assert_allclose(lr.Is, lm.Is, rtol=1e-12)
    np.testing.assert_array_equal(lr.q, lm.q)


def test_provenance_records_the_weights_pattern_not_only_values():
    """Two row-standardised W with identical non-zero values but different neighbours
    must not share a digest, and Moran's provenance records W, not only y."""
    from digitrace.spatial.weights import sparse_sha256, weights_from_matrix
    ring = np.roll(np.eye(6), 1, axis=1) + np.roll(np.eye(6), -1, axis=1)
    pairs = np.zeros((6, 6))
    for i, j in [(0, 3), (1, 4), (2, 5), (0, 1), (2, 3), (4, 5)]:
        pairs[i, j] = pairs[j, i] = 1.0
    a, b = weights_from_matrix(ring, ids=list(range(6))), weights_from_matrix(pairs, ids=list(range(6)))
    assert sorted(a._w.data) == sorted(b._w.data)
    assert sparse_sha256(a._w) != sparse_sha256(b._w)
    assert sparse_sha256(a._w) == sparse_sha256(a._w.toarray())
    y = np.arange(6.0) ** 2
    ra, rb = dt.moran(y, a, permutations=0), dt.moran(y, b, permutations=0)
    ins_a, ins_b = dict(ra.provenance.inputs), dict(rb.provenance.inputs)
    assert ins_a["y"] == ins_b["y"] and ins_a["W"] != ins_b["W"]
