"""Input-output kernels in the notation of Miller & Blair (2009).

Pure NumPy/SciPy: ndarrays in, ndarrays out, no pandas and no I/O.  Symbols:

* ``Z`` (n × n) intermediate flows, rows = selling sector, columns = buying sector;
* ``x`` (n,) gross output; ``f`` (n,) final demand; ``v`` (n,) primary inputs
  (value added, plus imported inputs and product taxes where those are primary);
* ``A = Z x̂⁻¹`` technical (input) coefficients, ``L = (I − A)⁻¹`` Leontief inverse;
* ``B = x̂⁻¹ Z`` allocation (output) coefficients, ``G = (I − B)⁻¹`` Ghosh inverse.

Inverses are computed by an LU factorisation and a solve against the identity
(``scipy.linalg.lu_factor``/``lu_solve``), never by ``inv``; :func:`solve_leontief`
gives ``x = L f`` without forming ``L`` at all.

References
----------
Miller, R. E. & Blair, P. D. (2009). *Input-Output Analysis: Foundations and
Extensions*, 2nd ed. Cambridge University Press, ch. 2 (Leontief model),
ch. 6 (multipliers), ch. 12 (Ghosh supply-side model, linkages).
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "calc_A", "calc_B", "leontief", "ghosh", "solve_leontief", "calc_x_from_L",
    "calc_Z_from_A", "output_multipliers", "va_multipliers", "employment_multipliers",
    "coefficients", "safe_divide", "rasmussen_index", "primary_input_coefficients",
]


def safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Elementwise ``num / den`` with 0 where ``den == 0`` (zero-output sectors)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape, dtype=float)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _square(M: np.ndarray, name: str) -> np.ndarray:
    M = np.asarray(M, dtype=float)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise ValueError(f"{name} must be a square 2-D array, got shape {M.shape}")
    return M


def _vector(v: np.ndarray, n: int, name: str) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    if v.ndim == 2 and 1 in v.shape:
        v = v.ravel()
    if v.shape[0] != n:
        raise ValueError(f"{name} has length {v.shape[0]}, expected {n}")
    return v


def calc_A(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Technical coefficients :math:`A = Z\hat{x}^{-1}`, i.e. :math:`a_{ij} = z_{ij}/x_j`.

    Columns of sectors with zero output are set to 0 (M&B 2009, eq. 2.4).
    """
    Z = _square(Z, "Z")
    x = _vector(x, Z.shape[0], "x")
    return safe_divide(Z, x[np.newaxis, :])


def calc_B(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Allocation (output) coefficients :math:`B = \hat{x}^{-1} Z`, :math:`b_{ij} = z_{ij}/x_i`.

    Rows of zero-output sectors are 0 (M&B 2009, eq. 12.1).
    """
    Z = _square(Z, "Z")
    x = _vector(x, Z.shape[0], "x")
    return safe_divide(Z, x[:, np.newaxis])


def _inverse_I_minus(M: np.ndarray, name: str) -> np.ndarray:
    from scipy.linalg import LinAlgWarning, lu_factor, lu_solve
    import warnings

    M = _square(M, name)
    n = M.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", LinAlgWarning)
        try:
            lu = lu_factor(np.eye(n) - M, check_finite=True)
        except (LinAlgWarning, ValueError) as exc:
            raise np.linalg.LinAlgError(f"I - {name} is singular or ill-conditioned: {exc}") from exc
    if np.any(np.diag(lu[0]) == 0):
        raise np.linalg.LinAlgError(f"I - {name} is singular")
    return lu_solve(lu, np.eye(n))


def leontief(A: np.ndarray) -> np.ndarray:
    r"""Leontief inverse :math:`L = (I - A)^{-1}`, via LU factorisation and solve.

    Satisfies :math:`L(I - A) = I` and :math:`x = Lf` (M&B 2009, eq. 2.11).
    """
    return _inverse_I_minus(A, "A")


def ghosh(B: np.ndarray) -> np.ndarray:
    r"""Ghosh inverse :math:`G = (I - B)^{-1}` (M&B 2009, eq. 12.5).

    Orientation as in Miller & Blair: rows index the sector whose primary input
    changes, so :math:`x' = v' G` (row vectors) and :math:`G = \hat{x}^{-1} L \hat{x}`.
    """
    return _inverse_I_minus(B, "B")


def solve_leontief(A: np.ndarray, f: np.ndarray) -> np.ndarray:
    r"""Gross output :math:`x = (I - A)^{-1} f` by a linear solve (``L`` is not formed).

    ``f`` may be a vector (n,) or a matrix (n × k) of final-demand columns.
    """
    A = _square(A, "A")
    f = np.asarray(f, dtype=float)
    if f.shape[0] != A.shape[0]:
        raise ValueError(f"f has {f.shape[0]} rows, expected {A.shape[0]}")
    return np.linalg.solve(np.eye(A.shape[0]) - A, f)


def calc_x_from_L(L: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Gross output :math:`x = L f` (M&B 2009, eq. 2.11)."""
    L = _square(L, "L")
    f = np.asarray(f, dtype=float)
    if f.shape[0] != L.shape[0]:
        raise ValueError(f"f has {f.shape[0]} rows, expected {L.shape[0]}")
    return L @ f


def calc_Z_from_A(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    r""":math:`Z = A\hat{x}`."""
    A = _square(A, "A")
    return A * _vector(x, A.shape[0], "x")[np.newaxis, :]


def output_multipliers(L: np.ndarray) -> np.ndarray:
    r"""Simple output multipliers :math:`m(o)_j = \sum_i l_{ij}` (column sums of L; M&B 2009, eq. 6.1)."""
    return _square(L, "L").sum(axis=0)


def coefficients(values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per-unit-of-output coefficients ``values / x`` (0 where ``x == 0``)."""
    x = np.asarray(x, dtype=float)
    return safe_divide(_vector(values, x.shape[0], "values"), x)


def va_multipliers(L: np.ndarray, v: np.ndarray) -> np.ndarray:
    r"""Value-added (income) multipliers :math:`m(v)_j = \sum_i v_i l_{ij}`, with
    :math:`v_i` value added per unit of output (M&B 2009, §6.2.2, "total value-added
    effects").  Pass ``v = va / x`` (see :func:`coefficients`).
    """
    L = _square(L, "L")
    return _vector(v, L.shape[0], "v") @ L


def employment_multipliers(L: np.ndarray, e: np.ndarray) -> np.ndarray:
    r"""Employment multipliers :math:`m(e)_j = \sum_i e_i l_{ij}` (jobs per unit of
    final demand for *j*), with :math:`e_i` = employment / gross output
    (M&B 2009, §6.2.3, eq. 6.14).
    """
    L = _square(L, "L")
    return _vector(e, L.shape[0], "e") @ L


def rasmussen_index(M: np.ndarray, axis: int) -> np.ndarray:
    r"""Rasmussen (1956) normalised linkage index from an inverse matrix.

    ``axis=0`` (column sums) gives the power of dispersion / backward linkage
    :math:`BL_j = \frac{\sum_i m_{ij}}{\frac{1}{n}\sum_{i,j} m_{ij}}`; ``axis=1``
    (row sums) gives the sensitivity of dispersion / forward linkage
    :math:`FL_i = \frac{\sum_j m_{ij}}{\frac{1}{n}\sum_{i,j} m_{ij}}` (M&B 2009, §12.2).
    The indices average to 1.
    """
    M = _square(M, "M")
    sums = M.sum(axis=axis)
    return sums / sums.mean()


def primary_input_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Primary-input coefficients :math:`w_j = (x_j - \sum_i z_{ij})/x_j`, so that
    :math:`w' = \iota'(I - A)` and :math:`w'L = \iota'` (M&B 2009, eq. 2.14)."""
    Z = _square(Z, "Z")
    x = _vector(x, Z.shape[0], "x")
    return safe_divide(x - Z.sum(axis=0), x)
