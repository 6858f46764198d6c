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


def _trim_text(trims: Sequence[float]) -> str:
    return f"{trims[0]:g}" if len(set(trims)) == 1 else "[" + ", ".join(f"{t:g}" for t in trims) + "]"


def check_trims(trims: Sequence[float], n: int, hansen: bool) -> list[int]:
    """Minimum regime sizes ``floor(trim_k n)``; raise when the trims cannot all be met.

    ``k`` thresholds give ``k+1`` regimes: the two outer ones need
    ``floor(trim_1 n)`` observations each and every later threshold ``k``
    splits off a regime of at least ``floor(trim_k n)``, so
    :math:`2\\lfloor t_1n\\rfloor + \\sum_{k\\ge2}\\lfloor t_kn\\rfloor \\le n` is
    necessary (with a scalar trim: :math:`(k+1)\\,\\text{trim}\\le 1`).  Hansen's
    grid trims by position, so there the shares :math:`2t_1+\\sum_{k\\ge 2}t_k` must
    not exceed 1.
    """
    from ..errors import SpecificationError

    K = len(trims)
    nmins = [max(int(np.floor(t * n)), 1) for t in trims]
    share = 2 * trims[0] + sum(trims[1:])
    need = 2 * nmins[0] + sum(nmins[1:])
    if (share > 1) if hansen else (need > n):
        uniform = len(set(trims)) == 1
        what = (f"{K + 1} regimes × trim {trims[0]:g} = {share:.4g} > 1" if uniform else
                f"2·trim₁ + trim₂ + … = {share:.4g} > 1")
        per = (f"{nmins[0]} observations (floor(trim·n)) per regime" if uniform else
               f"{nmins[0]} observations in each outer regime and {nmins[1:]} for the later ones")
        raise SpecificationError(
            f"trim={_trim_text(trims)} is too large for n_thresholds={K}: {what}. "
            f"{K + 1} regimes need at least {per}, {need} in all, but the panel has only "
            f"n={n} observations. Lower trim below 1/{K + 1} = {1 / (K + 1):.3g} "
            f"(e.g. trim={np.floor(100 / (K + 1) - 1) / 100:g}) or estimate fewer thresholds")
    return nmins


def no_candidate_message(q: str, k: int, fixed: Sequence[float], trims: Sequence[float],
                         nmins: Sequence[int], qs_sorted: np.ndarray, hansen: bool,
                         qn: int | None) -> str:
    """Why the search for threshold ``k`` has no admissible candidate, and what to do."""
    n = len(qs_sorted)
    vals, cnt = np.unique(qs_sorted, return_counts=True)
    head = f"no admissible candidate for threshold {k} of {q!r} (trim={_trim_text(trims)}, n={n}"
    if fixed:
        head += ", given threshold(s) " + ", ".join(f"{g:.6g}" for g in sorted(fixed))
    head += "): "
    if hansen:
        why = (f"Hansen's grid ({qn} quantiles of the {len(vals)} unique values) has no position "
               f"left at least {qn}·{trims[k - 1]:g} = {qn * trims[k - 1]:g} grid points from "
               "the earlier threshold(s)")
    else:
        edges = np.r_[0, np.searchsorted(qs_sorted, np.sort(np.asarray(fixed, float)), "right"), n]
        sizes = np.diff(edges).tolist()
        gap = nmins[k - 1]
        why = (f"each outer regime needs {nmins[0]} observations (floor(trim·n))"
               + (f" and each threshold must be {gap} observations from the others; "
                  f"the regimes so far hold {sizes}" if fixed else "") + ". ")
        if cnt.max() > nmins[0]:
            why += (f"{q!r} has {len(vals)} unique values and its most frequent value "
                    f"{vals[np.argmax(cnt)]:.6g} occurs {int(cnt.max())} times; tied values "
                    "always fall in the same regime. ")
    return (head + why + "Lower trim (a list gives one per threshold), estimate fewer "
            "thresholds, or use a threshold variable with more distinct values")


def regime_label(q: str, lo: float, hi: float, lower_closed: bool = False) -> str:
    """Regime label: (lo, hi] by default, [lo, hi) for Hansen's q < gamma indicator."""
    lt, le = ("≤", "<") if lower_closed else ("<", "≤")
    if np.isinf(lo):
        return f"{q}{le}{hi:.4g}"
    if np.isinf(hi):
        return f"{q}{'≥' if lower_closed else '>'}{lo:.4g}"
    return f"{lo:.4g}{lt}{q}{le}{hi:.4g}"
