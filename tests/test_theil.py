"""Theil T/L: analytic known answers, PySAL inequality 1.1.2 reference values on Mexico,
weights, nested decomposition and bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace as dt
from digitrace.errors import DataError, DataQualityWarning

YEARS = list(range(1940, 2010, 10))
# inequality 1.1.2, inequality.theil.Theil(y).T and TheilD(y, hanson98).bg on mexico.csv
# (see tests/reference/disparity/README.md)
INEQ_T = [0.20894344230358594, 0.1522245052653124, 0.10472941488245856, 0.10194724969688372,
          0.09560112758525616, 0.1051125639798185, 0.10660832349588023]
INEQ_BG = [0.03458890004670405, 0.028168529078722478, 0.05260921482184199, 0.05931219111227932,
           0.032052570973453376, 0.029637312183149408, 0.03635871887968048]
# doctest values printed in inequality's docstrings (8 significant digits)
DOC_T = [0.20894344, 0.15222451, 0.10472941, 0.10194725, 0.09560113, 0.10511256, 0.10660832]
DOC_BG = [0.0345889, 0.02816853, 0.05260921, 0.05931219, 0.03205257, 0.02963731, 0.03635872]


@pytest.fixture(scope="module")
def mexico(data_dir):
    return pd.read_csv(data_dir / "reference" / "mexico_state_pcgdp_1940_2000.csv")


def test_analytic_two_regions():
    with pytest.warns(DataQualityWarning, match="Theil L"):
        r = dt.theil([0, 0, 0, 10, 10, 10], [0, 0, 0, 1, 1, 1])
    assert r.total == pytest.approx(np.log(2), abs=1e-15)
    assert r.between == pytest.approx(np.log(2), abs=1e-15)
    assert r.within == pytest.approx(0.0, abs=1e-15)
    assert np.isnan(r.L)


@pytest.mark.parametrize("i,year", list(enumerate(YEARS)))
def test_mexico_matches_inequality(mexico, i, year):
    y = mexico[f"pcgdp{year}"]
    r = dt.theil(y, mexico["hanson98"])
    assert r.total == pytest.approx(INEQ_T[i], rel=1e-12)
    assert r.between == pytest.approx(INEQ_BG[i], rel=1e-12)
    assert r.total == pytest.approx(DOC_T[i], abs=5e-9)
    assert r.between == pytest.approx(DOC_BG[i], abs=5e-9)
    assert r.between + r.within == pytest.approx(r.total, abs=1e-14)


def test_mexico_live_inequality(mexico):
    theil_mod = pytest.importorskip("inequality.theil")
    y = mexico[[f"pcgdp{d}" for d in YEARS]].to_numpy()
    td = theil_mod.TheilD(y, mexico["hanson98"].to_numpy())
    ours = [dt.theil(y[:, i], mexico["hanson98"]) for i in range(len(YEARS))]
    np.testing.assert_allclose([r.total for r in ours], np.ravel(td.T), rtol=1e-12)
    np.testing.assert_allclose([r.within for r in ours], np.ravel(td.wg), rtol=1e-10)


def test_theil_L_and_decomposition_identity():
    rng = np.random.default_rng(0)
    y = rng.lognormal(size=200)
    g = rng.integers(0, 4, 200)
    r = dt.theil(y, g, index="L")
    assert r.L == pytest.approx(np.mean(np.log(y.mean() / y)), rel=1e-12)
    assert r.between + r.within == pytest.approx(r.L, rel=1e-12)
    assert r.T == pytest.approx(np.mean(y / y.mean() * np.log(y / y.mean())), rel=1e-12)


def test_population_weights_equal_replication():
    y = np.array([1.0, 2.0, 5.0, 7.0])
    w = np.array([3, 1, 2, 4])
    g = np.array(["a", "a", "b", "b"])
    r = dt.theil(y, g, weights=w)
    rr = dt.theil(np.repeat(y, w), np.repeat(g, w))
    assert r.T == pytest.approx(rr.T, rel=1e-13)
    assert r.L == pytest.approx(rr.L, rel=1e-13)
    assert r.between == pytest.approx(rr.between, rel=1e-13)


def test_nested_two_stage():
    rng = np.random.default_rng(3)
    n = 300
    prov = rng.integers(0, 12, n)
    region = prov // 4                      # provinces nest in regions
    y = rng.lognormal(size=n) * (1 + region)
    r = dt.theil(y, [region, prov])
    st = r.stages
    assert list(st["stage"]) == [1, 2, 3]
    assert st["T"].sum() == pytest.approx(r.T, rel=1e-12)
    assert st["L"].sum() == pytest.approx(r.L, rel=1e-12)
    one = dt.theil(y, region)
    assert st["T"].iloc[0] == pytest.approx(one.between, rel=1e-12)
    # stage 2 + 3 = within regions
    assert st["T"].iloc[1:].sum() == pytest.approx(one.within, rel=1e-12)


def test_nested_must_nest():
    with pytest.raises(DataError, match="must nest"):
        dt.theil([1.0, 2, 3, 4], [[0, 0, 1, 1], [0, 1, 1, 2]])


def test_bad_input():
    with pytest.raises(DataError, match="non-negative.*add a constant"):
        dt.theil([1.0, -2.0, 3.0])
    s = pd.Series([1.0, np.nan, 3.0], index=["京", "津", "冀"], name="score")
    with pytest.raises(DataError, match="row 津, column score"):
        dt.theil(s)


def test_panel_and_frame():
    from digitrace.disparity import theil_panel
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 2, 2, 2, 2], "t": [1] * 4 + [2] * 4,
                       "g": ["a", "a", "b", "b"] * 2})
    out = theil_panel(df, value="y", time="t", group="g")
    assert set(out["period"]) == {1, 2}
    assert out.loc[out["period"] == 2, "T"].abs().max() == pytest.approx(0, abs=1e-15)


def test_result_pandas_fields_cannot_be_changed_through_attributes():
    """Frozen results stay frozen: writing into a Series/DataFrame read from a result
    changes a copy, never the result (Theil, β-convergence, spatial ML, modes share this)."""
    from digitrace._frozen import PandasFieldsReadOnly
    from digitrace.disparity.convergence import BetaResult, SigmaResult
    from digitrace.disparity.dynamics import KDEResult, MarkovResult
    from digitrace.econ._spatial_common import SpatialMLResult
    from digitrace.modes.classify import DrivingModes

    for cls in (BetaResult, SigmaResult, KDEResult, MarkovResult, SpatialMLResult, DrivingModes):
        assert issubclass(cls, PandasFieldsReadOnly)
    rng = np.random.default_rng(0)
    r = dt.theil(rng.lognormal(size=30), np.repeat(["a", "b", "c"], 10))
    before = r.to_frame()
    g = r.groups
    g.iloc[0, g.columns.get_loc("T")] = 99.0
    r.stages.loc[:, "T"] = -1.0
    pd.testing.assert_frame_equal(r.to_frame(), before)
    assert r.groups["T"].iloc[0] != 99.0
