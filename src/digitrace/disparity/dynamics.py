r"""Distribution dynamics: kernel densities per period and (spatial) Markov chains.

**Kernel density** (Gaussian kernel) per period on a common grid,

.. math:: \hat f_t(x) = \frac{1}{n_t h_t}\sum_i \phi\left(\frac{x - y_{it}}{h_t}\right),

bandwidth by Silverman's rule of thumb (default),
:math:`h = 0.9\,\min(s, \mathrm{IQR}/1.34)\,n^{-1/5}` (Silverman 1986, eq. 3.31), or the
normal-reference rule :math:`h = 1.06\,s\,n^{-1/5}` (Silverman 1986, eq. 3.28; option
``"scott"``: note that SciPy's ``gaussian_kde(bw_method="scott")`` uses :math:`s\,n^{-1/5}`
and statsmodels' ``"scott"`` uses :math:`1.059\min(s, \mathrm{IQR}/1.349)n^{-1/5}`), or a
fixed number.  ``s`` is the sample standard deviation
(ddof=1).  The result is the data for 2-D (one curve per period) and 3-D (period × grid
surface) plots, as in Chinese papers' 核密度 figures.

**Markov chains** (classic and spatial, Rey 2001) are estimated with PySAL giddy on
classes from pooled quantiles of all unit-periods (giddy ``fixed=True``).

References: Silverman, B. W. (1986) *Density Estimation*, ch. 3; Quah, D. (1993) Empirical
cross-section dynamics in economic growth, *EER* 37: 426–434; Rey, S. J. (2001) Spatial
empirics for economic growth and convergence, *Geographical Analysis* 33: 195–214.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._optional import require
from .._results import Provenance, Result, array_sha256, check_option
from ..errors import DataError

__all__ = ["kde_dynamics", "bandwidth", "markov", "spatial_markov", "KDEResult", "MarkovResult"]

Rule = Literal["silverman", "scott"]


def bandwidth(x: np.ndarray, rule: Rule | float = "silverman") -> float:
    """Rule-of-thumb bandwidth (see module doc)."""
    x = np.asarray(x, dtype=float)
    if not isinstance(rule, str):
        if rule <= 0:
            raise DataError(f"bandwidth must be positive, got {rule}")
        return float(rule)
    check_option("bandwidth", rule, ("silverman", "scott"))
    n = x.size
    s = x.std(ddof=1)
    if rule == "scott":
        return float(1.06 * s * n ** (-0.2))
    q75, q25 = np.percentile(x, [75, 25])
    a = min(s, (q75 - q25) / 1.34) if q75 > q25 else s
    return float(0.9 * a * n ** (-0.2))


@dataclass(frozen=True, repr=False)
class KDEResult(Result):
    """Densities on a common grid: ``to_frame()`` is long (period, x, density);
    :meth:`surface` is the grid × period matrix for a 3-D plot."""

    table: pd.DataFrame
    bandwidths: pd.Series
    rule: str

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def surface(self) -> pd.DataFrame:
        return self.table.pivot(index="x", columns="period", values="density")

    def _headline(self) -> str:
        return f"{self.bandwidths.size} periods, rule={self.rule}"


def kde_dynamics(df: pd.DataFrame, *, value: str, time: str, grid: int = 200,
                 bandwidth_rule: Rule | float = "silverman", cut: float = 3.0) -> KDEResult:
    """Gaussian kernel density of ``value`` for each period of ``time`` on a common grid.

    The grid spans ``[min - cut*h_max, max + cut*h_max]`` over all periods.
    """
    for c in (value, time):
        if c not in df.columns:
            raise DataError(f"column {c!r} not in the data", column=c)
    v = df[value].to_numpy(dtype=float)
    if not np.isfinite(v).all():
        i = int(np.flatnonzero(~np.isfinite(v))[0])
        raise DataError("missing value; drop it before estimating densities", row=df.index[i], column=value)
    hs = {}
    for t, sub in df.groupby(time, sort=True):
        if len(sub) < 2:
            raise DataError(f"period {t!r} has fewer than 2 observations", column=time)
        hs[t] = bandwidth(sub[value].to_numpy(dtype=float), bandwidth_rule)
        if hs[t] <= 0:
            raise DataError(f"period {t!r}: zero dispersion, bandwidth is 0", column=value)
    hmax = max(hs.values())
    xs = np.linspace(v.min() - cut * hmax, v.max() + cut * hmax, grid)
    rows = []
    for t, sub in df.groupby(time, sort=True):
        y = sub[value].to_numpy(dtype=float)
        h = hs[t]
        u = (xs[:, None] - y[None, :]) / h
        dens = np.exp(-0.5 * u * u).sum(axis=1) / (y.size * h * np.sqrt(2 * np.pi))
        rows.append(pd.DataFrame({"period": t, "x": xs, "density": dens}))
    prov = Provenance(method="digitrace.disparity.kde_dynamics",
                      params={"value": value, "time": time, "grid": grid,
                              "bandwidth": bandwidth_rule, "kernel": "gaussian", "cut": cut},
                      inputs=(("data", array_sha256(v)),), reference="Silverman (1986) eq. 3.31")
    return KDEResult(table=pd.concat(rows, ignore_index=True),
                     bandwidths=pd.Series(hs, name="bandwidth"),
                     rule=str(bandwidth_rule), provenance=prov)


def _wide(df: pd.DataFrame, value: str, unit: str, time: str) -> pd.DataFrame:
    for c in (value, unit, time):
        if c not in df.columns:
            raise DataError(f"column {c!r} not in the data", column=c)
    if df.duplicated([unit, time]).any():
        raise DataError(f"duplicate ({unit}, {time}) rows", column=f"{unit}, {time}")
    wide = df.pivot(index=unit, columns=time, values=value).sort_index(axis=1)
    if wide.isna().any().any():
        r, c = np.argwhere(wide.isna().to_numpy())[0]
        raise DataError("Markov chains need a balanced panel; missing value",
                        row=f"{wide.index[r]} / {wide.columns[c]}", column=value)
    return wide


@dataclass(frozen=True, repr=False)
class MarkovResult(Result):
    """Transition counts and probabilities (classic: one k×k matrix; spatial: one per
    lag class), steady states and, for the spatial chain, the homogeneity test."""

    transitions: pd.DataFrame
    probabilities: pd.DataFrame
    steady_state: pd.DataFrame
    cutoffs: tuple
    test: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.probabilities.copy()

    def _headline(self) -> str:
        return f"{len(self.cutoffs) + 1} classes, {int(self.transitions.to_numpy().sum())} transitions"


def _quantile_classes(a: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    cuts = np.quantile(a.ravel(), np.linspace(0, 1, k + 1)[1:-1])
    return np.searchsorted(cuts, a, side="left"), cuts


def markov(df: pd.DataFrame, *, value: str, unit: str, time: str, k: int = 4) -> MarkovResult:
    """Classic Markov chain of ``k`` pooled-quantile classes (giddy ``Markov``).

    Class *c* (1 = lowest) holds values in ``(cut_{c-1}, cut_c]``.
    """
    gm = require("giddy.markov")
    wide = _wide(df, value, unit, time)
    cls, cuts = _quantile_classes(wide.to_numpy(dtype=float), k)
    mk = gm.Markov(cls, classes=np.arange(k), summary=False)
    lab = [f"C{i + 1}" for i in range(k)]
    trans = pd.DataFrame(np.asarray(mk.transitions), index=lab, columns=lab)
    P = pd.DataFrame(np.asarray(mk.p), index=lab, columns=lab)
    ss = pd.DataFrame({"steady_state": np.ravel(mk.steady_state)}, index=lab)
    prov = Provenance(method="digitrace.disparity.markov", params={"k": k, "value": value},
                      inputs=(("data", array_sha256(wide.to_numpy())),), reference="Quah (1993); giddy")
    return MarkovResult(transitions=trans, probabilities=P, steady_state=ss, cutoffs=tuple(cuts),
                        provenance=prov)


def spatial_markov(df: pd.DataFrame, *, value: str, unit: str, time: str, w: Any,
                   k: int = 4) -> MarkovResult:
    """Spatial Markov chain (Rey 2001) via giddy ``Spatial_Markov`` (pooled quantile
    classes for values and spatial lags, ``fixed=True``); ``test`` holds the
    spatial-homogeneity chi-square (giddy ``x2``, ``x2_dof``, ``x2_pvalue``).

    Empty classes (no transitions out of a class given a lag class, common with trending
    series such as an index that rises every year) get a diagonal 1 (giddy
    ``fill_empty_classes=True``); ``test["empty_rows"]`` counts them."""
    gm = require("giddy.markov")
    from ..spatial.weights import as_spatial_weights

    W = as_spatial_weights(w)
    wide = _wide(df, value, unit, time)
    miss = [i for i in W.ids if i not in set(wide.index)]
    if miss or len(wide) != W.n:
        raise DataError(f"units do not match the weights: missing {miss[:5]}", column=unit)
    wide = wide.loc[list(W.ids)]
    sm = gm.Spatial_Markov(wide.to_numpy(dtype=float), W.to_libpysal(), k=k, m=k, fixed=True,
                           fill_empty_classes=True)
    lab = [f"C{i + 1}" for i in range(k)]
    P = np.asarray(sm.P)
    T = np.asarray(sm.T)
    idx = pd.MultiIndex.from_product([[f"lag C{i + 1}" for i in range(k)], lab], names=["lag", "from"])
    probs = pd.DataFrame(P.reshape(k * k, k), index=idx, columns=lab)
    trans = pd.DataFrame(T.reshape(k * k, k), index=idx, columns=lab)
    rows = {"overall": np.ravel(sm.s)}
    for i, s_i in enumerate(sm.S):      # conditional steady states (absent when reducible)
        arr = np.asarray(s_i, dtype=float).ravel()
        rows[f"lag C{i + 1}"] = arr if arr.size == k else np.full(k, np.nan)
    ss = pd.DataFrame(rows, index=lab).T
    empty = int((T.sum(axis=2) == 0).sum())
    test = pd.DataFrame([{"chi2": float(sm.x2), "dof": int(sm.x2_dof), "p_value": float(sm.x2_pvalue),
                          "empty_rows": empty}])
    prov = Provenance(method="digitrace.disparity.spatial_markov", params={"k": k, "weights": W.kind},
                      inputs=(("data", array_sha256(wide.to_numpy())),), reference="Rey (2001); giddy")
    return MarkovResult(transitions=trans, probabilities=probs, steady_state=ss,
                        cutoffs=tuple(np.asarray(sm.cutoffs)), test=test, provenance=prov)
