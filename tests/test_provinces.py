"""Province registry: resolution of names and codes, groupings, cross-checks with real files."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import digitrace
from digitrace.data.provinces import (closest_provinces, is_aggregate_label, province_names,
                                      province_registry, resolve_province, resolve_provinces)
from digitrace.errors import UnknownProvinceError

REG = province_registry()


@pytest.mark.parametrize("x", ["北京", "北京市", "Beijing", "beijing", " BEIJING ", 110000, "110000",
                               11, "11", 110000.0, "110000000000", "京", "Peking", "Beijing Municipality"])
def test_beijing_spellings(x):
    assert resolve_province(x) == 110000


@pytest.mark.parametrize("x, code", [
    ("Inner Mongolia", 150000), ("Nei Mongol", 150000), ("Neimenggu", 150000), ("内蒙古", 150000),
    ("内蒙古自治区", 150000), ("Tibet", 540000), ("Xizang", 540000), ("西藏自治区", 540000),
    ("Guangxi Zhuang Autonomous Region", 450000), ("广西壮族自治区", 450000), ("Guangxi", 450000),
    ("Shaanxi", 610000), ("陕西", 610000), ("Shanxi", 140000), ("山西省", 140000),
    ("Xinjiang Uygur Autonomous Region", 650000), ("Xinjiang Uyghur", 650000),
    ("新疆维吾尔自治区", 650000), ("Ningxia Hui Autonomous Region", 640000), ("宁夏回族自治区", 640000),
    ("Hebei Province", 130000), ("Chongqing", 500000), ("重庆市", 500000), ("Heilongjiang", 230000),
])
def test_alternative_spellings(x, code):
    assert resolve_province(x) == code


def test_public_entry_point():
    assert digitrace.resolve_province("北京") == 110000
    assert len(digitrace.province_registry()) == 31


def test_shaanxi_and_shanxi_are_never_guessed():
    with pytest.raises(UnknownProvinceError) as exc:
        resolve_province("Shanxii")
    msg = str(exc.value)
    assert "Shanxii" in msg and "closest matches" in msg
    assert "山西 (Shanxi, 140000)" in msg and "陕西 (Shaanxi, 610000)" in msg


@pytest.mark.parametrize("x", ["Atlantis", "Beijng City Z", "", None, 999999, 12.5, True])
def test_unknown_raises(x):
    with pytest.raises(UnknownProvinceError):
        resolve_province(x)


@pytest.mark.parametrize("x", [None, float("nan"), pd.NA, "", "  "])
def test_missing_label_is_named_missing_without_guesses(x):
    with pytest.raises(UnknownProvinceError, match="missing province label") as exc:
        resolve_province(x)
    assert "closest" not in str(exc.value)
    with pytest.raises(UnknownProvinceError, match=r"missing province label.*\[rows 3\]"):
        resolve_provinces(pd.Series(["北京", x], dtype=object))


def test_unknown_lists_closest():
    with pytest.raises(UnknownProvinceError, match=r"closest matches: 北京 \(Beijing, 110000\)"):
        resolve_province("Pekin")
    assert closest_provinces("Guandong")[0].startswith("广东")


@pytest.mark.parametrize("x", ["Hong Kong", "香港", "香港特别行政区", "Macau", "台湾"])
def test_sars_and_taiwan_are_not_among_the_31(x):
    with pytest.raises(UnknownProvinceError, match="not one of the 31"):
        resolve_province(x)


def test_aggregates_are_named_as_such():
    assert is_aggregate_label("全国") and is_aggregate_label("Eastern Region") and is_aggregate_label("National")
    assert not is_aggregate_label("Hebei")
    with pytest.raises(UnknownProvinceError, match="aggregate"):
        resolve_province("全国")


def test_vectorised_reports_every_unknown_with_rows():
    s = pd.Series(["北京", "Atlantis", "Shanxi", "Atlantis", "Shanxii"])
    with pytest.raises(UnknownProvinceError) as exc:
        resolve_provinces(s, file="panel.csv", column="province")
    msg = str(exc.value)
    assert msg.startswith("panel.csv, column province: 2 unknown")
    assert "'Atlantis'" in msg and "[rows 3, 5]" in msg      # file lines (header = line 1)
    assert "'Shanxii'" in msg and "[rows 6]" in msg
    ok = resolve_provinces(pd.Series(["北京", 310000, "Tibet"], index=[7, 8, 9]))
    assert ok.tolist() == [110000, 310000, 540000] and ok.index.tolist() == [7, 8, 9]


def test_registry_structure():
    assert len(REG) == 31 and REG["adcode"].is_unique
    assert (REG["adcode"] == REG["code2"] * 10000).all()
    assert REG["region4"].value_counts().to_dict() == {"West": 12, "East": 10, "Central": 6, "Northeast": 3}
    # belt: Western Development scope (国发〔2000〕33号): 12 western provinces incl. Inner Mongolia, Guangxi
    assert REG["belt"].value_counts().to_dict() == {"West": 12, "East": 11, "Central": 8}
    # belt_1986: 7th Five-Year Plan: East 12 (with Guangxi), Central 9 (with Inner Mongolia), West 10
    assert REG["belt_1986"].value_counts().to_dict() == {"East": 12, "Central": 9, "West": 10}
    b = REG.set_index("name_en")
    assert (b.loc["Guangxi", "belt"], b.loc["Guangxi", "belt_1986"]) == ("West", "East")
    assert (b.loc["Inner Mongolia", "belt"], b.loc["Inner Mongolia", "belt_1986"]) == ("West", "Central")
    assert set(b.index[b["region4"] == "Northeast"]) == {"Liaoning", "Jilin", "Heilongjiang"}
    assert set(b.index[b["region4"] == "Central"]) == {"Shanxi", "Anhui", "Jiangxi", "Henan", "Hubei", "Hunan"}
    # identity: outside the Northeast, the 2000 belts equal the NBS regions; the Northeast splits
    # into Liaoning (East) and Jilin/Heilongjiang (Central)
    non_ne = REG[REG["region4"] != "Northeast"]
    assert (non_ne["region4"] == non_ne["belt"]).all()
    assert REG.loc[REG["region4"] == "Northeast"].set_index("name_en")["belt"].to_dict() == {
        "Liaoning": "East", "Jilin": "Central", "Heilongjiang": "Central"}


def test_every_registry_name_round_trips():
    for col in ("adcode", "name_cn", "name_cn_long", "abbr", "name_en", "name_en_long"):
        assert [resolve_province(v) for v in REG[col]] == REG["adcode"].tolist(), col
    for row in REG.itertuples():
        for alias in row.aliases.split(";"):
            assert resolve_province(alias) == row.adcode, alias


@settings(max_examples=60, deadline=None)
@given(i=st.integers(0, 30), case=st.sampled_from(["upper", "lower", "title", "pad"]))
def test_case_and_whitespace_do_not_matter(i, case):
    row = REG.iloc[i]
    name = row["name_en_long"]
    name = {"upper": name.upper(), "lower": name.lower(), "title": name.title(),
            "pad": f"\u3000 {name}\t"}[case]
    assert resolve_province(name) == row["adcode"]


def test_registry_is_a_copy():
    r = province_registry()
    r.loc[0, "name_en"] = "changed"
    assert province_registry().loc[0, "name_en"] == "Beijing"
    assert province_names("en")[110000] == "Beijing"


# --- cross-checks against independent real files ---------------------------------------------
def test_region4_matches_two_independent_files(data_dir):
    reg = REG.set_index("adcode")["region4"]
    dedi = pd.read_csv(data_dir / "province/dedi_meng_2013_2022.csv").drop_duplicates("id").set_index("id")
    hw = pd.read_csv(data_dir / "province/huangwt_digital_subset_31prov_2013_2022.csv").drop_duplicates("adcode")
    assert (dedi["region"].reindex(reg.index) == reg).all()
    assert (hw.set_index("adcode")["region4"].reindex(reg.index) == reg).all()


def test_names_match_geojson_and_files(data_dir):
    gj = json.loads((data_dir / "geo/china_31_provinces.geojson").read_text(encoding="utf-8"))
    geo_names = {f["properties"]["adcode"]: f["properties"]["name"] for f in gj["features"]}
    assert geo_names == dict(zip(REG["adcode"], REG["name_cn_long"]))
    pku = pd.read_csv(data_dir / "province/pku_dfiic_province_2011_2023.csv").drop_duplicates("prov_code")
    assert (resolve_provinces(pku["prov_name_eng"]) == pku["prov_code"] * 10000).all()
    assert (resolve_provinces(pku["prov_name"]) == pku["prov_code"] * 10000).all()
    dedi = pd.read_csv(data_dir / "province/dedi_meng_2013_2022.csv")
    assert (resolve_provinces(dedi["province"]) == dedi["id"]).all()
    assert (resolve_provinces(dedi["prov_en"]) == dedi["id"]).all()
