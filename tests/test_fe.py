"""Two-way fixed effects through pyfixest: Grunfeld reference, conventions, bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.econ.fixed_effects import fe
from digitrace.errors import DataError, SpecificationError


@pytest.fixture(scope="module")
def grunfeld(data_dir):
    d = pd.read_csv(data_dir / "reference" / "grunfeld_statsmodels.csv")
    assert len(d) == 220
    d = d[d["firm"] != "American Steel"].reset_index(drop=True)
    assert d["firm"].nunique() == 10 and len(d) == 200
    return d


def test_grunfeld_one_way_matches_baltagi(grunfeld):
    r = fe(grunfeld, "invest ~ value + capital | firm")
    assert r.params["value"] == pytest.approx(0.110124, abs=5e-7)
    assert r.se["value"] == pytest.approx(0.011857, abs=5e-7)
    assert r.params["capital"] == pytest.approx(0.310065, abs=5e-7)
    assert r.se["capital"] == pytest.approx(0.017355, abs=5e-7)
    assert r.nobs == 200 and r.df_resid == 188
    assert r.fe_rows == {"firm FE": "Yes"}


def test_grunfeld_two_way(grunfeld):
    r = digitrace.fe(grunfeld, "invest ~ value + capital | firm + year")
    assert r.params["value"] == pytest.approx(0.117716, abs=5e-7)
    assert r.params["capital"] == pytest.approx(0.357916, abs=5e-7)
    assert set(r.fe_rows) == {"firm FE", "year FE"}


def test_within_identity_against_numpy(grunfeld):
    """Coefficients equal OLS on entity-demeaned data; iid SE uses n - N - K dof."""
    g = grunfeld
    Z = g[["invest", "value", "capital"]] - g.groupby("firm")[["invest", "value", "capital"]].transform("mean")
    X, y = Z[["value", "capital"]].to_numpy(), Z["invest"].to_numpy()
    b = np.linalg.solve(X.T @ X, X.T @ y)
    u = y - X @ b
    se = np.sqrt(np.diag(np.linalg.inv(X.T @ X)) * (u @ u) / (200 - 10 - 2))
    r = fe(g, "invest ~ value + capital | firm")
    np.testing.assert_allclose(r.params.to_numpy(), b, rtol=1e-10)
    np.testing.assert_allclose(r.se.to_numpy(), se, rtol=1e-10)


def test_cluster_conventions_differ_by_documented_factor(grunfeld):
    st = fe(grunfeld, "invest ~ value + capital | firm", cluster="firm", ssc="stata")
    fx = fe(grunfeld, "invest ~ value + capital | firm", cluster="firm", ssc="fixest")
    n, G = 200, 10
    # stata (xtreg fe): K = 2 regressors + constant; fixest (nested FE dropped): K = 2
    ratio = (st.se / fx.se) ** 2
    np.testing.assert_allclose(ratio, (n - 2) / (n - 3), rtol=1e-12)
    # raw CRV1 sandwich by hand, scaled with the stata factor
    Z = grunfeld[["invest", "value", "capital"]] - grunfeld.groupby("firm")[["invest", "value", "capital"]].transform("mean")
    X, y = Z[["value", "capital"]].to_numpy(), Z["invest"].to_numpy()
    XtXi = np.linalg.inv(X.T @ X)
    u = y - X @ (XtXi @ X.T @ y)
    codes = pd.factorize(grunfeld["firm"])[0]
    S = np.zeros((G, 2))
    np.add.at(S, codes, X * u[:, None])
    V = XtXi @ (S.T @ S) @ XtXi * G / (G - 1) * (n - 1) / (n - 3)
    np.testing.assert_allclose(st.se.to_numpy(), np.sqrt(np.diag(V)), rtol=1e-8)
    assert st.df_resid == G - 1


def test_collinear_regressor_named(grunfeld):
    g = grunfeld.assign(v2=2 * grunfeld["value"])
    with pytest.raises(SpecificationError, match="v2"):
        fe(g, "invest ~ value + v2 | firm")
    g = grunfeld.assign(fm=grunfeld.groupby("firm")["value"].transform("mean"))
    with pytest.raises(SpecificationError, match="fm"):
        fe(g, "invest ~ value + fm | firm")


def test_duplicate_keys_and_missing_values(grunfeld):
    g = pd.concat([grunfeld, grunfeld.iloc[[5]]], ignore_index=True)
    with pytest.raises(DataError, match="duplicate panel key"):
        fe(g, "invest ~ value | firm", panel=("firm", "year"))
    g = grunfeld.copy()
    g.loc[3, "value"] = np.nan
    with pytest.raises(DataError, match="column value"):
        fe(g, "invest ~ value | firm")
    with pytest.raises(SpecificationError, match="not found"):
        fe(grunfeld, "invest ~ nosuch | firm")


def test_factor_terms_pass_through(grunfeld):
    """i() terms on a string column are handed to pyfixest, not rejected as non-numeric."""
    r = fe(grunfeld, "invest ~ value + capital + i(firm)")
    assert r.params["value"] == pytest.approx(0.110124, abs=5e-7)


def test_demeaning_nonconvergence_is_reported(grunfeld):
    """Alternating projections that stop early raise ConvergenceError, never return silently."""
    from digitrace.econ.fixed_effects import _demean_multi
    from digitrace.errors import ConvergenceError

    g = grunfeld.iloc[::3]                     # unbalanced: two-way projections need iterations
    X = g[["value", "capital"]].to_numpy(float)
    with pytest.raises(ConvergenceError, match="did not converge"):
        _demean_multi(X, g, ["firm", "year"], iters=1)
    Xd = _demean_multi(X, g, ["firm", "year"])
    # converged: both sets of group means are ~0
    for f in ("firm", "year"):
        means = pd.DataFrame(Xd).groupby(g[f].to_numpy()).mean().abs().to_numpy().max()
        assert means < 1e-8 * np.abs(X).max()


def test_pyfixest_nonconvergence_is_a_convergence_error(grunfeld, monkeypatch):
    """pyfixest's own demeaning failure (real, forced by one iteration) becomes ConvergenceError."""
    import functools
    import warnings

    import pyfixest as pf

    from digitrace.errors import ConvergenceError

    real = pf.feols

    def one_iteration(*a, **k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # fixef_maxiter is deprecated
            return functools.partial(real, fixef_maxiter=1)(*a, **k)

    monkeypatch.setattr(pf, "feols", one_iteration)
    with pytest.raises(ConvergenceError, match="did not converge"):
        fe(grunfeld.iloc[::3], "invest ~ value + capital | firm + year")


def test_drop_singletons_uses_the_estimation_sample(grunfeld):
    """With drop_singletons the dof and the cluster count are those of the sample actually used:
    identical to estimating on the data without the singleton rows."""
    solo = grunfeld.iloc[[0]].assign(firm="Solo")            # a firm seen once: a singleton
    d = pd.concat([grunfeld, solo], ignore_index=True)
    a = fe(d, "invest ~ value + capital | firm + year", cluster="firm", drop_singletons=True)
    b = fe(grunfeld, "invest ~ value + capital | firm + year", cluster="firm")
    assert a.nobs == b.nobs == 200 and a.df_resid == b.df_resid
    np.testing.assert_allclose(a.se, b.se, rtol=1e-10)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)


def test_hetero_conventions(grunfeld):
    st = fe(grunfeld, "invest ~ value + capital | firm", vcov="hetero", ssc="stata")
    fx = fe(grunfeld, "invest ~ value + capital | firm", vcov="hetero", ssc="fixest")
    # stata: n/(n-K), fixest: (n-1)/(n-K) on the same raw sandwich
    np.testing.assert_allclose((st.se / fx.se) ** 2, 200 / 199, rtol=1e-12)
    assert st.extra_rows["SE"] == "hetero"


def test_results_cannot_be_changed_after_the_fact(grunfeld):
    """Frozen all the way down: pandas fields are copy-on-write copies, dicts and arrays read-only,
    so a later regtable always shows what was estimated (also threshold, mediation, regtable)."""
    import dataclasses

    from digitrace.econ.tables import regtable

    r = fe(grunfeld, "invest ~ value + capital | firm")
    b = float(r.params["value"])
    r.params["value"] = 99.0                      # changes a copy only
    r.se.iloc[0] = 0.0
    assert r.params["value"] == b and r.se["value"] > 0
    with pytest.raises(TypeError):
        r.fe_rows["year FE"] = "Yes"
    with pytest.raises(ValueError):
        r.resid[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.nobs = 1
    assert regtable([r]).to_frame().loc["value"].iloc[0].startswith("0.110")
    rng = np.random.default_rng(0)
    d = pd.DataFrame({"id": np.repeat(np.arange(30), 5), "t": np.tile(np.arange(5), 30),
                      "q": rng.uniform(size=150), "x": rng.normal(size=150)})
    d["y"] = d.x * np.where(d.q < .5, 1, -1) + rng.normal(size=150)
    th = digitrace.threshold(d, "y", "x", "q", "id", "t", bootstrap=0)
    with pytest.raises(TypeError):
        th.extra_rows["Threshold γ1"] = "0"
    th.params.iloc[:] = 0.0
    assert (th.params != 0).all()
    tab = regtable([r, th])
    tab.table.iloc[0, 0] = "tampered"
    assert tab.to_frame().iloc[0, 0] != "tampered"
