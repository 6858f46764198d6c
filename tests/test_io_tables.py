"""IO table loaders on the real NBS/OECD files, synthetic vintages and bad input."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from digitrace.data.io_tables import io_catalog, load_io_table, load_io_year, load_oecd_iot
from digitrace.data.io_writer import io_table_frame, write_io_table
from digitrace.errors import BalanceError, BalanceWarning, DataError
from digitrace.io import aggregate

NBS = ["china_2002_122.csv", "china_2005_42.csv", "china_2010_41.csv", "china_2015_42.csv",
       "china_2017_149.csv", "china_2017_42.csv", "china_2018_42.csv", "china_2020_153.csv",
       "china_2020_42.csv"]
OECD = "OECD2021ed_IOT_CHN_1995_2018_45sec.csv"
TRN = 1e8  # 万元 per trillion yuan


@pytest.fixture(scope="module")
def nbs(data_dir):
    return {f: load_io_table(data_dir / "io" / "nbs" / f) for f in NBS}


@pytest.mark.parametrize("fname", NBS)
def test_every_nbs_table_loads_and_balances(nbs, fname):
    t = nbs[fname]
    year, n = map(int, re.findall(r"\d+", fname))
    assert t.year == year and t.n == n and t.unit == "10k CNY"
    assert all(isinstance(c, str) for c in t.codes)
    assert list(t.Z.index) == list(t.Z.columns) == list(t.x.index) == list(t.va.index)
    assert t.sectors["name_zh"].str.contains(r"[\u4e00-\u9fff]").all()
    assert (t.sectors["name_en"].str.len() > 0).all()
    rep = t.meta["balance"].to_frame()
    assert rep["passed"].all()
    assert {"column", "row", "Z>=0", "va_components"} <= set(rep.index)
    # identities recomputed here, independent of the checker
    x = t.x.to_numpy()
    zin = t.Z.to_numpy().sum(0) + (t.Z_imports.to_numpy().sum(0) if t.Z_imports is not None else 0)
    np.testing.assert_allclose(zin + t.va.to_numpy(), x, rtol=1e-9)
    rows = t.Z.to_numpy().sum(1) + t.final_demand.to_numpy().sum(1) - t.imports + t.errors
    np.testing.assert_allclose(rows, x, rtol=1e-9)
    np.testing.assert_allclose(t.va_components[["compensation", "net_taxes", "depreciation",
                                                "operating_surplus"]].sum(axis=1), t.va, rtol=1e-9)


def test_layout_quirks(nbs):
    assert "TFU" not in nbs["china_2005_42.csv"].meta["markers"]          # 2005: no TFU column
    assert "ERR" not in nbs["china_2017_149.csv"].meta["markers"]         # 149/153: no ERR
    assert (nbs["china_2017_149.csv"].errors == 0).all()
    t = nbs["china_2002_122.csv"]
    assert list(t.final_demand.columns) == ["FU101", "FU102", "FU103", "FU201", "FU202", "EX"]
    assert {"THC", "TC", "GCF", "TFU"} == set(t.meta["final_demand_subtotals_dropped"])
    assert t.final_demand_labels["FU103"] == "government" and t.final_demand_labels["EX"] == "exports"
    assert (t.imports > 0).sum() > 100 and (t.imports >= 0).all()
    np.testing.assert_allclose(t.exports, t.final_demand["EX"])


def test_noncompetitive_blocks(nbs):
    t = nbs["china_2017_42.csv"]
    assert t.kind == "noncompetitive" and t.Z_imports is not None
    assert t.Z_imports.shape == t.Z.shape and list(t.Z_imports.index) == t.codes
    assert list(t.final_demand.columns) == ["TC", "FU201", "FU202", "EX"]
    assert t.final_demand_labels["TC"] == "consumption"
    assert (t.imports == 0).all()
    m = t.meta["import_totals"]
    np.testing.assert_allclose(t.Z_imports.sum(axis=1) + t.final_demand_imports.sum(axis=1), m, rtol=1e-9)
    # agriculture: the domestic and imported rows of the file
    assert t.Z.loc["01", "01"] == pytest.approx(145853072.82364976)
    assert t.Z_imports.loc["01", "01"] == pytest.approx(984819.6, rel=1e-6)


@pytest.mark.parametrize("year,a,b,go,va", [
    (2017, "china_2017_149.csv", "china_2017_42.csv", 225.77, 82.32),
    (2020, "china_2020_153.csv", "china_2020_42.csv", 269.90, 101.64),
])
def test_cross_file_totals(nbs, year, a, b, go, va):
    for f in (a, b):
        assert nbs[f].x.sum() / TRN == pytest.approx(go, abs=0.005)
        assert nbs[f].va.sum() / TRN == pytest.approx(va, abs=0.005)
    assert nbs[a].x.sum() == pytest.approx(nbs[b].x.sum(), rel=1e-9)
    assert nbs[a].va.sum() == pytest.approx(nbs[b].va.sum(), rel=1e-9)


def test_2018_totals(nbs):
    t = nbs["china_2018_42.csv"]
    assert t.x.sum() / TRN == pytest.approx(249.55, abs=0.005)
    assert t.va.sum() / TRN == pytest.approx(92.21, abs=0.005)


def test_oecd_all_years(data_dir):
    path = data_dir / "io" / "oecd" / OECD
    t = load_oecd_iot(path, 2018)
    assert t.n == 45 and t.unit == "USD million" and t.year == 2018
    assert t.va.sum() / 1e3 == pytest.approx(12790, abs=1)      # manifest: VALU 2018 = 12 790 bn USD
    assert t.sectors.loc["34", "name_en"] == "Telecommunications"
    assert t.sectors.loc["34", "name_zh"] == "电信"
    assert (t.imports >= 0).sum() > 30
    for y in (1995, 2005, 2017):
        assert load_oecd_iot(path, y).meta["balance"].passed
    with pytest.raises(DataError, match=r"year 2030 not in the file; available 1995–2018"):
        load_oecd_iot(path, 2030)


def test_catalog_and_year(data_dir):
    cat = io_catalog(data_dir)
    nbs = cat[cat.source == "nbs"]
    assert set(nbs.year) == {2002, 2005, 2010, 2015, 2017, 2018, 2020}
    assert set(nbs.loc[nbs.kind == "noncompetitive", "year"]) == {2017, 2018, 2020}
    assert dict(zip(nbs.path.str.extract(r"(china_\d+_\d+)")[0], nbs.n_sectors))["china_2020_153"] == 153
    assert set(cat.loc[cat.source == "oecd", "year"]) == set(range(1995, 2019))
    assert load_io_year(data_dir, 2017).n == 149
    assert load_io_year(data_dir, 2017, n_sectors=42).kind == "noncompetitive"
    assert load_io_year(data_dir, 2010, source="oecd").unit == "USD million"
    with pytest.raises(DataError, match=r"no NBS IO table for 2012; tables exist for 2002, 2005, 2010"):
        load_io_year(data_dir, 2012)
    with pytest.raises(DataError, match=r"no 139-sector table for 2017; available sizes \[42, 149\]"):
        load_io_year(data_dir, 2017, n_sectors=139)


# --- other vintages of the family: synthetic 135/139-sector tables -----------------

@pytest.mark.parametrize("n", [135, 139])
def test_synthetic_vintage_same_layout(nbs, tmp_path, n):
    t = nbs["china_2017_149.csv"]
    conc = {c: (c if int(c) < n else f"{n:03d}") for c in t.codes}
    path = tmp_path / f"china_2012_{n}.csv"
    write_io_table(aggregate(t, conc), path)
    s = load_io_table(path)
    assert s.n == n and s.year == 2012 and s.codes[-1] == f"{n:03d}"
    assert s.x.sum() == pytest.approx(t.x.sum(), rel=1e-12)
    assert s.Z.to_numpy().sum() == pytest.approx(t.Z.to_numpy().sum(), rel=1e-12)


def _three_sector() -> str:
    # hand-made balanced 3-sector table in the NBS layout (made-up numbers)
    Z = np.array([[10, 20, 5], [15, 5, 10], [5, 10, 20]], float)
    F = np.array([[40, 10, 15], [20, 30, 10], [50, 5, 10]], float)  # FU101, FU201, EX
    im = np.array([5, 10, 0], float)
    x = Z.sum(1) + F.sum(1) - im
    va = x - Z.sum(0)
    comp = np.column_stack([va * 0.5, va * 0.1, va * 0.15, va * 0.25])
    lines = ["Code,Description,DescriptionInChinese,1,2,3,TIU,FU101,FU201,EX,TFU,IM,GO"]
    names = [("Agriculture", "农业"), ("Industry", "工业"), ("Services", "服务业")]
    for i in range(3):
        vals = [*Z[i], Z[i].sum(), *F[i], F[i].sum(), im[i], x[i]]
        lines.append(f"{i + 1},{names[i][0]},{names[i][1]}," + ",".join(f"{v:g}" for v in vals))
    lines.append("TII,Total intermediate input,中间投入合计," + ",".join(f"{v:g}" for v in Z.sum(0)) + ",,,,,,,")
    for k in range(4):
        lines.append(f"VA00{k + 1},va{k},增加值{k}," + ",".join(f"{v:g}" for v in comp[:, k]) + ",,,,,,,")
    lines.append("TVA,Total value-added,增加值合计," + ",".join(f"{v:g}" for v in va) + ",,,,,,,")
    lines.append("TI,Total inputs,总投入," + ",".join(f"{v:g}" for v in x) + ",,,,,,,")
    return "\n".join(lines) + "\n"


def test_hand_made_three_sector(tmp_path):
    p = tmp_path / "toy_2019.csv"
    p.write_text(_three_sector(), encoding="utf-8")
    t = load_io_table(p)
    assert t.codes == ["1", "2", "3"] and t.year == 2019
    assert t.x.tolist() == [95.0, 80.0, 100.0]
    assert t.sectors.loc["2", "name_zh"] == "工业"
    assert t.final_demand_labels == {"FU101": "household", "FU201": "gfcf", "EX": "exports"}


# --- bad input ---------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="nope.csv"):
        load_io_table(tmp_path / "nope.csv", year=2017)


def test_truncated_csv(tmp_path):
    text = _three_sector().splitlines()
    text[2] = text[2][: len(text[2]) // 2]
    p = tmp_path / "trunc_2019.csv"
    p.write_text("\n".join(text) + "\n")
    with pytest.raises(DataError, match=r"trunc_2019\.csv, row line 3: line truncated"):
        load_io_table(p)


def test_sector_row_missing(tmp_path):
    text = _three_sector().splitlines()
    del text[2]  # drop sector 2's row
    p = tmp_path / "missing_2019.csv"
    p.write_text("\n".join(text) + "\n")
    with pytest.raises(DataError, match=r"missing_2019\.csv, row 2: sector row missing: the table has a "
                                        r"column for sector '2'"):
        load_io_table(p)


def test_gbk_encoded(tmp_path):
    p = tmp_path / "gbk_2019.csv"
    p.write_bytes(_three_sector().encode("gbk"))
    t = load_io_table(p)
    assert t.sectors["name_zh"].tolist() == ["农业", "工业", "服务业"]
    assert t.meta["encoding"] == "gb18030"


def test_xlsx_in_place_of_csv(tmp_path, nbs):
    pytest.importorskip("openpyxl")
    src = nbs["china_2010_41.csv"]
    p = tmp_path / "china_2010_41.csv"          # an .xlsx saved under a .csv name
    frame = io_table_frame(src)
    # as Excel users type them: numeric sector codes and headers (leading zeros lost)
    frame.columns = [int(c) if c.isdigit() else c for c in frame.columns]
    frame["Code"] = [int(c) if c.isdigit() else c for c in frame["Code"]]
    frame.to_excel(p, index=False, engine="openpyxl")
    t = load_io_table(p)
    assert t.meta["format"] == "xlsx" and t.codes == src.codes  # codes re-padded to '01'
    np.testing.assert_allclose(t.Z.to_numpy(), src.Z.to_numpy(), rtol=1e-12)


def test_negative_intermediate_flow(tmp_path):
    text = _three_sector().replace("2,Industry,工业,15,", "2,Industry,工业,-15,")
    p = tmp_path / "neg_2019.csv"
    p.write_text(text)
    with pytest.raises(BalanceError, match=r"neg_2019\.csv.*negative intermediate flow.*row 2 column 1 = -15"):
        load_io_table(p, check=True, rtol=1.0)  # rtol=1 isolates the sign check


def test_unbalanced_raises_and_warns(tmp_path):
    text = _three_sector().replace("3,Services,服务业,5,10,20,35,", "3,Services,服务业,5,10,27,35,")
    p = tmp_path / "unbal_2019.csv"
    p.write_text(text)
    with pytest.raises(BalanceError) as ei:
        load_io_table(p)
    msg = str(ei.value)
    assert "unbal_2019.csv" in msg and "row identity" in msg and "worst sector 3: gap 7" in msg
    with pytest.warns(BalanceWarning, match="worst sector 3"):
        t = load_io_table(p, on_imbalance="warn")
    assert not t.meta["balance"].passed
    assert load_io_table(p, check=False).n == 3


def test_non_numeric_cell(tmp_path):
    p = tmp_path / "txt_2019.csv"
    p.write_text(_three_sector().replace("1,Agriculture,农业,10,", "1,Agriculture,农业,ten,"))
    with pytest.raises(DataError, match=r"txt_2019\.csv, row 1, column 1: non-numeric value 'ten'"):
        load_io_table(p)


def test_year_required_when_not_in_name(tmp_path):
    p = tmp_path / "toy.csv"
    p.write_text(_three_sector())
    with pytest.raises(DataError, match="cannot infer the year"):
        load_io_table(p)
    assert load_io_table(p, year=2019).year == 2019


def test_frames_not_shared_with_caller(nbs):
    t = nbs["china_2015_42.csv"]
    assert isinstance(t.Z, pd.DataFrame) and t.Z.index.name == "code"


# --- employment aligned to IO sectors -------------------------------------------------

def test_employment_file_and_concordance(data_dir, nbs):
    from digitrace.data.io_employment import (EMPLOYMENT_CONCORDANCES, detect_io42_variant,
                                              employment_for_table, load_employment)

    emp = load_employment(data_dir / "io" / "nbs" / "china_employment.csv")
    assert emp.loc["TOT", 1992] == 66152                      # manifest: = official employed persons 1992
    sections = [c for c in emp.index if len(c) == 1]
    assert abs(emp.loc[sections, 2017].sum() - emp.loc["TOT", 2017]) < 5   # integer rounding
    assert detect_io42_variant(nbs["china_2017_42.csv"]) == "io42_2017"
    assert detect_io42_variant(nbs["china_2020_42.csv"]) == "io42_2017"
    assert detect_io42_variant(nbs["china_2015_42.csv"]) == "io42_2015"
    assert detect_io42_variant(nbs["china_2005_42.csv"]) is None
    for variant, conc in EMPLOYMENT_CONCORDANCES.items():
        assert sorted(set(conc.values())) == [f"{i:02d}" for i in range(1, 43)], variant
    for f, year in (("china_2015_42.csv", 2015), ("china_2017_42.csv", 2017), ("china_2018_42.csv", 2018)):
        e = employment_for_table(nbs[f], data_dir=data_dir)
        assert list(e.index) == nbs[f].codes and e.attrs["year"] == year
        assert e.sum() == pytest.approx(emp.loc["TOT", year], abs=10)   # every person counted once
    e = employment_for_table(nbs["china_2017_42.csv"], data_dir=data_dir)
    assert e["31"] == emp.loc["I", 2017] and e["35"] == emp.loc["M01", 2017]
    assert e["04"] == emp.loc["B03", 2017] + emp.loc["B04", 2017]
    with pytest.raises(DataError, match="employment concordance only for the NBS 42-sector"):
        employment_for_table(nbs["china_2017_149.csv"], data_dir=data_dir)
    with pytest.raises(DataError, match=r"no employment for 2020; the file covers 1990–2018"):
        employment_for_table(nbs["china_2020_42.csv"], data_dir=data_dir)


def test_oecd_file_given_to_nbs_loader(data_dir):
    with pytest.raises(DataError, match="stacked OECD layout.*load_oecd_iot"):
        load_io_table(data_dir / "io" / "oecd" / OECD)


# --- OECD stacked file: parsed once per process, errors per loaded year ------------

def test_oecd_module_imports_on_its_own():
    """Regression: ``import digitrace.data.oecd_iot`` first used to fail (circular import)."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", "import digitrace.data.oecd_iot as m; print(m.load_oecd_iot.__name__)"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "load_oecd_iot"


def _small_oecd(data_dir, path):
    """Two years (2017, 2018) of the real stacked file, written to ``path``."""
    src = (data_dir / "io" / "oecd" / OECD).read_text(encoding="utf-8").splitlines()
    keep = [src[0]] + [ln for ln in src[1:] if ln.startswith(("2017,", "2018,"))]
    path.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return path


def test_oecd_stacked_file_read_once_and_invalidated(data_dir, tmp_path, monkeypatch):
    import digitrace.data.oecd_iot as mod

    p = _small_oecd(data_dir, tmp_path / "oecd_small.csv")
    calls = []
    real = mod.read_tabular
    monkeypatch.setattr(mod, "read_tabular", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    t17 = load_oecd_iot(p, 2017)
    t18 = load_oecd_iot(p, 2018)
    assert len(calls) == 1                                   # one CSV read for both years
    ref = load_oecd_iot(data_dir / "io" / "oecd" / OECD, 2018)
    pd.testing.assert_frame_equal(t18.Z, ref.Z, check_exact=True)
    pd.testing.assert_series_equal(t18.va, ref.va, check_exact=True)
    assert t17.year == 2017 and t17.meta["balance"].passed
    t18.Z.iloc[0, 0] = -1.0                                  # the cache is not shared with results
    assert load_oecd_iot(p, 2018).Z.iloc[0, 0] == ref.Z.iloc[0, 0]
    # a changed file is re-read (mtime/size key), and a bad cell is reported for its own year only
    lines = p.read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("2017,03,"))
    cells = lines[i].split(",")
    cells[5] = "ten"                                         # column "02" of row 03 in 2017
    lines[i] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import os
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    assert load_oecd_iot(p, 2018).meta["balance"].passed    # 2018 unaffected
    assert len(calls) == 2
    with pytest.raises(DataError, match=r"oecd_small\.csv, row 03 \(2017\), column 02: non-numeric value 'ten'"):
        load_oecd_iot(p, 2017)
