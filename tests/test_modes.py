"""Driving modes: kernels on hand-checked examples, the labelled API, real data, CLI.

Reference numbers (see tests/reference/modes/README.md): hand computations in
this file; Cohen's kappa and k-means inertia cross-checked with scikit-learn.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digitrace.errors import SpecificationError
from digitrace.modes import kernels as K

# ------------------------------------------------------------------ kernels


def test_dominant_and_mixed_rule_hand_checked():
    Z = np.array([[1.0, 0.5, 0.0],    # gap 0.5 → social
                  [0.3, 0.2, 0.1],    # gap 0.1 < 0.25 → mixed (top social)
                  [0.0, 0.0, 0.9],    # gap 0.9 → innovation
                  [0.5, 0.5, 0.2],    # exact tie → mixed, top = first column
                  [0.0, 0.3, 0.05]])  # gap 0.25 = margin → not mixed (strict <): technology
    mode, top, second, gap = K.dominant(Z, 0.25)
    assert mode.tolist() == [0, K.MIXED, 2, K.MIXED, 1]
    assert top.tolist() == [0, 0, 2, 0, 1]
    assert second.tolist() == [1, 1, 0, 1, 2]
    np.testing.assert_allclose(gap, [0.5, 0.1, 0.9, 0.0, 0.25])
    # margin 0: only exact ties would be mixed, and a tie has gap 0, not < 0
    assert (K.dominant(Z, 0.0)[0] >= 0).all()
    # a huge margin makes everything mixed
    assert (K.dominant(Z, 10.0)[0] == K.MIXED).all()


def test_standardise_and_normal_scores_by_group():
    S = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [5.0, 5.0], [7.0, 5.0]])
    g = np.array([1, 1, 1, 2, 2])
    Z = K.standardise(S, g)
    np.testing.assert_allclose(Z[:3, 0], [-1.0, 0.0, 1.0])          # mean 2, sd 1
    np.testing.assert_allclose(Z[3:, 0], [-1 / np.sqrt(2), 1 / np.sqrt(2)])
    np.testing.assert_allclose(Z[3:, 1], [0.0, 0.0])                # constant → 0
    N = K.normal_scores(S, g)
    q = 0.6744897501960817                                          # Φ⁻¹(0.75)
    np.testing.assert_allclose(N[:3, 0], [-q, 0.0, q], atol=1e-12)  # ranks 1,2,3 of n=3
    np.testing.assert_allclose(N[3:, 1], [0.0, 0.0], atol=1e-12)    # tie: average rank 1.5 of 2
    # leading draw axis gives the same per draw
    np.testing.assert_allclose(K.normal_scores(np.stack([S, S]), g)[1], N)
    np.testing.assert_allclose(K.standardise(np.stack([S, S]), g)[0], Z)


def test_transition_counts_hand_checked():
    # A: s, s, t, mixed ; B: i, (none), i, i ; C: t in 2000 and 2002 only (gap year)
    unit = ["A"] * 4 + ["B"] * 4 + ["C"] * 2
    time = [2000, 2001, 2002, 2003] * 2 + [2000, 2002]
    state = [0, 0, 1, 3, 2, -1, 2, 2, 1, 1]
    N = K.transition_counts(np.array(state), np.array(unit), np.array(time), 4)
    expect = np.zeros((4, 4), int)
    expect[0, 0] = 1   # A s→s
    expect[0, 1] = 1   # A s→t
    expect[1, 3] = 1   # A t→mixed
    expect[2, 2] = 1   # B i→i (2002→2003); 2000→2001 and 2001→2002 involve "none"
    assert (N == expect).all()  # C: 2000→2002 is not a one-year step


def test_cohen_kappa_hand_and_sklearn():
    assert K.cohen_kappa([0, 0, 1, 1], [0, 1, 1, 1]) == pytest.approx(0.5)  # po .75, pe .5
    assert K.cohen_kappa([0, 1, 2], [0, 1, 2]) == pytest.approx(1.0)
    assert np.isnan(K.cohen_kappa([], []))
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    b[:120] = a[:120]
    assert K.cohen_kappa(a, b) == pytest.approx(sk.cohen_kappa_score(a, b), abs=1e-12)


def test_kmeans_recovers_blobs_deterministic_and_matches_sklearn_inertia():
    rng = np.random.default_rng(0)
    centres = np.array([[5.0, 0, 0], [0, 5.0, 0], [0, 0, 5.0]])
    truth = np.repeat([0, 1, 2], 30)
    X = centres[truth] + rng.normal(0, 0.3, (90, 3))
    lab, C, inertia = K.kmeans(X, 3, seed=1)
    lab2, C2, inertia2 = K.kmeans(X, 3, seed=1)
    assert (lab == lab2).all() and np.allclose(C, C2) and inertia == inertia2
    assert lab.tolist() == truth.tolist()           # relabelled by first appearance
    np.testing.assert_allclose(C, [X[truth == j].mean(axis=0) for j in range(3)])
    assert inertia == pytest.approx(((X - C[lab]) ** 2).sum())
    cl = pytest.importorskip("sklearn.cluster")
    km = cl.KMeans(3, n_init=10, random_state=0).fit(X)
    assert inertia == pytest.approx(km.inertia_, rel=1e-9)


def test_map_clusters_hungarian_vs_argmax_and_mixed():
    C = np.array([[2.0, 1.0, 0.0], [1.9, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert K.map_clusters(C, "argmax").tolist() == [0, 0, 2]          # two clusters → social
    assert K.map_clusters(C, "hungarian").tolist() == [1, 0, 2]       # 1 + 1.9 + 1 = 3.9 is the max
    C4 = np.vstack([C, [0.1, 0.0, 0.05]])                              # flattest row → mixed
    assert K.map_clusters(C4, "hungarian", mixed=True).tolist() == [1, 0, 2, K.MIXED]
    with pytest.raises(ValueError):
        K.map_clusters(C, "greedy")


# ------------------------------------------------------------------ labelled API on a hand-built panel

SPEC = """
[index]
name = "toy_modes"
years = [2020, 2022]
shift = 0.0

[modes]
margin = 0.25
standardise = "by_year"

[[dimension]]
id = "social"
[[dimension]]
id = "technology"
method = "critic"
[[dimension]]
id = "innovation"

[[indicator]]
id = "s1"
dimension = "social"
direction = "+"
source = "x.csv"
column = "s1"
[[indicator]]
id = "s2"
dimension = "social"
direction = "-"
source = "x.csv"
column = "s2"
[[indicator]]
id = "t1"
dimension = "technology"
direction = "+"
source = "x.csv"
column = "t1"
[[indicator]]
id = "t2"
dimension = "technology"
direction = "+"
source = "x.csv"
column = "t2"
[[indicator]]
id = "i1"
dimension = "innovation"
direction = "+"
source = "x.csv"
column = "i1"

[[exclude]]
indicator = "i1"
adcode = 130000
year = 2021
reason = "toy defect"
"""

ADS = [110000, 120000, 130000, 140000, 150000, 210000]


def _toy_frame() -> pd.DataFrame:
    """Province k leans to mode k % 3 (0 social, 1 technology, 2 innovation) in every year."""
    rows = []
    for y in (2020, 2021, 2022):
        for k, a in enumerate(ADS):
            lean = k % 3
            base = 1.0 + 0.1 * k + 0.05 * (y - 2020)
            rows.append({"adcode": a, "year": y,
                         "s1": base + 3.0 * (lean == 0), "s2": 5.0 - base - 3.0 * (lean == 0),
                         "t1": base + 3.0 * (lean == 1), "t2": base ** 2 + 6.0 * (lean == 1),
                         "i1": base + 3.0 * (lean == 2)})
    return pd.DataFrame(rows).set_index(["adcode", "year"])


@pytest.fixture()
def toy_spec(tmp_path):
    p = tmp_path / "toy.toml"
    p.write_text(SPEC, encoding="utf-8")
    return p


def test_toy_modes_missing_reason_and_exclusion(toy_spec):
    from digitrace.modes import driving_modes

    df = _toy_frame()
    df.loc[(210000, 2022), "t1"] = np.nan
    res = driving_modes(df, toy_spec, draws=50, seed=0)
    f = res.to_frame().set_index(["adcode", "year"])
    assert len(f) == 18
    # every row: a mode or a reason, never both, never neither
    has_mode = f["mode"].notna()
    has_reason = f["reason"].fillna("").str.len() > 0
    assert (has_mode ^ has_reason).all()
    assert f.loc[(210000, 2022), "reason"] == "missing t1: no value in x.csv"
    assert f.loc[(130000, 2021), "reason"] == "missing i1: excluded: toy defect"
    assert set(res.missing["indicator"]) == {"t1", "i1"}
    expect = {110000: "social", 120000: "technology", 130000: "innovation",
              140000: "social", 150000: "technology", 210000: "innovation"}
    for (a, _y), m in f["mode"].dropna().items():
        assert m == expect[a]
    assert (f["p_same_mode"].dropna() > 0.9).all()
    # transitions: every classified province keeps its mode in consecutive classified years
    N = res.transitions("count")
    # 6 provinces × 2 pairs = 12, minus Hebei 2020→21 and 2021→22 and Liaoning 2021→22 (gaps) = 9
    assert np.diag(N.to_numpy()).tolist() == [4, 4, 1, 0] and N.to_numpy().sum() == 9
    P = res.transitions()
    assert P.loc["mixed"].drop("n").isna().all() and P.loc["mixed", "n"] == 0
    paths = res.paths()
    assert paths.loc["Hebei", "2021"] == "-" and paths.loc["Hebei", "n_changes"] == 0
    assert res.dimensions["technology"].method == "critic"
    w = res.weights_frame()
    assert w.groupby("dimension")["weight"].sum().round(12).eq(1.0).all()


def test_toy_imputation_is_explicit(toy_spec):
    from digitrace.modes import driving_modes

    df = _toy_frame()
    df.loc[(210000, 2022), "t1"] = np.nan
    res = driving_modes(df, toy_spec, draws=20, impute="interpolate")
    f = res.to_frame().set_index(["adcode", "year"])
    assert f["mode"].notna().all() and (f["reason"] == "").all()
    assert f.loc[(210000, 2022), "imputed"] == 1 and f.loc[(130000, 2021), "imputed"] == 1
    imp = res.imputed.set_index(["adcode", "year", "indicator"])
    assert imp.loc[(210000, 2022, "t1"), "value"] == df.loc[(210000, 2021), "t1"]  # nearest value at the end
    assert imp.loc[(130000, 2021, "i1"), "value"] == pytest.approx(
        (df.loc[(130000, 2020), "i1"] + df.loc[(130000, 2022), "i1"]) / 2)


def test_deterministic_with_seed_and_scores_are_index_composites(toy_spec):
    from digitrace.index import build_index
    from digitrace.modes import driving_modes, load_mode_spec

    df = _toy_frame()
    a = driving_modes(df, toy_spec, draws=40, seed=7).to_frame()
    b = driving_modes(df, toy_spec, draws=40, seed=7).to_frame()
    pd.testing.assert_frame_equal(a, b)
    c = driving_modes(df, toy_spec, draws=40, seed=8).to_frame()
    assert (a["mode"].fillna("") == c["mode"].fillna("")).all()  # the rule itself is not random
    sp = load_mode_spec(toy_spec)
    ok = df.drop(index=[(130000, 2021)])
    ix = build_index(ok[["s1", "s2"]], spec=sp.dimension_spec("social"), method="entropy")
    got = a.set_index(["adcode", "year"]).loc[ok.index, "score_social"].to_numpy()
    np.testing.assert_allclose(got, ix.scores["index"].to_numpy(), rtol=1e-12)


def test_method_override(toy_spec):
    from digitrace.modes import driving_modes, load_mode_spec

    assert dict(load_mode_spec(toy_spec).methods) == {"social": "entropy", "technology": "critic",
                                                       "innovation": "entropy"}
    res = driving_modes(_toy_frame(), toy_spec, method="topsis", draws=20)
    assert {r.method for r in res.dimensions.values()} == {"topsis"}
    assert res.provenance.params["methods"] == {"social": "topsis", "technology": "topsis",
                                                 "innovation": "topsis"}
    assert res.to_frame()["score_social"].dropna().between(0, 1).all()  # TOPSIS closeness
    with pytest.raises(SpecificationError, match="method must be one of"):
        driving_modes(_toy_frame(), toy_spec, method="ahp")


def test_spec_errors(tmp_path, toy_spec):
    from digitrace.modes import driving_modes, load_mode_spec

    bad = tmp_path / "bad.toml"
    bad.write_text(SPEC.replace('id = "innovation"\n', 'id = "platform"\n', 1)
                   .replace('dimension = "innovation"', 'dimension = "platform"'), encoding="utf-8")
    with pytest.raises(SpecificationError, match="exactly the dimensions"):
        load_mode_spec(bad)
    bad.write_text(SPEC.replace('indicator = "i1"\nadcode', 'indicator = "zz"\nadcode'), encoding="utf-8")
    with pytest.raises(SpecificationError, match="'zz' is not in the spec"):
        load_mode_spec(bad)
    bad.write_text(SPEC.replace('method = "critic"', 'method = "ahp"'), encoding="utf-8")
    with pytest.raises(SpecificationError, match="method must be one of"):
        load_mode_spec(bad)
    with pytest.raises(SpecificationError, match="unknown mode spec"):
        load_mode_spec("no_such_spec")
    with pytest.raises(SpecificationError, match="margin"):
        driving_modes(_toy_frame(), toy_spec, margin=-1)
    with pytest.raises(SpecificationError, match="impute"):
        driving_modes(_toy_frame(), toy_spec, impute="mean")
    with pytest.raises(SpecificationError, match="lacks spec indicators"):
        driving_modes(_toy_frame().drop(columns="t2"), toy_spec)
    from digitrace.errors import UnknownProvinceError

    odd = _toy_frame().rename(index={110000: 11}, level="adcode")
    with pytest.raises(UnknownProvinceError, match=r"\[11\]"):
        driving_modes(odd, toy_spec)
    with pytest.raises(SpecificationError, match="sector spec"):
        driving_modes(_toy_frame(), "sector_modes_io")


# ------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def real(data_dir):
    from digitrace.modes import driving_modes

    return driving_modes(data_dir, draws=100, seed=0)


def test_real_every_province_year_has_mode_or_reason(real):
    f = real.to_frame()
    assert len(f) == 31 * 7 and f["adcode"].nunique() == 31
    has_reason = f["reason"].str.len() > 0
    assert (f["mode"].notna() ^ has_reason).all()
    tibet = f[f["province_en"] == "Tibet"]
    assert tibet["mode"].isna().all()
    assert tibet["reason"].str.contains("software_revenue_pc: no value in province/tongjimodule_nbs_software").all()
    assert f.loc[f["province_en"] != "Tibet", "mode"].notna().all()
    assert set(f["mode"].dropna()) <= {"social", "technology", "innovation", "mixed"}
    for m in ("social", "technology", "innovation"):
        s = f[f"score_{m}"].dropna()
        assert s.between(0, 1 + 1e-4).all()
    assert f["p_same_mode"].dropna().between(0, 1).all()
    # mixed exactly when the gap is below the margin
    cl = f.dropna(subset=["mode"])
    assert ((cl["mode"] == "mixed") == (cl["gap"] < real.provenance.params["margin"])).all()


def test_real_transitions_and_paths(real):
    N = real.transitions("count")
    assert N.to_numpy().sum() == 30 * 6  # 30 classified provinces × 6 consecutive pairs
    P = real.transitions()
    np.testing.assert_allclose(P.drop(columns="n").sum(axis=1), 1.0)
    paths = real.paths()
    assert paths.shape == (31, 7 + 2)
    assert (paths.loc["Tibet", [str(y) for y in range(2016, 2023)]] == "-").all()
    assert real.shares().sum(axis=1).eq(31).all()
    a = real.agreement
    assert 0 <= a["share"] <= 1 and -1 <= a["kappa"] <= 1 and a["n"] == 210


def test_real_imputation_floor_classifies_tibet(data_dir):
    from digitrace.modes import driving_modes

    res = driving_modes(data_dir, impute="floor", draws=20)
    f = res.to_frame()
    assert f["mode"].notna().all()
    imp = res.imputed
    assert set(imp["province"]) == {"Tibet"}
    assert len(imp) == 7 + 7 + 1  # software revenue, IT-services share (2016–2022), tech market 2016


def test_real_indicators_match_index_toolkit(data_dir, real):
    """Same spec entry → same numbers as digitrace.index (province_digital_2016_2022)."""
    from digitrace.index import build_index

    ix = build_index(data_dir, "province_digital_2016_2022")
    shared = ["broadband_subscribers_per100", "mobile_internet_users_per100", "optical_cable_density",
              "computers_per100", "websites_per100_firms", "mobile_traffic_pc"]
    mine = real.indicators[shared]
    theirs = ix.raw[shared].reindex(mine.index)
    np.testing.assert_allclose(mine.to_numpy(), theirs.to_numpy(), rtol=1e-12)


def test_real_retail_spec(data_dir):
    from digitrace.modes import driving_modes, load_mode_spec

    sp = load_mode_spec("province_modes_2016_2019_retail")
    assert [e.adcode for e in sp.exclusions] == [130000]
    res = driving_modes(data_dir, sp, draws=20)
    f = res.to_frame()
    assert len(f) == 31 * 4 and (f["mode"].notna() ^ (f["reason"].str.len() > 0)).all()
    assert res.indicators["retail_sales_pc"].notna().all()
    # Hebei 2012 would be excluded: check on the raw EPS rows through the spec's exclusion
    ex = sp.exclusions[0]
    assert "copy of Tianjin" in ex.reason and ex.year == 2012


def test_real_sector_modes(data_dir):
    from digitrace.modes import sector_modes

    res = sector_modes(data_dir, years=[2016, 2017, 2018], draws=30)
    f = res.to_frame()
    assert len(f) == 45 * 3
    assert (f["mode"].notna() ^ (f["reason"].str.len() > 0)).all()
    hh = f[f["sector"] == "45"]   # households as employers: no output in the OECD table
    assert hh["mode"].isna().all()
    it = f[(f["sector"] == "35") & (f["year"] == 2018)].iloc[0]
    assert it["mode_top"] == "innovation"      # IT and information services
    assert res.transitions("count").to_numpy().sum() == 44 * 2


def _permuted(t, perm):
    from dataclasses import replace

    def rows(x):
        return None if x is None else x.loc[perm]

    return replace(t, Z=t.Z.loc[perm, perm], final_demand=rows(t.final_demand), va=rows(t.va),
                   va_components=rows(t.va_components), x=rows(t.x), exports=rows(t.exports),
                   imports=rows(t.imports), sectors=rows(t.sectors), errors=rows(t.errors))


def test_sector_modes_invariant_to_sector_ordering(data_dir):
    import digitrace as dt
    from digitrace.modes import sector_modes

    path = data_dir / "io" / "oecd" / "OECD2021ed_IOT_CHN_1995_2018_45sec.csv"
    tabs = [dt.load_oecd_iot(path, y) for y in (2016, 2017, 2018)]
    rng = np.random.default_rng(5)
    perm = [list(rng.permutation(t.codes)) for t in tabs]
    a = sector_modes(tables=tabs, draws=30, seed=2).to_frame()
    b = sector_modes(tables=[_permuted(t, p) for t, p in zip(tabs, perm)], draws=30, seed=2).to_frame()
    key = ["year", "sector"]
    a, b = a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    cols = ["score_social", "score_technology", "score_innovation", "z_social", "z_technology",
            "z_innovation", "gap"]
    pd.testing.assert_frame_equal(a[cols], b[cols], rtol=1e-9, atol=1e-12)
    assert (a["mode"].fillna("") == b["mode"].fillna("")).all()


def test_sector_modes_nbs_noncompetitive_tables(data_dir):
    """The 42-sector non-competitive NBS tables publish only total consumption (TC)."""
    import digitrace as dt
    from digitrace.modes import sector_modes
    from digitrace.modes.sectors import sector_indicators

    tabs = [dt.load_io_table(data_dir / "io" / "nbs" / f"china_{y}_42.csv") for y in (2017, 2018, 2020)]
    ind = sector_indicators(tabs[1])
    assert (ind["household_basis"] == "consumption").all()
    assert ind["household_share"].between(0, 1).all()
    res = sector_modes(tables=tabs, draws=20)
    # only 2017 → 2018 is a one-year step; 2018 → 2020 is not counted
    assert res.transitions("count").to_numpy().sum() == res.to_frame().query("year == 2017")["mode"].notna().sum()


# ------------------------------------------------------------------ CLI


def test_cli_modes_csv_and_errors(data_dir, tmp_path, capsys):
    from digitrace.cli import main

    out = tmp_path / "modes.csv"
    main(["modes", "--data", str(data_dir), "--format", "csv", "--draws", "20", "--out", str(out)])
    df = pd.read_csv(out)
    for col in ("adcode", "province", "year", "score_social", "score_technology", "score_innovation",
                "mode", "p_same_mode", "kmeans_mode", "agree", "reason"):
        assert col in df.columns
    assert len(df) == 217
    with pytest.raises(SystemExit) as e:
        main(["modes", "--data", str(data_dir), "--what", "nonsense"])
    assert e.value.code == 2
    assert "--what must be one of" in capsys.readouterr().err


def test_docs_mention_every_cli_option():
    from pathlib import Path

    from typer.testing import CliRunner

    from digitrace.cli import build_app

    doc = (Path(__file__).resolve().parents[1] / "docs" / "framework.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(build_app(), ["modes", "--help"], env={"COLUMNS": "200"}).output
    import re

    opts = set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}
    assert opts, help_text
    missing = sorted(o for o in opts if o not in doc)
    assert not missing, f"docs/framework.md does not mention {missing}"


def test_interpolate_leaves_a_province_without_any_value_unclassified_with_reason(toy_spec):
    """A province with no value of an indicator in any year cannot be interpolated: its
    rows get no mode and say why (the run does not fail); the other gaps are filled."""
    from digitrace.modes import driving_modes

    df = _toy_frame()
    df.loc[(210000, 2022), "t1"] = np.nan
    df.loc[df.index.get_level_values("adcode") == 150000, "i1"] = np.nan
    res = driving_modes(df, toy_spec, draws=20, impute="interpolate")
    f = res.to_frame().set_index(["adcode", "year"])
    nm = f.loc[150000]
    assert nm["mode"].isna().all() and (nm["imputed"] == 0).all()
    assert nm["reason"].str.contains("i1: .*cannot fill it: no value in any year").all()
    assert f.loc[(210000, 2022), "imputed"] == 1 and pd.notna(f.loc[(210000, 2022), "mode"])
    assert not (res.imputed["adcode"] == 150000).any()
    assert (f.drop(index=150000, level="adcode")["reason"] == "").all()
    clean = driving_modes(_toy_frame(), toy_spec, draws=20, impute="interpolate")
    assert (clean.to_frame()["reason"] == "").all() and clean.to_frame()["mode"].notna().all()
