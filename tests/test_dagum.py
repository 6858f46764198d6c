"""Dagum (1997) decomposition: identity, brute-force equality, special cases, bootstrap,
panel and bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace as dt
from digitrace.disparity._dagum_kernel import dagum_bruteforce
from digitrace.errors import DataError, DataQualityWarning

# inequality 1.1.2 Gini(mexico pcgdp1940) (see tests/reference/disparity/README.md)
GINI_1940 = 0.3537237117345285


def _data(seed=0, sizes=(3, 7, 12, 2, 25)):
    rng = np.random.default_rng(seed)
    g = np.concatenate([np.full(s, i) for i, s in enumerate(sizes)])
    y = rng.lognormal(0, 0.8, g.size) * (1 + 0.3 * g)
    return y, g


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identity_and_bruteforce(seed):
    y, g = _data(seed)
    r = dt.dagum_gini(y, g)
    assert r.total == pytest.approx(r.within + r.between + r.transvariation, abs=1e-12)
    b = dagum_bruteforce(y, g, 5)
    for ours, ref in [(r.total, b["G"]), (r.within, b["G_w"]), (r.between, b["G_nb"]),
                      (r.transvariation, b["G_t"])]:
        assert ours == pytest.approx(ref, rel=1e-11, abs=1e-14)
    np.testing.assert_allclose(r.G_jh, b["Gjh"], rtol=1e-11)
    np.testing.assert_allclose(r.D_jh, b["D"], rtol=1e-10, atol=1e-14)


def test_bruteforce_independent_of_ordering_and_labels():
    y, g = _data(5)
    perm = np.random.default_rng(1).permutation(y.size)
    labels = np.array(["E", "C", "W", "NE", "X"])[g]
    r1 = dt.dagum_gini(y, labels)
    r2 = dt.dagum_gini(y[perm], labels[perm])
    assert r1.total == pytest.approx(r2.total, rel=1e-13)
    assert r1.between == pytest.approx(r2.between, rel=1e-13)


def test_single_group_is_plain_gini():
    rng = np.random.default_rng(4)
    y = rng.gamma(2.0, size=101)
    r = dt.dagum_gini(y, np.zeros(101))
    plain = np.abs(y[:, None] - y[None, :]).sum() / (2 * y.size**2 * y.mean())
    assert r.total == pytest.approx(plain, rel=1e-12)
    assert r.within == pytest.approx(plain, rel=1e-12)
    assert r.between == 0 and r.transvariation == 0


def test_mexico_gini_matches_inequality(data_dir):
    df = pd.read_csv(data_dir / "reference" / "mexico_state_pcgdp_1940_2000.csv")
    r = dt.dagum_gini(df["pcgdp1940"], df["hanson98"])
    assert r.total == pytest.approx(GINI_1940, rel=1e-12)
    assert r.total == pytest.approx(r.within + r.between + r.transvariation, abs=1e-12)


def test_D_properties_and_ordering():
    # fully separated groups: no transvariation, D = 1
    y = np.array([1.0, 2, 3, 10, 11, 12])
    g = np.array([0, 0, 0, 1, 1, 1])
    r = dt.dagum_gini(y, g)
    assert r.D_jh[1, 0] == pytest.approx(1.0)
    assert r.transvariation == pytest.approx(0.0, abs=1e-15)
    f = r.to_frame()
    pair = f[f.term == "G_jh"].iloc[0]
    assert pair.group_j == "1" and pair.group_h == "0"    # richer group first
    assert f.loc[f.term.isin(["G_w", "G_nb", "G_t"]), "contribution"].sum() == pytest.approx(1)


def test_weights_equal_replication():
    y, g = _data(7, sizes=(4, 5, 6))
    w = np.random.default_rng(2).integers(1, 5, y.size)
    r = dt.dagum_gini(y, g, weights=w)
    rr = dt.dagum_gini(np.repeat(y, w), np.repeat(g, w))
    for a in ["total", "within", "between", "transvariation"]:
        assert getattr(r, a) == pytest.approx(getattr(rr, a), rel=1e-12)


def test_bootstrap_reproducible_and_covers():
    y, g = _data(3)
    r1 = dt.dagum_gini(y, g, bootstrap=200, seed=11)
    r2 = dt.dagum_gini(y, g, bootstrap=200, seed=11)
    f = r1.to_frame()
    pd.testing.assert_frame_equal(f, r2.to_frame())
    assert {"ci_low", "ci_high", "se"} <= set(f.columns)
    assert r1.draws.shape == (200, len(f))
    # each draw obeys the identity
    np.testing.assert_allclose(r1.draws[:, 0], r1.draws[:, 1:4].sum(axis=1), atol=1e-12)
    assert (f.ci_low <= f.ci_high).all()
    assert not r1.to_frame().equals(dt.dagum_gini(y, g, bootstrap=200, seed=12).to_frame())


def test_panel_dataframe_api():
    y, g = _data(1, sizes=(5, 6, 7))
    df = pd.DataFrame({"v": np.r_[y, y * 2 + 1], "r": np.r_[g, g], "t": [2020] * y.size + [2021] * y.size})
    p = dt.dagum_gini(df, value="v", group="r", time="t")
    assert list(p.total.index) == [2020, 2021]
    assert p[2020].total == pytest.approx(dt.dagum_gini(y, g).total)
    assert set(p.to_frame()["period"]) == {2020, 2021}
    assert p.wide().shape == (2, 7)


def test_singleton_group_convention():
    y = np.array([1.0, 2.0, 3.0, 9.0])
    g = np.array([0, 0, 0, 1])
    with pytest.warns(DataQualityWarning, match="one member"):
        r = dt.dagum_gini(y, g)
    assert r.G_jh[1, 1] == 0.0
    assert r.total == pytest.approx(r.within + r.between + r.transvariation, abs=1e-12)
    dt.dagum_gini(y, g, singletons="zero")
    with pytest.raises(DataError, match="needs two"):
        dt.dagum_gini(y, g, singletons="raise")


def test_bad_input():
    with pytest.raises(DataError, match="non-negative"):
        dt.dagum_gini([1.0, -1.0, 2.0], [0, 0, 1])
    with pytest.raises(DataError, match="row 1"):
        dt.dagum_gini([1.0, np.nan, 2.0], [0, 0, 1])
    with pytest.raises(DataError, match="missing label"):
        dt.dagum_gini([1.0, 2.0, 2.0], [0, None, 1])
    with pytest.raises(DataError, match="zero"):
        dt.dagum_gini([0.0, 0.0, 0.0], [0, 0, 1], singletons="zero")


def test_mexico_1940_regression_fixture(data_dir):
    # shared-data MANIFEST-2: Dagum by hanson98 regions derived (not published) for 1940:
    # G_w 0.0597, G_nb 0.1407, G_t 0.1534; shares 16.9 / 39.8 / 43.4 %
    df = pd.read_csv(data_dir / "reference" / "mexico_state_pcgdp_1940_2000.csv")
    r = dt.dagum_gini(df["pcgdp1940"], df["hanson98"])
    assert (round(r.within, 4), round(r.between, 4), round(r.transvariation, 4)) == (0.0597, 0.1407, 0.1534)
    shares = [round(100 * x / r.total, 1) for x in (r.within, r.between, r.transvariation)]
    assert shares == [16.9, 39.8, 43.4]


def test_property_ties_and_identity():
    hyp = pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), min_size=2, max_size=40))
    def check(pairs):
        y = np.array([p[0] for p in pairs], dtype=float)
        g = np.array([p[1] for p in pairs])
        if y.sum() == 0:
            return
        codes = np.unique(g, return_inverse=True)[1]
        k = codes.max() + 1
        r = dt.dagum_gini(y, g, singletons="zero")
        b = dagum_bruteforce(y, codes, k)
        assert r.total == pytest.approx(r.within + r.between + r.transvariation, abs=1e-12)
        if (np.bincount(codes) > 0).all() and all(y[codes == j].mean() > 0 for j in range(k)):
            assert r.total == pytest.approx(b["G"], abs=1e-12)
            assert r.between == pytest.approx(b["G_nb"], abs=1e-12)
            assert r.transvariation == pytest.approx(b["G_t"], abs=1e-12)

    del hyp
    check()


def test_exact_rational_example_by_pair_loops():
    """Reviewer's check, independent of the kernel and of ``dagum_bruteforce``: Dagum's
    formulas evaluated pair by pair in exact rational arithmetic on a tiny example."""
    from fractions import Fraction as F
    groups = {"A": [F(1), F(2)], "B": [F(3), F(5), F(7)], "C": [F(4)]}
    allv = [v for g in groups.values() for v in g]
    n, ybar = len(allv), sum(allv) / len(allv)
    G = sum(abs(a - b) for a in allv for b in allv) / (2 * n * n * ybar)
    mean = {k: sum(v) / len(v) for k, v in groups.items()}
    p = {k: F(len(v), n) for k, v in groups.items()}
    s = {k: len(v) * mean[k] / (n * ybar) for k, v in groups.items()}
    Gw = sum(sum(abs(a - b) for a in v for b in v) / (2 * len(v) ** 2 * mean[k]) * p[k] * s[k]
             for k, v in groups.items())
    Gnb = Gt = F(0)
    keys = sorted(groups, key=lambda k: mean[k])
    for i, h in enumerate(keys):          # h poorer, j richer
        for j in keys[i + 1:]:
            yj, yh = groups[j], groups[h]
            Gjh = sum(abs(a - b) for a in yj for b in yh) / (len(yj) * len(yh) * (mean[j] + mean[h]))
            d = sum(max(a - b, 0) for a in yj for b in yh) / (len(yj) * len(yh))
            pp = sum(max(b - a, 0) for a in yj for b in yh) / (len(yj) * len(yh))
            D = F(d - pp) / F(d + pp)
            Gnb += Gjh * (p[j] * s[h] + p[h] * s[j]) * D
            Gt += Gjh * (p[j] * s[h] + p[h] * s[j]) * (1 - D)
    assert G == Gw + Gnb + Gt            # exact identity
    y = np.array([float(v) for v in allv])
    g = np.repeat(list(groups), [len(v) for v in groups.values()])
    r = dt.dagum_gini(y, g, singletons="zero")
    assert r.total == pytest.approx(float(G), abs=1e-15)
    assert r.within == pytest.approx(float(Gw), abs=1e-15)
    assert r.between == pytest.approx(float(Gnb), abs=1e-15)
    assert r.transvariation == pytest.approx(float(Gt), abs=1e-15)


def test_provenance_records_groups_and_weights():
    y, g = _data(0)
    a = dict(dt.dagum_gini(y, g).provenance.inputs)
    b = dict(dt.dagum_gini(y, g[::-1].copy()).provenance.inputs)
    c = dict(dt.dagum_gini(y, g, weights=np.arange(1.0, y.size + 1)).provenance.inputs)
    assert a["y"] == b["y"] == c["y"]
    assert a["groups"] != b["groups"] and a["weights"] != c["weights"]


def test_panel_result_mapping_is_read_only():
    y, g = _data(1)
    df = pd.DataFrame({"y": np.r_[y, y * 1.1], "g": np.r_[g, g], "t": np.repeat([1, 2], y.size)})
    from digitrace.disparity import dagum_gini_panel
    r = dagum_gini_panel(df, value="y", group="g", time="t")
    with pytest.raises(TypeError):
        r.results[3] = r.results[1]
    assert list(r.results) == [1, 2]


def test_frozen_mapping_is_read_only_and_picklable():
    import pickle

    from digitrace._frozen import FrozenMapping

    m = FrozenMapping({"a": 1})
    with pytest.raises(TypeError):
        m["b"] = 2
    with pytest.raises(AttributeError):
        m._d = {}
    assert pickle.loads(pickle.dumps(m)) == {"a": 1}
