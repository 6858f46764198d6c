"""Duplicate-series detector: values copied from one province to another.

A classic defect of hand-assembled Chinese province panels is a cell copied from the
neighbouring row of the yearbook table (e.g. Hebei 2012 retail sales = Tianjin 2012,
3 921.4 亿元, in the EPS extract).  :func:`find_duplicate_series` flags such ties when a
coincidence is implausible.

Rule
----
For each variable ``v`` and year ``t`` let :math:`x_{it}` be the non-missing, non-zero values.

1. *Skip coarse variables.*  Variables with fewer than ``min_distinct`` distinct non-zero values
   or a distinct share below ``min_distinct_share`` (codes, ranks, flags, 0/1 dummies, small
   integer scores) are not tested.
2. *Resolution.*  The recording step :math:`q_v = 10^{-d_v}`, where :math:`d_v` is the number of
   decimals needed to write the values of ``v`` (the 95th percentile over cells, capped at 6).
3. *Chance of a tie.*  For a value :math:`c` shared by two or more provinces in year ``t``,
   take the window :math:`[|c|/r, |c| r]` (``r = window``, default 1.25) and the number
   :math:`m` of year-``t`` values of ``v`` inside it.  Treating those values as spread uniformly
   over the window at resolution :math:`q_v`, the chance that *some* pair among them ties is
   about :math:`p = \\binom{m}{2} q_v / (|c|(r - 1/r))`.
4. *Flag* when :math:`p <` ``alpha`` (default 0.01) if the provinces are neighbours in the
   yearbook row order (adcode order: copy errors come from the row above or below), and when
   :math:`p <` ``alpha * far_factor`` (default 0.001) otherwise.

In addition, two provinces whose whole series for ``v`` (at least ``min_years`` non-missing,
non-constant years) are identical are flagged as a copied *series*, whatever the resolution.

The rule is deliberately conservative: on the 17 province files in the reference data it flags
the Hebei/Tianjin 2012 retail cell and only a handful of other cells (see ``docs/data.md``).
"""
from __future__ import annotations

from math import comb

import numpy as np
import pandas as pd

__all__ = ["find_duplicate_series", "SUSPICIOUS_COLUMNS"]

SUSPICIOUS_COLUMNS = ["kind", "variable", "year", "value", "adcodes", "provinces", "rows",
                      "p_chance", "adjacent_rows"]


def _decimals(x: np.ndarray, cap: int = 6) -> np.ndarray:
    """Number of decimals needed to write each value (0..cap)."""
    out = np.full(x.shape, cap, dtype=int)
    done = np.zeros(x.shape, dtype=bool)
    for k in range(cap + 1):
        # relative tolerance absorbs float32 storage (Stata) and binary noise
        ok = ~done & (np.abs(np.round(x, k) - x) <= 2e-7 * np.abs(x) + 1e-12)
        out[ok] = k
        done |= ok
    return out


def _step(a: float) -> float:
    """Place value of the last non-zero digit of ``a`` (3921.4 -> 0.1, 5000 -> 1000)."""
    d = int(_decimals(np.array([a]))[0])
    if d > 0:
        return 10.0 ** (-d)
    n = int(round(a))
    step = 1.0
    while n and n % 10 == 0:
        n //= 10
        step *= 10
    return step


def _adjacent_rows(adcodes) -> bool:
    """True when some pair of the provinces are neighbours in the yearbook (adcode) order."""
    from .provinces import province_registry

    order = {int(a): i for i, a in enumerate(province_registry()["adcode"])}
    pos = sorted(order.get(int(a), -10) for a in adcodes)
    return any(b - a == 1 for a, b in zip(pos, pos[1:]))


def _names(adcodes) -> str:
    from .provinces import province_names

    nm = province_names("en")
    return " = ".join(nm.get(int(a), str(a)) for a in adcodes)


def find_duplicate_series(data: pd.DataFrame, *, variables: list[str] | None = None,
                          province: str = "adcode", year: str = "year",
                          row: str | None = "_row", alpha: float = 0.01, window: float = 1.25,
                          min_distinct: int = 20, min_distinct_share: float = 0.5,
                          min_years: int = 3, far_factor: float = 0.1) -> pd.DataFrame:
    """Flag identical values shared by two provinces where a coincidence is implausible.

    Parameters
    ----------
    data : DataFrame
        Either *long* with columns ``province, year, variable, value`` or a *panel* with
        ``province, year`` and one column per variable.
    variables : list of str, optional
        Panel columns to test (default: all numeric columns except the keys).
    province, year : str
        Key columns (``adcode`` and ``year`` for :class:`~digitrace.data.panel.Panel` data).
    row : str or None
        Column holding the source row (file line) to report, if present.
    alpha : float
        Flag a tie when the estimated chance of any coincidental tie nearby is below ``alpha``.
    window : float
        Relative half-width of the neighbourhood used to estimate the local density.
    min_distinct, min_distinct_share : int, float
        Variables with fewer distinct non-zero values, or a smaller distinct share, are skipped.
    min_years : int
        Minimum length of a whole series for the copied-series test.
    far_factor : float
        Ties between provinces that are *not* next to each other in the yearbook order
        (adcode order) must have a chance below ``alpha * far_factor``.

    Returns
    -------
    DataFrame
        Columns ``kind`` (``"cell"`` or ``"series"``), ``variable``, ``year`` (``-1`` for a
        series), ``value``, ``adcodes`` (``"130000;120000"``), ``provinces``
        (``"Hebei = Tianjin"``), ``rows`` (source lines), ``p_chance``, ``adjacent_rows``.
    """
    if {"variable", "value"} <= set(data.columns):
        long = data
    else:
        keys = [province, year] + ([row] if row and row in data.columns else [])
        cols = variables or [c for c in data.columns if c not in keys
                             and pd.api.types.is_numeric_dtype(data[c])]
        long = data.melt(id_vars=keys, value_vars=cols, var_name="variable", value_name="value")
    has_row = row is not None and row in long.columns
    long = long[long["value"].notna() & (long["value"] != 0)]
    out: list[dict] = []
    for var, g in long.groupby("variable", sort=False):
        vals = g["value"].to_numpy(dtype=float)
        n_distinct = len(np.unique(vals))
        if n_distinct < min_distinct or n_distinct / len(vals) < min_distinct_share:
            continue
        q = 10.0 ** (-int(np.percentile(_decimals(vals), 95)))
        # --- cell ties -------------------------------------------------------
        for yr, gy in g.groupby(year, sort=True):
            v = gy["value"].to_numpy(dtype=float)
            uniq, counts = np.unique(v, return_counts=True)
            for c in uniq[counts > 1]:
                tied = gy[gy["value"] == c].sort_values(province)
                if tied[province].nunique() < 2:
                    continue
                a = abs(c)
                qc = max(q, _step(a))
                lo, hi = a / window, a * window
                m = int(((np.abs(v) >= lo) & (np.abs(v) <= hi)).sum())
                p = comb(m, 2) * qc / (hi - lo)
                adjacent = _adjacent_rows(tied[province])
                if p < (alpha if adjacent else alpha * far_factor):
                    out.append({"kind": "cell", "variable": var, "year": int(yr), "value": c,
                                "adcodes": ";".join(str(int(x)) for x in tied[province]),
                                "provinces": _names(tied[province]),
                                "rows": ";".join(str(r) for r in tied[row]) if has_row else "",
                                "p_chance": p, "adjacent_rows": adjacent})
        # --- whole copied series --------------------------------------------
        series = {pv: s.set_index(year)["value"].sort_index() for pv, s in g.groupby(province)}
        seen: dict[tuple, list] = {}
        for pv, s in series.items():
            if len(s) >= min_years and s.nunique() > 1:
                seen.setdefault((tuple(s.index), tuple(s.to_numpy())), []).append(pv)
        for (yrs, vv), provs in seen.items():
            provs = sorted(provs)
            if len(provs) > 1:
                out.append({"kind": "series", "variable": var, "year": -1, "value": np.nan,
                            "adcodes": ";".join(str(int(x)) for x in provs),
                            "provinces": _names(provs), "rows": "",
                            "p_chance": 0.0, "adjacent_rows": _adjacent_rows(provs)})
    return pd.DataFrame(out, columns=SUSPICIOUS_COLUMNS)
