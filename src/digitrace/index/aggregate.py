"""Aggregation of normalised indicators into a composite score.

* linear (weighted sum) :math:`S_i = \\sum_j w_j z_{ij}`;
* geometric :math:`S_i = \\prod_j z_{ij}^{w_j}` (needs :math:`z > 0`: use a shift);
* TOPSIS (Hwang & Yoon 1981) and entropy-TOPSIS: relative closeness
  :math:`C_i = D_i^- / (D_i^+ + D_i^-)` to the positive/negative ideal of the
  weighted normalised matrix.

References
----------
Hwang, C.-L. & Yoon, K. (1981) *Multiple Attribute Decision Making*, Springer, ch. 3.
OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, §6 (aggregation).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256, check_option
from ..errors import DataError, SpecificationError
from .normalise import check_finite, minmax_kernel, numeric_matrix, parse_directions
from .weights import WeightResult, entropy_weights


def _weight_vector(weights, columns) -> np.ndarray:
    cols = list(map(str, columns))
    if isinstance(weights, WeightResult):
        weights = weights.weights
    if isinstance(weights, pd.Series):
        missing = set(cols) - set(map(str, weights.index))
        if missing:
            raise SpecificationError(f"no weight for indicator(s) {sorted(missing)}")
        w = weights.rename(index=str).reindex(cols).to_numpy(dtype=float)
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(cols),):
            raise SpecificationError(f"{w.size} weights for {len(cols)} indicators")
    if (w < 0).any() or not np.isfinite(w).all():
        raise SpecificationError("weights must be finite and non-negative")
    s = w.sum()
    if s <= 0:
        raise SpecificationError("weights sum to zero")
    return w / s


def linear_kernel(Z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted sum :math:`S_i = \\sum_j w_j z_{ij}`."""
    return np.asarray(Z, float) @ np.asarray(w, float)


def geometric_kernel(Z: np.ndarray, w: np.ndarray, columns=None) -> np.ndarray:
    """Weighted geometric mean :math:`\\prod_j z_{ij}^{w_j}` (weights summing to 1)."""
    Z = np.asarray(Z, float)
    if (Z <= 0).any():
        i, j = np.argwhere(Z <= 0)[0]
        name = columns[j] if columns is not None else j
        raise DataError(
            f"geometric aggregation needs positive values; indicator {name!r} has "
            f"{Z[i, j]:.6g} at row {i}. Normalise with a shift (e.g. shift=0.0001 or 0.01)",
            row=i, column=name)
    return np.exp(np.log(Z) @ np.asarray(w, float))


def topsis_kernel(Z: np.ndarray, w: np.ndarray, signs: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TOPSIS on a normalised matrix ``Z``.

    :math:`v_{ij} = w_j z_{ij}`; the positive ideal :math:`v_j^+` is the column
    max (min for a cost column when ``signs`` marks it −1), the negative ideal the
    opposite; :math:`D_i^{\\pm} = \\lVert v_i - v^{\\pm} \\rVert_2` and
    :math:`C_i = D_i^- / (D_i^+ + D_i^-) \\in [0, 1]`. Rows equal to both ideals
    (all columns constant) get ``C = 0.5``. Returns ``(C, D_plus, D_minus)``.
    """
    V = np.asarray(Z, float) * np.asarray(w, float)
    s = np.ones(V.shape[1]) if signs is None else np.asarray(signs, float)
    vmax, vmin = V.max(axis=0), V.min(axis=0)
    pos = np.where(s > 0, vmax, vmin)
    neg = np.where(s > 0, vmin, vmax)
    dp = np.sqrt(((V - pos) ** 2).sum(axis=1))
    dm = np.sqrt(((V - neg) ** 2).sum(axis=1))
    tot = dp + dm
    C = np.where(tot > 0, dm / np.where(tot > 0, tot, 1.0), 0.5)
    return C, dp, dm


@dataclass(frozen=True, repr=False)
class TopsisResult(Result):
    """TOPSIS closeness, distances and rank (1 = best) per row."""

    closeness: pd.Series
    d_plus: pd.Series
    d_minus: pd.Series
    weights: pd.Series

    @property
    def rank(self) -> pd.Series:
        return self.closeness.rank(ascending=False, method="min").astype(int).rename("rank")

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"closeness": self.closeness, "d_plus": self.d_plus,
                             "d_minus": self.d_minus, "rank": self.rank})

    def _headline(self) -> str:
        return (f"{len(self.closeness)} alternatives, closeness "
                f"{self.closeness.min():.3f}–{self.closeness.max():.3f}")


def topsis(df, directions=None, weights=None, *,
           normalisation: Literal["minmax", "vector"] = "minmax",
           shift: float = 0.0) -> TopsisResult:
    """TOPSIS / entropy-TOPSIS (熵权-TOPSIS).

    Parameters
    ----------
    df : DataFrame (rows = alternatives or province-years, columns = indicators)
    directions : ``"+"``/``"-"`` per indicator
    weights : WeightResult, Series, array or None
        ``None`` computes entropy weights (pooled) first: entropy-TOPSIS.
    normalisation : {"minmax", "vector"}
        ``"minmax"`` (default, the entropy-TOPSIS convention of Chinese papers):
        direction-aware min–max, so every column is a benefit column and the
        ideals are column max/min. ``"vector"`` (Hwang & Yoon 1981):
        :math:`r_{ij} = x_{ij}/\\sqrt{\\sum_i x_{ij}^2}` with the ideal chosen by
        direction.
    shift : float
        Added after min–max (only used to compute entropy weights and scores).
    """
    check_option("normalisation", normalisation, ("minmax", "vector"))
    if not isinstance(df, pd.DataFrame):
        arr = np.asarray(df, dtype=float)
        df = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    X = numeric_matrix(df)
    cols = list(map(str, df.columns))
    check_finite(X, cols, list(df.index))
    signs = parse_directions(directions, df.columns)
    if weights is None:
        weights = entropy_weights(df, directions, shift=shift)
    w = _weight_vector(weights, cols)
    if normalisation == "minmax":
        Z = minmax_kernel(X, signs, shift=shift, constant="zero", columns=cols)
        C, dp, dm = topsis_kernel(Z, w)
    else:
        norm = np.sqrt((X ** 2).sum(axis=0))
        if (norm <= 0).any():
            raise SpecificationError("vector normalisation: an indicator is identically zero")
        C, dp, dm = topsis_kernel(X / norm, w, signs)
    idx = df.index
    prov = Provenance(method="digitrace.index.topsis",
                      params={"normalisation": normalisation, "shift": shift,
                              "directions": dict(zip(cols, np.where(signs > 0, "+", "-"))),
                              "weights": dict(zip(cols, w))},
                      inputs=(("indicators", array_sha256(X)),),
                      reference="Hwang & Yoon (1981) Multiple Attribute Decision Making, ch. 3")
    return TopsisResult(closeness=pd.Series(C, index=idx, name="closeness"),
                        d_plus=pd.Series(dp, index=idx, name="d_plus"),
                        d_minus=pd.Series(dm, index=idx, name="d_minus"),
                        weights=pd.Series(w, index=cols, name="weight"), provenance=prov)


def linear_index(Z: pd.DataFrame, weights) -> pd.Series:
    """Weighted-sum score of an already normalised DataFrame."""
    X = numeric_matrix(Z)
    check_finite(X, list(map(str, Z.columns)), list(Z.index))
    return pd.Series(linear_kernel(X, _weight_vector(weights, Z.columns)), index=Z.index,
                     name="score")


def geometric_index(Z: pd.DataFrame, weights) -> pd.Series:
    """Weighted geometric-mean score of an already normalised, positive DataFrame."""
    X = numeric_matrix(Z)
    check_finite(X, list(map(str, Z.columns)), list(Z.index))
    return pd.Series(geometric_kernel(X, _weight_vector(weights, Z.columns), list(Z.columns)),
                     index=Z.index, name="score")


def aggregate(Z: pd.DataFrame, weights, how: str = "linear") -> pd.Series:
    """Dispatch to :func:`linear_index` or :func:`geometric_index`."""
    check_option("how", how, ("linear", "geometric"))
    return linear_index(Z, weights) if how == "linear" else geometric_index(Z, weights)
