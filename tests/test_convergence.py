"""σ/β convergence, kernel-density dynamics and Markov chains."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digitrace.disparity.convergence import (beta_convergence, sigma_convergence,
                                             spatial_beta_convergence, speed_half_life)
from digitrace.disparity.dynamics import bandwidth, kde_dynamics, markov, spatial_markov
from digitrace.errors import DataError, SpecificationError


def _panel(N=31, T=10, beta=-0.1, seed=0, ids=None):
    rng = np.random.default_rng(seed)
    ids = list(ids) if ids is not None else list(range(N))
    lny = np.zeros((N, T))
    lny[:, 0] = rng.normal(0, 1, N)
    a = rng.normal(0, 0.05, N)
    eta = rng.normal(0, 0.02, T)
    for t in range(T - 1):
        lny[:, t + 1] = lny[:, t] + a + eta[t] + beta * lny[:, t] + rng.normal(0, 0.03, N)
    return pd.DataFrame({"u": np.repeat(ids, T), "t": np.tile(np.arange(2010, 2010 + T), N),
                         "y": np.exp(lny).ravel(), "x": rng.normal(size=N * T)})


def test_speed_half_life_analytic():
    th, hl = speed_half_life(-0.1, 1)
    assert th == pytest.approx(-np.log(0.9)) and hl == pytest.approx(np.log(2) / -np.log(0.9))
    th5, _ = speed_half_life(-0.05, 5)
    assert th5 == pytest.approx(-np.log(1 - 0.25) / 5)
    assert speed_half_life(0.02)[1] == float("inf")
    assert np.isnan(speed_half_life(-1.5)[0])


def test_beta_twoway_equals_within_estimator():
    df = _panel()
    r = beta_convergence(df, value="y", unit="u", time="t")
    # hand-made two-way within estimator on the balanced growth panel
    d = df.sort_values(["u", "t"]).copy()
    d["lny"] = np.log(d["y"])
    d["g"] = d.groupby("u")["lny"].shift(-1) - d["lny"]
    d = d.dropna(subset=["g"])
    def dm(c):
        v = d[c]
        return v - d.groupby("u")[c].transform("mean") - d.groupby("t")[c].transform("mean") + v.mean()
    g, x = dm("g"), dm("lny")
    b = float((x * g).sum() / (x * x).sum())
    assert r.beta == pytest.approx(b, rel=1e-10)
    assert r.beta < 0 and r.pvalues["lny"] < 0.01
    assert r.speed == pytest.approx(-np.log(1 + b)) and r.nobs == 31 * 9
    assert r.to_frame().index[0] == "lny"


def test_beta_conditional_and_cross_section():
    df = _panel(seed=1)
    r = beta_convergence(df, value="y", unit="u", time="t", controls=["x"], fe="unit")
    assert r.kind == "conditional" and "x" in r.params.index
    cs = beta_convergence(df, value="y", unit="u", time="t", fe="none", horizon=9)
    d0 = df[df.t == 2010].set_index("u")["y"]
    d9 = df[df.t == 2019].set_index("u")["y"]
    g = np.log(d9 / d0) / 9
    b = np.polyfit(np.log(d0), g, 1)[0]
    assert cs.beta == pytest.approx(b, rel=1e-10) and cs.nobs == 31


def test_sigma_by_hand():
    df = _panel(T=6)
    r = sigma_convergence(df, value="y", time="t")
    first = df[df.t == 2010]["y"]
    row = r.table.iloc[0]
    assert row["cv"] == pytest.approx(first.std(ddof=1) / first.mean())
    assert row["sd_log"] == pytest.approx(np.log(first).std(ddof=1))
    assert bool(r.trend.set_index("measure").loc["sd_log", "converging"])
    rg = sigma_convergence(df.assign(g=df.u % 2), value="y", time="t", group="g")
    assert len(rg.table) == 12


def test_kde():
    df = _panel(T=4)
    k = kde_dynamics(df, value="y", time="t", grid=400)
    s = k.surface()
    dx = np.diff(s.index.to_numpy())[0]
    np.testing.assert_allclose(s.sum(axis=0) * dx, 1.0, atol=2e-3)
    x = df[df.t == 2010]["y"].to_numpy()
    iqr = np.subtract(*np.percentile(x, [75, 25]))
    assert k.bandwidths.iloc[0] == pytest.approx(0.9 * min(x.std(ddof=1), iqr / 1.34) * x.size ** -0.2)
    assert bandwidth(x, "scott") == pytest.approx(1.06 * x.std(ddof=1) * x.size ** -0.2)


def test_markov_equals_giddy(data_dir):
    gm = pytest.importorskip("giddy.markov")
    from digitrace.spatial.weights import rook_weights
    w = rook_weights(data_dir, link_hainan=True)
    df = _panel(ids=w.ids)
    m = markov(df, value="y", unit="u", time="t")
    sm = spatial_markov(df, value="y", unit="u", time="t", w=w)
    wide = df.pivot(index="u", columns="t", values="y").loc[list(w.ids)].to_numpy()
    ref = gm.Spatial_Markov(wide, w.to_libpysal(), k=4, m=4, fixed=True)
    np.testing.assert_allclose(m.probabilities.to_numpy(), np.asarray(ref.p), atol=1e-12)
    np.testing.assert_allclose(sm.probabilities.to_numpy(), np.asarray(ref.P).reshape(16, 4), atol=1e-12)
    assert sm.test["chi2"].iloc[0] == pytest.approx(float(ref.x2))
    assert np.allclose(m.probabilities.sum(axis=1), 1)


def test_spatial_beta(data_dir):
    from digitrace.spatial.weights import rook_weights
    w = rook_weights(data_dir, link_hainan=True)
    df = _panel(ids=w.ids, seed=3)
    b, res = spatial_beta_convergence(df, value="y", unit="u", time="t", w=w, model="sar")
    ols = beta_convergence(df, value="y", unit="u", time="t")
    assert b.beta < 0 and abs(b.beta - ols.beta) < 0.05
    assert "rho" in res.params.index or len(res.params) == 2
    # province names are matched to the adcodes of the weights (same numbers) ...
    from digitrace.data.provinces import province_names
    named = df.assign(u=df["u"].map(province_names("cn")))
    b2, _ = spatial_beta_convergence(named, value="y", unit="u", time="t", w=w, model="sar")
    assert b2.beta == pytest.approx(b.beta, abs=1e-12)
    # ... and units outside W are an error, never silently dropped
    with pytest.raises(SpecificationError, match="not in the rook weights"):
        spatial_beta_convergence(df.assign(u=df["u"] + 1), value="y", unit="u", time="t", w=w)


def test_bad_input():
    df = _panel(T=3)
    df.loc[5, "y"] = 0.0
    with pytest.raises(DataError, match="shift"):
        beta_convergence(df, value="y", unit="u", time="t")
    df.loc[5, "y"] = np.nan
    with pytest.raises(DataError, match="row 5"):
        sigma_convergence(df, value="y", time="t")
    with pytest.raises(DataError, match="not in the data"):
        beta_convergence(df, value="nope", unit="u", time="t")


def test_beta_with_chinese_column_names():
    df = _panel(seed=4)
    ref = beta_convergence(df, value="y", unit="u", time="t", controls=["x"])
    cn = df.rename(columns={"u": "省份", "t": "年份", "y": "数字化指数", "x": "控制 变量"})
    r = beta_convergence(cn, value="数字化指数", unit="省份", time="年份", controls=["控制 变量"])
    assert r.beta == pytest.approx(ref.beta, rel=1e-12)
    assert list(r.params.index) == ["lny", "控制 变量"]
