"""digitrace.accounts: estimators on a hand-computed table, partition identities, reconciliation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.accounts import _kernels as K
from digitrace.accounts import digital_accounts, table_accounts
from digitrace.errors import DataError, DataQualityWarning, SpecificationError
from digitrace.io.table import IOTable

CODES = ["01", "02", "03"]


def hand_table(va_override=None):
    """3 sectors; Z rows supply; x = (10, 20, 10) so v = x − Σ_i z_ij = (6, 16, 5)."""
    Z = pd.DataFrame([[1.0, 2, 1], [2, 1, 3], [1, 1, 1]], index=CODES, columns=CODES)
    x = pd.Series([10.0, 20, 10], index=CODES)
    va = x - Z.sum() if va_override is None else pd.Series(va_override, index=CODES)
    dep = pd.Series([1.0, 2, 1], index=CODES)
    vc = pd.DataFrame({"compensation": va - dep, "net_taxes": 0.0, "depreciation": dep, "operating_surplus": 0.0})
    fd = pd.DataFrame({"FU201": [3.0, 5, 2]}, index=CODES)
    sec = pd.DataFrame({"name_en": ["digital", "traditional", "half"], "name_zh": ["d", "t", "h"]},
                       index=pd.Index(CODES, name="code"))
    return IOTable(Z=Z, final_demand=fd, va=va, va_components=vc, x=x, exports=x * 0, imports=x * 0,
                   sectors=sec, year=2012, unit="10k CNY", source="hand.csv",
                   final_demand_labels={"FU201": "gfcf"})


SHARES = pd.DataFrame({"01": [1.0, 0, 0.5], "02": 0.0, "03": 0.0, "04": 0.0}, index=CODES)


def _acc(est, **kw):
    f = table_accounts(hand_table(), est, shares=SHARES, source="user", **kw)
    return f.set_index("sector")


def test_core_va_hand():
    f = _acc("io_direct")
    np.testing.assert_allclose(f["di"], [6.0, 0.0, 2.5])


def test_io_direct_hand():
    # κ = s·GFCF/ΣGFCF = (3 + 0.5·2)/10 = 0.4
    # θ = (s·Z_j + κ d_j)/(ΣZ_j + d_j) = (1.9/5, 3.3/6, 1.9/6)
    f = _acc("io_direct")
    np.testing.assert_allclose(f["id"], [0.0, 0.55 * 16, 1.9 / 6 * 0.5 * 5])


def test_io_complete_matches_explicit_inverse():
    t = hand_table()
    A = t.Z.to_numpy() / t.x.to_numpy()[None, :]
    B = np.linalg.inv(np.eye(3) - A) - np.eye(3)
    s = SHARES.sum(axis=1).to_numpy()
    theta = (s @ B) / B.sum(axis=0)
    f = _acc("io_complete")
    np.testing.assert_allclose(f["id"], theta * (1 - s) * t.va.to_numpy())
    # one sector: B = a/(1-a), θ = s
    assert K.complete_digital_share(np.array([[0.3]]), np.array([0.25]))[0] == pytest.approx(0.25)


def test_caict_calibration_hand():
    # target 10% of GDP 27 = 2.7 spread over non-core VA (0, 16, 2.5) with one penetration rate
    f = _acc("caict", caict_id_gdp={2012: 10.0})
    np.testing.assert_allclose(f["id"], [0.0, 16 * 2.7 / 18.5, 2.5 * 2.7 / 18.5])
    k, phi = K.calibrate_penetration(np.array([10.0, 10]), np.array([0.5, 1.0]), 15.0)
    assert k == pytest.approx(1.0) and list(phi) == pytest.approx([0.5, 1.0])
    with pytest.raises(ValueError, match="exceeds"):
        K.calibrate_penetration(np.array([10.0, 10]), np.array([0.5, 1.0]), 21.0)


def test_growth_kernels_hand():
    np.testing.assert_allclose(K.pim(np.array([10.0, 10, 10]), 0.1, g0=0.0), [100, 100, 100])
    np.testing.assert_allclose(K.pim(np.array([10.0, 10, 10]), 0.1), [100, 100, 100])  # g from data = 0
    np.testing.assert_allclose(K.user_cost(np.array([1.0, 1.0]), 0.05, 0.2), [0.25, 0.25])
    np.testing.assert_allclose(K.user_cost(np.array([1.0, 1.1]), 0.05, 0.2)[1], 0.05 + 0.22 - 0.1)
    g = K.tornqvist_growth(np.array([[1.0, 1.0], [np.e, 1.0]]), np.array([[0.5, 0.5], [0.5, 0.5]]))
    assert np.isnan(g[0]) and g[1] == pytest.approx(0.5)


def test_partition_identity_hand():
    for est in ("io_direct", "io_complete"):
        f = _acc(est)
        np.testing.assert_allclose(f["di"] + f["id"] + f["remainder"], f["va"])
        assert (f[["di", "id", "remainder"]] >= 0).all().all()


def test_bad_shares_and_negative_va():
    bad = SHARES.copy()
    bad.loc["03", "02"] = 0.7  # 0.5 + 0.7 > 1
    with pytest.raises(DataError, match=r"hand\.csv, row 03: core shares outside \[0, 1\] for sectors 03 \(1\.2\)"):
        table_accounts(hand_table(), "io_direct", shares=bad)
    with pytest.warns(DataQualityWarning, match=r"negative value added in sectors 02 \(-1\)"):
        f = table_accounts(hand_table(va_override=[6.0, -1.0, 5.0]), "io_direct", shares=SHARES)
    row = f.set_index("sector").loc["02"]
    assert row["di"] == 0 and row["id"] == 0
    with pytest.raises(SpecificationError, match="unknown estimator"):
        table_accounts(hand_table(), "magic", shares=SHARES)


def test_missing_year_lists_years(data_dir):
    with pytest.raises(DataError, match=r"no IO table for 2019; tables exist for .*2018, 2020"):
        digital_accounts(data_dir, years=[2019], estimator="io")


@pytest.fixture(scope="module")
def acc(data_dir):
    return digitrace.digital_accounts(data_dir, estimator="all")


def test_real_partition_identities(acc):
    f = acc.to_frame()
    assert set(f["estimator"]) == {"io_direct", "io_complete", "growth_lb", "growth_pz", "caict"}
    np.testing.assert_allclose(f["di"] + f["id"] + f["remainder"], f["va"].clip(lower=0), rtol=1e-9, atol=1e-6)
    assert (f[["di", "id"]] >= 0).all().all() and (f["remainder"] >= -1e-6).all()
    t = acc.totals()
    np.testing.assert_allclose(t["de"], t["di"] + t["id"])
    np.testing.assert_allclose(t["id_share_de"], 100 * t["id"] / t["de"])
    assert set(t.loc[t["source"] == "oecd", "year"]) == set(range(1995, 2019))


def test_peng_zhao_cumulation_identity(acc):
    g = acc.growth_series
    inc = g["id_pz"].diff().iloc[1:]
    np.testing.assert_allclose(inc, (g["contribution_rate"] * g["va_noncore"].diff()).iloc[1:], rtol=1e-10)
    assert g["id_pz"].iloc[0] == pytest.approx(g["id_lb"].iloc[0])


def test_core_share_against_nbs(acc):
    """Targets of issue 3 (see tests/reference/accounts/README.md)."""
    r = acc.reconcile()
    core = r[r["metric"] == "di_share_gdp"].set_index(["figure", "table"])
    for fig, tab in [("nbs_2017_core_gdp", "china_2017_149"), ("nbs_2018_core_gdp", "china_2018_42"),
                     ("nbs_2020_core_gdp", "china_2020_153"), ("nbs_2017_core_gdp", "china_2017_42"),
                     ("nbs_2015_core_gdp", "china_2015_42")]:
        assert abs(core.loc[(fig, tab), "deviation_pp"]) <= 1.0, (fig, tab)
    # regression values of this implementation (README)
    assert core.loc[("nbs_2017_core_gdp", "china_2017_149"), "ours"] == pytest.approx(7.937, abs=0.005)
    assert core.loc[("nbs_2020_core_gdp", "china_2020_153"), "ours"] == pytest.approx(8.416, abs=0.005)
    no_table = r[r["figure"] == "nbs_2023_core_gdp"].iloc[0]
    assert not no_table["comparable"] and "no NBS IO table for 2023" in no_table["reason"]


def test_reconcile_flags(acc):
    r = acc.reconcile()
    assert set(r["figure"]) == set(digitrace.accounts.published.published_figures()["id"])
    bea = r[r["figure"] == "bea_2021_de_gdp"].iloc[0]
    assert not bea["comparable"] and "no NBS IO table for 2021" in bea["reason"]
    glob = r[r["figure"] == "caict_2019_global_id_de"].iloc[0]
    assert not glob["comparable"]
    xz = r[r["figure"] == "xuzhang_2017_de_gdp"]
    assert (~xz["comparable"]).all() and xz["reason"].str.contains("narrow").all()
    # Xu & Zhang's 6.46 % is the digital economy (DE), not the core: compared with our de = di + id
    x0 = xz[(xz["table"] == "china_2017_149") & (xz["estimator"] == "io_direct")].iloc[0]
    t = acc.totals().query("table == 'china_2017_149' and estimator == 'io_direct'").iloc[0]
    assert x0["metric"] == "de_share_gdp" and x0["ours"] == pytest.approx(100 * t["de"] / t["gdp"])
    cal = r[(r["figure"] == "caict_2020_id_gdp") & (r["estimator"] == "caict")]
    assert (cal["ours"].round(6) == 31.2).all() and not cal["comparable"].any()
    cn = r[(r["figure"] == "cainiu_2018_di")].iloc[0]
    assert cn["ours"] == pytest.approx(7.226, abs=0.01)  # trn yuan, 2018 42-sector table


def test_2020_band_and_caict_outside(acc):
    b = acc.band(2020).query("table == 'china_2020_153'").set_index("estimator")["id_share_gdp"]
    lo, hi = b.drop("caict").min(), b.drop("caict").max()
    assert lo == pytest.approx(2.925, abs=0.01) and hi == pytest.approx(7.788, abs=0.01)
    assert b["caict"] == pytest.approx(31.2) and b["caict"] > hi


def test_ict_hardware_gfcf_share_nbs_vs_oecd(data_dir):
    """Cross-check of the growth inputs: digital-manufacturing (01) share of GFCF, NBS table vs OECD same year."""
    import digitrace.classify as dc
    from digitrace.data.io_tables import io_catalog, load_io_year, load_oecd_iot

    oecd = io_catalog(data_dir).query("source == 'oecd'")["path"].iloc[0]
    for year, n in [(2002, 122), (2005, 42), (2010, 41), (2015, 42), (2017, 149)]:
        t = load_io_year(data_dir, year, n)
        g = t.final_demand["FU201"].reindex(t.codes)
        k_nbs = (dc.sectors(t)["share_01"] * g).sum() / g.sum()
        o = load_oecd_iot(oecd, year)
        go = o.final_demand["GFCF"]
        k_oecd = (dc.sectors(o)["share_01"] * go).sum() / go.sum()
        assert abs(k_nbs - k_oecd) < 0.01, (year, k_nbs, k_oecd)


def test_no_caict_target_warns_and_empty_result_reconciles(data_dir):
    from digitrace.errors import DigitraceWarning

    with pytest.warns(DigitraceWarning, match=r"caict: no calibration target .* 2005, 2016, 2018, 2019, 2020"):
        a = digital_accounts(data_dir, sources=("oecd",), estimator="caict", years=[1995])
    assert a.to_frame().empty and list(a.to_frame().columns)[:3] == ["year", "source", "table"]
    assert a.totals().empty and a.core_mix().empty
    r = a.reconcile()                                    # used to raise IndexError on an empty result
    assert len(r) == len(digitrace.accounts.published.published_figures()) and not r["comparable"].any()
