"""Panel-data plumbing shared by the econ estimators.

Validation (missing columns, missing values, duplicate (entity, time) keys,
balance), the within transformation and a collinearity check that *names* the
offending regressors.  Pure numpy/pandas; no estimator lives here.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, SpecificationError


def check_columns(data: pd.DataFrame, columns: Sequence[str], *, what: str = "data") -> None:
    """Raise :class:`SpecificationError` naming every column not in ``data``."""
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"{what} must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise SpecificationError(
            f"column(s) {', '.join(map(repr, missing))} not found in {what}; "
            f"available: {', '.join(map(str, data.columns[:30]))}")


def check_numeric(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`DataError` naming the first non-numeric or missing cell."""
    for c in columns:
        s = data[c]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            raise DataError(f"variable {c!r} is not numeric (dtype {s.dtype})", column=c)
        bad = ~np.isfinite(s.to_numpy(dtype=float))
        if bad.any():
            row = data.index[np.flatnonzero(bad)[0]]
            raise DataError(f"missing or non-finite value in {c!r} ({int(bad.sum())} cell(s)); "
                            "drop or impute these rows first", row=row, column=c)


def check_unique_keys(data: pd.DataFrame, entity: str, time: str) -> None:
    """Raise :class:`DataError` when an (entity, time) pair occurs more than once."""
    dup = data.duplicated([entity, time], keep=False)
    if dup.any():
        first = data.loc[dup, [entity, time]].iloc[0]
        raise DataError(
            f"duplicate panel key: ({entity}={first[entity]!r}, {time}={first[time]!r}) occurs "
            f"{int((data[entity].eq(first[entity]) & data[time].eq(first[time])).sum())} times "
            f"({int(dup.sum())} rows share a key); each (entity, time) pair must be unique",
            row=data.index[np.flatnonzero(dup.to_numpy())[0]], column=f"{entity}, {time}")


@dataclass(frozen=True)
class PanelIndex:
    """Integer codes of a panel sorted by (entity, time)."""

    codes: np.ndarray        # entity code of each row, 0..N-1
    counts: np.ndarray       # T_i for each entity
    entities: np.ndarray     # entity labels
    times: np.ndarray        # sorted unique time labels
    balanced: bool

    @property
    def n_entities(self) -> int:
        return len(self.counts)


def panel_index(data: pd.DataFrame, entity: str, time: str) -> tuple[pd.DataFrame, PanelIndex]:
    """Sort ``data`` by (entity, time) and return it with integer entity codes."""
    check_unique_keys(data, entity, time)
    d = data.sort_values([entity, time], kind="mergesort")
    codes, ents = pd.factorize(d[entity], sort=True)
    counts = np.bincount(codes, minlength=len(ents))
    times = np.sort(d[time].unique())
    balanced = bool((counts == len(times)).all())
    return d, PanelIndex(codes=codes, counts=counts, entities=np.asarray(ents),
                         times=times, balanced=balanced)


def within(a: np.ndarray, codes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    r"""Within (entity-demeaning) transformation :math:`\ddot a_{it} = a_{it} - \bar a_i`."""
    a = np.asarray(a, dtype=float)
    two_d = a.ndim == 2
    a2 = a if two_d else a[:, None]
    sums = np.zeros((len(counts), a2.shape[1]))
    np.add.at(sums, codes, a2)
    out = a2 - (sums / counts[:, None])[codes]
    return out if two_d else out[:, 0]


def check_collinear(X: np.ndarray, names: Sequence[str], *, rtol: float = 1e-9,
                    context: str = "design") -> None:
    """Raise :class:`SpecificationError` naming regressors that are (nearly) collinear.

    Uses a column-pivoted QR of the (already transformed) design; a column
    whose diagonal of R is below ``rtol`` times the largest is reported, with
    zero-variance columns (e.g. absorbed by the fixed effects) named as such.
    """
    from scipy.linalg import qr

    X = np.asarray(X, dtype=float)
    if X.shape[1] == 0:
        return
    norms = np.sqrt((X ** 2).sum(axis=0))
    scale = max(float(norms.max()), 1e-300)
    zero = [names[j] for j in range(X.shape[1]) if norms[j] <= 1e-12 * scale]
    if zero:
        raise SpecificationError(
            f"singular {context}: regressor(s) {', '.join(map(repr, zero))} have no variation "
            "after the fixed-effects transformation (constant within entities, or all zero)")
    Xs = X / norms
    # pivoted QR depends on X only through X'X: factor a p x p square root of
    # the Gram matrix instead of the tall n x p design (same R and pivots)
    gram = np.einsum("np,nq->pq", Xs, Xs, optimize=False)
    lam, vec = np.linalg.eigh(gram)
    root = (vec * np.sqrt(np.clip(lam, 0.0, None))) @ vec.T
    _, R, piv = qr(root, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    bad = [names[piv[j]] for j in range(len(d)) if d[j] < rtol ** 0.5 * d[0]]
    if bad or X.shape[0] <= X.shape[1]:
        raise SpecificationError(
            f"singular {context}: regressor(s) {', '.join(map(repr, bad or names))} are collinear "
            "with the other regressors (or there are fewer observations than regressors); "
            "drop one of them")
