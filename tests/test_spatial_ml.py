"""Cross-section spatial ML (SAR/SEM/SDM/SDEM) against spreg 1.9.0 and Stata on Columbus.

Reference numbers and their provenance: tests/reference/spatial_econ/README.md.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from digitrace.econ import spatial_regression
from digitrace.econ._spatial_kernels import LogDet, effect_moments, lag_traces
from digitrace.econ._spatial_common import lm_tests
from digitrace.errors import ConvergenceError, DataError, SpecificationError

REF = json.loads((Path(__file__).parent / "reference" / "spatial_econ" / "spreg_reference.json").read_text())
X = ["INC", "HOVAL"]


@pytest.fixture(scope="module")
def columbus(data_dir):
    import libpysal

    d = data_dir / "reference" / "columbus"
    db = libpysal.io.open(str(d / "columbus.dbf"))
    df = pd.DataFrame({c: db.by_col(c) for c in ["POLYID", "CRIME", "INC", "HOVAL"]})
    df.index = df.POLYID.astype(str)
    w = libpysal.io.open(str(d / "columbus.gal")).read()
    return df, w


@pytest.fixture(scope="module")
def fits(columbus):
    df, w = columbus
    return {m: spatial_regression(df, "CRIME", X, w, model=m, seed=1) for m in ("sar", "sem", "sdm", "sdem")}


@pytest.mark.parametrize("model", ["sar", "sem", "sdm", "sdem"])
def test_columbus_matches_spreg(fits, model):
    ref = REF[f"columbus_{model}"]
    r = fits[model]
    np.testing.assert_allclose(r.params.to_numpy(), ref["params"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(r.se.to_numpy(), ref["se"], rtol=1e-5)
    assert r.loglik == pytest.approx(ref["loglik"], abs=1e-6)


def test_sdm_direct_effect_matches_stata_estat_impact(fits):
    # Stata `estat impact` after spregress ... ml with row-standardised queen W: INC direct -1.0250
    assert fits["sdm"].effects.loc["INC", "direct"] == pytest.approx(-1.0250, abs=5e-5)


def test_spreg_sdm_direct_effect_omits_theta(fits, columbus):
    """spreg 1.9.0 reports direct = beta * tr(A)/n; the theta * tr(AW)/n term is missing."""
    r = fits["sdm"]
    W = _rowstd(columbus[1])
    m = effect_moments(W, np.array([r.params["rho"]]), eigs=np.linalg.eigvals(W.toarray()))[0]
    spreg_inc, spreg_hoval = REF["columbus_sdm"]["spreg_impacts"]["var_1"], REF["columbus_sdm"]["spreg_impacts"]["var_2"]
    assert r.params["INC"] * m[0] == pytest.approx(spreg_inc[0], abs=5e-5)  # -0.9607: their bug
    assert r.params["HOVAL"] * m[0] == pytest.approx(spreg_hoval[0], abs=5e-5)
    # with the theta term we differ from spreg by exactly theta * tr(AW)/n ...
    assert r.effects.loc["INC", "direct"] - spreg_inc[0] == pytest.approx(r.params["W_INC"] * m[1], abs=1e-4)
    # ... while the totals (which spreg gets right) agree
    assert r.effects.loc["INC", "total"] == pytest.approx(spreg_inc[2], abs=5e-5)
    assert r.effects.loc["HOVAL", "total"] == pytest.approx(spreg_hoval[2], abs=5e-5)


def _rowstd(w):
    M = sp.csr_matrix(w.sparse, dtype=float)
    return sp.csr_matrix(M.multiply(1.0 / M.sum(axis=1)))


def test_effects_equal_dense_definition(fits, columbus):
    r = fits["sdm"]
    W = _rowstd(columbus[1]).toarray()
    n = len(W)
    A = np.linalg.inv(np.eye(n) - r.params["rho"] * W)
    for v in X:
        S = A @ (r.params[v] * np.eye(n) + r.params[f"W_{v}"] * W)
        assert r.effects.loc[v, "direct"] == pytest.approx(np.trace(S) / n, abs=1e-10)
        assert r.effects.loc[v, "total"] == pytest.approx(S.sum() / n, abs=1e-10)
        assert r.effects.loc[v, "indirect"] == pytest.approx((S.sum() - np.trace(S)) / n, abs=1e-10)


def test_effects_ses_are_seeded_and_sensible(columbus, fits):
    df, w = columbus
    a = spatial_regression(df, "CRIME", X, w, model="sdm", seed=7)
    b = spatial_regression(df, "CRIME", X, w, model="sdm", seed=7)
    c = spatial_regression(df, "CRIME", X, w, model="sdm", seed=8)
    pd.testing.assert_frame_equal(a.effects, b.effects)
    assert not np.allclose(a.effects["direct_se"], c.effects["direct_se"])
    e = a.effects
    assert (e[["direct_se", "indirect_se", "total_se"]] > 0).all().all()
    assert (e["direct_ci_low"] < e["direct"]).all() and (e["direct"] < e["direct_ci_high"]).all()
    # SEM effects are linear in beta: the simulated SE must reproduce the analytic SE
    sem = fits["sem"]
    np.testing.assert_allclose(sem.effects["direct_se"], sem.se[X], rtol=0.1)
    assert (sem.effects["indirect"] == 0).all()


def test_sdm_tests_match_spreg_and_loglik_differences(fits):
    t = fits["sdm"].tests
    assert t.loc["Wald SDM vs SEM", "statistic"] == pytest.approx(REF["columbus_sdm"]["common_factor_wald"], abs=5e-4)
    lr_sar = 2 * (REF["columbus_sdm"]["loglik"] - REF["columbus_sar"]["loglik"])
    lr_sem = 2 * (REF["columbus_sdm"]["loglik"] - REF["columbus_sem"]["loglik"])
    assert t.loc["LR SDM vs SAR", "statistic"] == pytest.approx(lr_sar, abs=1e-5)
    assert t.loc["LR SDM vs SEM", "statistic"] == pytest.approx(lr_sem, abs=1e-5)
    assert t.loc["Wald SDM vs SAR", "df"] == 2


def test_lm_tests_cross_section_match_spreg(columbus, fits):
    df, w = columbus
    W = _rowstd(w)
    Xc = np.column_stack([np.ones(len(df)), df[X].to_numpy()])
    lm = lm_tests(df["CRIME"].to_numpy(float), Xc, W, 1)
    ref = REF["columbus_lm"]
    for name, key in (("LM lag", "lm_lag"), ("LM error", "lm_error"),
                      ("robust LM lag", "rlm_lag"), ("robust LM error", "rlm_error")):
        assert lm.loc[name, "statistic"] == pytest.approx(ref[key], rel=1e-8)
        assert fits["sar"].tests.loc[name, "statistic"] == pytest.approx(ref[key], rel=1e-8)


def test_weights_representations_agree(columbus, fits):
    df, w = columbus
    W = _rowstd(w)
    dense = W.toarray()
    labels = list(w.id_order)
    wdf = pd.DataFrame(dense, index=labels, columns=labels)
    perm = np.random.default_rng(0).permutation(len(labels))
    wdf = wdf.iloc[perm, perm]  # labelled W in a different order: must be re-aligned
    base = fits["sar"].params
    for WW in (dense, W, wdf):
        r = spatial_regression(df, "CRIME", X, WW, model="sar", effects=False)
        pd.testing.assert_series_equal(r.params, base, rtol=1e-6)


def test_lu_logdet_equals_eigen(columbus, fits):
    df, w = columbus
    r = spatial_regression(df, "CRIME", X, w, model="sdm", logdet="lu", effects=False)
    np.testing.assert_allclose(r.params, fits["sdm"].params, rtol=1e-7)
    W = _rowstd(w)
    le, ll = LogDet(W, "eig"), LogDet(W, "lu")
    for rho in (-0.5, 0.1, 0.7):
        assert le(rho) == pytest.approx(ll(rho), abs=1e-10)


def test_large_n_traces_and_series_moments():
    rng = np.random.default_rng(3)
    n, k = 400, 5
    from scipy.spatial import cKDTree

    xy = rng.uniform(size=(n, 2))
    _, idx = cKDTree(xy).query(xy, k=k + 1)
    W = sp.csr_matrix((np.full(n * k, 1 / k), (np.repeat(np.arange(n), k), idx[:, 1:].ravel())), shape=(n, n))
    exact, fd = lag_traces(W, 0.45), lag_traces(W, 0.45, dense_max=0)
    assert fd.tr == pytest.approx(exact.tr, rel=1e-6)
    assert fd.tr2 == pytest.approx(exact.tr2, rel=1e-5)
    rho = np.array([0.2, 0.6])
    m_eig = effect_moments(W, rho, eigs=np.linalg.eigvals(W.toarray()))
    m_ser = effect_moments(W, rho, eigs=None, seed=1)
    np.testing.assert_allclose(m_ser, m_eig, rtol=2e-3)


def test_result_protocol(fits):
    r = fits["sdm"]
    assert "rho" in r.params.index and "lambda" in fits["sem"].params.index
    assert isinstance(r.pvalues, pd.Series) and r.pvalues.index.equals(r.params.index)
    assert r.nobs == 49 and r.dep_var == "CRIME" and 0 < r.r2 < 1
    assert r.fe_rows == {} and "Log-likelihood" in r.extra_rows
    assert r.model_name.startswith("SDM")
    assert set(r.effects.columns) >= {"direct", "indirect", "total", "direct_se", "indirect_se", "total_se"}
    assert "INC" in r.summary() and r.to_frame().shape == (6, 4)
    assert "rho=0.4035" in repr(r)
    assert r.provenance.method == "digitrace.econ.spatial_regression"


def test_bad_inputs(columbus):
    df, w = columbus
    W = _rowstd(w).toarray()
    with pytest.raises(SpecificationError, match="49 units"):
        spatial_regression(df, "CRIME", X, W[:40, :40])
    labels = list(w.id_order)
    bad = pd.DataFrame(W, index=["x" + s for s in labels], columns=["x" + s for s in labels])
    with pytest.raises(SpecificationError, match="missing from W"):
        spatial_regression(df, "CRIME", X, bad)
    isl = W.copy()
    isl[3, :] = 0
    with pytest.raises(SpecificationError, match="island"):
        spatial_regression(df, "CRIME", X, isl)
    d2 = df.assign(INC2=2 * df.INC)
    with pytest.raises(SpecificationError, match="INC2"):
        spatial_regression(d2, "CRIME", ["INC", "INC2"], W)
    with pytest.raises(DataError, match="NOPE"):
        spatial_regression(df, "CRIME", ["NOPE"], W)
    with pytest.raises(SpecificationError, match="constant"):
        spatial_regression(df.assign(CRIME=5.0), "CRIME", X, W, effects=False)
    with pytest.raises(ValueError, match="model"):
        spatial_regression(df, "CRIME", X, W, model="sac")


def test_convergence_failures_are_reported():
    from digitrace.econ._spatial_fit import _inverse, _maximise

    with pytest.raises(ConvergenceError, match="boundary"):
        _maximise(lambda r: r, -1.0, 1.0)  # increasing likelihood: optimum at the edge
    with pytest.raises(ConvergenceError, match="not finite"):
        _maximise(lambda r: np.log(0.0 * r), -1.0, 1.0)
    with pytest.raises(ConvergenceError, match="positive definite"):
        _inverse(np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_large_n_path_recovers_simulated_sdm():
    """N > 2000: sparse-LU log-det, observed information, series effects (all seeded)."""
    from scipy.spatial import cKDTree
    from scipy.sparse.linalg import spsolve

    rng = np.random.default_rng(5)
    n, k = 2100, 6
    xy = rng.uniform(size=(n, 2))
    _, idx = cKDTree(xy).query(xy, k=k + 1)
    W = sp.csr_matrix((np.full(n * k, 1 / k), (np.repeat(np.arange(n), k), idx[:, 1:].ravel())), shape=(n, n))
    x = rng.normal(size=n)
    y = spsolve((sp.identity(n) - 0.4 * W).tocsc(), 1.0 + 0.8 * x + 0.3 * (W @ x) + rng.normal(size=n))
    df = pd.DataFrame({"y": y, "x": x})
    r = spatial_regression(df, "y", "x", W, model="sdm", draws=300)
    assert r.info["logdet"] == "lu" and r.info["information"] == "observed"
    truth = pd.Series([1.0, 0.8, 0.3, 0.4], index=r.params.index)
    assert (((r.params - truth) / r.se).abs() < 4).all()
    Wd = W.toarray()
    S = np.linalg.solve(np.eye(n) - r.params["rho"] * Wd, r.params["x"] * np.eye(n) + r.params["W_x"] * Wd)
    assert r.effects.loc["x", "direct"] == pytest.approx(np.trace(S) / n, rel=1e-3)
    assert r.effects.loc["x", "total"] == pytest.approx(S.sum() / n, rel=1e-9)


def test_unmatched_labelled_w_says_how_ids_are_matched(columbus):
    df, w = columbus
    off = df.reset_index(drop=True)          # index 0..48, W ids "1".."49"
    with pytest.raises(SpecificationError, match=r"missing from W: \[0\].*ids=COLUMN"):
        spatial_regression(off, "CRIME", X, w, model="sar", effects=False, tests=False)
    r = spatial_regression(off, "CRIME", X, w, model="sar", ids="POLYID", effects=False, tests=False)
    assert r.params["rho"] == pytest.approx(REF["columbus_sar"]["params"][-1], rel=1e-6)


def test_result_is_read_only(fits):
    r = fits["sdm"]
    before = r.to_frame()
    r.params["rho"] = 0.0                      # a copy: the result does not change
    r.effects.loc["INC", "direct"] = 0.0
    with pytest.raises(TypeError):
        r.info["logdet"] = "x"
    pd.testing.assert_frame_equal(r.to_frame(), before)
    assert r.effects.loc["INC", "direct"] == pytest.approx(-1.0250, abs=5e-5)
