"""Input validation shared by the disparity estimators (labelled layer)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError


def as_values(y: Any, name: str = "y", *, nonnegative: bool = True,
              positive: bool = False, what: str = "this measure") -> tuple[np.ndarray, pd.Index]:
    """Return ``(values, labels)`` as float64 after checking NaN and sign.

    Errors name the offending row label and column so the user can find it.
    """
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise DataError(f"{name} must be one column, got {y.shape[1]} columns")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        labels = y.index
        col = y.name if y.name is not None else name
        try:
            arr = y.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataError(f"{name} is not numeric: {exc}", column=col) from exc
    else:
        try:
            arr = np.asarray(y, dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataError(f"{name} is not numeric: {exc}") from exc
        labels = pd.RangeIndex(arr.shape[0]) if arr.ndim else pd.RangeIndex(0)
        col = name
    if arr.ndim != 1:
        raise DataError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise DataError(f"{name} is empty", column=col)
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{int(bad.sum())} missing or infinite value(s); drop or impute them first",
                        row=labels[i], column=col)
    if positive and (arr <= 0).any():
        i = int(np.flatnonzero(arr <= 0)[0])
        raise DataError(
            f"{what} needs strictly positive values, found {arr[i]:g} "
            f"(min {arr.min():g}); shift the series by a constant larger than {-arr.min():g} "
            "or drop the zeros", row=labels[i], column=col)
    if nonnegative and (arr < 0).any():
        i = int(np.flatnonzero(arr < 0)[0])
        raise DataError(
            f"{what} needs non-negative values, found {arr[i]:g}; "
            f"add a constant of at least {-arr.min():g} (e.g. min-max normalise with a shift)",
            row=labels[i], column=col)
    return arr, labels


def as_weights(weights: Any, n: int, labels: pd.Index) -> np.ndarray:
    """Population weights: finite, non-negative, not all zero, aligned to ``n``."""
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights.to_numpy() if isinstance(weights, pd.Series) else weights, dtype=float)
    if w.shape != (n,):
        raise DataError(f"weights have shape {w.shape}, expected ({n},)", column="weights")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"weights must be finite and non-negative, found {w[i]!r}",
                        row=labels[i], column="weights")
    if w.sum() <= 0:
        raise DataError("weights sum to zero", column="weights")
    return w


def as_groups(groups: Any, n: int, labels: pd.Index, name: str = "groups") -> tuple[np.ndarray, list]:
    """Integer codes 0..k-1 and the sorted list of group labels."""
    g = groups.to_numpy() if isinstance(groups, (pd.Series, pd.Index)) else np.asarray(groups, dtype=object)
    if g.shape != (n,):
        raise DataError(f"{name} have shape {g.shape}, expected ({n},)", column=name)
    miss = pd.isna(g)
    if miss.any():
        i = int(np.flatnonzero(miss)[0])
        raise DataError(f"{name} has {int(miss.sum())} missing label(s)", row=labels[i], column=name)
    codes, uniques = pd.factorize(pd.Series(g), sort=True)
    return codes.astype(np.int64), list(uniques)
