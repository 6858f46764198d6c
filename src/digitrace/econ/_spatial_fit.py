r"""Maximum-likelihood engine shared by cross-section and panel spatial models.

Arrays in, arrays out.  Data are stacked time-major (``T`` blocks of ``N``
rows); a cross-section is ``T = 1``.  Two families:

* **lag** (SAR, SDM): :math:`y = \rho(I_T\otimes W)y + X\beta + \varepsilon`;
* **error** (SEM, SDEM): :math:`y = X\beta + u,\ u = \lambda(I_T\otimes W)u + \varepsilon`.

Both maximise the likelihood concentrated in the spatial parameter over the
admissible interval :math:`(1/\omega_{min}, 1/\omega_{max})` by a grid search
followed by bounded Brent refinement, then evaluate the analytical
information matrix at the optimum (Anselin 1988; Elhorst 2014, ch. 3).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar

from ..errors import ConvergenceError
from ._spatial_kernels import (LogDet, lag_traces, ols_resid, sar_information,
                               sem_information, stack_lag)

_EDGE = 1e-6


@dataclass
class MLFit:
    """Raw ML estimates: ``beta``, spatial parameter ``rho``, ``sigma2``, information matrix."""

    family: str
    beta: np.ndarray
    rho: float
    sigma2: float
    loglik: float
    info: np.ndarray | None
    resid: np.ndarray
    fitted: np.ndarray
    n_eval: int
    observed_info: bool = False

    @property
    def vcov(self) -> np.ndarray:
        if self.info is None:
            raise ValueError("fit was run with with_info=False")
        return _inverse(self.info)


def _inverse(info: np.ndarray) -> np.ndarray:
    try:
        np.linalg.cholesky(info)
    except np.linalg.LinAlgError as exc:
        raise ConvergenceError(
            "the information matrix at the ML estimate is not positive definite; "
            "the likelihood has no regular maximum (check collinearity and W)") from exc
    return np.linalg.inv(info)


def _maximise(f, lo: float, hi: float, grid: int = 41) -> tuple[float, int]:
    """Maximise scalar ``f`` on (lo, hi): grid, then bounded Brent around the best point."""
    a, b = lo + _EDGE, hi - _EDGE
    xs = np.linspace(a, b, grid)
    with np.errstate(divide="ignore", invalid="ignore"):
        vals = np.array([f(x) for x in xs])
    if not np.isfinite(vals).any():
        raise ConvergenceError("the concentrated log-likelihood is not finite anywhere "
                               f"on the admissible interval ({lo:.4f}, {hi:.4f})")
    vals[~np.isfinite(vals)] = -np.inf
    i = int(np.argmax(vals))
    left, right = xs[max(i - 1, 0)], xs[min(i + 1, grid - 1)]
    with np.errstate(divide="ignore", invalid="ignore"):
        res = minimize_scalar(lambda x: -f(x), bounds=(left, right), method="bounded",
                              options={"xatol": 1e-12, "maxiter": 500})
    if not res.success or not np.isfinite(res.fun):
        raise ConvergenceError(f"the spatial parameter search did not converge: {res.message}")
    x = float(res.x)
    if min(x - a, b - x) < 1e-5:
        raise ConvergenceError(
            f"the spatial parameter estimate {x:.6f} lies on the boundary of the admissible "
            f"interval ({lo:.4f}, {hi:.4f}); the likelihood has no interior maximum")
    return x, grid + int(res.nfev)


def information(family: str, y: np.ndarray, X: np.ndarray, Wy: np.ndarray | None,
                W: sp.csr_matrix, T: int, beta: np.ndarray, rho: float, sigma2: float,
                dense_max: int = 2000) -> tuple[np.ndarray, bool]:
    """Information matrix of (beta, rho, sigma2): expected for N <= dense_max, else observed."""
    tr = lag_traces(W, rho, dense_max=dense_max)
    if family == "lag":
        if Wy is None:
            Wy = stack_lag(W, y, T)
        return sar_information(X, beta, sigma2, tr, W, rho, T, y=y, Wy=Wy), tr.trtt is None
    WX = stack_lag(W, X, T)
    Xs = X - rho * WX
    u = y - X @ beta
    Wu = stack_lag(W, u, T)
    e = u - rho * Wu
    return sem_information(Xs, sigma2, tr, T, e=e, Wu=Wu, WX=WX), tr.trtt is None


def fit_lag(y: np.ndarray, X: np.ndarray, Wy: np.ndarray, W: sp.csr_matrix, T: int,
            logdet: LogDet, dense_max: int = 2000, with_info: bool = True) -> MLFit:
    r"""ML of the lag model by the concentrated likelihood (Anselin 1988, p. 181)."""
    nt = y.shape[0]
    b0, e0 = ols_resid(X, y)
    bd, ed = ols_resid(X, Wy)
    c00, c0d, cdd = e0 @ e0, e0 @ ed, ed @ ed

    def lc(r: float) -> float:
        ssr = c00 - 2 * r * c0d + r * r * cdd
        return -0.5 * nt * np.log(ssr / nt) + T * logdet(r)

    rho, nev = _maximise(lc, logdet.rmin, logdet.rmax)
    beta = b0 - rho * bd
    resid = e0 - rho * ed
    sigma2 = float(resid @ resid / nt)
    loglik = -0.5 * nt * (np.log(2 * np.pi * sigma2) + 1.0) + T * logdet(rho)
    info, obs = None, False
    if with_info:
        info, obs = information("lag", y, X, Wy, W, T, beta, rho, sigma2, dense_max)
    return MLFit("lag", beta, rho, sigma2, float(loglik), info, resid, y - resid, nev, obs)


def fit_error(y: np.ndarray, X: np.ndarray, W: sp.csr_matrix, T: int, logdet: LogDet,
              dense_max: int = 2000, with_info: bool = True) -> MLFit:
    r"""ML of the error model by the likelihood concentrated in :math:`\lambda` (exact GLS inner step)."""
    nt = y.shape[0]
    Wy = stack_lag(W, y, T)
    WX = stack_lag(W, X, T)

    def inner(lam: float):
        ys = y - lam * Wy
        Xs = X - lam * WX
        b, e = ols_resid(Xs, ys)
        return b, e, Xs

    def lc(lam: float) -> float:
        _, e, _ = inner(lam)
        return -0.5 * nt * np.log(e @ e / nt) + T * logdet(lam)

    lam, nev = _maximise(lc, logdet.rmin, logdet.rmax)
    beta, resid, Xs = inner(lam)
    sigma2 = float(resid @ resid / nt)
    loglik = -0.5 * nt * (np.log(2 * np.pi * sigma2) + 1.0) + T * logdet(lam)
    info, obs = None, False
    if with_info:
        info, obs = information("error", y, X, None, W, T, beta, lam, sigma2, dense_max)
    fitted = X @ beta
    return MLFit("error", beta, lam, sigma2, float(loglik), info, resid, fitted, nev, obs)


def lee_yu_elhorst(fit: MLFit, y: np.ndarray, X: np.ndarray, Wy: np.ndarray | None,
                   W: sp.csr_matrix, N: int, T: int, dense_max: int = 2000) -> MLFit:
    r"""Lee–Yu (2010) bias correction for two-way fixed effects as in Elhorst's code.

    .. math::
       \hat\vartheta^{bc} = \hat\vartheta + \Big(\tfrac{1}{NT}\mathcal I(\hat\vartheta)\Big)^{-1}
       \frac{1}{N}\Big(0_k',\ \frac{1}{1-\hat\rho},\ \frac{1}{2\hat\sigma^2}\Big)',\qquad
       \hat\sigma^{2,bc} = \tfrac{T}{T-1}\,\hat\sigma^{2}_{\vartheta^{bc}}

    for :math:`\vartheta=(\beta',\rho,\sigma^2)'`; the information matrix is then
    re-evaluated at the corrected values (Lee & Yu 2010, J. Econometrics 154,
    Theorem 3/eq. 24; Elhorst 2014, sar_panel_FE.m/sem_panel_FE.m, ``info.bc=1``).
    """
    k = fit.beta.shape[0]
    nt = N * T
    rhs = np.zeros(k + 2)
    rhs[k] = 1.0 / (1.0 - fit.rho)
    rhs[k + 1] = 1.0 / (2.0 * fit.sigma2)
    parm = np.concatenate([fit.beta, [fit.rho, fit.sigma2]])
    bc = parm + np.linalg.solve(fit.info / nt, rhs) / N
    beta, rho = bc[:k], float(bc[k])
    sigma2 = T / (T - 1.0) * float(bc[k + 1])
    info, obs = information(fit.family, y, X, Wy, W, T, beta, rho, sigma2, dense_max)
    return MLFit(fit.family, beta, rho, sigma2, fit.loglik, info, fit.resid, fit.fitted,
                 fit.n_eval, obs)
