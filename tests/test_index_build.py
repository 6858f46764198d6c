"""Spec-driven index building on the real province data (../shared/data) and the CLI."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.errors import DataError, SpecificationError
from digitrace.index import build_index, list_specs, load_spec
from digitrace.index._sources import _chain_link, province_area_km2


@pytest.fixture(scope="module")
def built(data_dir):
    return build_index(data_dir, "province_digital_2015_2022")


def test_shipped_specs_parse():
    assert {"province_digital_2015_2022", "province_digital_2013_2022",
            "province_digital_2016_2022"} <= set(list_specs())
    for name in list_specs():
        s = load_spec(name)
        assert len({i.id for i in s.indicators}) == len(s.indicators)
        assert set(s.dimension_of.values()) <= set(s.dimensions)


def test_real_index_shape_weights_and_ranks(built):
    s = built.scores
    assert len(s) == 31 * 8 and s["adcode"].nunique() == 31
    assert sorted(s["year"].unique()) == list(range(2015, 2023))
    assert built.weights.weights.sum() == pytest.approx(1.0)
    assert (built.weights.weights > 0).all()
    # the dimension contributions add up to the index
    dims = list(built.spec.dimensions)
    assert s[dims].sum(axis=1).to_numpy() == pytest.approx(s["index"].to_numpy())
    # normalised values lie in [shift, 1 + shift]
    z = built.normalised.to_numpy()
    assert z.min() == pytest.approx(built.spec.shift) and z.max() == pytest.approx(1 + built.spec.shift)
    assert s.groupby("year")["rank"].apply(lambda r: sorted(r) == list(range(1, 32))).all()
    # Beijing first and Shanghai second in every year; the index rises over time
    top = s[s["rank"] <= 2].sort_values(["year", "rank"])
    assert set(top[top["rank"] == 1]["province_en"]) == {"Beijing"}
    assert set(top[top["rank"] == 2]["province_en"]) == {"Shanghai"}
    mean = s.groupby("year")["index"].mean()
    assert (mean.diff().dropna() > 0).all()


def test_dimension_scores_feed_coupling(built):
    from digitrace.index import coupling_coordination

    U = built.dimension_scores()
    assert list(U.columns) == list(built.spec.dimensions)
    assert U.to_numpy().min() >= 0 and U.to_numpy().max() <= 1
    # a dimension score is the weighted mean of its normalised indicators
    w = built.weights_frame()
    inf = w[w.dimension == "infrastructure"]["weight"]
    z = built.normalised[inf.index].to_numpy() @ (inf / inf.sum()).to_numpy()
    assert U["infrastructure"].to_numpy() == pytest.approx(np.clip(z, 0, 1))
    for f in ("standard", "wang2021"):
        c = coupling_coordination(U, formula=f)
        assert len(c.frame) == 248 and (c.frame["formula"] == f).all()
        assert c.D.between(0, 1).all()


def test_real_index_imputations_are_listed(built):
    imp = built.imputed
    tib = imp[(imp.indicator == "software_product_revenue_pc") & (imp.province == "Tibet")]
    assert sorted(tib["year"]) == list(range(2015, 2023))        # Tibet missing in the source
    floor = built.raw["software_product_revenue_pc"].min()
    assert (tib["value"] == floor).all()
    assert set(imp[imp.indicator == "tech_market_pc"]["year"]) == {2015, 2016}


def test_telecom_chain_link_reproduces_published_growth(data_dir):
    raw = pd.read_csv(data_dir / "province" / "huangwt_digital_subset_31prov_2013_2022.csv")
    s = raw.set_index(["adcode", "year"])["telecom_volume_100m_yuan"]
    growth = {2016: 0.542, 2019: 0.185, 2020: 0.206, 2021: 0.278, 2022: 0.213}
    out = _chain_link(s, growth, 2015, "telecom").groupby("year").sum()
    g = out / out.shift(1) - 1
    for y, v in growth.items():
        assert g[y] == pytest.approx(v, abs=1e-12)
    # same-base years keep the series' own ratio: 2017/2016 at 2015 prices is the MIIT +76.4 %
    # within the 0.7 pp by which yearbook province sums differ from the bulletin
    assert g[2017] == pytest.approx(0.764, abs=0.01)
    assert out[2015] == pytest.approx(s.xs(2015, level="year").sum())
    # provinces keep their within-year shares
    linked = _chain_link(s, growth, 2015, "telecom").xs(2020, level="year")
    orig = s.xs(2020, level="year")
    assert (linked / linked.sum()).to_numpy() == pytest.approx((orig / orig.sum()).to_numpy())


def test_province_areas_from_polygons(data_dir):
    a = province_area_km2(data_dir / "geo" / "china_31_provinces.geojson")
    assert len(a) == 31
    assert a[110000] == pytest.approx(16410, rel=0.01)        # Beijing, official 16 410 km²
    assert a[650000] == pytest.approx(1.66e6, rel=0.03)       # Xinjiang ≈ 1.66 M km²
    assert a.sum() == pytest.approx(9.6e6, rel=0.02)


@pytest.mark.parametrize("method", ["critic", "pca", "topsis"])
def test_other_methods_run_on_real_data(data_dir, method):
    r = build_index(data_dir, "province_digital_2015_2022", method=method)
    assert r.scores["index"].between(0, 1 + 1e-9).all()
    if method == "pca":
        assert 0.8 < r.stats["kmo"] < 1 and r.stats["bartlett_p"] < 1e-10


def test_by_year_panel_variant(data_dir):
    r = build_index(data_dir, "province_digital_2015_2022", panel="by_year")
    gw = r.weights.group_weights
    assert list(gw.index) == list(range(2015, 2023))
    assert gw.sum(axis=1).to_numpy() == pytest.approx(np.ones(8))
    for y, g in r.scores.groupby("year"):     # each year normalised on its own
        assert g["index"].max() <= 1 + 1e-9


def test_longer_variant_and_regional_analysis(data_dir):
    from digitrace.index.analysis import regional_analysis

    r = build_index(data_dir, "province_digital_2013_2022")
    assert sorted(r.scores["year"].unique()) == list(range(2013, 2023))
    a = regional_analysis(r, data_dir, permutations=99, seed=1)
    f = a.to_frame()
    assert list(f.index) == list(range(2013, 2023))
    # Dagum identity G = G_w + G_nb + G_t and between-region gaps dominate (> 60 %)
    assert (f["G"] - f[["G_w", "G_nb", "G_t"]].sum(axis=1)).abs().max() < 1e-12
    assert (f["share_G_nb"] > 0.6).all()
    assert (f["moran_I"] > 0).all()
    assert f["spearman"].between(0.5, 1).all()


def test_raw_frame_input_and_bad_spec(built, tmp_path):
    again = build_index(built.raw, built.spec)
    assert again.scores["index"].to_numpy() == pytest.approx(built.scores["index"].to_numpy())
    with pytest.raises(SpecificationError, match=r"indexed by \(adcode, year\)"):
        build_index(built.raw.reset_index(), built.spec)
    with pytest.raises(SpecificationError, match="unknown index spec 'nope'"):
        build_index(built.raw, "nope")
    bad = tmp_path / "bad.toml"
    bad.write_text('[index]\nyears = [2015, 2016]\n[[indicator]]\nid = "a"\ndimension = "d"\n'
                   'direction = "up"\nsource = "x.csv"\ncolumn = "v"\n', encoding="utf-8")
    with pytest.raises(SpecificationError, match="direction must be"):
        load_spec(bad)


def test_missing_cell_error_names_indicator_province_year(data_dir, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(
        '[index]\nyears = [2015, 2016]\n'
        '[[indicator]]\nid = "sw"\ndimension = "d"\ndirection = "+"\n'
        'source = "province/nqp127ww_ecommerce_software_product_telecom_2011_2023.csv"\n'
        'column = "software_product_revenue_100m_yuan"\n'
        '[[indicator]]\nid = "dfi"\ndimension = "d"\ndirection = "+"\n'
        'source = "province/pku_dfiic_province_2011_2023.csv"\ncolumn = "index_aggregate"\n',
        encoding="utf-8")
    with pytest.raises(DataError) as exc:
        build_index(data_dir, spec)
    msg = str(exc.value)
    assert "'sw'" in msg and "Tibet" in msg and "2015" in msg and "nqp127ww" in msg


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "digitrace", *args], check=False, capture_output=True,
                          text=True)


def test_cli_build_writes_csv_json_md(data_dir, tmp_path):
    out = tmp_path / "idx.csv"
    r = _cli("index", "build", "--data", str(data_dir), "--spec", "province_digital_2015_2022",
             "--method", "entropy", "--out", str(out), "--format", "csv")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert len(df) == 248 and {"adcode", "year", "index", "rank", "infrastructure"} <= set(df.columns)
    r = _cli("index", "build", "--data", str(data_dir), "--what", "weights", "-f", "json",
             "-m", "critic")
    assert r.returncode == 0, r.stderr
    w = json.loads(r.stdout)
    assert abs(sum(x["weight"] for x in w) - 1) < 1e-9
    r = _cli("index", "build", "--data", str(data_dir), "-m", "pca", "-w", "weights", "-f", "md")
    assert r.returncode == 0 and "KMO" in r.stderr and r.stdout.startswith("| indicator")


def test_cli_bad_method_is_one_line_error(data_dir):
    r = _cli("index", "build", "--data", str(data_dir), "--method", "ahp")
    assert r.returncode == 2 and "method" in r.stderr and "Traceback" not in r.stderr
    r = _cli("index", "build", "--data", str(data_dir), "--spec", "nope")
    assert r.returncode == 2 and "unknown index spec" in r.stderr


def test_lazy_top_level_names():
    for name in ("entropy_weights", "critic_weights", "topsis", "coupling_coordination",
                 "build_index"):
        assert callable(getattr(digitrace, name))


def test_docs_mention_every_build_option():
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "index.md").read_text(encoding="utf-8")
    r = _cli("index", "build", "--help")
    opts = set(re.findall(r"--[a-z][a-z-]+", r.stdout)) - {"--help"}
    assert {"--spec", "--method", "--data", "--out", "--format"} <= opts
    missing = [o for o in opts if o not in doc]
    assert not missing, f"docs/index.md does not mention {missing}"
