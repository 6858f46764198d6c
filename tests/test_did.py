"""DID: TWFE, event studies (twfe, did2s), pre-trend test, permutation placebo."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digitrace.econ.diff_in_diff import did, event_study, placebo_did
from digitrace.econ.fixed_effects import fe
from digitrace.errors import DataError, SpecificationError


def _staggered(N=150, T=10, seed=0, effect=1.0, pretrend=0.0):
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(N), T)
    t = np.tile(np.arange(2010, 2010 + T), N)
    g = rng.choice([0, 2013, 2015, 2017], N)[ids]
    rel = np.where(g > 0, t - g, -999)
    D = ((g > 0) & (rel >= 0)).astype(int)
    trend = np.where(g > 0, pretrend * (t - 2010), 0.0)
    y = rng.normal(size=N)[ids] + 0.1 * (t - 2010) + effect * D + trend + rng.normal(size=N * T)
    return pd.DataFrame({"city": ids, "year": t, "g": g, "D": D, "y": y})


def test_twfe_did_is_fe_with_entity_cluster():
    df = _staggered()
    r = did(df, "y", "D", "city", "year")
    ref = fe(df, "y ~ D | city + year", cluster="city")
    assert r.params["D"] == ref.params["D"] and r.se["D"] == ref.se["D"]
    assert abs(r.params["D"] - 1.0) < 4 * r.se["D"]
    assert r.model_name == "DID (TWFE)"
    assert r.provenance.method == "digitrace.econ.did"
    assert r.provenance.params["treat"] == "D" and r.provenance.params["entity"] == "city"
    assert r.fe_rows == {"city FE": "Yes", "year FE": "Yes"}


@pytest.mark.parametrize("est", ["twfe", "sunab", "did2s"])
def test_event_study_recovers_flat_pre_and_effects(est):
    df = _staggered(seed=1)
    r = event_study(df, "y", "city", "year", "g", estimator=est, window=(-4, 4))
    assert -1 not in r.coefs.index
    assert list(r.coefs.index) == [-4, -3, -2, 0, 1, 2, 3, 4]
    post = r.coefs.loc[0:, "estimate"]
    assert np.allclose(post, 1.0, atol=0.4)
    assert r.pretrend_p > 0.01
    assert r.pretrend_df[0] == 3


def test_pretrend_detected():
    df = _staggered(seed=2, pretrend=0.3)
    r = event_study(df, "y", "city", "year", "g", window=(-4, 4))
    assert r.pretrend_p < 0.01


def test_pretrend_wald_by_hand():
    df = _staggered(seed=3)
    r = event_study(df, "y", "city", "year", "g", window=(-3, 3))
    pre = r.coefs.loc[[-3, -2]]
    assert r.pretrend_F > 0
    # with one pre coefficient the joint F equals t^2
    r1 = event_study(df, "y", "city", "year", "g", window=(-2, 3))
    t = r1.coefs.loc[-2, "estimate"] / r1.coefs.loc[-2, "se"]
    assert r1.pretrend_F == pytest.approx(t ** 2, rel=1e-9)
    assert len(pre) == 2


def test_placebo_seeded_and_matches_twfe():
    df = _staggered(seed=4)
    a = placebo_did(df, "y", "city", "year", "g", reps=60, seed=5)
    b = placebo_did(df, "y", "city", "year", "g", reps=60, seed=5)
    assert np.array_equal(a.placebo, b.placebo)
    ref = did(df, "y", "D", "city", "year")
    assert a.actual == pytest.approx(ref.params["D"], rel=1e-8)
    assert a.p_value < 0.05
    assert abs(np.median(a.placebo)) < 0.2


def test_bad_inputs():
    df = _staggered(N=20)
    with pytest.raises(DataError, match="0/1"):
        did(df.assign(D=df.D * 2), "y", "D", "city", "year")
    with pytest.raises(DataError, match="duplicate panel key"):
        did(pd.concat([df, df.iloc[[0]]]), "y", "D", "city", "year")
    with pytest.raises(SpecificationError, match="no treated unit"):
        event_study(df.assign(g=0), "y", "city", "year", "g")
    bad = df.copy()
    bad.loc[0, "g"] = 2011
    with pytest.raises(DataError, match="constant within each entity"):
        event_study(bad, "y", "city", "year", "g")


@pytest.fixture(scope="module")
def df_het():
    import os

    import pyfixest as pf

    return pd.read_csv(os.path.join(os.path.dirname(pf.__file__), "did", "data", "df_het.csv"))


def test_twfe_event_study_matches_pyfixest_i_syntax_on_df_het(df_het):
    """Peer check on pyfixest's shipped df_het.csv: same leads/lags as feols(i(rel, ref=-1))."""
    import re
    import warnings

    import pyfixest as pf

    df = df_het
    r = event_study(df, "dep_var", "unit", "year", "g")
    d = df.assign(rel=df["rel_year"].replace([np.inf], -1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = pf.feols("dep_var ~ i(rel, ref=-1.0) | unit + year", d, vcov={"CRV1": "unit"})
    names = {int(float(re.search(r"::(-?[\d.]+)", k).group(1))): k for k in f.coef().index}
    ours = r.coefs
    np.testing.assert_allclose(ours["estimate"], [f.coef()[names[k]] for k in ours.index], rtol=1e-9)
    np.testing.assert_allclose(ours["se"], [f.se()[names[k]] for k in ours.index], rtol=1e-9)


def test_sunab_matches_pyfixest_saturated_aggregate_on_df_het(df_het):
    """Sun-Abraham interaction weights == pyfixest SaturatedEventStudy.aggregate() (shares)."""
    import warnings

    import pyfixest as pf

    r = event_study(df_het, "dep_var", "unit", "year", "g", estimator="sunab")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = pf.event_study(df_het, "dep_var", "unit", "year", "g", estimator="saturated").aggregate()
    a.index = a.index.astype(float).astype(int)
    a = a.loc[r.coefs.index]
    np.testing.assert_allclose(r.coefs["estimate"], a["Estimate"].astype(float), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r.coefs["se"], a["Std. Error"].astype(float), rtol=1e-9)
    assert r.pretrend_p > 0.05           # df_het has no pre-trends by construction
