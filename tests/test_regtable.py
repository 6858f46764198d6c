"""regtable: protocol, stars, FE rows, languages, every export read back."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.econ.fixed_effects import fe
from digitrace.econ.tables import regtable
from digitrace.econ.panel_threshold import threshold
from digitrace.errors import SpecificationError


@pytest.fixture(scope="module")
def models(data_dir):
    g = pd.read_csv(data_dir / "reference" / "grunfeld_statsmodels.csv")
    g = g[g["firm"] != "American Steel"].reset_index(drop=True)
    m1 = fe(g, "invest ~ value + capital | firm")
    m2 = fe(g, "invest ~ value + capital | firm + year", cluster="firm")
    return g, m1, m2


class FakeSpatial:
    """Minimal spatial-style result (rho in params, .effects with SEs)."""

    params = pd.Series({"x": 0.5, "rho": 0.3})
    se = pd.Series({"x": 0.1, "rho": 0.05})
    pvalues = pd.Series({"x": 0.0001, "rho": 0.0000001})
    nobs = 49
    r2 = None
    dep_var = "crime"
    fe_rows = {"entity FE": "Yes"}
    extra_rows = {"Log-likelihood": "-180.12"}
    model_name = "SAR"
    effects = pd.DataFrame({"direct": [0.52], "indirect": [0.2], "total": [0.72],
                            "direct_se": [0.1], "indirect_se": [0.08], "total_se": [0.15]},
                           index=["x"])


def test_cells_stars_fe_rows(models):
    _, m1, m2 = models
    t = regtable([m1, m2], labels=["one-way", "two-way"])
    df = t.to_frame()
    assert list(df.columns) == ["one-way", "two-way"]
    assert df.loc["value", "one-way"] == "0.110***"
    i = list(df.index).index("value")
    assert df.iloc[i + 1]["one-way"] == "(0.012)"
    # both FE dimensions get their own row; the one-way model says No for year
    assert df.loc["firm FE"].tolist() == ["Yes", "Yes"]
    assert df.loc["year FE"].tolist() == ["No", "Yes"]
    assert df.loc["N"].tolist() == ["200", "200"]
    assert df.loc["R² (overall)", "one-way"] == f"{m1.r2:.3f}"
    assert df.loc["Within R²", "one-way"] == f"{m1.r2_within:.3f}"   # labelled: Stata users read within R²
    assert m1.provenance.params["vcov"].startswith("CRV1(") or m1.cluster is None
    assert "*** p<0.01" in t.notes


def test_t_stat_and_chinese(models):
    _, m1, _ = models
    t = regtable([m1], lang="zh", stat="t", coef_labels={"value": "市值"})
    df = t.to_frame()
    i = list(df.index).index("市值")
    assert df.iloc[i + 1, 0] == f"({m1.params['value'] / m1.se['value']:.3f})"
    assert "firm固定效应" in df.index and "观测值" in df.index
    assert "t 值" in t.notes


def test_chinese_extra_rows_model_names_and_dep_label(models):
    """lang="zh" translates the protocol's standard rows; coef_labels also names the dependent variable."""
    _, m1, m2 = models
    df = regtable([m1, m2], lang="zh", coef_labels={"invest": "投资"}).to_frame()
    assert df.loc["被解释变量"].tolist() == ["投资", "投资"]
    assert df.loc["标准误"].tolist() == ["同方差", "聚类（firm）"]
    assert df.loc["模型"].tolist() == ["固定效应", "固定效应"]
    en = regtable([m1, m2]).to_frame()
    assert en.loc["SE"].tolist() == ["iid", "cluster(firm)"] and en.loc["Model"].tolist() == ["FE", "FE"]


def test_star_thresholds():
    class R:
        params = pd.Series({"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0})
        se = pd.Series({"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0})
        pvalues = pd.Series({"a": 0.2, "b": 0.09, "c": 0.04, "d": 0.009})
        nobs, r2, dep_var = 10, 0.5, "y"

    df = regtable([R()]).to_frame()
    assert [df.loc[k].iloc[0] for k in "abcd"] == ["1.000", "1.000*", "1.000**", "1.000***"]


def test_accepts_threshold_spatial_and_mediation(models, tmp_path):
    g, m1, _ = models
    rng = np.random.default_rng(0)
    N, T = 50, 6
    ids = np.repeat(np.arange(N), T)
    q = rng.uniform(size=N * T)
    x = rng.normal(size=N * T)
    d = pd.DataFrame({"id": ids, "year": np.tile(np.arange(T), N), "q": q, "x": x,
                      "y": np.where(q < 0.5, 1, -1) * x + rng.normal(size=N * T)})
    th = threshold(d, "y", "x", "q", "id", "year", bootstrap=0)
    med = digitrace.econ.mediation(g, "invest", "value", "capital", fixed_effects=["firm"],
                                   cluster="firm", bootstrap=20, seed=1)
    t = regtable([m1, th, FakeSpatial(), med])
    df = t.to_frame()
    assert "Threshold γ1 [95% CI]" in df.index
    assert df.loc["ρ", "(3)"] == "0.300***"
    assert df.loc["x (indirect)", "(3)"].startswith("0.200")
    assert "indirect (a·b)" in df.index
    assert df.loc["Model"].tolist()[2] == "SAR"
    tex = t.to_latex()
    assert r"(q$\le$" in tex and r"Threshold $\gamma$1" in tex and "≤" not in tex


def test_exports_read_back(models, tmp_path):
    _, m1, m2 = models
    t = regtable([m1, m2], lang="zh")
    md = t.save(tmp_path / "t.md").read_text(encoding="utf-8")
    assert "0.110***" in md and "观测值" in md
    tex = t.save(tmp_path / "t.tex").read_text()
    assert r"\toprule" in tex and r"0.110$^{***}$" in tex
    html = t.save(tmp_path / "t.html").read_text(encoding="utf-8")
    assert "<table" in html and "0.110***" in html
    docx = pytest.importorskip("docx")
    t.save(tmp_path / "t.docx")
    doc = docx.Document(str(tmp_path / "t.docx"))
    tab = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in tab.rows]
    frame = t.to_frame()
    assert len(cells) == frame.shape[0] + 1
    assert cells[0][1:] == list(frame.columns)
    i = list(frame.index).index("value") + 1
    assert cells[i][0] == "value" and cells[i][1] == "0.110***"
    t.save(tmp_path / "t.xlsx")
    back = pd.read_excel(tmp_path / "t.xlsx", sheet_name="table", index_col=0, dtype=str)
    assert back.loc["value"].tolist() == frame.loc["value"].tolist()
    with pytest.raises(SpecificationError, match="unknown table format"):
        t.save(tmp_path / "t.pdf")


def test_bad_input():
    with pytest.raises(SpecificationError, match="at least one"):
        regtable([])
    with pytest.raises(SpecificationError, match="table protocol"):
        regtable([object()])


def test_coef_labels_name_derived_rows(models):
    """One coef_labels entry names a variable's regime, spatial-lag and effect rows;
    fe_labels renames the clustering column in the SE row too."""
    _, _, m2 = models
    rng = np.random.default_rng(3)
    N, T = 40, 6
    q = rng.uniform(size=N * T)
    x = rng.normal(size=N * T)
    d = pd.DataFrame({"id": np.repeat(np.arange(N), T), "year": np.tile(np.arange(T), N),
                      "debt": q, "dig": x, "y": np.where(q < 0.5, 1, -1) * x + rng.normal(size=N * T)})
    th = threshold(d, "y", "dig", "debt", "id", "year", bootstrap=0)
    g = th.thresholds[0]
    lab = {"dig": "数字化", "debt": "负债率", "x": "X变量"}

    class Sp(FakeSpatial):
        params = pd.Series({"x": 0.5, "W_x": 0.2, "rho": 0.3})
        se = pd.Series({"x": 0.1, "W_x": 0.1, "rho": 0.05})
        pvalues = pd.Series({"x": 0.0001, "W_x": 0.05, "rho": 0.0000001})

    zh = regtable([th, Sp(), m2], lang="zh", coef_labels=lab, fe_labels={"firm": "企业"}).to_frame()
    assert f"数字化 (负债率≤{g:.4g})" in zh.index and f"数字化 (负债率>{g:.4g})" in zh.index
    assert "W×X变量" in zh.index and "X变量（间接效应）" in zh.index
    assert zh.loc["X变量（直接效应）", "(2)"].startswith("0.520")
    assert zh.loc["标准误", "(3)"] == "聚类（企业）"
    assert "企业固定效应" in zh.index
    en = regtable([th, Sp(), m2], coef_labels={"x": "X"}, fe_labels={"firm": "Firm"}).to_frame()
    assert "X (total)" in en.index and "W×X" in en.index and f"dig (debt≤{g:.4g})" in en.index
    assert en.loc["SE", "(3)"] == "cluster(Firm)"
    # an exact key still wins over the derived label
    assert "mine" in regtable([Sp()], coef_labels={"x (direct)": "mine"}).to_frame().index


def test_real_spatial_results_columbus(data_dir):
    """regtable takes spatial_regression results: rho row, W_x rows, effects with their own p."""
    libpysal = pytest.importorskip("libpysal")
    from digitrace.econ.spatial_ml import spatial_regression

    d = data_dir / "reference" / "columbus"
    db = libpysal.io.open(str(d / "columbus.dbf"))
    df = pd.DataFrame({c: db.by_col(c) for c in ["POLYID", "CRIME", "INC", "HOVAL"]})
    df.index = df.POLYID.astype(str)
    w = libpysal.io.open(str(d / "columbus.gal")).read()
    sar = spatial_regression(df, "CRIME", ["INC", "HOVAL"], w, model="sar", seed=1, draws=200)
    sdm = spatial_regression(df, "CRIME", ["INC", "HOVAL"], w, model="sdm", seed=1, draws=200)
    frame = regtable([sar, sdm], labels=["SAR", "SDM"]).to_frame()
    idx = list(frame.index)
    assert frame.loc["ρ", "SAR"].startswith(f"{sar.params['rho']:.3f}")
    # coefficients (incl. W_x of the SDM) come before the effect rows
    assert idx.index("W×INC") < idx.index("INC (direct)")
    eff = sdm.effects
    stars = "*" * sum(eff.loc["INC", "indirect_p"] < c for c in (0.1, 0.05, 0.01))
    assert frame.loc["INC (indirect)", "SDM"] == f"{eff.loc['INC', 'indirect']:.3f}{stars}"


def test_one_fe_row_per_dimension_across_model_types():
    """fe (formula columns), threshold and spatial panel (entity/time columns) and a one-way
    model share one Yes/No row per FE dimension."""
    from digitrace.econ.spatial_fe_panel import spatial_panel

    rng = np.random.default_rng(3)
    N, T = 16, 6
    d = pd.DataFrame({"prov": np.repeat(np.arange(N), T), "yr": np.tile(np.arange(2000, 2000 + T), N)})
    d["q"] = rng.uniform(size=len(d))
    d["x"] = rng.normal(size=len(d))
    d["y"] = np.where(d.q < 0.5, 1.0, -1.0) * d.x + rng.normal(size=len(d))
    side = int(np.sqrt(N))
    W = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            if abs(i // side - j // side) + abs(i % side - j % side) == 1:
                W[i, j] = 1.0
    W /= W.sum(axis=1, keepdims=True)
    one = fe(d, "y ~ x | prov", cluster="prov")
    two = fe(d, "y ~ x | prov + yr", cluster="prov")
    th = threshold(d, "y", "x", "q", "prov", "yr", bootstrap=0, time_effects=True)
    sp = spatial_panel(d, "y", ["x"], W, "prov", "yr", model="sar", fe="twoways", draws=50, seed=0)
    assert set(sp.fe_rows) == {"prov FE", "yr FE"}              # named after the user's columns
    frame = regtable([one, two, th, sp]).to_frame()
    fe_rows = [k for k in frame.index if k.endswith(" FE")]
    assert fe_rows == ["prov FE", "yr FE"]                    # panel inferred from threshold()
    assert frame.loc["prov FE"].tolist() == ["Yes"] * 4
    assert frame.loc["yr FE"].tolist() == ["No", "Yes", "Yes", "Yes"]
    # display names and Chinese suffix; explicit panel for tables whose models declare none
    zh = regtable([one, sp], lang="zh", panel=("prov", "yr"),
                  fe_labels={"prov": "省份", "yr": "年份"}).to_frame()
    assert zh.loc["省份固定效应"].tolist() == ["是", "是"]
    assert zh.loc["年份固定效应"].tolist() == ["否", "是"]
    # a one-way model next to the spatial panel: the spatial panel names its own columns
    alone = regtable([one, sp]).to_frame()
    assert [k for k in alone.index if k.endswith(" FE")] == ["prov FE", "yr FE"]
    assert alone.loc["yr FE"].tolist() == ["No", "Yes"]
    # a column that is literally called "Year" is a column, not a role label
    cap = fe(d.rename(columns={"yr": "Year"}), "y ~ x | prov + Year")
    assert [k for k in regtable([cap]).to_frame().index if k.endswith(" FE")] == ["prov FE", "Year FE"]
    # fe(..., panel=(entity, time)) declares the panel too
    keyed = fe(d, "y ~ x | prov + yr", panel=("prov", "yr"))
    both = regtable([keyed, sp]).to_frame()
    assert [k for k in both.index if k.endswith(" FE")] == ["prov FE", "yr FE"]


def test_mechanism_rows_labelled_and_se_types_shown(models):
    """Mediation and moderation columns name their variables (through coef_labels), say
    which SE each row uses, and the within R² sits directly under the overall R²."""
    g, m1, _ = models
    med = digitrace.econ.mediation(g, "invest", "value", "capital", fixed_effects=["firm"],
                                   cluster="firm")
    mod = digitrace.econ.moderation(g, "invest", "value", "capital", fixed_effects=["firm"])
    h = fe(g, "invest ~ value + capital | firm", vcov="hetero")
    lab = {"value": "市值", "capital": "资本", "invest": "投资"}
    zh = regtable([med, mod, h], lang="zh", coef_labels=lab).to_frame()
    assert zh.loc["间接效应（a·b）", "(1)"].startswith(f"{med.indirect:.3f}")
    assert zh.loc["中介变量 (m)", "(1)"] == "资本" and zh.loc["解释变量 (x)", "(1)"] == "市值"
    assert zh.loc["a·b 的标准误", "(1)"] == "Sobel（delta 法）"
    assert zh.loc["标准误"].tolist() == ["聚类（firm）", "同方差", "异方差稳健（HC1）"]
    assert "市值（中心化）" in zh.index and "市值 × 资本" in zh.index
    assert zh.loc["调节变量 (z)", "(2)"] == "资本"
    assert any(k.startswith("∂投资/∂市值（资本=") for k in zh.index)
    idx = list(zh.index)
    assert idx.index("组内 R²") == idx.index("R²（总体）") + 1
    en = regtable([med, mod, h]).to_frame()
    assert en.loc["SE"].tolist() == ["cluster(firm)", "iid", "robust (HC1)"]
    assert "value (centred)" in en.index and "value × capital" in en.index
    assert not any("e-1" in k for k in en.index)          # no 1e-16 "at z=" labels


def test_event_study_and_spatial_rows_in_chinese(data_dir):
    libpysal = pytest.importorskip("libpysal")
    from digitrace.econ.spatial_ml import spatial_regression

    rng = np.random.default_rng(2)
    N, T = 40, 8
    ids, yr = np.repeat(np.arange(N), T), np.tile(np.arange(2010, 2010 + T), N)
    coh = np.where(np.arange(N) < 20, 2014, 0)[ids]
    y = rng.normal(size=N * T) + (yr >= coh) * (coh > 0) * 0.5
    ev = digitrace.econ.event_study(pd.DataFrame({"id": ids, "yr": yr, "y": y, "g": coh}),
                                    "y", "id", "yr", "g", estimator="did2s")
    d = data_dir / "reference" / "columbus"
    db = libpysal.io.open(str(d / "columbus.dbf"))
    df = pd.DataFrame({c: db.by_col(c) for c in ["POLYID", "CRIME", "INC", "HOVAL"]})
    df.index = df.POLYID.astype(str)
    w = libpysal.io.open(str(d / "columbus.gal")).read()
    sem = spatial_regression(df, "CRIME", ["INC", "HOVAL"], w, model="sem", seed=1, draws=50)
    zh = regtable([ev, sem], lang="zh").to_frame()
    assert zh.loc["模型"].tolist() == ["事件研究（did2s）", "SEM（ML）"]
    assert zh.loc["标准误", "(1)"] == "聚类（id）" and zh.loc["标准误", "(2)"].startswith("ML（")
    assert "λ" in zh.index and not any("间接效应" in k for k in zh.index)   # SEM: no effect rows
