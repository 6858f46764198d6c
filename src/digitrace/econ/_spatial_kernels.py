r"""Array kernels for maximum-likelihood spatial regression (no pandas, no I/O).

Symbols follow LeSage & Pace (2009) and Elhorst (2014):

* :math:`W` is the :math:`N\times N` spatial weights matrix, :math:`A(\rho)=(I-\rho W)^{-1}`;
* the concentrated log-likelihood of the spatial lag (SAR/SDM) model stacked over
  :math:`T` periods is

  .. math:: \ell_c(\rho) = -\tfrac{NT}{2}\ln\hat\sigma^2(\rho) + T\ln|I-\rho W|,
     \qquad \hat\sigma^2(\rho) = (e_0-\rho e_d)'(e_0-\rho e_d)/NT

  with :math:`e_0, e_d` the OLS residuals of :math:`y` and :math:`(I_T\otimes W)y` on
  :math:`X` (Anselin 1988, ch. 12; Elhorst 2014, eq. 3.11);
* the error model (SEM/SDEM) replaces :math:`e(\rho)` by the GLS residual of the
  filtered data :math:`(I-\lambda W)y` on :math:`(I-\lambda W)X`.

The log-determinant is computed from the eigenvalues of :math:`W` when
:math:`N` is small (Ord 1975) and from a sparse LU factorisation otherwise
(:math:`\ln|I-\rho W| = \sum_i \ln|u_{ii}|`, Pace & Barry 1997).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

__all__ = [
    "LogDet", "lag_traces", "effect_moments", "sar_information", "sem_information",
    "ols_resid", "stack_lag",
]


def stack_lag(W: sp.csr_matrix, v: np.ndarray, T: int) -> np.ndarray:
    r"""Return :math:`(I_T\otimes W)v` for ``v`` stacked time-major (T blocks of N rows)."""
    n = W.shape[0]
    v2 = np.asarray(v, dtype=float)
    if v2.ndim == 1:
        return (W @ v2.reshape(T, n).T).T.reshape(-1)
    k = v2.shape[1]
    blocks = v2.reshape(T, n, k)
    return np.stack([W @ blocks[t] for t in range(T)]).reshape(T * n, k)


def ols_resid(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and residuals of least squares of each column of ``Y`` on ``X``."""
    b, *_ = np.linalg.lstsq(X, Y, rcond=None)
    return b, Y - X @ b


class LogDet:
    r"""Callable :math:`\rho\mapsto\ln|I-\rho W|` with the admissible interval.

    Parameters
    ----------
    W : scipy.sparse matrix (N x N)
    method : {"auto", "eig", "lu"}
        ``"eig"``: :math:`\sum_i\ln(1-\rho\omega_i)` from the eigenvalues
        :math:`\omega_i` (exact, :math:`O(N^3)` once); ``"lu"``: sparse LU of
        :math:`I-\rho W` at every evaluation.  ``"auto"`` uses eigenvalues for
        :math:`N\le` ``eig_max``.
    """

    def __init__(self, W: sp.csr_matrix, method: str = "auto", eig_max: int = 1000) -> None:
        self.W = sp.csc_matrix(W)
        self.n = W.shape[0]
        if method == "auto":
            method = "eig" if self.n <= eig_max else "lu"
        self.method = method
        self.eigs: np.ndarray | None = None
        if method == "eig":
            ev = np.linalg.eigvals(W.toarray())
            if np.max(np.abs(ev.imag)) < 1e-10:
                ev = ev.real
            self.eigs = ev
            real = ev.real if np.iscomplexobj(ev) else ev
            self.rmin = 1.0 / real.min() if real.min() < 0 else -1.0
            self.rmax = 1.0 / real.max()
        else:
            self.rmin, self.rmax = -1.0, 1.0 / _max_eig(W)
        self.eye = sp.identity(self.n, format="csc")

    def __call__(self, rho: float) -> float:
        if self.eigs is not None:
            return float(np.sum(np.log(1.0 - rho * self.eigs)).real)
        lu = splu(self.eye - rho * self.W, permc_spec="MMD_AT_PLUS_A",
                  options={"SymmetricMode": True})
        return float(np.sum(np.log(np.abs(lu.U.diagonal()))))


def _max_eig(W: sp.spmatrix) -> float:
    rs = np.asarray(W.sum(axis=1)).ravel()
    if np.allclose(rs, 1.0) and (W.data >= 0).all():
        return 1.0  # row-stochastic: Perron root is 1
    from scipy.sparse.linalg import eigs

    return float(np.real(eigs(W.astype(float), k=1, which="LR", return_eigenvectors=False)[0]))


@dataclass(frozen=True)
class LagTraces:
    """tr(WA), tr(WA WA), tr(WA' WA) and WA itself (dense, may be None)."""

    tr: float
    tr2: float
    trtt: float
    WA: np.ndarray | None


def lag_traces(W: sp.csr_matrix, rho: float, dense_max: int = 2000) -> LagTraces:
    r"""Traces needed by the information matrix, :math:`M = W(I-\rho W)^{-1}`.

    For :math:`N\le` ``dense_max``: exact, from a dense LAPACK inverse.
    Otherwise :math:`\mathrm{tr}M = -\partial_\rho\ln|I-\rho W|` and
    :math:`\mathrm{tr}M^2 = -\partial^2_\rho\ln|I-\rho W|` by five-point finite
    differences of the sparse-LU log-determinant (no :math:`O(N^3)` step);
    ``trtt`` (:math:`\mathrm{tr}M'M`) is then ``None`` and callers use the
    observed instead of the expected information.
    """
    n = W.shape[0]
    if n <= dense_max:
        A = np.linalg.inv(np.eye(n) - rho * W.toarray())  # LAPACK beats SuperLU with N RHS
        M = np.asarray(W @ A)
        return LagTraces(float(np.trace(M)), float(np.sum(M * M.T)), float(np.sum(M * M)), M)
    eye = sp.identity(n, format="csc")
    Wc = sp.csc_matrix(W)

    def ld(r: float) -> float:
        lu = splu(eye - r * Wc, permc_spec="MMD_AT_PLUS_A", options={"SymmetricMode": True})
        return float(np.sum(np.log(np.abs(lu.U.diagonal()))))

    h = 1e-3
    f = [ld(rho + j * h) for j in (-2, -1, 0, 1, 2)]
    d1 = (f[0] - 8 * f[1] + 8 * f[3] - f[4]) / (12 * h)
    d2 = (-f[0] + 16 * f[1] - 30 * f[2] + 16 * f[3] - f[4]) / (12 * h * h)
    return LagTraces(-d1, -d2, None, None)


def effect_moments(W: sp.csr_matrix, rho: np.ndarray, eigs: np.ndarray | None = None,
                   order: int = 120, probes: int = 200, seed: int = 0) -> np.ndarray:
    r"""Average direct / total multipliers for each :math:`\rho` in ``rho``.

    Returns an array of shape ``(len(rho), 4)`` with columns
    :math:`d_0 = \mathrm{tr}(A)/N`, :math:`d_1 = \mathrm{tr}(AW)/N`,
    :math:`s_0 = \iota'A\iota/N`, :math:`s_1 = \iota'AW\iota/N`, so that for a
    regressor with coefficients :math:`(\beta_k,\theta_k)` the LeSage–Pace
    direct effect is :math:`\beta_k d_0 + \theta_k d_1` and the total effect is
    :math:`\beta_k s_0 + \theta_k s_1` (LeSage & Pace 2009, eq. 2.46–2.48).

    With eigenvalues the traces are exact; otherwise the power series
    :math:`A=\sum_q\rho^qW^q` is used with :math:`\mathrm{tr}(W^q)` estimated by
    seeded Hutchinson probes (exact for :math:`q\le4`), truncated at ``order``.
    """
    rho = np.atleast_1d(np.asarray(rho, dtype=float))
    n = W.shape[0]
    one = np.ones(n)
    # row-sum moments 1'W^q 1 / n, exact via repeated products
    u = np.empty(order + 2)
    v = one.copy()
    for q in range(order + 2):
        u[q] = v.sum() / n
        v = W.T @ v
    rowstd = np.allclose(np.asarray(W.sum(axis=1)).ravel(), 1.0)
    if eigs is not None:
        ev = np.asarray(eigs)
        inv = 1.0 / (1.0 - np.outer(rho, ev))
        d0 = np.mean(inv, axis=1).real
        d1 = np.mean(inv * ev, axis=1).real
    else:
        t = np.empty(order + 2)
        t[0] = 1.0
        t[1] = W.diagonal().sum() / n
        W2 = (W @ W).tocsr()
        t[2] = W.multiply(W.T).sum() / n
        t[3] = W2.multiply(W.T).sum() / n
        t[4] = W2.multiply(W2.T).sum() / n
        rng = np.random.default_rng(seed)
        Z = rng.choice([-1.0, 1.0], size=(n, probes))
        P = W2 @ (W2 @ Z)
        for q in range(5, order + 2):
            P = W @ P
            t[q] = np.mean(np.sum(Z * P, axis=0)) / n
        powers = rho[:, None] ** np.arange(order + 1)[None, :]
        d0 = powers @ t[: order + 1]
        d1 = powers @ t[1: order + 2]
    if rowstd:
        s0 = s1 = 1.0 / (1.0 - rho)
    else:
        powers = rho[:, None] ** np.arange(order + 1)[None, :]
        s0 = powers @ u[: order + 1]
        s1 = powers @ u[1: order + 2]
    return np.column_stack([d0, d1, np.broadcast_to(s0, d0.shape), np.broadcast_to(s1, d0.shape)])


def sar_information(X: np.ndarray, beta: np.ndarray, sigma2: float, tr: LagTraces,
                    W: sp.csr_matrix, rho: float, T: int, y: np.ndarray | None = None,
                    Wy: np.ndarray | None = None) -> np.ndarray:
    r"""Information matrix of :math:`(\beta,\rho,\sigma^2)` for the lag model.

    .. math::
       \mathcal I = \begin{pmatrix}
       X'X/\sigma^2 & X'\tilde M X\beta/\sigma^2 & 0\\
       \cdot & T\,\mathrm{tr}(MM+M'M) + \|\tilde MX\beta\|^2/\sigma^2 & T\,\mathrm{tr}M/\sigma^2\\
       \cdot & \cdot & NT/2\sigma^4\end{pmatrix},\quad \tilde M = I_T\otimes M

    (Anselin 1988, eq. 6.5; Elhorst 2014, eq. 3.15).  When ``tr.trtt`` is
    ``None`` (large N) the observed information is returned instead:
    :math:`X'Wy/\sigma^2`, :math:`T\,\mathrm{tr}M^2 + (Wy)'Wy/\sigma^2`,
    :math:`(Wy)'e/\sigma^4`, :math:`X'e/\sigma^4` and
    :math:`e'e/\sigma^6 - NT/2\sigma^4` with :math:`e=y-\rho Wy-X\beta`.
    """
    k = X.shape[1]
    nt = X.shape[0]
    if tr.trtt is None:
        e = y - rho * Wy - X @ beta
        info = np.zeros((k + 2, k + 2))
        info[:k, :k] = X.T @ X / sigma2
        info[:k, k] = info[k, :k] = X.T @ Wy / sigma2
        info[:k, k + 1] = info[k + 1, :k] = X.T @ e / sigma2 ** 2
        info[k, k] = T * tr.tr2 + Wy @ Wy / sigma2
        info[k, k + 1] = info[k + 1, k] = Wy @ e / sigma2 ** 2
        info[k + 1, k + 1] = e @ e / sigma2 ** 3 - nt / (2.0 * sigma2 ** 2)
        return info
    xb = X @ beta
    n = tr.WA.shape[0]
    mxb = (xb.reshape(T, n) @ tr.WA.T).reshape(-1)
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = X.T @ X / sigma2
    info[:k, k] = info[k, :k] = X.T @ mxb / sigma2
    info[k, k] = T * (tr.tr2 + tr.trtt) + mxb @ mxb / sigma2
    info[k, k + 1] = info[k + 1, k] = T * tr.tr / sigma2
    info[k + 1, k + 1] = nt / (2.0 * sigma2 ** 2)
    return info


def sem_information(Xf: np.ndarray, sigma2: float, tr: LagTraces, T: int,
                    e: np.ndarray | None = None, Wu: np.ndarray | None = None,
                    WX: np.ndarray | None = None) -> np.ndarray:
    r"""Information matrix of :math:`(\beta,\lambda,\sigma^2)` for the error model.

    :math:`X'_\lambda X_\lambda/\sigma^2` for :math:`\beta` with the filtered
    :math:`X_\lambda=(I_T\otimes(I-\lambda W))X`; :math:`T\,\mathrm{tr}(MM+M'M)`,
    :math:`T\,\mathrm{tr}M/\sigma^2` and :math:`NT/2\sigma^4` for the rest
    (Anselin 1988, eq. 6.30; Elhorst 2014, eq. 3.19).  When ``tr.trtt`` is
    ``None`` the observed information is used, with :math:`u=y-X\beta`,
    :math:`e=u-\lambda Wu` (pass ``e``, ``Wu`` and ``WX``): :math:`[(WX)'e + X_\lambda'Wu]/\sigma^2`,
    :math:`T\,\mathrm{tr}M^2+(Wu)'Wu/\sigma^2`, :math:`(Wu)'e/\sigma^4`,
    :math:`X_\lambda'e/\sigma^4`, :math:`e'e/\sigma^6-NT/2\sigma^4`.
    """
    k = Xf.shape[1]
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = Xf.T @ Xf / sigma2
    if tr.trtt is None:
        nt = Xf.shape[0]
        info[:k, k] = info[k, :k] = (WX.T @ e + Xf.T @ Wu) / sigma2
        info[:k, k + 1] = info[k + 1, :k] = Xf.T @ e / sigma2 ** 2
        info[k, k] = T * tr.tr2 + Wu @ Wu / sigma2
        info[k, k + 1] = info[k + 1, k] = Wu @ e / sigma2 ** 2
        info[k + 1, k + 1] = e @ e / sigma2 ** 3 - nt / (2.0 * sigma2 ** 2)
        return info
    info[k, k] = T * (tr.tr2 + tr.trtt)
    info[k, k + 1] = info[k + 1, k] = T * tr.tr / sigma2
    info[k + 1, k + 1] = Xf.shape[0] / (2.0 * sigma2 ** 2)
    return info
