r"""Spatial panel models with fixed effects by maximum likelihood (Elhorst 2003, 2014).

.. math::
   y_t = \rho W y_t + X_t\beta + W X_t\theta + \mu + \xi_t\iota_N + \varepsilon_t
   \qquad (\text{SDM; SAR: }\theta=0)

   y_t = X_t\beta + W X_t\theta + \mu + \xi_t\iota_N + u_t,\quad u_t=\lambda W u_t+\varepsilon_t
   \qquad (\text{SDEM; SEM: }\theta=0)

Fixed effects are removed by demeaning (``fe="entity"``: :math:`\mu`;
``"time"``: :math:`\xi_t`; ``"twoways"``: both).  The likelihood
:math:`-\tfrac{NT}{2}\ln(2\pi\sigma^2) + T\ln|I-\rho W| - \tfrac{1}{2\sigma^2}e'e`
is concentrated in the spatial parameter and maximised over its admissible
interval.  With ``lee_yu=True`` the Lee & Yu (2010) correction is applied as in
Elhorst's MATLAB routines (``info.bc=1``): :math:`\sigma^2` is scaled by
:math:`T/(T-1)` (entity FE) or :math:`N/(N-1)` (time FE); with two-way FE the
bias-corrected :math:`(\beta,\rho,\sigma^2)` of Lee & Yu (2010, eq. 24) are used
(see :func:`digitrace.econ._spatial_fit.lee_yu_elhorst`).

The Lagrange-multiplier tests (classic and robust, Anselin et al. 1996 in the
panel form of Elhorst 2010, ``LMsarsem_panel.m``) are computed on the
non-spatial fixed-effects model and reported in ``result.tests``.
"""
from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._results import Provenance, array_sha256, check_option
from ..errors import DataError, SpecificationError
from ._spatial_common import (MODELS, RHO_NAME, SpatialMLResult, check_dependent,
                              check_design, lm_tests, prepare_weights, sdm_tests,
                              simulate_effects)
from ._panel import plain
from ._spatial_fit import MLFit, fit_error, fit_lag, information, lee_yu_elhorst
from ..spatial.weights import sparse_sha256
from ._spatial_kernels import LogDet, stack_lag

FE = ("entity", "time", "twoways")
__all__ = ["spatial_panel", "panel_lm_tests"]


def _panel_arrays(data: pd.DataFrame, cols: Sequence[str], entity: str, time: str):
    """Validate a balanced panel and return (entities, periods, arrays stacked time-major)."""
    missing = [c for c in [*cols, entity, time] if c not in data.columns]
    if missing:
        raise DataError(f"column(s) not in data: {missing}", column=", ".join(missing))
    dup = data.duplicated([entity, time], keep=False)
    if dup.any():
        first = data.loc[dup, [entity, time]].iloc[0]
        raise DataError(f"duplicate (entity, time) key ({plain(first[entity])!r}, "
                        f"{plain(first[time])!r}): {int(dup.sum())} rows share a key",
                        row=data.index[dup.to_numpy()][0],
                        column=f"{entity}, {time}")
    ents = np.sort(data[entity].unique())
    pers = np.sort(data[time].unique())
    N, T = len(ents), len(pers)
    if len(data) != N * T:
        have = set(zip(data[entity], data[time]))
        gap = next((e, t) for t in pers for e in ents if (e, t) not in have)
        raise DataError(f"unbalanced panel: {len(data)} rows for {N} entities x {T} periods; "
                        f"e.g. ({plain(gap[0])!r}, {plain(gap[1])!r}) is missing. Spatial panel "
                        "ML needs a balanced panel (drop or impute incomplete units)",
                        column=f"{entity}, {time}")
    d = data.sort_values([time, entity])
    vals = d[list(cols)].to_numpy(dtype=float)
    if not np.isfinite(vals).all():
        r, c = np.argwhere(~np.isfinite(vals))[0]
        raise DataError("missing or infinite value", row=d.index[r], column=cols[c])
    return list(ents), list(pers), vals


def demean(v: np.ndarray, N: int, T: int, fe: str) -> np.ndarray:
    """Remove entity, time or both means from time-major stacked data (balanced)."""
    a = v.reshape(T, N, -1)
    if fe in ("entity", "twoways"):
        a = a - a.mean(axis=0, keepdims=True)
    if fe in ("time", "twoways"):
        a = a - a.mean(axis=1, keepdims=True)
    return a.reshape(v.shape)


def panel_lm_tests(data: pd.DataFrame, y: str, x: str | Sequence[str], W, entity: str,
                   time: str, fe: str = "twoways", *, row_standardize: bool = True) -> pd.DataFrame:
    """LM tests for a spatial lag / spatial error on the non-spatial FE panel (see
    :func:`digitrace.econ._spatial_common.lm_tests`)."""
    xs = [x] if isinstance(x, str) else list(x)
    ents, pers, vals = _panel_arrays(data, [y, *xs], entity, time)
    N, T = len(ents), len(pers)
    Wm = prepare_weights(W, ents, row_standardize=row_standardize, positional_order="sorted-entity")
    v = demean(vals, N, T, fe)
    check_dependent(v[:, 0], y, absorbed=True)
    check_design(v[:, 1:], xs)
    return lm_tests(v[:, 0], v[:, 1:], Wm, T)


def _refresh(fit: MLFit, y, X, Wy, W, T: int, sigma2: float) -> MLFit:
    info, obs = information(fit.family, y, X, Wy, W, T, fit.beta, fit.rho, sigma2)
    return MLFit(fit.family, fit.beta, fit.rho, sigma2, fit.loglik, info, fit.resid, fit.fitted,
                 fit.n_eval, obs)


def orthonormal_complement(m: int) -> np.ndarray:
    r""":math:`F_{m,m-1}`: orthonormal eigenvectors of :math:`I_m - \iota\iota'/m` with eigenvalue 1.

    :math:`F'F = I_{m-1}` and :math:`FF' = I_m - \iota\iota'/m` (Lee & Yu 2010, §2).
    """
    Q, _ = np.linalg.qr(np.column_stack([np.ones(m), np.eye(m)[:, : m - 1]]))
    F = Q[:, 1:m]
    return F


def _transform_fit(family: str, yr, Xr, W, N: int, T: int, fe: str) -> MLFit:
    r"""Lee–Yu transformation approach: ML on :math:`(F_T'\otimes F_N')` transformed data.

    Entity effects are removed by :math:`F_{T,T-1}`, time effects by
    :math:`F_{N,N-1}` with :math:`W^* = F_N'WF_N` (needs a row-standardised W;
    Lee & Yu 2010, eq. 2.4/4.2).  The effective sample is :math:`N(T-1)`,
    :math:`(N-1)T` or :math:`(N-1)(T-1)`.  Dense :math:`W^*`: N ≤ 2000.
    """
    a = yr.reshape(T, N)
    b = Xr.reshape(T, N, -1)
    Tn, Nn, Ws = T, N, W
    if fe in ("entity", "twoways"):
        FT = orthonormal_complement(T)
        a = FT.T @ a
        b = np.einsum("ts,tnk->snk", FT, b)
        Tn = T - 1
    if fe in ("time", "twoways"):
        if N > 2000:
            raise SpecificationError("lee_yu='transform' with time effects builds a dense "
                                     "(N-1)x(N-1) W*; use lee_yu=True for N > 2000")
        FN = orthonormal_complement(N)
        a = a @ FN
        b = np.einsum("tnk,nm->tmk", b, FN)
        Ws = sp.csr_matrix(FN.T @ (W @ FN))
        Nn = N - 1
    ys = a.reshape(-1)
    Xs = b.reshape(Tn * Nn, -1)
    ld = LogDet(Ws, method="eig" if Nn <= 1000 else "lu")
    if family == "lag":
        return fit_lag(ys, Xs, stack_lag(Ws, ys, Tn), Ws, Tn, ld)
    return fit_error(ys, Xs, Ws, Tn, ld)


def _estimate(family: str, y, X, Wy, W, N, T, fe, lee_yu, ld, with_info=True) -> MLFit:
    if family == "lag":
        fit = fit_lag(y, X, Wy, W, T, ld, with_info=with_info)
    else:
        fit = fit_error(y, X, W, T, ld, with_info=with_info)
    if not lee_yu or not with_info:
        return fit
    if fe == "entity":
        return _refresh(fit, y, X, Wy, W, T, fit.sigma2 * T / (T - 1.0))
    if fe == "time":
        return _refresh(fit, y, X, Wy, W, T, fit.sigma2 * N / (N - 1.0))
    return lee_yu_elhorst(fit, y, X, Wy, W, N, T)


def spatial_panel(data: pd.DataFrame, y: str, x: str | Sequence[str], W, entity: str, time: str,
                  model: Literal["sar", "sem", "sdm", "sdem"] = "sdm",
                  fe: Literal["entity", "time", "twoways"] = "twoways",
                  lee_yu: bool | Literal["transform"] = True, *,
                  row_standardize: bool = True, effects: bool = True, draws: int = 1000,
                  seed: int | None = 0, logdet: str = "auto", tests: bool = True) -> SpatialMLResult:
    r"""Fit a fixed-effects spatial panel model (SAR, SEM, SDM, SDEM) by maximum likelihood.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per (entity, time); must be balanced.
    y, x : str, list of str
        Dependent variable and regressors (no constant: it is absorbed).
    W : ndarray, scipy.sparse, libpysal ``W`` or labelled DataFrame
        N x N weights.  Labelled weights are matched to the entity ids; an
        unlabelled matrix must be ordered like the *sorted* entity ids.
    entity, time : str
        Panel keys.
    model : {"sar", "sem", "sdm", "sdem"}, default "sdm"
    fe : {"entity", "time", "twoways"}, default "twoways"
    lee_yu : bool or "transform", default True
        ``True``: Lee–Yu (2010) correction as implemented by Elhorst (see module
        doc); for entity FE this *is* the transformation approach
        (:math:`F_{T,T-1}` gives the same β, ρ as demeaning and
        :math:`\sigma^2\cdot T/(T-1)`).  ``"transform"``: ML on the data
        transformed by :math:`F_{T,T-1}` and/or :math:`F_{N,N-1}` (exact
        transformation approach, also for time and two-way FE; N ≤ 2000).
        ``False``: plain demeaned ML.  With time effects a row-standardised W
        is required unless ``lee_yu=False``.
    effects, draws, seed
        LeSage–Pace effects with SEs from ``draws`` seeded simulations.
    logdet : {"auto", "eig", "lu"}
        Eigenvalues (N ≤ 1000 under "auto") or sparse LU.
    tests : bool
        LM tests on the non-spatial FE model (always) and, for SDM, LR/Wald
        tests against SAR and SEM (fits both).

    Returns
    -------
    SpatialMLResult
    """
    check_option("model", model, MODELS)
    check_option("fe", fe, FE)
    check_option("lee_yu", lee_yu, (True, False, "transform"))
    xs = [x] if isinstance(x, str) else list(x)
    ents, pers, vals = _panel_arrays(data, [y, *xs], entity, time)
    N, T = len(ents), len(pers)
    if T < 2:
        raise DataError(f"a spatial panel needs at least 2 periods, got {T}", column=time)
    Wm = prepare_weights(W, ents, row_standardize=row_standardize,
                         require_rowstd=bool(lee_yu) and fe in ("time", "twoways"),
                         positional_order="sorted-entity")
    ld = LogDet(Wm, method=logdet)
    yr, Xr = vals[:, 0], vals[:, 1:]
    durbin = model in ("sdm", "sdem")
    names = list(xs)
    if durbin:
        Xr = np.column_stack([Xr, stack_lag(Wm, Xr, T)])
        names += [f"W_{c}" for c in xs]
    yd = demean(yr, N, T, fe)
    Xd = demean(Xr, N, T, fe)
    Wyd = demean(stack_lag(Wm, yr, T), N, T, fe)
    check_dependent(yd, y, absorbed=True)
    check_design(Xd, names, "design after removing the fixed effects")
    family = "lag" if model in ("sar", "sdm") else "error"
    if lee_yu == "transform":
        fit = _transform_fit(family, yr, Xr, Wm, N, T, fe)
    else:
        fit = _estimate(family, yd, Xd, Wyd, Wm, N, T, fe, lee_yu, ld)
    pname = RHO_NAME[model]
    allnames = names + [pname]
    V = fit.vcov[:-1, :-1]
    params = pd.Series(np.append(fit.beta, fit.rho), index=allnames, name="coef")
    se = pd.Series(np.sqrt(np.diag(V)), index=allnames, name="se")
    k = len(xs)
    b_idx = list(range(k))
    t_idx = [i + k for i in b_idx] if durbin else [None] * k
    eff = None
    if effects:
        eff = simulate_effects(model, xs, b_idx, t_idx, len(names), params.to_numpy(), V, Wm,
                               ld.eigs, draws, seed)
    test_frames = [lm_tests(yd, Xd[:, :k], Wm, T)] if tests else []
    if model == "sdm" and tests:
        sar = _estimate("lag", yd, Xd[:, :k], Wyd, Wm, N, T, fe, False, ld, with_info=False)
        sem = _estimate("error", yd, Xd[:, :k], None, Wm, N, T, fe, False, ld, with_info=False)
        test_frames.append(sdm_tests(params.to_numpy(), V, b_idx, t_idx, len(names),
                                     fit.loglik, sar.loglik, sem.loglik))
    test_df = (pd.concat(test_frames) if test_frames
               else pd.DataFrame(columns=["statistic", "df", "p_value"]))
    if family == "lag":
        resid = yd - fit.rho * Wyd - Xd @ fit.beta
    else:
        u = yd - Xd @ fit.beta
        resid = u - fit.rho * stack_lag(Wm, u, T)
    ssr = float(resid @ resid)
    r2_within = 1.0 - ssr / float(yd @ yd)
    r2 = 1.0 - ssr / float(((yr - yr.mean()) ** 2).sum())   # LSDV R², as fe() reports
    ly = ("none" if not lee_yu else "transformation approach" if lee_yu == "transform" else
          {"entity": "sigma2 T/(T-1)", "time": "sigma2 N/(N-1)", "twoways": "Lee-Yu (Elhorst bc=1)"}[fe])
    prov = Provenance(
        method="digitrace.econ.spatial_panel",
        params={"model": model, "y": y, "x": xs, "fe": fe, "lee_yu": lee_yu,
                "row_standardize": row_standardize, "draws": draws, "seed": seed,
                "logdet": ld.method, "N": N, "T": T, "entity": entity, "time": time},
        inputs=(("data", array_sha256(vals)), ("W", sparse_sha256(Wm))),
        reference="Elhorst (2014) Spatial Econometrics, ch. 3; Lee & Yu (2010) J. Econometrics 154; "
                  "LeSage & Pace (2009)")
    return SpatialMLResult(
        model=model, params=params, se=se, vcov=pd.DataFrame(V, index=allnames, columns=allnames),
        loglik=fit.loglik, sigma2=fit.sigma2, nobs=N * T, r2=r2, r2_within=r2_within,
        dep_var=y, effects=eff,
        tests=test_df, fe=fe, lee_yu=ly, n_units=N, n_periods=T,
        info={"logdet": ld.method, "interval": (ld.rmin, ld.rmax), "evaluations": fit.n_eval,
              "information": "observed" if fit.observed_info else "expected",
              "entities": ents, "periods": pers},
        provenance=prov)
