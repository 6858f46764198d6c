r"""Candidate thresholds for :func:`digitrace.econ.panel_threshold.threshold`.

Two conventions:

* ``candidates="data"`` (default): every unique value of :math:`q` (or
  ``grid`` evenly spaced order statistics) that leaves at least
  :math:`\lfloor\text{trim}\cdot n\rfloor` observations in every regime;
  regimes are :math:`q\le\gamma` / :math:`q>\gamma`.
* ``candidates="hansen"``: the grid of Hansen's own program (GAUSS
  ``thr_panel``; R ``thresh_p.R``; ported in the CRAN package pdR, ``R/ptm.R``).
  With :math:`d_{(1)}<\dots<d_{(m)}` the sorted unique values of :math:`q`,
  :math:`s = \text{trim}_1, \text{trim}_1 + 1/q_n, \dots` up to
  :math:`\text{trim}_1 + (q_n - 2 q_n \text{trim}_1)/q_n` (R's
  ``seq(from, to, by)``), the grid is :math:`d_{(\lfloor s\,m\rfloor)}`
  (1-based; index 0 drops out as in R), duplicates kept.  Given fixed
  thresholds :math:`r_j`, with :math:`n_j` = number of grid points
  :math:`< r_j`, grid position :math:`i` (1-based) is excluded when
  :math:`n_j - q_n\text{trim}_k \le i < n_j + q_n\text{trim}_k` for exactly
  one :math:`j` (``ii != 1`` in Hansen's code: a position inside the windows
  of two fixed thresholds is kept).  Regimes are :math:`q<\gamma` /
  :math:`q\ge\gamma`.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _base_candidates(qs_sorted: np.ndarray, nmin: int,
                     grid: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Trimmed candidate values (unique q, or a quantile grid) and, for each, the
    number of observations with q <= value.  Independent of earlier thresholds,
    so computed once per fit."""
    n = len(qs_sorted)
    u = np.unique(qs_sorted[nmin - 1: n - nmin]) if n - nmin > nmin - 1 else np.array([])
    if grid is not None and len(u) > grid:
        # quantile grid: evenly spaced order statistics inside the trimmed range
        idx = np.round(np.linspace(nmin - 1, n - nmin - 1, grid)).astype(int)
        u = np.unique(qs_sorted[idx])
    below = np.searchsorted(qs_sorted, u, side="right")           # obs with q <= u
    ok = (below >= nmin) & (n - below >= nmin)
    return u[ok], below[ok]


def _candidates(qs_sorted: np.ndarray, fixed: Sequence[float], nmin: int,
                grid: int | None, nmin_between: int | None = None, *,
                base: tuple[np.ndarray, np.ndarray] | None = None,
                return_pos: bool = False):
    """Unique values of q leaving >= nmin observations in the outer regimes and
    >= nmin_between (default nmin) between the candidate and each fixed threshold.

    ``base`` reuses :func:`_base_candidates`; ``return_pos`` also returns each
    candidate's position in sorted q (index of the last observation <= it).
    """
    u, below = base if base is not None else _base_candidates(qs_sorted, nmin, grid)
    ok = np.ones(len(u), dtype=bool)
    gap = nmin if nmin_between is None else nmin_between
    for g in np.sort(np.asarray(fixed, dtype=float)):
        bg = np.searchsorted(qs_sorted, g, side="right")
        ok &= np.abs(below - bg) >= gap
    return (u[ok], below[ok] - 1) if return_pos else u[ok]


def r_seq(start: float, stop: float, by: float) -> np.ndarray:
    """R's ``seq(from, to, by)`` for ``by > 0`` (``seq.default``, R >= 3), bit for bit."""
    delta = stop - start
    if delta == 0 and stop == 0:
        return np.array([stop])
    n = delta / by
    if n < 0:
        raise ValueError("wrong sign in 'by' argument")
    if abs(delta) / max(abs(stop), abs(start)) < 100 * np.finfo(float).eps:
        return np.array([start])
    n = int(n + 1e-10)
    x = start + np.arange(n + 1) * by
    return np.minimum(x, stop)


def hansen_grid(q: np.ndarray, trim: float, qn: int) -> np.ndarray:
    """Hansen's quantile grid ``qq1`` of unique ``q`` values (duplicates kept, sorted)."""
    dd = np.unique(np.asarray(q, dtype=float))
    qnt1 = qn * trim
    sq = r_seq(trim, trim + (1.0 / qn) * (qn - 2 * qnt1), 1.0 / qn)
    idx = np.floor(sq * len(dd)).astype(np.int64)
    idx = idx[idx > 0]                      # R drops index 0
    return dd[idx - 1]


def hansen_keep(grid: np.ndarray, fixed: Sequence[float], qn: int, trim: float) -> np.ndarray:
    """Grid points left for a new threshold given ``fixed`` ones (Hansen's ``ii != 1``)."""
    if len(fixed) == 0:
        return grid
    i = np.arange(1, len(grid) + 1)[:, None]
    nn = np.array([np.sum(grid < r) for r in np.sort(np.asarray(fixed, float))])[None, :]
    qnt = qn * trim
    inside = ((i < nn + qnt).astype(int) - (i < nn - qnt).astype(int)).sum(axis=1)
    return grid[inside != 1]
