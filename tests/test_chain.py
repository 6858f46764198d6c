"""Chain-reshaping measures on a hand-built 3-sector table and on the real tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digitrace.chain import kernels as C
from digitrace.io.table import IOTable


ROLES = pd.Series({"1": "other", "2": "manufacturing", "3": "rnd"})


def three_sector(order=("1", "2", "3")) -> IOTable:
    """Sector 3 is digital. Z, f and v chosen so that the table balances.

    Z = [[20, 30, 10], [40, 10, 20], [10, 20, 5]], f = [40, 30, 15] (household 30/20/10,
    GFCF 10/10/5), x = [100, 100, 50]; VA = x − column sums = [30, 40, 15].
    """
    codes = ["1", "2", "3"]
    Z = pd.DataFrame([[20, 30, 10], [40, 10, 20], [10, 20, 5]], index=codes, columns=codes, dtype=float)
    F = pd.DataFrame({"FU101": [30.0, 20, 10], "FU201": [10.0, 10, 5]}, index=codes)
    x = pd.Series([100.0, 100, 50], index=codes)
    va = x - Z.sum(axis=0)
    names = pd.DataFrame({"name_en": ["Farming", "Manufacturing", "Software"],
                          "name_zh": ["农产品", "设备", "软件服务"]}, index=codes)
    perm = list(order)
    t = IOTable(Z=Z.loc[perm, perm], final_demand=F.loc[perm], va=va[perm],
                va_components=pd.DataFrame({"compensation": va[perm]}), x=x[perm],
                exports=pd.Series(0.0, index=perm), imports=pd.Series(0.0, index=perm),
                sectors=names.loc[perm], year=2020, unit="10k CNY", source="",
                final_demand_labels={"FU101": "household", "FU201": "gfcf"})
    return t


def test_kernel_values_by_hand():
    t = three_sector()
    A = t.Z.to_numpy() / t.x.to_numpy()
    s = np.array([0.0, 0.0, 1.0])
    # direct intensity of sector 1 = a_31 = 10/100
    np.testing.assert_allclose(C.direct_intensity(A, s), [0.10, 0.20, 0.10])
    Z = t.Z.to_numpy()
    np.testing.assert_allclose(C.input_share(Z, s), [10 / 70, 20 / 60, 5 / 35])
    L = np.linalg.inv(np.eye(3) - A)
    comp = C.complete_intensity(L, s)
    assert np.all(comp >= C.direct_intensity(A, s) - 1e-15)
    np.testing.assert_allclose(comp, L[2] - np.eye(3)[2])


def test_final_demand_content_sums_correctly():
    t = three_sector()
    A = t.Z.to_numpy() / t.x.to_numpy()
    L = np.linalg.inv(np.eye(3) - A)
    v = (t.va / t.x).to_numpy()
    F = t.final_demand.to_numpy()
    c_dig = C.final_demand_content(L, v, np.array([0, 0, 1.0]), F)
    c_rest = C.final_demand_content(L, v, np.array([1.0, 1, 0]), F)
    np.testing.assert_allclose(c_dig + c_rest, 1.0)
    # all final demand together: digital VA share of GDP = 15/85
    np.testing.assert_allclose(C.final_demand_content(L, v, np.array([0, 0, 1.0]), F.sum(axis=1, keepdims=True)), [15 / 85])


def test_upstreamness_downstreamness_at_least_one():
    t = three_sector()
    Z, x = t.Z.to_numpy(), t.x.to_numpy()
    G = np.linalg.inv(np.eye(3) - Z / x[:, None])
    L = np.linalg.inv(np.eye(3) - Z / x)
    assert np.all(C.upstreamness(G) >= 1) and np.all(C.downstreamness(L) >= 1)
    pr = C.pagerank(Z / x)
    assert pr.sum() == pytest.approx(1.0) and np.all(pr > 0)
    from digitrace.errors import ConvergenceError

    with pytest.raises(ConvergenceError, match="did not converge in 1 iterations"):
        C.pagerank(Z / x, max_iter=1)


def test_chain_measures_identities_and_extraction():
    from digitrace.chain import chain_measures

    res = chain_measures(three_sector(), digital=["3"], roles=ROLES)
    s = res.sectors
    assert (s["complete"] >= s["direct"] - 1e-12).all()
    assert (s["extraction_output_loss"].fillna(0) >= -1e-9).all()
    assert res.network["extraction_output_loss_share"] > 0
    # value added lost = VA coefficient × output lost; by hand for the 3-sector table
    t = three_sector()
    Z, x = t.Z.to_numpy(), t.x.to_numpy()
    A = Z / x
    Ab = A.copy()
    Ab[2, :] = 0.0
    Ab[:, 2] = 0.0
    xb = np.linalg.solve(np.eye(3) - Ab, x - Z.sum(axis=1))
    np.testing.assert_allclose(s["extraction_output_loss"], x - xb, rtol=1e-12)
    np.testing.assert_allclose(s["extraction_va_loss"], (t.va / t.x).to_numpy() * (x - xb), rtol=1e-12)
    assert res.network["extraction_va_loss_share"] == pytest.approx(((t.va / t.x).to_numpy() * (x - xb)).sum() / 85)
    long = res.to_frame()
    assert set(long.columns) == {"year", "source", "sector", "indicator", "value"}
    ch = res.channels()
    assert set(ch["channel"]) == {"rnd", "production", "consumption", "collaboration"}


def test_invariant_to_sector_ordering():
    from digitrace.chain import chain_measures

    a = chain_measures(three_sector(), digital=["3"], roles=ROLES)
    b = chain_measures(three_sector(order=("3", "1", "2")), digital=["3"], roles=ROLES)
    cols = ["direct", "complete", "input_share", "backward", "forward", "pagerank", "eigenvector",
            "upstreamness", "downstreamness", "extraction_output_loss", "extraction_va_loss"]
    pd.testing.assert_frame_equal(a.sectors[cols].sort_index(), b.sectors[cols].sort_index(), rtol=1e-10, atol=1e-12)
    pd.testing.assert_series_equal(a.network, b.network, rtol=1e-10)
    pd.testing.assert_series_equal(a.final_demand, b.final_demand, rtol=1e-10)


def test_bad_digital_input_is_clear():
    from digitrace.chain import chain_measures
    from digitrace.errors import DigitraceError

    with pytest.raises(DigitraceError, match="not in the 2020 table: 99"):
        chain_measures(three_sector(), digital=["99"])
    with pytest.raises(DigitraceError, match=r"\[0, 1\]"):
        chain_measures(three_sector(), digital=pd.Series({"3": 1.5}))
    with pytest.raises(DigitraceError, match="no digital sector"):
        chain_measures(three_sector(), digital=pd.Series({"3": 0.0}))


@pytest.mark.parametrize("name", ["china_2017_149", "china_2017_42", "china_2002_122"])
def test_real_tables_identities(data_dir, name):
    import digitrace as dt
    from digitrace.chain import chain_measures

    t = dt.load_io_table(data_dir / "io" / "nbs" / f"{name}.csv")
    res = chain_measures(t)
    s = res.sectors
    assert (s["complete"] >= s["direct"] - 1e-12).all()
    assert (s["extraction_output_loss"] >= -1e-6 * s["output"]).all()
    assert 0 < res.final_demand["consumption"] < 1
    assert res.network["n_digital_sectors"] >= 1
    # every role the channels need exists in every vintage
    assert {"rnd", "manufacturing", "trade"} <= set(s["role"])
    assert res.channels()["value"].notna().all()
    prov = res.provenance
    assert prov.inputs[0][0].endswith(f"{name}.csv") and len(prov.inputs[0][1]) == 64
    assert prov.params["year"] == t.year and prov.params["digital_sectors"]


def test_oecd_provenance_names_file_and_year(data_dir):
    from digitrace.chain import chain_measures
    from digitrace.data.io_tables import load_oecd_iot

    res = chain_measures(load_oecd_iot(data_dir / "io" / "oecd" / "OECD2021ed_IOT_CHN_1995_2018_45sec.csv", 2010))
    (label, sha), = res.provenance.inputs
    assert label.endswith("#year=2010") and len(sha) == 64   # was empty: "path#year" is not a file


def test_cli_chain_writes_long_and_channels(data_dir, tmp_path):
    import subprocess
    import sys

    import os

    out = tmp_path / "chain.csv"
    # FORCE_COLOR makes rich draw its progress bar although stdout is a pipe: it must go to stderr
    r = subprocess.run([sys.executable, "-m", "digitrace", "chain", "--data", str(data_dir), "--sources", "nbs",
                        "--format", "csv", "--out", str(out)], capture_output=True, text=True,
                       env={**os.environ, "FORCE_COLOR": "1"})
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and "wrote" in r.stderr
    long = pd.read_csv(out, dtype={"sector": str})
    assert list(long.columns) == ["year", "source", "sector", "indicator", "value"]
    ch = pd.read_csv(tmp_path / "chain_channels.csv")
    assert set(ch["channel"]) == {"rnd", "production", "consumption", "collaboration"}
    io = ch[ch["source"] != "gov_work_report"]
    assert sorted(io["year"].unique()) == [2002, 2005, 2010, 2015, 2017, 2018, 2020]
    assert (ch["source"] == "gov_work_report").any()   # text evidence is on by default


def test_threshold_and_source_errors_are_clear(data_dir):
    from digitrace.chain import chain_measures, chain_panel
    from digitrace.errors import DigitraceError, SpecificationError

    with pytest.raises(DigitraceError, match=r"no sector .* digital share >= threshold 0\.9 \(largest 0\.6 in sector 3\)"):
        chain_measures(three_sector(), digital=pd.Series({"3": 0.6}), threshold=0.9, roles=ROLES)
    with pytest.raises(SpecificationError, match="unknown source 'foo'"):
        chain_panel(data_dir, sources=("nbs", "foo"))


def test_channel_text_evidence_from_work_reports(data_dir):
    from digitrace.chain import channel_text_evidence

    ev = channel_text_evidence(data_dir)
    assert list(ev.columns) == ["year", "source", "channel", "indicator", "value"]
    assert set(ev["channel"]) == {"rnd", "production", "consumption", "collaboration"}
    n = ev[ev.indicator == "mentions"].groupby("year")["value"].sum()
    assert n.loc[:1999].sum() == 0          # platform/crowdsourcing vocabulary is recent
    assert n.loc[2015:].sum() > 0
    per = ev[ev.indicator == "mentions_per_10k_chars"]
    assert (per["value"] >= 0).all()
