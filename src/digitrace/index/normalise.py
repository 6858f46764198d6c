"""Normalisation of indicator matrices (无量纲化).

Kernels take an ``(n, m)`` float array ``X`` (rows = units such as
province-years, columns = indicators) and return an array of the same shape.
The labelled helpers :func:`minmax` and :func:`zscore` accept a DataFrame and
a direction per indicator.

Conventions (Chinese composite-index papers):

* benefit (正向, ``+``) indicator: :math:`x'_{ij} = (x_{ij}-\\min_j)/(\\max_j-\\min_j)`
* cost (负向, ``-``) indicator: :math:`x'_{ij} = (\\max_j-x_{ij})/(\\max_j-\\min_j)`
* optional shift :math:`x'_{ij} + a` (for example ``a = 0.0001``) so that logs,
  geometric means and entropy never meet an exact zero.

References
----------
郭显光 (1998) 改进的熵值法及其在经济效益评价中的应用, 系统工程理论与实践 18(12): 98–102
(the translation/shift device).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import DataError, SpecificationError

ConstantPolicy = Literal["raise", "zero"]


def parse_directions(directions, columns: Sequence[str]) -> np.ndarray:
    """Turn ``{"x": "+", "y": "-"}``, ``["+", "-"]`` or ``[1, -1]`` into a ±1 array.

    Missing indicators in a mapping default to ``+``; unknown keys raise.
    """
    cols = list(columns)
    if directions is None:
        return np.ones(len(cols))
    if isinstance(directions, Mapping):
        unknown = set(directions) - set(cols)
        if unknown:
            raise SpecificationError(
                f"directions name indicators not in the data: {sorted(map(str, unknown))}")
        vals = [directions.get(c, "+") for c in cols]
    else:
        vals = list(directions)
        if len(vals) != len(cols):
            raise SpecificationError(
                f"{len(vals)} directions given for {len(cols)} indicators")
    out = np.empty(len(vals))
    for k, (c, v) in enumerate(zip(cols, vals)):
        if v in ("+", 1, 1.0, "benefit", "positive", "正向"):
            out[k] = 1.0
        elif v in ("-", -1, -1.0, "cost", "negative", "负向", "逆向"):
            out[k] = -1.0
        else:
            raise SpecificationError(f"indicator {c!r}: direction must be '+' or '-', got {v!r}")
    return out


def check_finite(X: np.ndarray, columns: Sequence[str], rows: Sequence | None = None) -> None:
    """Raise a :class:`DataError` naming the first NaN/inf cell (indicator and row)."""
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        row = rows[i] if rows is not None else i
        n_bad = int(bad.sum())
        raise DataError(
            f"{n_bad} missing or non-finite value(s); first is indicator {columns[j]!r}. "
            "Impute first (build_index(..., impute='interpolate')) or drop the row",
            row=row, column=columns[j])


def minmax_kernel(X: np.ndarray, signs: np.ndarray, shift: float = 0.0,
                  constant: ConstantPolicy = "raise",
                  columns: Sequence[str] | None = None) -> np.ndarray:
    """Direction-aware min–max normalisation of the columns of ``X``.

    Parameters
    ----------
    X : ndarray (n, m)
    signs : ndarray (m,)
        +1 for benefit, −1 for cost indicators.
    shift : float
        Added after scaling, so values lie in ``[shift, 1 + shift]``.
    constant : {"raise", "zero"}
        A column with max = min has no information. ``"raise"`` (default)
        raises :class:`SpecificationError`; ``"zero"`` maps it to ``shift``
        (it then gets zero entropy/CRITIC weight).
    """
    if not (np.isfinite(shift) and shift >= 0):
        raise SpecificationError(f"shift must be a non-negative number (e.g. 0.0001), got {shift!r}: a "
                                 "negative shift makes normalised values negative, which entropy, "
                                 "logs and geometric means cannot take")
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    rng = hi - lo
    const = rng <= 0
    if const.any() and constant == "raise":
        names = [columns[j] if columns is not None else str(j) for j in np.flatnonzero(const)]
        raise SpecificationError(
            f"constant indicator(s) {names}: max = min, min–max normalisation is undefined; "
            "drop them or pass constant='zero' (they then carry zero weight)")
    safe = np.where(const, 1.0, rng)
    Z = np.where(signs > 0, (X - lo) / safe, (hi - X) / safe)
    Z[:, const] = 0.0
    return Z + shift


def zscore_kernel(X: np.ndarray, signs: np.ndarray, ddof: int = 1,
                  columns: Sequence[str] | None = None) -> np.ndarray:
    """z-score :math:`s_j (x_{ij}-\\bar x_j)/\\sigma_j` with the direction sign ``s_j``."""
    X = np.asarray(X, dtype=float)
    sd = X.std(axis=0, ddof=ddof)
    if (sd <= 0).any():
        names = [columns[j] if columns is not None else str(j) for j in np.flatnonzero(sd <= 0)]
        raise SpecificationError(f"constant indicator(s) {names}: standard deviation is zero")
    return signs * (X - X.mean(axis=0)) / sd


def _as_frame(df) -> pd.DataFrame:
    if isinstance(df, pd.DataFrame):
        return df
    arr = np.asarray(df, dtype=float)
    if arr.ndim != 2:
        raise SpecificationError("indicator data must be 2-D (rows × indicators)")
    return pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])


def numeric_matrix(df: pd.DataFrame) -> np.ndarray:
    """Float matrix of a DataFrame, with a clear error on non-numeric columns."""
    for c in df.columns:
        if not pd.api.types.is_numeric_dtype(df[c]):
            raise DataError(f"indicator {c!r} is not numeric (dtype {df[c].dtype})", column=c)
    return df.to_numpy(dtype=float)


def minmax(df, directions=None, *, shift: float = 0.0,
           constant: ConstantPolicy = "raise") -> pd.DataFrame:
    """Labelled direction-aware min–max normalisation (see :func:`minmax_kernel`)."""
    df = _as_frame(df)
    X = numeric_matrix(df)
    check_finite(X, list(map(str, df.columns)), list(df.index))
    signs = parse_directions(directions, df.columns)
    Z = minmax_kernel(X, signs, shift=shift, constant=constant, columns=list(df.columns))
    return pd.DataFrame(Z, index=df.index, columns=df.columns)


def zscore(df, directions=None, *, ddof: int = 1) -> pd.DataFrame:
    """Labelled z-score with direction (cost indicators are sign-flipped)."""
    df = _as_frame(df)
    X = numeric_matrix(df)
    check_finite(X, list(map(str, df.columns)), list(df.index))
    signs = parse_directions(directions, df.columns)
    Z = zscore_kernel(X, signs, ddof=ddof, columns=list(df.columns))
    return pd.DataFrame(Z, index=df.index, columns=df.columns)
