"""Hansen (1999) panel threshold: identities, peer reference, bootstrap, bad input."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.econ import _threshold_kernels as K
from digitrace.econ._panel import within
from digitrace.errors import DataError, SpecificationError

REF = Path(__file__).parent / "reference" / "econ"


def _dgp(N=120, T=8, seed=0, gammas=(0.3, 0.7), slopes=(1.0, 0.2, -0.6)):
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(N), T)
    yr = np.tile(np.arange(2000, 2000 + T), N)
    q = rng.uniform(0, 1, N * T)
    x = rng.normal(size=N * T)
    w = rng.normal(size=N * T)
    b = np.select([q <= gammas[0], q <= gammas[1]], slopes[:2], slopes[2]) if len(gammas) == 2 \
        else np.where(q <= gammas[0], slopes[0], slopes[1])
    y = rng.normal(size=N)[ids] + 0.5 * w + b * x + 0.5 * rng.normal(size=N * T)
    return pd.DataFrame({"id": ids, "year": yr, "y": y, "x": x, "q": q, "w": w})


def test_ssr_path_equals_brute_force_refits_with_ties():
    rng = np.random.default_rng(3)
    N, T = 30, 5
    n = N * T
    codes = np.repeat(np.arange(N), T)
    counts = np.full(N, float(T))
    X = rng.normal(size=(n, 2))
    Q = rng.integers(0, 25, n).astype(float)          # many ties
    W = rng.normal(size=(n, 1))
    Yw = within(rng.normal(size=n), codes, counts)
    fixed = np.column_stack([within(W, codes, counts), within(X, codes, counts),
                             within(X * (Q <= 8)[:, None], codes, counts)])
    cand = np.setdiff1d(np.unique(Q)[2:-2], [8.0])
    path = K.prepare_search(X, Q, codes, counts, fixed, cand)
    fast = K.ssr_path(path, K.residualize(path, Yw))
    brute = []
    for g in cand:
        Z = np.column_stack([fixed, within(X * (Q <= g)[:, None], codes, counts)])
        r = Yw - Z @ np.linalg.lstsq(Z, Yw, rcond=None)[0]
        brute.append(r @ r)
    np.testing.assert_allclose(fast, brute, rtol=1e-10, atol=1e-10)


def test_c_alpha_is_hansen_7_35():
    ssr = np.array([10.0, 3.0, 2.0, 2.5, 12.0])
    lo, hi = K.lr_ci(ssr, np.arange(5.0), sigma2=0.1, alpha=0.05)
    # LR = (S - 2)/0.1 -> [80, 10, 0, 5, 100]; c(0.05) = -2 ln(1 - sqrt(.95)) = 7.3523
    assert (lo, hi) == (2.0, 3.0)
    assert -2 * np.log(1 - np.sqrt(0.95)) == pytest.approx(7.352276694155739)


def test_matches_pyxthreg_peer_on_its_panel_small():
    """Exhaustive search; reference numbers from pyxthreg 0.0.3 (see README)."""
    df = pd.read_csv(REF / "pyxthreg_panel_small.csv")
    r1 = digitrace.threshold(df, "y", "rx1", "q", "id", "year", controls=["x1"], bootstrap=0)
    assert r1.thresholds[0] == pytest.approx(0.4973581364397502, abs=1e-12)
    assert r1.ssr[0] == pytest.approx(6442.8941218851105, rel=1e-10)
    assert r1.ssr[1] == pytest.approx(328.5806747653969, rel=1e-10)
    r2 = digitrace.threshold(df, "y", "rx1", "q", "id", "year", controls=["x1"], n_thresholds=2,
                             bootstrap=0)
    assert r2.thresholds == pytest.approx((0.38482704, 0.49735814), abs=1e-8)
    assert r2.ssr[2] == pytest.approx(327.49364074641016, rel=1e-10)
    np.testing.assert_allclose(r2.params.to_numpy(),
                               [1.21975643, 2.50735019, 2.29170666, -1.82041128], atol=1e-8)
    np.testing.assert_allclose(r2.se.to_numpy(),
                               [0.01263204, 0.01698846, 0.09863499, 0.02104494], atol=1e-8)


def test_recovers_two_thresholds_and_refinement():
    df = _dgp(N=200, T=10, seed=1)
    r = digitrace.threshold(df, "y", "x", "q", "id", "year", controls=["w"], n_thresholds=2,
                            bootstrap=99, seed=7)
    assert r.thresholds[0] == pytest.approx(0.3, abs=0.02)
    assert r.thresholds[1] == pytest.approx(0.7, abs=0.02)
    assert r.p_values[0] < 0.05 and r.p_values[1] < 0.05
    for g, (lo, hi) in zip(r.thresholds, r.ci):
        assert lo <= g <= hi
    # identities: sequential SSR decreases, F_k = (S_{k-1} - S_k^r)/sigma2 >= 0
    assert r.ssr[0] > r.ssr[1] >= r.ssr[2]
    assert all(f > 0 for f in r.f_stats)
    assert r.params.filter(like="(q≤").iloc[0] == pytest.approx(1.0, abs=0.05)
    assert r.r2 is not None and 0 < r.r2 < 1
    # FE rows are named after the user's entity/time columns (regtable convention)
    assert r.fe_rows == {"id FE": "Yes", "year FE": "No"}


def test_bootstrap_is_seeded_and_null_not_rejected():
    df = _dgp(N=100, T=6, seed=2, gammas=(0.5,), slopes=(0.5, 0.5))   # no threshold effect
    a = digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=99, seed=3)
    b = digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=99, seed=3)
    assert a.p_values == b.p_values and a.crit_values == b.crit_values
    assert a.p_values[0] > 0.05
    c10, c5, c1 = a.crit_values[0]
    assert c10 <= c5 <= c1


def test_sigma_conventions_scale_f_by_dof_ratio():
    df = _dgp(N=50, T=5, seed=4)
    h = digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0, sigma="hansen")
    s = digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0, sigma="xthreg")
    n, N, T = 250, 50, 5
    assert s.f_stats[0] / h.f_stats[0] == pytest.approx((n - T) / (n - N))
    assert h.thresholds == s.thresholds


def test_quantile_grid_close_to_exhaustive():
    df = _dgp(N=100, T=8, seed=5)
    ex = digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0)
    gr = digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0, grid=100)
    assert gr.thresholds[0] == pytest.approx(ex.thresholds[0], abs=0.02)
    assert gr.ssr[1] >= ex.ssr[1] - 1e-9


def test_cluster_vcov_and_time_effects_run():
    df = _dgp(N=60, T=6, seed=6)
    r = digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0, vcov="cluster",
                            time_effects=True)
    assert r.fe_rows["year FE"] == "Yes"
    assert r.extra_rows["SE"] == "cluster(id)"
    assert np.isfinite(r.se).all()
    assert "ThresholdResult" in repr(r)


def test_unbalanced_panel_rejected():
    df = _dgp(N=20, T=5).iloc[1:]
    with pytest.raises(DataError, match="balanced panel"):
        digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0)


def test_duplicate_keys_rejected():
    df = _dgp(N=20, T=5)
    df = pd.concat([df, df.iloc[[3]]])
    with pytest.raises(DataError, match="duplicate panel key"):
        digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0)


def test_too_few_unique_threshold_values():
    df = _dgp(N=20, T=5)
    df["q"] = 0.0
    df.loc[[1, 2, 3], "q"] = [1.0, 2.0, 3.0]          # 97 ties + 3 distinct values
    with pytest.raises(SpecificationError,
                       match=r"4 unique values and its most frequent value 0 occurs 97 times"):
        digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0, trim=0.05)


def test_collinear_control_is_named():
    df = _dgp(N=20, T=5)
    df["w2"] = 2 * df["w"]
    with pytest.raises(SpecificationError, match="w2|'w'"):
        digitrace.threshold(df, "y", "x", "q", "id", "year", controls=["w", "w2"], bootstrap=0)


def test_missing_value_named():
    df = _dgp(N=20, T=5)
    df.loc[7, "q"] = np.nan
    with pytest.raises(DataError, match="column q"):
        digitrace.threshold(df, "y", "x", "q", "id", "year", bootstrap=0)


@pytest.mark.parametrize("k, with_fitted", [(1, False), (2, False), (1, True)])
def test_bootstrap_kernel_equals_explicit_resampled_refits(k, with_fitted):
    """bootstrap_ssr (moment algebra) == forming each resampled y and refitting."""
    rng = np.random.default_rng(8)
    N, T = 25, 4
    n = N * T
    codes = np.repeat(np.arange(N), T)
    counts = np.full(N, float(T))
    X = rng.normal(size=(n, k))
    Q = rng.uniform(size=n)
    fixed = np.column_stack([within(rng.normal(size=(n, 2)), codes, counts), within(X, codes, counts)])
    cand = np.sort(Q)[5:-5]
    path = K.prepare_search(X, Q, codes, counts, fixed, cand)
    e0 = K.residualize(path, within(rng.normal(size=n), codes, counts))
    draws = rng.integers(0, N, size=(7, N))
    fitted = within(rng.normal(size=n), codes, counts) if with_fitted else None
    s0, ssr = K.bootstrap_ssr(path, e0.reshape(N, T), draws, fitted)
    for r in range(7):
        yb = e0.reshape(N, T)[draws[r]].ravel() + (0 if fitted is None else fitted)
        eb = K.residualize(path, yb)
        assert s0[r] == pytest.approx(eb @ eb, rel=1e-10)
        np.testing.assert_allclose(ssr[r], K.ssr_path(path, eb), rtol=1e-9)
    # few candidates (a grid) take the between-candidate sums branch: same identity
    sparse = K.prepare_search(X, Q, codes, counts, fixed, cand[::10])
    s0g, ssrg = K.bootstrap_ssr(sparse, e0.reshape(N, T), draws, fitted)
    for r in range(7):
        yb = e0.reshape(N, T)[draws[r]].ravel() + (0 if fitted is None else fitted)
        np.testing.assert_allclose(ssrg[r], K.ssr_path(sparse, K.residualize(sparse, yb)), rtol=1e-9)
    # shared samples (built once for all replications) and a column subset give the same numbers
    samples = K.bootstrap_samples(path, e0.reshape(N, T), draws, fitted)
    cols = np.array([5, 1, 3])
    s0c, ssrc = K.bootstrap_ssr(path, e0.reshape(N, T), draws[cols], samples=samples, cols=cols)
    np.testing.assert_allclose(s0c, s0[cols], rtol=1e-12)
    np.testing.assert_allclose(ssrc, ssr[cols], rtol=1e-12)


def test_candidate_positions_match_sorted_q():
    """_candidates(return_pos=True): pos = index of the last observation <= candidate."""
    from digitrace.econ.panel_threshold import _base_candidates, _candidates

    qs = np.sort(np.random.default_rng(9).integers(0, 40, size=300).astype(float))   # many ties
    base = _base_candidates(qs, 6, None)
    for fixed in ((), (10.0,), (10.0, 30.0)):
        cand, pos = _candidates(qs, fixed, 6, None, base=base, return_pos=True)
        np.testing.assert_array_equal(cand, _candidates(qs, fixed, 6, None))
        np.testing.assert_array_equal(pos, np.searchsorted(qs, cand, side="right") - 1)
        assert (qs[pos] == cand).all() and (pos + 1 >= 6).all() and (len(qs) - pos - 1 >= 6).all()


def test_tests_frame_and_protocol():
    df = _dgp(N=60, T=5, seed=9)
    r = digitrace.threshold(df, "y", "x", "q", "id", "year", n_thresholds=2, bootstrap=19, seed=2)
    tf = r.tests_frame()
    assert list(tf.index) == ["0 vs 1", "1 vs 2"]
    assert tf["F"].tolist() == list(r.f_stats)
    assert set(r.extra_rows) >= {"Threshold γ1 [95% CI]", "Threshold γ2 [95% CI]", "F1 (0 vs 1)",
                                 "F2 (1 vs 2)"}
    assert r.provenance.params["seed"] == 2


def test_reestimating_bootstrap_equals_brute_force():
    """F2 bootstrap with the first threshold re-estimated per sample, checked by explicit refits."""
    from digitrace.econ.panel_threshold import _candidates

    df = _dgp(N=15, T=4, seed=11, gammas=(0.5,), slopes=(1.0, -1.0))
    R, seed = 12, 4
    res = digitrace.threshold(df, "y", "x", "q", "id", "year", n_thresholds=2, bootstrap=R, seed=seed,
                              trim=0.05)
    d = df.sort_values(["id", "year"])
    N, T = 15, 4
    n = N * T
    codes = np.repeat(np.arange(N), T)
    counts = np.full(N, float(T))
    X, Q = d[["x"]].to_numpy(), d["q"].to_numpy()
    Yw = within(d["y"].to_numpy(), codes, counts)
    qs = np.sort(Q)
    nmin = int(np.floor(0.05 * n))

    def design(fixed):
        return np.column_stack([within(X, codes, counts)]
                               + [within(X * (Q <= g)[:, None], codes, counts) for g in sorted(fixed)])

    def ssr(y, Z):
        r = y - Z @ np.linalg.lstsq(Z, y, rcond=None)[0]
        return r @ r

    def best(y, fixed):
        cand = _candidates(qs, fixed, nmin, None)
        vals = [ssr(y, design([*fixed, g])) for g in cand]
        j = int(np.argmin(vals))
        return float(cand[j]), vals[j]

    gam1, s1 = best(Yw, [])
    Z1 = design([gam1])
    e0 = Yw - Z1 @ np.linalg.lstsq(Z1, Yw, rcond=None)[0]
    fitted = Yw - e0
    rng = np.random.default_rng(seed)
    rng.integers(0, N, size=(R, N))                    # draws consumed by the F1 bootstrap
    draws = rng.integers(0, N, size=(R, N))
    Fb = []
    for r in range(R):
        yb = fitted + e0.reshape(N, T)[draws[r]].ravel()
        gb, s1b = best(yb, [])
        _, s2b = best(yb, [gb])
        Fb.append((s1b - s2b) / (s2b / (n - N)))
    Fb = np.array(Fb)
    F2 = res.f_stats[1]
    assert res.p_values[1] == pytest.approx(np.mean(Fb >= F2))
    np.testing.assert_allclose(res.crit_values[1],
                               np.quantile(Fb, [0.9, 0.95, 0.99], method="inverted_cdf"), rtol=1e-8)


def test_per_threshold_trim():
    df = _dgp(N=80, T=5, seed=12)
    n = 400
    r = digitrace.threshold(df, "y", "x", "q", "id", "year", n_thresholds=3, bootstrap=0,
                            trim=[0.01, 0.01, 0.2])
    qs = np.sort(df["q"].to_numpy())
    below = [np.searchsorted(qs, g, side="right") for g in r.thresholds]
    gaps = np.diff(below)
    assert min(below[0], n - below[-1]) >= 4                  # outer regimes: floor(0.01 n)
    assert r.provenance.params["trim"] == [0.01, 0.01, 0.2]
    with pytest.raises(SpecificationError, match="trim has 2 values"):
        digitrace.threshold(df, "y", "x", "q", "id", "year", n_thresholds=3, trim=[0.01, 0.05],
                            bootstrap=0)
    assert (gaps >= 80).all()                                   # floor(0.2 n) after refinement


def _hansen_transform(v, N, T):
    """Hansen (1999, sec. 2): demean by entity, then delete the last period."""
    a = np.asarray(v, float).reshape(N, T, -1)
    return (a - a.mean(axis=1, keepdims=True))[:, :-1].reshape(N * (T - 1), -1)


def test_hansen1999_transform_path_and_bootstrap_equal_brute_force():
    rng = np.random.default_rng(21)
    N, T = 20, 5
    n = N * T
    codes = np.repeat(np.arange(N), T)
    counts = np.full(N, float(T))
    deleted = np.arange(n) % T == T - 1
    keep = (~deleted).astype(float)
    X = rng.normal(size=(n, 1))
    Q = rng.integers(0, 40, n).astype(float)          # ties included
    W = rng.normal(size=(n, 2))
    Y = rng.normal(size=n)
    pad = lambda v: within(v, codes, counts) * (keep if np.ndim(v) == 1 else keep[:, None])  # noqa: E731
    fixed = np.column_stack([pad(W), pad(X), pad(X * (Q <= 12)[:, None])])
    cand = np.setdiff1d(np.unique(Q)[3:-3], [12.0])
    pre = K.presort(X, Q, codes, counts, deleted)
    path = K.prepare_search(X, Q, codes, counts, fixed, cand, pre=pre)
    e0 = K.residualize(path, pad(Y))
    fast = K.ssr_path(path, e0)
    Yh = _hansen_transform(Y, N, T)[:, 0]
    base = np.column_stack([_hansen_transform(W, N, T), _hansen_transform(X, N, T),
                            _hansen_transform(X * (Q <= 12)[:, None], N, T)])
    brute = []
    for g in cand:
        Z = np.column_stack([base, _hansen_transform(X * (Q <= g)[:, None], N, T)])
        r = Yh - Z @ np.linalg.lstsq(Z, Yh, rcond=None)[0]
        brute.append(r @ r)
    np.testing.assert_allclose(fast, brute, rtol=1e-9, atol=1e-10)
    # bootstrap samples: padded residual blocks plus padded fitted values
    draws = rng.integers(0, N, size=(5, N))
    fitted = pad(rng.normal(size=n))
    s0, ssr = K.bootstrap_ssr(path, e0.reshape(N, T), draws, fitted)
    for r in range(5):
        eb = K.residualize(path, fitted + e0.reshape(N, T)[draws[r]].ravel())
        assert s0[r] == pytest.approx(eb @ eb, rel=1e-10)
        np.testing.assert_allclose(ssr[r], K.ssr_path(path, eb), rtol=1e-9)


def test_hansen1999_transform_estimates_equal_brute_force():
    df = _dgp(N=40, T=5, seed=13, gammas=(0.4,), slopes=(1.0, -0.5))
    r = digitrace.threshold(df, "y", "x", "q", "id", "year", controls=["w"], bootstrap=0,
                            transform="hansen1999", trim=0.05)
    d = df.sort_values(["id", "year"])
    N, T = 40, 5
    Yh = _hansen_transform(d["y"], N, T)[:, 0]
    Wh = _hansen_transform(d[["w"]], N, T)
    X, Q = d[["x"]].to_numpy(), d["q"].to_numpy()
    from digitrace.econ.panel_threshold import _candidates

    cand = _candidates(np.sort(Q), (), int(np.floor(0.05 * N * T)), None)
    best = (np.inf, None)
    for g in cand:
        Z = np.column_stack([Wh, _hansen_transform(X * (Q <= g)[:, None], N, T),
                             _hansen_transform(X * (Q > g)[:, None], N, T)])
        b = np.linalg.lstsq(Z, Yh, rcond=None)[0]
        s = float(((Yh - Z @ b) ** 2).sum())
        if s < best[0]:
            best = (s, g, b)
    assert r.thresholds[0] == best[1]
    assert r.ssr[1] == pytest.approx(best[0], rel=1e-10)
    np.testing.assert_allclose(r.params.to_numpy(), best[2], rtol=1e-9)
    # differs from the plain within estimator on the same data
    w = digitrace.threshold(df, "y", "x", "q", "id", "year", controls=["w"], bootstrap=0, trim=0.05)
    assert not np.allclose(w.params.to_numpy(), r.params.to_numpy())


def test_r2_overall_equals_fe_lsdv_and_within_row():
    """``r2`` is the LSDV R² that fe() reports for the same regime design at γ̂;
    the within R² is its own table row (never shown as 'R² (overall)')."""
    d = _dgp(N=60, T=6, seed=4, gammas=(0.5,), slopes=(1.0, -0.5))
    r = digitrace.threshold(d, "y", "x", "q", "id", "year", controls=["w"], bootstrap=0)
    g = r.thresholds[0]
    d = d.assign(x_lo=d.x * (d.q <= g), x_hi=d.x * (d.q > g))
    f = digitrace.fe(d, "y ~ w + x_lo + x_hi | id")
    assert r.r2 == pytest.approx(f.r2, rel=1e-10)
    assert r.r2_within == pytest.approx(f.r2_within, rel=1e-10)
    t = digitrace.regtable([r, f]).to_frame()
    assert t.loc["R² (overall)"].tolist() == [f"{f.r2:.3f}"] * 2
    assert t.loc["Within R²"].tolist() == [f"{f.r2_within:.3f}"] * 2
    h = digitrace.threshold(d, "y", "x", "q", "id", "year", controls=["w"], bootstrap=0,
                            transform="hansen1999")
    assert h.r2 is None and 0 < h.r2_within < 1
