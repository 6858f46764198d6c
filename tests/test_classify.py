"""digitrace.classify: package data, concordance coverage, vintage detection, lookup, data check."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace.classify as dc
from digitrace.classify.check import check_files
from digitrace.errors import DataError, SpecificationError
from digitrace.io.table import IOTable

VINTAGES = ["nbs122", "nbs42_2005", "nbs41", "nbs42_2015", "nbs42", "nbs149", "nbs153", "oecd45"]


def test_classification_complete_with_english_names():
    c = dc.classification()
    assert c["level"].value_counts().to_dict() == {"sub": 156, "mid": 32, "major": 5}
    assert (c["name_en"].str.len() > 0).all()
    assert c.loc["0101", "name_en"] == "Computer manufacturing"
    # confidence carried through: high for core, low for 050904-050907
    assert set(c.loc[c["scope"] == "core", "confidence"]) == {"high"}
    assert c.loc["050905", "confidence"] == "low" and c.loc["0509", "confidence"] == "low"
    assert c.loc["050204", "invalid_gbt_codes"] == "2017"


@pytest.mark.parametrize("vintage", VINTAGES)
def test_concordance_covers_every_sector_and_shares_le_1(vintage):
    conc = dc.concordance(vintage)
    sectors = dc.vintages().query("vintage == @vintage")["sector"]
    assert len(sectors) > 0
    assert set(sectors) == set(conc["sector"]), "every IO sector has at least one cell"
    assert conc["share"].between(0, 1).all()
    tot = conc.groupby("sector")["share"].sum()
    assert (tot <= 1 + 1e-9).all()
    assert (conc["basis"].str.len() > 10).all()
    assert set(conc["confidence"]) <= {"high", "medium", "low"}
    assert set(conc["kind"]) <= {"core", "scope"}


def test_fine_vintages_partition_each_sector():
    # in the 149/153 concordances core + 05 scope = the whole sector
    for v in ("nbs149", "nbs153"):
        tot = dc.concordance(v).groupby("sector")["share"].sum()
        np.testing.assert_allclose(tot, 1.0, atol=1e-9)


def test_known_sector_shares():
    c = dc.core_shares("nbs153")
    assert c.loc["090"].sum() == pytest.approx(1.0)       # 计算机
    assert c.loc["125", "03"] == pytest.approx(1.0)       # 电信
    assert c.loc["127"].sum() == pytest.approx(1.0)       # 互联网和相关服务 (03 + 04)
    assert c.loc["127", "04"] == pytest.approx(5 / 12)    # 5 platform classes of 12
    assert c.loc["001"].sum() == 0.0                      # 农产品
    # 零售: 5244, 5273, 5274 (02) and 5292 (04) of the GB/T 52 classes
    n52 = 63
    assert c.loc["110", "02"] == pytest.approx(3 / n52) and c.loc["110", "04"] == pytest.approx(1 / n52)


def test_lookup_gbt_and_sector_codes():
    d = dc.lookup(["3911", "nbs153:125"])
    assert d.iloc[0]["nbs_code"] == "010101"
    sec = d[d["query"] == "nbs153:125"]
    assert sec["share"].sum() == pytest.approx(1.0)
    with pytest.raises(SpecificationError, match="9999"):
        dc.lookup(["9999"])
    # a division (or group) inherits the 05 rows that list its section letter, like its classes do
    cls4 = set(dc.lookup(["3911"])["nbs_code"])
    for q in ("39", "391"):
        got = set(dc.lookup([q])["nbs_code"])
        assert "050204" in got and "010101" in got, q
    assert "050204" in cls4


def _tiny_table(names):
    codes = [f"{i + 1:02d}" for i in range(len(names))]
    n = len(codes)
    Z = pd.DataFrame(np.full((n, n), 1.0), index=codes, columns=codes)
    x = pd.Series(10.0, index=codes)
    va = x - Z.sum()
    fd = pd.DataFrame({"FU201": x - Z.sum(axis=1)}, index=codes)
    vc = pd.DataFrame({"compensation": va, "net_taxes": 0.0, "depreciation": 0.0, "operating_surplus": 0.0})
    sec = pd.DataFrame({"name_en": names, "name_zh": names}, index=pd.Index(codes, name="code"))
    return IOTable(Z=Z, final_demand=fd, va=va, va_components=vc, x=x, exports=x * 0, imports=x * 0,
                   sectors=sec, year=2012, unit="10k CNY", source="tiny.csv",
                   final_demand_labels={"FU201": "gfcf"})


def test_unmapped_sectors_error_lists_them():
    t = _tiny_table(["农产品", "月球采矿", "量子服务"])
    with pytest.raises(DataError, match=r"unmapped sectors: 01 农产品; 02 月球采矿; 03 量子服务"):
        dc.detect_vintage(t)


def test_real_tables_detected(data_dir):
    from digitrace.data.io_tables import load_io_year

    for year, n, v in [(2002, 122, "nbs122"), (2010, 41, "nbs41"), (2017, 149, "nbs149"), (2018, 42, "nbs42")]:
        t = load_io_year(data_dir, year, n)
        assert dc.detect_vintage(t) == v
        s = dc.sectors(t)
        assert list(s.index) == t.codes
        assert s["core_share"].between(0, 1).all()


def test_check_files_reports_invalid_code(data_dir):
    rep = check_files(data_dir).set_index("file")
    row = rep[rep.index.str.endswith("nbs_digital_economy_2021.csv")].iloc[0]
    assert "2017 under 050204" in row["defects"]
    assert row["checks_failed"] == 2 and row["checks_passed"] == 3
    assert "no GB/T code for 020500, 030502, 040504" in row["defects"]
    assert rep.iloc[0]["checks_failed"] == 0  # GB/T file itself is clean


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, digitrace.classify, digitrace.accounts, digitrace.cli.accounts, digitrace.cli.classify;"
            "heavy = {'matplotlib', 'dask', 'pyfixest', 'duckdb', 'jinja2', 'libpysal', 'scipy', 'statsmodels'};"
            "print(sorted(heavy & set(sys.modules)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_package_data_rebuilds_identically(data_dir, tmp_path):
    """The shipped CSVs are exactly what _build writes from the shared data (no hand edits, no drift)."""
    from importlib import resources

    from digitrace.classify import _build

    _build.main(data_dir, tmp_path)
    for name in ("nbs2021.csv", "concordance.csv", "vintages.csv"):
        shipped = resources.files("digitrace").joinpath("_pkgdata", "classification", name).read_text("utf-8")
        assert (tmp_path / name).read_text("utf-8") == shipped, name
