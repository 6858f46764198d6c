"""Acceptance fixes: threshold trim messages, year effects as fixed effects, the CI
level in the threshold row, collinear sets named in full, no numpy reprs in messages."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.econ._panel import check_collinear, dependency_relations
from digitrace.econ._spatial_common import prepare_weights
from digitrace.econ.fixed_effects import fe
from digitrace.econ.spatial_fe_panel import spatial_panel
from digitrace.econ.tables import regtable
from digitrace.errors import DataError, SpecificationError


def _panel(N=40, T=8, seed=0, year0=1974):
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(N), T)
    yr = np.tile(np.arange(year0, year0 + T), N)
    q = rng.uniform(size=N * T)
    x = rng.normal(size=N * T)
    w = rng.normal(size=N * T)
    y = (rng.normal(size=N)[ids] + 0.3 * (yr - year0) + 0.5 * w
         + np.where(q <= 0.5, 1.0, -0.8) * x + 0.5 * rng.normal(size=N * T))
    return pd.DataFrame({"prov": ids, "year": yr, "hq": y, "dig": x, "hc": q, "w": w})


# 1. trim too large for the number of regimes -------------------------------------------
def test_trim_too_large_names_regimes_and_counts():
    d = _panel()                                  # n = 320, hc has 320 unique values
    with pytest.raises(SpecificationError) as e:
        digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", n_thresholds=2, trim=0.4,
                            bootstrap=0)
    msg = str(e.value)
    assert "unique values" not in msg
    # 3 regimes x 0.4 = 1.2 > 1; floor(0.4*320) = 128 per regime, 384 in all vs n = 320
    for part in ("3 regimes × trim 0.4 = 1.2 > 1", "128 observations", "384 in all",
                 "n=320", "below 1/3", "fewer thresholds"):
        assert part in msg, (part, msg)
    with pytest.raises(SpecificationError, match="1.2 > 1"):
        digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", n_thresholds=2, trim=0.4,
                            bootstrap=0, candidates="hansen")
    # feasible in total, but the first threshold leaves no regime that can be split
    with pytest.raises(SpecificationError) as e:
        digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", n_thresholds=2, trim=0.3,
                            bootstrap=0)
    msg = str(e.value)
    assert "no admissible candidate for threshold 2" in msg and "96 observations" in msg
    sizes = [int(v) for v in re.search(r"regimes so far hold \[(\d+), (\d+)\]", msg).groups()]
    assert sum(sizes) == 320 and max(sizes) < 2 * 96       # neither regime can be split
    # just below the bound is accepted: 3 * floor(0.33 * 320) = 315 <= 320
    r = digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", n_thresholds=1, trim=0.33,
                            bootstrap=0)
    assert len(r.thresholds) == 1


# 2. year effects are fixed effects, not coefficients ------------------------------------
@pytest.mark.parametrize("n_thresholds", [1, 2])
def test_time_effects_not_reported_and_equal_two_way_fe(n_thresholds):
    d = _panel(N=50, T=15, seed=3)
    r = digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", controls=["w"],
                            n_thresholds=n_thresholds, trim=0.1, bootstrap=0, time_effects=True)
    assert not any(str(k).startswith("year_") for k in r.params.index)
    assert list(r.params.index) == list(r.se.index) == list(r.pvalues.index)
    assert list(r.time_effects_coef.index) == [f"year_{t}" for t in range(1975, 1989)]
    # the same regression by pyfixest with entity + year fixed effects
    g = d.copy()
    edges = [-np.inf, *r.thresholds, np.inf]
    regs = []
    for j in range(len(edges) - 1):
        g[f"r{j}"] = g["dig"] * ((g["hc"] > edges[j]) & (g["hc"] <= edges[j + 1]))
        regs.append(f"r{j}")
    f = fe(g, f"hq ~ w + {' + '.join(regs)} | prov + year")
    np.testing.assert_allclose(r.params.to_numpy(), f.params.to_numpy(), rtol=0, atol=1e-10)
    # same degrees of freedom (n - N - (T-1) - k) and iid SEs as xtreg/reghdfe
    np.testing.assert_allclose(r.se.to_numpy(), f.se.to_numpy(), rtol=1e-8)
    # R² as fe() reports them: LSDV overall, within relative to y net of both FE
    assert r.r2 == pytest.approx(f.r2, rel=1e-10)
    assert r.r2_within == pytest.approx(f.r2_within, rel=1e-10)
    # the dummies are the year effects of the two-way model (relative to 1974)
    lsdv = np.linalg.lstsq(
        np.column_stack([g[["w", *regs]], pd.get_dummies(g["prov"], dtype=float),
                         pd.get_dummies(g["year"], drop_first=True, dtype=float)]),
        g["hq"], rcond=None)[0]
    np.testing.assert_allclose(r.time_effects_coef.to_numpy(), lsdv[-14:], atol=1e-8)
    tab = regtable([r]).to_frame()
    assert not any(str(k).startswith("year_") for k in tab.index)
    assert "year FE" in tab.index
    r0 = digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", bootstrap=0)
    assert r0.time_effects_coef is None


# 3. the threshold row states its confidence level ---------------------------------------
@pytest.mark.parametrize("alpha, key", [(0.05, "Threshold γ1 [95% CI]"),
                                        (0.1, "Threshold γ1 [90% CI]"),
                                        (0.01, "Threshold γ1 [99% CI]")])
def test_threshold_row_key_has_level(alpha, key):
    d = _panel()
    r = digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", bootstrap=0, alpha=alpha)
    assert key in r.extra_rows
    assert re.fullmatch(r"Threshold γ(\d+) \[(\S+)% CI\]", key)
    lo, hi = r.ci[0]
    assert r.extra_rows[key] == f"{r.thresholds[0]:.4f} [{lo:.4f}, {hi:.4f}]"
    level = f"{100 * (1 - alpha):g}"
    assert f"门槛值 γ1 [{level}% 置信区间]" in regtable([r], lang="zh").to_frame().index


# 4. the whole linearly dependent set is named --------------------------------------------
def test_collinear_set_named_in_full():
    rng = np.random.default_rng(1)
    q1, q2, q3 = rng.normal(size=(3, 200))
    X = np.column_stack([q1, q2, q3, q1 + q2])
    with pytest.raises(SpecificationError) as e:
        check_collinear(X, ["q1", "q2", "q3", "q4"])
    msg = str(e.value)
    assert "q1, q2, q4 are linearly dependent" in msg and "q4 = 1·q1 + 1·q2" in msg
    assert "q3" not in msg
    # two separate relations, coefficients on the original scale
    X = np.column_stack([q1, 2.5 * q1, q2, q2 - 3 * q3, q3])
    rels = dict(dependency_relations(X, list("abcde")))
    assert rels == {"b = 2.5·a": ["a", "b"], "e = 0.3333·c − 0.3333·d": ["c", "d", "e"]}
    assert dependency_relations(np.column_stack([q1, q2, q3]), ["a", "b", "c"]) == []


def test_collinear_set_named_by_threshold_and_fe():
    d = _panel()
    d["q1"], d["q2"] = np.random.default_rng(2).normal(size=(2, len(d)))
    d["q4"] = d["q1"] + d["q2"]
    with pytest.raises(SpecificationError, match=r"q1, q2, q4 are linearly dependent"):
        digitrace.threshold(d, "hq", "dig", "hc", "prov", "year", controls=["q1", "q2", "q4"],
                            bootstrap=0)
    with pytest.raises(SpecificationError, match=r"q1, q2, q4 are linearly dependent"):
        fe(d, "hq ~ q1 + q2 + q4 | prov + year")


# 5. no numpy reprs in messages -----------------------------------------------------------
def test_messages_show_plain_ids_not_numpy_reprs():
    d = _panel(N=5, T=15, year0=1930)
    with pytest.raises(DataError) as e:                          # unbalanced
        digitrace.threshold(d.drop(index=2 * 15 + 4), "hq", "dig", "hc", "prov", "year",
                            bootstrap=0)
    assert "entity 2 has 14 of 15 periods" in str(e.value) and "np." not in str(e.value)
    dup = pd.concat([d, d.iloc[[8]]])                            # duplicate (0, 1938)
    with pytest.raises(DataError) as e:
        digitrace.threshold(dup, "hq", "dig", "hc", "prov", "year", bootstrap=0)
    assert "year=1938" in str(e.value) and "np." not in str(e.value)
    W = pd.DataFrame(np.ones((5, 5)) - np.eye(5), index=[str(i) for i in [0, 1, 2, 3, 51]],
                     columns=[str(i) for i in [0, 1, 2, 3, 51]])
    ids = list(np.array([0, 1, 2, 3, 4]))                        # np.int64 ids
    with pytest.raises(SpecificationError) as e:
        prepare_weights(W, ids, row_standardize=True)
    msg = str(e.value)
    assert "missing from W: [4]" in msg and "in W but not in the data: [51]" in msg
    assert "np." not in msg
    # spatial panel: duplicate key, unbalanced panel, islands, all with np.int64 labels
    with pytest.raises(DataError) as e:
        spatial_panel(dup, "hq", "dig", W, "prov", "year")
    assert "(0, 1938)" in str(e.value) and "np." not in str(e.value)
    with pytest.raises(DataError) as e:
        spatial_panel(d.drop(index=2 * 15 + 4), "hq", "dig", W, "prov", "year")
    assert "(2, 1934)" in str(e.value) and "np." not in str(e.value)
    Wi = pd.DataFrame(np.zeros((5, 5)), index=ids, columns=ids)
    Wi.iloc[0, 1] = Wi.iloc[1, 0] = 1.0
    with pytest.raises(SpecificationError) as e:
        prepare_weights(Wi, ids, row_standardize=True)
    assert "island(s) with no neighbours: [2, 3, 4]" in str(e.value)
    assert "np." not in str(e.value)
