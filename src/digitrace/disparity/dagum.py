r"""Dagum (1997) decomposition of the Gini coefficient by groups (labelled API).

.. math::

    G = \frac{\sum_j\sum_h\sum_i\sum_r |y_{ji}-y_{hr}|}{2n^2\bar y}
      = G_w + G_{nb} + G_t

* within: :math:`G_{jj} = \sum_i\sum_r|y_{ji}-y_{jr}|/(2n_j^2\bar Y_j)`,
  :math:`G_w = \sum_j G_{jj}p_js_j`;
* between pair: :math:`G_{jh} = \sum_i\sum_r|y_{ji}-y_{hr}|/(n_jn_h(\bar Y_j+\bar Y_h))`;
* net between: :math:`G_{nb} = \sum_{j=2}^k\sum_{h=1}^{j-1}G_{jh}(p_js_h+p_hs_j)D_{jh}`;
* transvariation: :math:`G_t = \sum_{j=2}^k\sum_{h=1}^{j-1}G_{jh}(p_js_h+p_hs_j)(1-D_{jh})`;
* relative economic affluence :math:`D_{jh}=(d_{jh}-p_{jh})/(d_{jh}+p_{jh})`, groups ordered
  so that :math:`\bar Y_h \le \bar Y_j`; :math:`d_{jh}=E[(y_j-y_h)^+]`, :math:`p_{jh}=E[(y_h-y_j)^+]`.

with :math:`p_j=n_j/n` and :math:`s_j=n_j\bar Y_j/(n\bar y)`.

Conventions (documented in ``docs/disparity.md``):

* **weights** are population (frequency) weights: every sum over pairs is weighted by
  :math:`w_iw_r`, :math:`n_j` becomes :math:`W_j=\sum_{i\in j}w_i`, means are weighted means.
  With integer weights this equals repeating each observation :math:`w_i` times.
* **one-member groups** have :math:`G_{jj}=0` (a single value has no dispersion); their
  :math:`G_{jh}` terms are well defined.  A :class:`~digitrace.errors.DataQualityWarning` is
  issued unless ``singletons="zero"`` is passed explicitly; ``singletons="raise"`` errors.
* **ties in means** (:math:`\bar Y_j=\bar Y_h`) and identical groups: :math:`D_{jh}=0`
  when :math:`d_{jh}+p_{jh}=0`.
* **bootstrap**: stratified (resample with replacement within each group, group sizes fixed),
  percentile intervals at ``level``.

Reference: Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality
ratio. *Empirical Economics* 22(4): 515–531.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal, Mapping

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256, check_option, freeze_array
from ..errors import DataError, DataQualityWarning
from . import _dagum_kernel as K
from ._checks import as_groups, as_values, as_weights

__all__ = ["dagum_gini", "dagum_gini_panel", "DagumResult", "DagumPanelResult"]

REFERENCE = ("Dagum, C. (1997). A new approach to the decomposition of the Gini income "
             "inequality ratio. Empirical Economics 22(4): 515-531.")
Singletons = Literal["warn", "zero", "raise"]


@dataclass(frozen=True, repr=False)
class DagumResult(Result):
    """One Dagum decomposition.

    Attributes
    ----------
    total, within, between, transvariation : float
        :math:`G`, :math:`G_w`, :math:`G_{nb}`, :math:`G_t` (``between`` is the *net* between).
    groups : tuple
        Group labels in sorted order (matrix rows/columns follow it).
    size, weight_total, mean, pop_share, income_share : ndarray (k,)
    G_jh, D_jh : ndarray (k, k)
        Diagonal of ``G_jh`` is :math:`G_{jj}`; ``D_jh`` is symmetric.
    d_jh, p_jh : ndarray (k, k)
        Transvariation moments at ``[richer, poorer]``, zero elsewhere.
    draws : ndarray (B, m) or None
        Bootstrap draws of every term in :meth:`to_frame` row order.
    level : float
    """

    total: float
    within: float
    between: float
    transvariation: float
    groups: tuple
    size: np.ndarray
    weight_total: np.ndarray
    mean: np.ndarray
    pop_share: np.ndarray
    income_share: np.ndarray
    G_jh: np.ndarray
    D_jh: np.ndarray
    d_jh: np.ndarray
    p_jh: np.ndarray
    nb_jh: np.ndarray
    t_jh: np.ndarray
    draws: np.ndarray | None = None
    level: float = 0.95

    @property
    def G_jj(self) -> pd.Series:
        """Within-group Gini by group."""
        return pd.Series(np.diag(self.G_jh), index=list(self.groups), name="G_jj")

    def matrix(self, which: Literal["G_jh", "D_jh", "d_jh", "p_jh"] = "G_jh") -> pd.DataFrame:
        """A (k, k) matrix as a labelled DataFrame."""
        check_option("which", which, ("G_jh", "D_jh", "d_jh", "p_jh"))
        g = list(self.groups)
        return pd.DataFrame(getattr(self, which), index=g, columns=g)

    def _rows(self) -> list[tuple[str, str, str, float, float]]:
        """(term, group_j, group_h, value, share-of-G) in a fixed order."""
        G = self.total
        rows = [("G", "", "", G, 1.0), ("G_w", "", "", self.within, self.within / G),
                ("G_nb", "", "", self.between, self.between / G),
                ("G_t", "", "", self.transvariation, self.transvariation / G)]
        k = len(self.groups)
        for j in range(k):
            c = self.G_jh[j, j] * self.pop_share[j] * self.income_share[j]
            rows.append(("G_jj", str(self.groups[j]), "", self.G_jh[j, j], c / G))
        for j, h in _pairs(self.mean):
            gj, gh = str(self.groups[j]), str(self.groups[h])
            rows.append(("G_jh", gj, gh, self.G_jh[j, h],
                         (self.nb_jh[j, h] + self.t_jh[j, h]) / G))
            rows.append(("D_jh", gj, gh, self.D_jh[j, h], np.nan))
        return rows

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per term (``G``, ``G_w``, ``G_nb``, ``G_t``, each ``G_jj``,
        each pair's ``G_jh`` and ``D_jh``), columns ``value``, ``contribution`` (share of G)
        and, after a bootstrap, ``ci_low``/``ci_high``/``se``.  Pairs list the richer group first.
        """
        rows = self._rows()
        df = pd.DataFrame(rows, columns=["term", "group_j", "group_h", "value", "contribution"])
        if self.draws is not None and len(self.draws):
            a = (1 - self.level) / 2
            df["ci_low"] = np.nanquantile(self.draws, a, axis=0)
            df["ci_high"] = np.nanquantile(self.draws, 1 - a, axis=0)
            df["se"] = np.nanstd(self.draws, axis=0, ddof=1)
        return df

    def _headline(self) -> str:
        return (f"G={self.total:.4f} = G_w {self.within:.4f} + G_nb {self.between:.4f} "
                f"+ G_t {self.transvariation:.4f} ({len(self.groups)} groups, n={int(self.size.sum())})")


def _pairs(mean: np.ndarray) -> list[tuple[int, int]]:
    """Unordered pairs as (richer, poorer) in label order of the lower index."""
    k = len(mean)
    out = []
    for a in range(k):
        for b in range(a + 1, k):
            out.append((a, b) if mean[a] >= mean[b] else (b, a))
    return out


def _row_vector(t: dict[str, np.ndarray], b: Any, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Terms in :meth:`DagumResult.to_frame` row order; ``b`` an index or slice."""
    k = t["Gjh"].shape[1]
    cols = [t["G"][b], t["G_w"][b], t["G_nb"][b], t["G_t"][b]]
    cols += [t["Gjh"][b, j, j] for j in range(k)]
    for j, h in pairs:
        cols += [t["Gjh"][b, j, h], t["D"][b, j, h]]
    return np.stack(cols, axis=-1)


def _bootstrap(y: np.ndarray, g: np.ndarray, w: np.ndarray, k: int, B: int,
               rng: np.random.Generator, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Stratified bootstrap draws of all terms, vectorised over replications in chunks."""
    members = [np.flatnonzero(g == j) for j in range(k)]
    gcat = np.concatenate([np.full(len(m), j) for j, m in enumerate(members)])
    n = y.size
    chunk = max(1, int(4_000_000 // max(1, n * k)))
    out = []
    for start in range(0, B, chunk):
        b = min(chunk, B - start)
        idx = np.concatenate([m[rng.integers(0, len(m), size=(b, len(m)))] for m in members], axis=1)
        t = K.dagum(y[idx], gcat, w[idx], k)
        out.append(_row_vector(t, slice(None), pairs))
    return np.vstack(out)


def dagum_gini(y: Any, groups: Any = None, weights: Any = None, bootstrap: int = 0,
               seed: int | None = None, *, value: str | None = None, group: str | None = None,
               time: str | None = None, weight: str | None = None, level: float = 0.95,
               singletons: Singletons = "warn") -> "DagumResult | DagumPanelResult":
    """Dagum (1997) Gini decomposition by groups, with stratified bootstrap CIs.

    Parameters
    ----------
    y : array-like or Series, or DataFrame
        Non-negative values (e.g. an index score or per-capita income).  With a DataFrame
        pass the column names ``value=``, ``group=`` and optionally ``weight=``; adding
        ``time=`` returns one decomposition per period (:class:`DagumPanelResult`).
    groups : array-like
        Group label of each observation (e.g. East/Central/West/Northeast).
    weights : array-like, optional
        Population (frequency) weights; see module notes.
    bootstrap : int
        Number of stratified bootstrap replications (0 = none).
    seed : int, optional
        Seed for ``numpy.random.default_rng``.
    level : float
        Confidence level of the percentile intervals.
    singletons : {"warn", "zero", "raise"}
        One-member groups: :math:`G_{jj}=0` with a warning, silently, or an error.

    Returns
    -------
    DagumResult or DagumPanelResult
    """
    if isinstance(y, pd.DataFrame):
        if value is None or group is None:
            raise DataError("with a DataFrame pass value= and group= column names")
        for c in [value, group, time, weight]:
            if c is not None and c not in y.columns:
                raise DataError(f"column {c!r} not in the data", column=c)
        if time is not None:
            return dagum_gini_panel(y, value=value, group=group, time=time, weight=weight,
                                    bootstrap=bootstrap, seed=seed, level=level,
                                    singletons=singletons)
        return dagum_gini(y[value], y[group], None if weight is None else y[weight],
                          bootstrap=bootstrap, seed=seed, level=level, singletons=singletons)
    check_option("singletons", singletons, ("warn", "zero", "raise"))
    if groups is None:
        groups = np.zeros(np.asarray(y).shape[0], dtype=int)
    arr, labels = as_values(y, "y", what="the Gini coefficient")
    w = as_weights(weights, arr.size, labels)
    g, names = as_groups(groups, arr.size, labels)
    k = len(names)
    sizes = np.bincount(g, minlength=k)
    if (sizes == 1).any():
        one = [names[j] for j in np.flatnonzero(sizes == 1)]
        if singletons == "raise":
            raise DataError(f"group(s) {one} have one member: the within-group Gini G_jj needs two",
                            column="groups")
        if singletons == "warn":
            warnings.warn(f"group(s) {one} have one member; their within-group Gini G_jj is set "
                          "to 0 (pass singletons='zero' to silence)", DataQualityWarning,
                          stacklevel=2)
    if (w * arr).sum() <= 0:
        raise DataError("the weighted mean of y is zero: the Gini coefficient is undefined",
                        column="y")
    t = K.dagum(arr, g, w, k)
    mu = t["mu"][0]
    pairs = _pairs(mu)
    draws = None
    if bootstrap:
        if bootstrap < 2:
            raise DataError("bootstrap must be 0 or at least 2 replications")
        draws = _bootstrap(arr, g, w, k, int(bootstrap), np.random.default_rng(seed), pairs)
    prov = Provenance(
        method="digitrace.disparity.dagum_gini",
        params={"bootstrap": int(bootstrap), "seed": seed, "level": level,
                "weighted": weights is not None, "singletons": singletons},
        inputs=(("y", array_sha256(arr)), ("groups", array_sha256(g)), ("weights", array_sha256(w))),
        reference=REFERENCE)
    return DagumResult(
        total=float(t["G"][0]), within=float(t["G_w"][0]), between=float(t["G_nb"][0]),
        transvariation=float(t["G_t"][0]), groups=tuple(names),
        size=freeze_array(sizes), weight_total=freeze_array(t["W"][0]), mean=freeze_array(mu),
        pop_share=freeze_array(t["p_share"][0]), income_share=freeze_array(t["s_share"][0]),
        G_jh=freeze_array(t["Gjh"][0]), D_jh=freeze_array(t["D"][0]),
        d_jh=freeze_array(t["d"][0]), p_jh=freeze_array(t["p"][0]),
        nb_jh=freeze_array(t["nb_jh"][0]), t_jh=freeze_array(t["t_jh"][0]),
        draws=None if draws is None else freeze_array(draws), level=level, provenance=prov)


@dataclass(frozen=True, repr=False)
class DagumPanelResult(Result):
    """One :class:`DagumResult` per period; ``.total`` etc. are Series indexed by period."""

    results: Mapping[Any, DagumResult]

    def __post_init__(self) -> None:
        from .._frozen import FrozenMapping

        object.__setattr__(self, "results", FrozenMapping(self.results))

    def _series(self, attr: str) -> pd.Series:
        return pd.Series({t: getattr(r, attr) for t, r in self.results.items()}, name=attr)

    @property
    def total(self) -> pd.Series:
        return self._series("total")

    @property
    def within(self) -> pd.Series:
        return self._series("within")

    @property
    def between(self) -> pd.Series:
        return self._series("between")

    @property
    def transvariation(self) -> pd.Series:
        return self._series("transvariation")

    def __getitem__(self, period: Any) -> DagumResult:
        return self.results[period]

    def to_frame(self) -> pd.DataFrame:
        """Long table: the :meth:`DagumResult.to_frame` rows stacked with a ``period`` column."""
        frames = [r.to_frame().assign(period=t) for t, r in self.results.items()]
        df = pd.concat(frames, ignore_index=True)
        return df[["period"] + [c for c in df.columns if c != "period"]]

    def wide(self) -> pd.DataFrame:
        """Periods as rows, the four headline terms and their contributions as columns
        (the layout of Chinese papers' Dagum tables)."""
        d = {t: {"G": r.total, "G_w": r.within, "G_nb": r.between, "G_t": r.transvariation,
                 "G_w_share": r.within / r.total, "G_nb_share": r.between / r.total,
                 "G_t_share": r.transvariation / r.total} for t, r in self.results.items()}
        return pd.DataFrame.from_dict(d, orient="index").rename_axis("period")

    def _headline(self) -> str:
        return f"{len(self.results)} periods"


def dagum_gini_panel(df: pd.DataFrame, *, value: str, group: str, time: str,
                     weight: str | None = None, bootstrap: int = 0, seed: int | None = None,
                     level: float = 0.95, singletons: Singletons = "warn") -> DagumPanelResult:
    """Dagum decomposition for each period of a long panel.

    Each period's bootstrap uses an independent stream spawned from ``seed``
    (``np.random.SeedSequence(seed).spawn``), so results do not depend on the period order.
    """
    for c in [value, group, time, weight]:
        if c is not None and c not in df.columns:
            raise DataError(f"column {c!r} not in the data", column=c)
    periods = sorted(df[time].dropna().unique())
    seeds = np.random.SeedSequence(seed).spawn(len(periods))
    out = {}
    for t, ss in zip(periods, seeds):
        sub = df[df[time] == t]
        out[t] = dagum_gini(sub[value], sub[group], None if weight is None else sub[weight],
                            bootstrap=bootstrap, seed=np.random.default_rng(ss).integers(2**63),
                            level=level, singletons=singletons)
    prov = Provenance(method="digitrace.disparity.dagum_gini_panel",
                      params={"value": value, "group": group, "time": time, "weight": weight,
                              "bootstrap": bootstrap, "seed": seed, "level": level},
                      inputs=(("data", array_sha256(df[value].to_numpy(dtype=float))),),
                      reference=REFERENCE)
    return DagumPanelResult(results=out, provenance=prov)
