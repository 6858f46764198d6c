r"""Theil indices GE(1) (Theil T) and GE(0) (Theil L, mean log deviation), with
population weights, a between/within decomposition and a multi-stage nested decomposition.

With population weights :math:`w_i` (equal weights by default), values :math:`y_i`,
weighted mean :math:`\mu`, income shares :math:`s_i = w_iy_i/\sum w y` and population
shares :math:`p_i = w_i/\sum w`:

.. math::

    T = \sum_i s_i \ln\frac{y_i}{\mu}, \qquad L = \sum_i p_i \ln\frac{\mu}{y_i}.

For groups *g* with income share :math:`S_g`, population share :math:`P_g` and mean
:math:`\mu_g`:

.. math::

    T = \underbrace{\sum_g S_g\ln\frac{\mu_g}{\mu}}_{T_b} + \underbrace{\sum_g S_gT_g}_{T_w},
    \qquad
    L = \underbrace{\sum_g P_g\ln\frac{\mu}{\mu_g}}_{L_b} + \underbrace{\sum_g P_gL_g}_{L_w}.

Nested (two-stage, e.g. region → province → city; Akita 2003): the within term of each
stage is decomposed again, ``T = T_b(stage 1) + Σ_r S_r T_b(stage 2 | r) + Σ_{r,p} S_{rp} T_{rp}``.

Zeros: :math:`T` uses :math:`0\ln 0 = 0` (as PySAL ``inequality``); :math:`L` needs strictly
positive values and is reported as NaN (with a :class:`~digitrace.errors.DataQualityWarning`)
when a zero is present.  Negative values raise an error.

References: Theil, H. (1967) *Economics and Information Theory*; Shorrocks, A. F. (1980)
The class of additively decomposable inequality measures, *Econometrica* 48: 613–625;
Akita, T. (2003) Decomposing regional income inequality in China and Indonesia using
two-stage nested Theil decomposition method, *Annals of Regional Science* 37: 55–77.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256, check_option
from ..errors import DataError, DataQualityWarning
from ._checks import as_groups, as_values, as_weights

__all__ = ["theil", "theil_tl", "TheilResult"]

REFERENCE = ("Theil (1967); Shorrocks (1980) Econometrica 48:613-625; Akita (2003) "
             "Annals of Regional Science 37:55-77")


def theil_tl(y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Kernel: weighted Theil T and L of ``y`` (L is NaN when any ``y`` is 0)."""
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    W = w.sum()
    mu = (w * y).sum() / W
    if mu <= 0:
        return 0.0, 0.0
    r = y / mu
    with np.errstate(divide="ignore", invalid="ignore"):
        T = float(np.sum(np.where(r > 0, w * r * np.log(r), 0.0)) / W)
        L = float(-np.sum(w * np.log(r)) / W) if (y > 0).all() else float("nan")
    return T, L


def _decompose(y: np.ndarray, w: np.ndarray, codes: list[np.ndarray]) -> list[dict[str, Any]]:
    """Rows (stage, group, T-part, L-part) of the nested decomposition."""
    W = w.sum()
    Y = (w * y).sum()
    mu = Y / W
    rows: list[dict[str, Any]] = []
    # cell keys for each stage: tuple of codes up to that stage
    prev = np.zeros(y.size, dtype=np.int64)   # stage-0 cell = everything
    for s, c in enumerate(codes):
        cell = prev * (int(c.max()) + 1) + c
        Tb = Lb = 0.0
        for key in np.unique(prev):
            m = prev == key
            Wp, Yp = w[m].sum(), (w[m] * y[m]).sum()
            mup = Yp / Wp
            for sub in np.unique(cell[m]):
                mm = cell == sub
                Wg, Yg = w[mm].sum(), (w[mm] * y[mm]).sum()
                mug = Yg / Wg
                if Yg > 0:
                    Tb += (Yg / Y) * np.log(mug / mup)
                Lb += (Wg / W) * (np.log(mup / mug) if mug > 0 and mup > 0 else np.nan)
        rows.append({"stage": s + 1, "T": Tb, "L": Lb})
        prev = cell
    # innermost within
    Tw = Lw = 0.0
    for key in np.unique(prev):
        m = prev == key
        t, l_ = theil_tl(y[m], w[m])
        Wg, Yg = w[m].sum(), (w[m] * y[m]).sum()
        Tw += Yg / Y * t
        Lw += Wg / W * l_
    rows.append({"stage": len(codes) + 1, "T": Tw, "L": Lw})
    del mu
    return rows


@dataclass(frozen=True, repr=False)
class TheilResult(Result):
    """Theil T and L with their decomposition.

    ``total``, ``between`` and ``within`` refer to the index chosen with ``index=`` (T by
    default).  With nested groups ``between`` is the sum of the between terms of all stages
    and ``within`` the innermost within term; ``stages`` has every term.
    """

    T: float
    L: float
    index: str
    stages: pd.DataFrame
    groups: pd.DataFrame
    level_names: tuple

    @property
    def total(self) -> float:
        return self.T if self.index == "T" else self.L

    @property
    def between(self) -> float:
        s = self.stages
        return float(s.loc[s["component"] != "within", self.index].sum()) if len(s) else 0.0

    @property
    def within(self) -> float:
        s = self.stages
        return float(s.loc[s["component"] == "within", self.index].sum()) if len(s) else self.total

    def to_frame(self) -> pd.DataFrame:
        """Rows: ``total`` then each stage's between term and the within term, with T, L
        and their shares of the total."""
        tot = pd.DataFrame([{"component": "total", "stage": 0, "T": self.T, "L": self.L}])
        df = pd.concat([tot, self.stages], ignore_index=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            df["T_share"] = df["T"] / self.T if self.T else np.nan
            df["L_share"] = df["L"] / self.L if self.L else np.nan
        return df

    def _headline(self) -> str:
        return f"T={self.T:.4f}, L={self.L:.4f}; {self.index}: between {self.between:.4f}, within {self.within:.4f}"


def _is_nested(groups: Any, n: int) -> bool:
    if isinstance(groups, pd.DataFrame):
        return True
    if isinstance(groups, (list, tuple)) and groups and all(
            isinstance(g, (list, tuple, np.ndarray, pd.Series)) for g in groups):
        return all(np.ndim(g) == 1 and len(g) == n for g in groups)
    return False


def theil(y: Any, groups: Any = None, weights: Any = None, *,
          index: Literal["T", "L"] = "T") -> TheilResult:
    """Theil T and L, optionally decomposed by (nested) groups.

    Parameters
    ----------
    y : array-like or Series
        Non-negative values (per-capita income, index score...).
    groups : array-like, or a list / DataFrame of array-likes (outer → inner), optional
        One array gives the between/within decomposition; several give the nested
        decomposition (e.g. ``[region, province]`` for cities).  Inner groups must nest
        within outer groups.
    weights : array-like, optional
        Population weights (for per-capita values: the population of each unit).
    index : {"T", "L"}
        Which index ``.total``/``.between``/``.within`` refer to.

    Returns
    -------
    TheilResult
    """
    check_option("index", index, ("T", "L"))
    arr, labels = as_values(y, "y", what="the Theil index")
    w = as_weights(weights, arr.size, labels)
    if (arr * w).sum() <= 0:
        raise DataError("the weighted mean of y is zero: the Theil index is undefined", column="y")
    if groups is None:
        levels: list = []
    elif _is_nested(groups, arr.size):
        levels = [groups[c] for c in groups.columns] if isinstance(groups, pd.DataFrame) else list(groups)
    else:
        levels = [groups]
    names = tuple(getattr(g, "name", None) or f"level{i + 1}" for i, g in enumerate(levels))
    codes, uniq = [], []
    for i, g in enumerate(levels):
        c, u = as_groups(g, arr.size, labels, name=str(names[i]))
        codes.append(c)
        uniq.append(u)
    for i in range(1, len(codes)):     # nesting check
        pair = pd.DataFrame({"o": codes[i - 1], "i": codes[i]}).drop_duplicates()
        dup = pair["i"].duplicated()
        if dup.any():
            bad = uniq[i][int(pair.loc[dup, "i"].iloc[0])]
            raise DataError(f"group {bad!r} of {names[i]} appears in more than one {names[i - 1]}: "
                            "nested groups must nest", column=str(names[i]))
    T, L = theil_tl(arr, w)
    if np.isnan(L):
        i = int(np.flatnonzero(arr == 0)[0])
        warnings.warn(f"y has {int((arr == 0).sum())} zero value(s) (first at row {labels[i]!r}): "
                      "Theil L (mean log deviation) is undefined and reported as NaN; Theil T "
                      "uses 0·ln 0 = 0. Shift y by a small constant to compute L.",
                      DataQualityWarning, stacklevel=2)
    stage_rows = _decompose(arr, w, codes) if codes else []
    for r in stage_rows:
        s = r["stage"]
        r["component"] = "within" if s == len(codes) + 1 else (
            f"between {names[0]}" if s == 1 else f"between {names[s - 1]} within {names[s - 2]}")
    stages = pd.DataFrame(stage_rows, columns=["component", "stage", "T", "L"])
    # per-group table for the first (outer) level
    grows = []
    if codes:
        Y, Wt = (w * arr).sum(), w.sum()
        for j, lab in enumerate(uniq[0]):
            m = codes[0] == j
            t, l_ = theil_tl(arr[m], w[m])
            S, P = (w[m] * arr[m]).sum() / Y, w[m].sum() / Wt
            grows.append({"group": lab, "n": int(m.sum()), "pop_share": P, "income_share": S,
                          "mean": (w[m] * arr[m]).sum() / w[m].sum(), "T": t, "L": l_,
                          "T_within_contribution": S * t, "L_within_contribution": P * l_})
    prov = Provenance(method="digitrace.disparity.theil",
                      params={"index": index, "weighted": weights is not None,
                              "levels": list(names)},
                      inputs=(("y", array_sha256(arr)), ("weights", array_sha256(w)),
                              *((f"groups:{n}", array_sha256(c)) for n, c in zip(names, codes))),
                      reference=REFERENCE)
    return TheilResult(T=T, L=L, index=index, stages=stages, groups=pd.DataFrame(grows),
                       level_names=names, provenance=prov)


def theil_panel(df: pd.DataFrame, *, value: str, time: str, group: str | Sequence[str] | None = None,
                weight: str | None = None, index: Literal["T", "L"] = "T") -> pd.DataFrame:
    """:func:`theil` for each period of a long panel; rows are periods × components."""
    for c in [value, time, weight] + ([group] if isinstance(group, str) else list(group or [])):
        if c is not None and c not in df.columns:
            raise DataError(f"column {c!r} not in the data", column=c)
    frames = []
    for t, sub in df.groupby(time, sort=True):
        g = None if group is None else (sub[group] if isinstance(group, str) else sub[list(group)])
        r = theil(sub[value], g, None if weight is None else sub[weight], index=index)
        frames.append(r.to_frame().assign(period=t))
    out = pd.concat(frames, ignore_index=True)
    return out[["period"] + [c for c in out.columns if c != "period"]]
