"""Mediation (Baron-Kenny, Sobel, cluster bootstrap) and moderation inside panel FE."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digitrace.econ.fixed_effects import fe
from digitrace.econ.mechanism import mediation, moderation


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(0)
    N, T = 40, 8
    ids = np.repeat(np.arange(N), T)
    yr = np.tile(np.arange(2010, 2010 + T), N)
    a_i = rng.normal(size=N)[ids]
    x = rng.normal(size=N * T) + a_i
    m = 0.5 * x + rng.normal(size=N * T) + a_i
    z = rng.normal(size=N * T)
    y = 0.3 * x + 0.8 * m + 0.4 * x * z + rng.normal(size=N * T) + a_i + 0.1 * (yr - 2010)
    return pd.DataFrame({"id": ids, "year": yr, "x": x, "m": m, "y": y, "z": z})


def test_three_steps_and_sobel(panel):
    r = mediation(panel, "y", "x", "m", controls=["z"], fixed_effects=["id", "year"],
                  cluster="id", bootstrap=199, seed=3)
    # exact OLS identity on a common sample: c = c' + a*b
    assert r.total == pytest.approx(r.direct + r.indirect, rel=1e-10)
    s2, s3 = r.steps[1], r.steps[2]
    assert r.a == s2.params["x"] and r.b == s3.params["m"]
    se = np.sqrt(r.b ** 2 * s2.se["x"] ** 2 + r.a ** 2 * s3.se["m"] ** 2)
    assert r.sobel_z == pytest.approx(r.indirect / se)
    assert r.boot_ci[0] < r.indirect < r.boot_ci[1]
    assert r.indirect == pytest.approx(0.4, abs=0.15)
    assert r.fe_rows == {"id FE": "Yes", "year FE": "Yes"}
    assert "Sobel z" in r.extra_rows


def test_bootstrap_seeded(panel):
    a = mediation(panel, "y", "x", "m", fixed_effects=["id"], cluster="id", bootstrap=50, seed=9)
    b = mediation(panel, "y", "x", "m", fixed_effects=["id"], cluster="id", bootstrap=50, seed=9)
    c = mediation(panel, "y", "x", "m", fixed_effects=["id"], cluster="id", bootstrap=50, seed=10)
    assert a.boot_ci == b.boot_ci and a.boot_ci != c.boot_ci


def test_moderation_marginal_effects(panel):
    r = moderation(panel, "y", "x", "z", fixed_effects=["id", "year"], cluster="id", at=[-1, 0, 1])
    inter = r.params[r.interaction]
    assert inter == pytest.approx(0.4, abs=0.15)
    zbar = panel["z"].mean()
    me = r.marginal.set_index("z")["effect"]
    assert me[0.0] == pytest.approx(r.params["x_c"] + inter * (0 - zbar))
    assert me[1.0] - me[-1.0] == pytest.approx(2 * inter)
    # centring changes main effects, never the interaction coefficient
    raw = fe(panel.assign(xz=panel.x * panel.z), "y ~ x + z + xz | id + year", cluster="id")
    assert raw.params["xz"] == pytest.approx(inter, rel=1e-9)
    assert (r.marginal["lo"] < r.marginal["effect"]).all()


def test_row_bootstrap_without_cluster(panel):
    r = mediation(panel, "y", "x", "m", fixed_effects=["id"], bootstrap=40, seed=1)
    assert r.steps[0].cluster is None
    assert np.isfinite(r.boot_se) and r.boot_ci[0] < r.boot_ci[1]
    with pytest.raises(Exception, match="different"):
        mediation(panel, "y", "x", "x")
