"""Panel loader and duplicate-series detector: real files, layouts, bad input."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.data.dupseries import find_duplicate_series
from digitrace.data.panel import load_panel
from digitrace.errors import DataError, UnknownProvinceError

EPS = "province/eps_population_retail_2006_2019_long.csv"
RETAIL = "社会消费品零售总额（亿元）"

# measured flags per real file (kept small on purpose: see docs/data.md); a change is a regression
REAL = {
    "dedi_meng_2013_2022.csv": ({}, (2013, 2022), 0),
    "eps_population_retail_2006_2019_long.csv": ({"variable": "variable"}, (2006, 2019), 1),
    "green_mobile_penetration_it_employment_share_2016_2024.csv": ({}, (2016, 2024), 0),
    "huangwt_digital_subset_31prov_2013_2022.csv": ({}, (2013, 2022), 0),
    "huangwt_gdp_three_sectors_2010_2022_ORIGINAL.csv": ({}, (2010, 2022), 0),
    "huangwt_indicators_2013_2022_ORIGINAL.csv": ({}, (2013, 2022), 0),
    "nbs_province_ecommerce_internet_2015_2024.csv": ({}, (2015, 2024), 1),
    "nbs_secondary_industry_va_2000_2023_long.csv": ({}, (2000, 2023), 0),
    "nqp127ww_ecommerce_software_product_telecom_2011_2023.csv": ({}, (2011, 2023), 0),
    "pku_dfiic_province_2011_2023.csv": ({}, (2011, 2023), 1),
    "population_yearend_2000_2024.csv": ({}, (2000, 2024), 0),
    "province_panel_2013_2022_merged.csv": ({}, (2013, 2022), 0),
    "techme_st_yearbook_province_long.csv": ({"variable": ["dataset", "variables"]}, (2000, 2024), 0),
    "tongjimodule_nbs_enterprise_informatization_ecommerce_2016_2024.csv": ({}, (2016, 2024), 0),
    "tongjimodule_nbs_internet_indicators_2016_2024.csv": ({}, (2016, 2024), 0),
    "tongjimodule_nbs_software_it_services_2016_2024.csv": ({}, (2016, 2024), 0),
    "tongjimodule_nbs_telecom_capacity_2016_2024.csv": ({}, (2016, 2024), 0),
}


@pytest.fixture(scope="module")
def eps(data_dir):
    return load_panel(data_dir / EPS, variable="variable")


# --- the Hebei case ------------------------------------------------------------------------
def test_hebei_equals_tianjin_2012_is_flagged(eps):
    s = eps.suspicious
    assert len(s) == 1
    r = s.iloc[0]
    assert (r["variable"], r["year"], r["value"]) == (RETAIL, 2012, 3921.4)
    assert set(r["adcodes"].split(";")) == {"120000", "130000"}
    assert "Hebei" in r["provinces"] and "Tianjin" in r["provinces"]
    assert r["rows"] == "456;470"            # file lines of Tianjin 2012 and Hebei 2012
    assert bool(r["adjacent_rows"]) and r["p_chance"] < 0.01


def test_long_file_is_recognised_without_variable(eps, data_dir):
    """layout="auto" reads the EPS long file (variable, province, year, value) as long, so
    the Hebei = Tianjin 2012 cell is found without passing variable=."""
    auto = load_panel(data_dir / EPS)
    assert auto.layout == "long" and set(auto.variables) == set(eps.variables)
    pd.testing.assert_frame_equal(auto.data, eps.data)
    assert auto.suspicious[["variable", "year", "value"]].values.tolist() == [[RETAIL, 2012, 3921.4]]


def test_panel_with_a_column_named_variable_stays_a_panel(tmp_path):
    f = tmp_path / "p.csv"
    pd.DataFrame({"province": ["北京", "天津"], "year": [2020, 2020], "variable": [1.0, 2.0],
                  "value": [3.0, 4.0]}).to_csv(f, index=False)
    p = load_panel(f)
    assert p.layout == "panel" and set(p.variables) == {"variable", "value"}


def test_eps_facts_from_manifest(eps, data_dir):
    d = eps.data.set_index(["adcode", "year"])
    # Σ31 population 2019 = 140 384 万人 (MANIFEST-1 §2c)
    assert d.xs(2019, level="year")["年底总人口（万人）"].sum() == pytest.approx(140384, abs=0.5)
    assert d.loc[(130000, 2012), RETAIL] == d.loc[(120000, 2012), RETAIL] == 3921.4
    # identity: every non-missing cell of the file is in the panel, unchanged
    raw = pd.read_csv(data_dir / EPS)
    assert len(eps.long()) == len(raw) and eps.long()["value"].sum() == pytest.approx(raw["value"].sum())


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_real_province_file_loads(name, data_dir):
    kw, (y0, y1), n_flags = REAL[name]
    p = load_panel(data_dir / "province" / name, **kw)
    assert len(p.provinces) == 31
    assert (p.years[0], p.years[-1]) == (y0, y1)
    assert p.duplicates.empty
    assert len(p.suspicious) == n_flags, p.suspicious.to_string()
    assert p.provenance.inputs[0][0].endswith(name)


def test_published_pku_values_and_sums(data_dir):
    p = load_panel(data_dir / "province/pku_dfiic_province_2011_2023.csv").data.set_index(["adcode", "year"])
    # MANIFEST-3 §1, published PKU-DFIIC values
    assert p.loc[(110000, 2011), "index_aggregate"] == pytest.approx(79.41, abs=0.005)
    assert p.loc[(310000, 2011), "index_aggregate"] == pytest.approx(80.19, abs=0.005)
    assert p.loc[(110000, 2020), "index_aggregate"] == pytest.approx(417.88, abs=0.005)  # 417.8754
    assert p.loc[(310000, 2020), "index_aggregate"] == pytest.approx(431.93, abs=0.005)
    e = load_panel(data_dir / "province/nbs_province_ecommerce_internet_2015_2024.csv").data
    # Σ31 broadband subscribers 2020 = 48 354.9 万户 (MIIT 48 355; MANIFEST-3 §2a)
    assert e.loc[e.year == 2020, "broadband_subscribers_10k"].sum() == pytest.approx(48354.9, abs=0.05)


def test_merged_missing_cells_match_manifest(data_dir):
    p = load_panel(data_dir / "province/province_panel_2013_2022_merged.csv")
    b = p.balance
    assert int(b.to_numpy().sum()) == 190      # 4 + 93 + 93 (MANIFEST-1 §2d)
    assert int(b.loc["tech_market_outflow_contract_value"].sum()) == 4
    assert b.loc["retail_sales_100m_yuan", 2020] == 31 and b.loc["retail_sales_100m_yuan", 2019] == 0


def test_aggregates_dropped_and_tibet_gap(data_dir):
    p = load_panel(data_dir / "province/huangwt_indicators_2013_2022_ORIGINAL.csv")
    assert set(p.dropped_labels) == {"National", "Eastern Region", "Central Region", "Western Region"}
    s = load_panel(data_dir / "province/tongjimodule_nbs_software_it_services_2016_2024.csv")
    assert s.missing_provinces == (540000,)            # Tibet (MANIFEST-3 §3)


def test_result_is_frozen(eps):
    with pytest.raises(dataclasses.FrozenInstanceError):
        eps.layout = "wide"
    d = eps.data
    d.iloc[0, 4] = -1
    assert eps.data.iloc[0, 4] != -1
    assert "31 provinces × 14 years" in repr(eps)
    assert "Panel" in eps.summary("markdown")


# --- layouts and formats -----------------------------------------------------------------
def _panel_frame():
    return pd.DataFrame({"province": ["北京", "天津", "河北", "北京", "天津", "河北"],
                         "year": [2019, 2019, 2019, 2020, 2020, 2020],
                         "gdp": [35445.1, 14055.5, 34978.6, 36102.6, 14083.7, 36013.8]})


def test_panel_layout_and_public_name(tmp_path):
    f = tmp_path / "p.csv"
    _panel_frame().to_csv(f, index=False)
    p = digitrace.load_panel(f)
    assert p.layout == "panel" and p.variables == ("gdp",)
    assert p.data.columns.tolist() == ["adcode", "province", "province_en", "year", "gdp"]
    assert p.data.loc[(p.data.adcode == 130000) & (p.data.year == 2020), "gdp"].item() == 36013.8
    assert p.balance.loc["gdp", 2019] == 28      # 31 provinces, 3 present


def test_wide_years_as_columns(tmp_path):
    f = tmp_path / "w.csv"
    f.write_text("地区,2019年,2020年\n北京市,35445.1,36102.6\n天津市,14055.5,\n", encoding="utf-8")
    p = load_panel(f, name="gdp")
    assert p.layout == "wide" and p.variables == ("gdp",)
    assert p.data.set_index(["adcode", "year"]).loc[(110000, 2020), "gdp"] == 36102.6
    assert p.balance.loc["gdp", 2020] == 30     # Tianjin 2020 is empty


def test_long_layout(tmp_path):
    f = tmp_path / "l.csv"
    pd.DataFrame({"prov": ["Beijing", "Beijing", "Hebei"], "year": [2020, 2020, 2020],
                  "var": ["a", "b", "a"], "value": [1.5, 2.5, 3.5]}).to_csv(f, index=False)
    p = load_panel(f, province="prov", variable="var")
    assert p.layout == "long" and p.variables == ("a", "b")
    assert np.isnan(p.data.set_index("adcode").loc[130000, "b"])


def test_gbk_encoded_file_is_read(tmp_path):
    f = tmp_path / "gbk.csv"
    f.write_bytes("省份,年份,人口\n北京市,2020,2189\n内蒙古自治区,2020,2403\n".encode("gbk"))
    p = load_panel(f)
    assert p.encoding == "gb18030"
    assert p.data.set_index("adcode").loc[150000, "人口"] == 2403
    assert p.data.set_index("adcode").loc[150000, "province"] == "内蒙古"


def test_xlsx_saved_as_csv_is_read(tmp_path):
    f = tmp_path / "really_excel.csv"
    _panel_frame().to_excel(f, index=False, engine="openpyxl")
    p = load_panel(f)
    assert len(p.provinces) == 3 and p.data["gdp"].sum() == pytest.approx(_panel_frame()["gdp"].sum())


def test_stata_dta_is_read(tmp_path):
    f = tmp_path / "p.dta"
    df = _panel_frame().assign(province=["Beijing", "Tianjin", "Hebei"] * 2)
    df.to_stata(f, write_index=False, version=118)
    p = load_panel(f)
    assert p.data.set_index(["adcode", "year"]).loc[(120000, 2019), "gdp"] == pytest.approx(14055.5)


# --- bad input -----------------------------------------------------------------------------
def test_truncated_csv_names_file_and_line(tmp_path):
    f = tmp_path / "trunc.csv"
    f.write_text("province,year,gdp\n北京,2019,35445.1\n天津,2019\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_panel(f)
    assert "trunc.csv" in str(exc.value) and "line 3" in str(exc.value)


def test_unknown_province_lists_matches_and_row(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("province,year,gdp\n北京,2019,1\nShanxii,2019,2\n天津,2019,3\n", encoding="utf-8")
    with pytest.raises(UnknownProvinceError) as exc:
        load_panel(f)
    msg = str(exc.value)
    assert "bad.csv" in msg and "column province" in msg and "'Shanxii'" in msg
    assert "rows 3" in msg and "Shanxi" in msg and "Shaanxi" in msg


def test_duplicate_keys_raise_with_lines_or_are_listed(tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("province,year,gdp\n北京,2019,1\n天津,2019,2\n北京市,2019,5\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_panel(f)
    assert "dup.csv" in str(exc.value) and "lines 2, 4" in str(exc.value) and "Beijing 2019" in str(exc.value)
    p = load_panel(f, duplicates="first")
    assert p.duplicates["row"].tolist() == [2, 4] and p.duplicates["value"].tolist() == [1, 5]
    assert p.data.set_index("adcode").loc[110000, "gdp"] == 1
    assert p.report().set_index("check").loc["duplicate keys", "ok"] == False  # noqa: E712


def test_nan_cells_in_balance_report(tmp_path):
    f = tmp_path / "nan.csv"
    f.write_text("province,year,x,y\n北京,2019,1,\n天津,2019,,2\n北京,2020,3,4\n天津,2020,-,5\n",
                 encoding="utf-8")
    p = load_panel(f)
    b = p.balance
    assert b.loc["x", 2019] == 30 and b.loc["x", 2020] == 30 and b.loc["y", 2019] == 30
    assert b.loc["y", 2020] == 29


def test_non_numeric_cell_names_row_and_column(tmp_path):
    f = tmp_path / "txt.csv"
    f.write_text("province,year,x\n北京,2019,1\n天津,2019,abc\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_panel(f, value_vars=["x"])
    assert "txt.csv" in str(exc.value) and "line 3" in str(exc.value) and "column x" in str(exc.value)


def test_bad_year_and_missing_columns(tmp_path):
    f = tmp_path / "y.csv"
    f.write_text("province,year,x\n北京,twenty,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 2.*column year"):
        load_panel(f)
    g = tmp_path / "noprov.csv"
    g.write_text("name_of_thing,year,x\nA,2019,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="no province column"):
        load_panel(g)


def test_aggregate_rows_error_option(tmp_path):
    f = tmp_path / "agg.csv"
    f.write_text("province,year,x\n全国,2019,10\n北京,2019,1\n", encoding="utf-8")
    assert load_panel(f).dropped_labels == ("全国",)
    with pytest.raises(DataError, match="aggregate row '全国'.*|line 2"):
        load_panel(f, aggregates="error")


# --- duplicate-series detector (synthetic, known answers) ---------------------------------
def _synthetic(seed=0):
    rng = np.random.default_rng(seed)
    codes = digitrace.province_registry()["adcode"].tolist()
    rows = []
    for a in codes:
        for y in range(2015, 2020):
            rows.append({"adcode": a, "year": y, "gdp": round(float(rng.uniform(1000, 50000)), 1),
                         "score": int(rng.integers(1, 6)), "zero": 0.0})
    return pd.DataFrame(rows)


def test_detector_flags_planted_copy_and_ignores_codes_and_zeros():
    d = _synthetic()
    assert find_duplicate_series(d).empty
    src = (d.adcode == 120000) & (d.year == 2017)
    dst = (d.adcode == 130000) & (d.year == 2017)
    d.loc[dst, "gdp"] = d.loc[src, "gdp"].to_numpy()
    s = find_duplicate_series(d)
    assert len(s) == 1 and s.iloc[0]["variable"] == "gdp" and s.iloc[0]["year"] == 2017
    # integer scores 1..5 tie all the time and zeros are not data: never flagged
    assert not s["variable"].isin(["score", "zero"]).any()


def test_detector_flags_whole_copied_series():
    d = _synthetic(1)
    d.loc[d.adcode == 650000, "gdp"] = d.loc[d.adcode == 110000, "gdp"].to_numpy()
    s = find_duplicate_series(d)
    assert "series" in set(s["kind"])
    assert set(s.loc[s.kind == "series", "adcodes"].iloc[0].split(";")) == {"110000", "650000"}


def test_detector_needs_stronger_evidence_for_far_rows():
    d = _synthetic(2)
    d.loc[(d.adcode == 650000) & (d.year == 2016), "gdp"] = 20000.0  # a round number, far rows
    d.loc[(d.adcode == 110000) & (d.year == 2016), "gdp"] = 20000.0
    assert find_duplicate_series(d).empty          # 20000 has resolution 10 000: no evidence


NBS_EXPORT = """数据库：分省年度数据
指标：第二产业增加值(亿元)
时间：最近3年
地区,2023年,2022年,2021年
北京市,6525.6,6605.1,7268.6
天津市,5771.9,6038.9,5854.3
西藏自治区,,,
注：1992-2023年数据根据第五次全国经济普查结果修订。
数据来源：国家统计局
"""


def test_nbs_export_with_preamble_and_footnotes_gbk(tmp_path):
    f = tmp_path / "分省年度数据.csv"
    f.write_bytes(NBS_EXPORT.encode("gbk"))
    p = load_panel(f)
    assert p.layout == "wide" and p.variables == ("第二产业增加值(亿元)",)
    d = p.data.set_index(["adcode", "year"])
    assert d.loc[(120000, 2022), "第二产业增加值(亿元)"] == 6038.9
    assert p.missing_provinces[-1] == 650000 and 540000 in p.missing_provinces   # Tibet row is empty
    assert p.long().set_index(["adcode", "year"]).loc[(110000, 2023), "row"] == 5   # file line


def test_nbs_export_as_xlsx(tmp_path):
    f = tmp_path / "export.xlsx"
    rows = [r.split(",") for r in NBS_EXPORT.strip().splitlines()]
    rows = [r + [None] * (4 - len(r)) for r in rows]
    pd.DataFrame(rows).to_excel(f, header=False, index=False, engine="openpyxl")
    p = load_panel(f, name="va2")
    assert p.variables == ("va2",)
    assert p.data.set_index(["adcode", "year"]).loc[(110000, 2021), "va2"] == 7268.6


def test_nbs_export_ragged_row_names_line(tmp_path):
    f = tmp_path / "bad_export.csv"
    f.write_text(NBS_EXPORT.replace("天津市,5771.9,6038.9,5854.3", "天津市,5771.9,6038.9,5854.3,1,2"),
                 encoding="utf-8")
    with pytest.raises(DataError, match=r"bad_export.csv, row line 6: 6 fields where the header has 4"):
        load_panel(f)


def test_province_name_and_code_columns_must_agree(tmp_path):
    f = tmp_path / "mix.csv"
    f.write_text("adcode,province_cn,year,x\n110000,北京,2019,1\n610000,山西,2019,2\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_panel(f)
    msg = str(exc.value)
    assert "mix.csv" in msg and "line 3" in msg and "column province_cn" in msg and "'山西'" in msg
    assert load_panel(f, check_names=False).provinces == (110000, 610000)
