"""threshold(candidates="hansen") against Hansen's own program run in R.

Reference: ``tests/reference/econ/hansen_code_outputs.json`` — Hansen's
``thresh_p.R`` and pdR 1.7 ``ptm()`` run unchanged in R 4.2.2 on the synthetic
panel ``hansen_code_panel.csv`` (provenance: tests/reference/econ/README.md,
section "Hansen's own program").  Bootstrap p-values use other random
streams and are not compared with R; the bootstrap is checked against a
brute-force implementation of Hansen's algorithm instead.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.econ._threshold_grid import hansen_grid, hansen_keep, r_seq

REF = Path(__file__).parent / "reference" / "econ"
CSV_SHA256 = "40aa1fb1ce0a9927ae473768e42a5297f65fc17ac3389cd09ae665f85e69cdb2"
CONTROLS = ["q1", "q2", "q3", "d1", "qd1"]
TRIMS = (0.01, 0.01, 0.05)


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "hansen_code_outputs.json").read_text())


@pytest.fixture(scope="module")
def panel():
    """Hansen's data step (thresh_p.R, lag_v): y = i_t; c, q, d lagged one period."""
    path = REF / "hansen_code_panel.csv"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == CSV_SHA256
    raw = pd.read_csv(path).sort_values(["firm", "year"])
    g = raw.groupby("firm")
    df = pd.DataFrame({"firm": raw["firm"], "year": raw["year"], "i": raw["i"],
                       "c1": g["c"].shift(1), "q1": g["q"].shift(1), "d1": g["d"].shift(1)})
    df = df[raw["year"] > 1].copy()
    df["q2"] = df["q1"] ** 2
    df["q3"] = df["q1"] ** 3
    df["qd1"] = df["q1"] * df["d1"]
    return df


@pytest.fixture(scope="module")
def fits(panel):
    """The call that reproduces Hansen's program, for 1, 2 and 3 thresholds."""
    return {k: digitrace.threshold(panel, "i", "c1", "d1", "firm", "year", controls=CONTROLS,
                                   n_thresholds=k, trim=list(TRIMS[:k]), bootstrap=0,
                                   candidates="hansen", grid=400, transform="hansen1999",
                                   sigma="hansen")
            for k in (1, 2, 3)}


def _model(ref, prog, it):
    (m,) = [m for m in ref[prog]["model"] if m["it"] == [it]]
    return m


def test_r_seq_and_grid_equal_hansen(ref, panel):
    g = ref["hansen_thresh_p"]["globals"]
    assert len(r_seq(0.01, 0.99, 0.0025)) == g["qn1"][0] == 393
    qq1 = hansen_grid(panel["d1"].to_numpy(), TRIMS[0], 400)
    np.testing.assert_array_equal(qq1, g["qq1"])
    for m in ref["hansen_thresh_p"]["model"]:          # grid-position trimming (ii != 1)
        fixed = [] if m["r"] == [0] else m["r"]
        np.testing.assert_array_equal(hansen_keep(qq1, fixed, 400, m["trim"][0]), m["qq"])


def test_r_seq_and_grid_match_r_on_small_cases():
    """Values printed by R 4.2.2 (commands in tests/reference/econ/README.md)."""
    assert len(r_seq(0.05, 0.95, 1 / 40)) == 37
    assert len(r_seq(0.1, 0.7, 0.1)) == 7                  # R's 1e-10 fuzz on the count
    g = hansen_grid(np.arange(50.0), 0.01, 400)            # fewer unique values than qn
    assert len(g) == 389 and g.sum() == 9264               # floor(s*m) = 0 dropped (R index 0)
    np.testing.assert_array_equal(g[:12], [0] * 8 + [1] * 4)   # duplicates kept
    g = hansen_grid(np.arange(37.0) / 7, 0.05, 40)
    assert len(g) == 37 and g.sum() == pytest.approx(89.857142857142861, rel=1e-15)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_thresholds_ssr_f_ci_equal_hansen_program(ref, fits, k):
    H = {it: _model(ref, "hansen_thresh_p", it) for it in (0, 2, 1, 3)}
    r = fits[k]
    assert r.ssr[0] == pytest.approx(ref["hansen_thresh_p"]["globals"]["sse0"][0], rel=1e-10)
    # threshold estimate of each step (it 0: single; 2: double, first iteration;
    # 1: refinement of gamma_1 given gamma_2; 3: triple given the refined two)
    steps = {1: [0], 2: [2, 1], 3: [2, 1, 3]}[k]
    final = sorted(H[it]["rhat"][0] for it in steps)
    assert list(r.thresholds) == final                                   # exact grid values
    last = {1: 0, 2: 1, 3: 3}[k]
    assert r.ssr[k] == pytest.approx(H[last]["sse1"][0], rel=1e-10)
    assert r.ssr[1] == pytest.approx(H[0]["sse1"][0], rel=1e-10)
    for j, it in enumerate([0, 2, 3][:k]):
        assert r.f_stats[j] == pytest.approx(H[it]["lrt"][0], rel=1e-8)  # F = Hansen's LR
    for it in steps:                                 # CI: the LR path of the step that set gamma
        g, ci = H[it]["rhat"][0], tuple(H[it]["ci"])
        i = r.thresholds.index(g)
        assert r.ci[i] == ci
        cand, lr = r.lr_paths[i]
        qq, sse = np.asarray(H[it]["qq"]), np.asarray(H[it]["sse"])
        lr_h = (sse / H[it]["sse1"][0] - 1) * H[it]["ty"][0]
        np.testing.assert_array_equal(cand, np.unique(qq))
        _, first = np.unique(qq, return_index=True)
        np.testing.assert_allclose(lr, lr_h[first], rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_coefficients_and_se_equal_hansen_and_pdr(ref, fits, k):
    r = fits[k]
    it = {1: 0, 2: 1, 3: 3}[k]
    H, P = _model(ref, "hansen_thresh_p", it), _model(ref, "pdr_ptm", it)
    np.testing.assert_allclose(r.params.to_numpy(), H["beta"], rtol=1e-8)
    np.testing.assert_allclose(r.params.to_numpy(), P["beta"], rtol=1e-8)
    # pdR: xxi e'e / (nT - n - K) = digitrace's classical SE on the same residuals
    np.testing.assert_allclose(r.se.to_numpy(), P["sehomo"], rtol=1e-8)
    # Hansen's thresh_p.R divides by n(T-1) - n - K (ty = n(T-1) already nets out the FE)
    N, T, K = r.n_entities, r.n_periods, len(r.params)
    scale = np.sqrt((N * T - N - K) / (N * (T - 1) - N - K))
    np.testing.assert_allclose(r.se.to_numpy() * scale, H["sehomo"], rtol=1e-8)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_white_se_equal_hansen_sehet(ref, panel, k):
    """vcov="white" is Hansen's heteroskedasticity-robust SE (sehet: HC0 on the transformed design)."""
    r = digitrace.threshold(panel, "i", "c1", "d1", "firm", "year", controls=CONTROLS,
                            n_thresholds=k, trim=list(TRIMS[:k]), bootstrap=0, candidates="hansen",
                            grid=400, transform="hansen1999", sigma="hansen", vcov="white")
    it = {1: 0, 2: 1, 3: 3}[k]
    np.testing.assert_allclose(r.se.to_numpy(), _model(ref, "hansen_thresh_p", it)["sehet"], rtol=1e-8)
    np.testing.assert_allclose(r.se.to_numpy(), _model(ref, "pdr_ptm", it)["sehet"], rtol=1e-8)
    assert r.extra_rows["SE"] == "White (HC0)"


def test_regime_labels_use_strict_lower_regime(fits):
    assert list(fits[2].params.index[-3:]) == ["c1 (d1<0.251)", "c1 (0.251≤d1<0.552)",
                                              "c1 (d1≥0.552)"]
    assert fits[2].provenance.params["candidates"] == "hansen"


def test_pdr_deviations_are_as_documented(ref, fits, panel):
    """pdR: ty = nT (LR scaled by T/(T-1)); its triple-model LR omits all but the
    largest fixed threshold from the null model (the for loop body is only
    ``tmp4=NULL``)."""
    r3 = fits[3]
    T = r3.n_periods
    for j, it in enumerate([0, 2]):
        P = _model(ref, "pdr_ptm", it)
        assert P["ty"] == [r3.n_entities * T]
        assert P["lrt"][0] * (T - 1) / T == pytest.approx(r3.f_stats[j], rel=1e-8)
    P3 = _model(ref, "pdr_ptm", 3)
    assert P3["lrt"][0] * (T - 1) / T != pytest.approx(r3.f_stats[2], rel=1e-3)
    # reproduce pdR's null: controls, c1 and c1*1(d1 < largest fixed threshold) only
    N = r3.n_entities
    d = panel.sort_values(["firm", "year"])

    def tr(v):
        a = np.asarray(v, float).reshape(N, T, -1)
        return (a - a.mean(axis=1, keepdims=True))[:, :-1].reshape(N * (T - 1), -1)

    g_max = max(P3["r"])
    Z = np.column_stack([tr(d[CONTROLS]), tr(d["c1"]), tr(d["c1"] * (d["d1"] < g_max))])
    y = tr(d["i"])[:, 0]
    e = y - Z @ np.linalg.lstsq(Z, y, rcond=None)[0]
    lr_pdr = (e @ e / P3["sse1"][0] - 1) * N * T
    assert P3["lrt"][0] == pytest.approx(lr_pdr, rel=1e-8)


def _small_panel(N=30, T=6, seed=5):
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(N), T)
    q = np.round(rng.uniform(0, 1, N * T), 2)                     # ties
    q[rng.random(N * T) < 0.1] = 0.0
    x, w = rng.normal(size=N * T), rng.normal(size=N * T)
    b = np.select([q < 0.35, q < 0.7], [0.3, 0.1], 0.0)      # F2 not significant
    y = rng.normal(size=N)[ids] + 0.5 * w + b * x + 0.5 * rng.normal(size=N * T)
    return pd.DataFrame({"id": ids, "year": np.tile(np.arange(T), N), "y": y, "x": x, "q": q,
                         "w": w})


def test_hansen_bootstrap_equals_brute_force_of_hansens_algorithm():
    """F1 and F2 bootstrap of candidates="hansen": Hansen's loop with lstsq refits."""
    df = _small_panel()
    N, T, R, seed, qn, trims = 30, 6, 20, 7, 40, (0.05, 0.1)
    res = digitrace.threshold(df, "y", "x", "q", "id", "year", controls=["w"], n_thresholds=2,
                              trim=list(trims), bootstrap=R, seed=seed, candidates="hansen",
                              grid=qn, transform="hansen1999", sigma="hansen")
    d = df.sort_values(["id", "year"])
    X, Q, W = d["x"].to_numpy(), d["q"].to_numpy(), d["w"].to_numpy()
    ty = N * (T - 1)

    def tr(v):
        a = np.asarray(v, float).reshape(N, T)
        return (a - a.mean(axis=1, keepdims=True))[:, :-1].ravel()

    yt = tr(d["y"])
    base = np.column_stack([tr(W), tr(X)])
    qq1 = hansen_grid(Q, trims[0], qn)

    def design(rr):
        return np.column_stack([base] + [tr(X * (Q < g)) for g in sorted(rr)])

    def sse(y, Z):
        e = y - Z @ np.linalg.lstsq(Z, y, rcond=None)[0]
        return e @ e

    def r_est(y, rr, trim):                                       # Hansen's r_est
        qq = hansen_keep(qq1, rr, qn, trim)
        s = [sse(y, design([*rr, g])) for g in qq]
        j = int(np.argmin(s))
        return s[j], float(qq[j])

    s1, g1 = r_est(yt, [], trims[0])
    s2, _ = r_est(yt, [g1], trims[1])
    assert res.f_stats == pytest.approx([(sse(yt, base) / s1 - 1) * ty, (s1 / s2 - 1) * ty],
                                        rel=1e-9)
    assert 0.2 < res.p_values[1] < 0.9                            # not a degenerate p-value
    rng = np.random.default_rng(seed)
    for k, rr in ((1, []), (2, [g1])):
        Z0 = design(rr)
        yp = Z0 @ np.linalg.lstsq(Z0, yt, rcond=None)[0]
        e = (yt - yp).reshape(N, T - 1)
        draws = rng.integers(0, N, size=(R, N))
        stats = []
        for b in range(R):
            yb = yp + e[draws[b]].ravel()
            s0b = sse(yb, base)
            s1b, gb = r_est(yb, [], trims[k - 1])
            if k == 2:
                s0b, (s1b, _) = s1b, r_est(yb, [gb], trims[k - 1])
            stats.append((s0b / s1b - 1) * ty)
        stats = np.sort(stats)
        assert res.p_values[k - 1] == pytest.approx(np.mean(stats > res.f_stats[k - 1]))
        crit = stats[np.ceil(np.array([0.90, 0.95, 0.99]) * R).astype(int) - 1]
        np.testing.assert_allclose(res.crit_values[k - 1], crit, rtol=1e-8)
