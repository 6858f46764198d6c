r"""Cross-section spatial regression by maximum likelihood: SAR, SEM, SDM, SDEM.

.. math::
   \text{SAR: } y = \rho Wy + X\beta + \varepsilon \qquad
   \text{SDM: } y = \rho Wy + X\beta + WX\theta + \varepsilon

   \text{SEM: } y = X\beta + u,\ u=\lambda Wu+\varepsilon \qquad
   \text{SDEM: } y = X\beta + WX\theta + u,\ u=\lambda Wu+\varepsilon

with :math:`\varepsilon\sim N(0,\sigma^2 I)`.  Estimation maximises the
likelihood concentrated in :math:`\rho` (or :math:`\lambda`); standard errors
come from the analytical information matrix (Anselin 1988, ch. 6 and 12).
Effects follow LeSage & Pace (2009, ch. 2): for SDM the direct effect of
:math:`x_k` is :math:`N^{-1}\mathrm{tr}[(I-\rho W)^{-1}(\beta_k I+\theta_k W)]`,
including the :math:`\theta_k` term that spreg 1.9 leaves out.

Reference: Anselin's Columbus data, see ``tests/reference/spatial_econ/README.md``.
"""
from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
import pandas as pd

from .._results import Provenance, array_sha256, check_option
from ..errors import DataError
from ._spatial_common import (MODELS, RHO_NAME, SpatialMLResult, check_dependent,
                              check_design, lm_tests, prepare_weights, sdm_tests,
                              simulate_effects)
from ._spatial_fit import fit_error, fit_lag
from ..spatial.weights import sparse_sha256
from ._spatial_kernels import LogDet

Model = Literal["sar", "sem", "sdm", "sdem"]

__all__ = ["spatial_regression"]


def _design(data: pd.DataFrame, y: str, x: Sequence[str], W, durbin: bool, constant: bool):
    missing = [c for c in [y, *x] if c not in data.columns]
    if missing:
        raise DataError(f"column(s) not in data: {missing}", column=", ".join(missing))
    yv = data[y].to_numpy(dtype=float)
    Xv = data[list(x)].to_numpy(dtype=float)
    names = list(x)
    if durbin:
        Xv = np.column_stack([Xv, W @ Xv])
        names = names + [f"W_{c}" for c in x]
    if constant:
        Xv = np.column_stack([np.ones(len(yv)), Xv])
        names = ["CONSTANT"] + names
    if not np.isfinite(yv).all():
        raise DataError("missing or infinite values in the dependent variable", column=y,
                        row=data.index[np.flatnonzero(~np.isfinite(yv))[0]])
    check_dependent(yv, y)
    check_design(Xv, names)
    return yv, Xv, names


def spatial_regression(data: pd.DataFrame, y: str, x: str | Sequence[str], W,
                       model: Model = "sar", *, ids: str | None = None,
                       row_standardize: bool = True, constant: bool = True,
                       effects: bool = True, draws: int = 1000, seed: int | None = 0,
                       logdet: str = "auto", tests: bool = True) -> SpatialMLResult:
    """Fit a cross-section SAR, SEM, SDM or SDEM model by maximum likelihood.

    Parameters
    ----------
    data : DataFrame
        One row per spatial unit.
    y : str
        Dependent variable.
    x : str or list of str
        Regressors (a constant is added unless ``constant=False``).
    W : ndarray, scipy.sparse matrix, libpysal ``W`` or labelled DataFrame
        Spatial weights.  Labelled weights are matched to the unit ids
        (column ``ids`` of ``data``, else its index); unlabelled ones must
        follow the row order of ``data``.  Islands are an error.
    model : {"sar", "sem", "sdm", "sdem"}
    row_standardize : bool, default True
        Row-standardise ``W`` (the convention of Anselin 1988 and LeSage & Pace 2009).
    effects : bool, default True
        Compute LeSage–Pace direct/indirect/total effects with simulated SEs.
    draws, seed : int
        Draws from the estimates' asymptotic normal distribution, and the seed.
    logdet : {"auto", "eig", "lu"}
        Log-determinant method (eigenvalues for N ≤ 1000 under "auto").
    tests : bool, default True
        LM-lag / LM-error (classic and robust) on the OLS model; for SDM also fit
        SAR and SEM and report LR and Wald tests.

    Returns
    -------
    SpatialMLResult
        ``params`` (with ``rho`` or ``lambda``), ``se``, ``loglik``, ``effects``, ``tests``.

    Examples
    --------
    >>> res = spatial_regression(df, "CRIME", ["INC", "HOVAL"], w, model="sdm")  # doctest: +SKIP
    >>> res.effects.loc["INC", ["direct", "direct_se"]]  # doctest: +SKIP
    """
    check_option("model", model, MODELS)
    xs = [x] if isinstance(x, str) else list(x)
    unit_ids = list(data[ids]) if ids is not None else list(data.index)
    Wm = prepare_weights(W, unit_ids, row_standardize=row_standardize, positional_order="row")
    ld = LogDet(Wm, method=logdet)
    durbin = model in ("sdm", "sdem")
    yv, Xv, names = _design(data, y, xs, Wm, durbin, constant)
    fit = _fit(model, yv, Xv, Wm, ld)
    pname = RHO_NAME[model]
    allnames = names + [pname]
    V = fit.vcov[:-1, :-1]  # drop sigma2
    params = pd.Series(np.append(fit.beta, fit.rho), index=allnames, name="coef")
    se = pd.Series(np.sqrt(np.diag(V)), index=allnames, name="se")
    k0 = 1 if constant else 0
    b_idx = list(range(k0, k0 + len(xs)))
    t_idx = [i + len(xs) for i in b_idx] if durbin else [None] * len(xs)
    eff = None
    if effects:
        eff = simulate_effects(model, xs, b_idx, t_idx, len(names), params.to_numpy(), V, Wm,
                               ld.eigs, draws, seed)
    test_df = pd.DataFrame(columns=["statistic", "df", "p_value"])
    if tests:
        Xr = np.delete(Xv, t_idx, axis=1) if durbin else Xv
        frames = [lm_tests(yv, Xr, Wm, 1)]  # on the OLS model without spatial terms
        if model == "sdm":
            sar = fit_lag(yv, Xr, Wm @ yv, Wm, 1, ld, with_info=False)
            sem = fit_error(yv, Xr, Wm, 1, ld, with_info=False)
            frames.append(sdm_tests(params.to_numpy(), V, b_idx, t_idx, len(names), fit.loglik,
                                    sar.loglik, sem.loglik))
        test_df = pd.concat(frames)
    sst = float(((yv - yv.mean()) ** 2).sum())
    r2 = 1.0 - float(fit.resid @ fit.resid) / sst
    prov = Provenance(
        method="digitrace.econ.spatial_regression",
        params={"model": model, "y": y, "x": xs, "row_standardize": row_standardize,
                "constant": constant, "draws": draws, "seed": seed, "logdet": ld.method},
        inputs=(("data", array_sha256(np.column_stack([yv, Xv]))),
                ("W", sparse_sha256(Wm))),
        reference="Anselin (1988) Spatial Econometrics, ch. 6/12; LeSage & Pace (2009) ch. 2-3")
    return SpatialMLResult(
        model=model, params=params, se=se,
        vcov=pd.DataFrame(V, index=allnames, columns=allnames), loglik=fit.loglik,
        sigma2=fit.sigma2, nobs=len(yv), r2=r2, dep_var=y, effects=eff, tests=test_df,
        n_units=len(yv), n_periods=1,
        info={"logdet": ld.method, "interval": (ld.rmin, ld.rmax), "evaluations": fit.n_eval,
              "information": "observed" if fit.observed_info else "expected"},
        provenance=prov)


def _fit(model: str, y: np.ndarray, X: np.ndarray, W, ld: LogDet):
    if model in ("sar", "sdm"):
        return fit_lag(y, X, W @ y, W, 1, ld)
    return fit_error(y, X, W, 1, ld)
