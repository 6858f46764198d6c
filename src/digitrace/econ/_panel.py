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
            f"duplicate panel key: ({entity}={plain(first[entity])!r}, {time}={plain(first[time])!r}) occurs "
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


def plain(v):
    """``v`` as a plain Python scalar for messages (``np.int64(2)`` -> ``2``)."""
    if isinstance(v, np.generic):
        return v.item()
    return v


def plain_list(values, limit: int = 10) -> str:
    """``[a, b, …]`` of plain values, unquoted (at most ``limit``) for messages."""
    values = list(values)
    out = ", ".join(str(plain(v)) for v in values[:limit])
    return "[" + out + (f", … ({len(values)} in all)" if len(values) > limit else "") + "]"


def _term(coef: float, name: str, first: bool) -> str:
    """``coef·name`` with its sign (``+``/``−``) for a linear relation."""
    sign = "−" if coef < 0 else ("" if first else "+")
    mag = f"{abs(coef):.4g}·{name}"
    return f"{sign}{mag}" if first else f" {sign} {mag}"


def dependency_relations(X: np.ndarray, names: Sequence[str], *,
                         rtol: float = 1e-9) -> list[tuple[str, list[str]]]:
    r"""Linear relations among the columns of ``X``: ``[(text, involved names), ...]``.

    A column-pivoted QR of the column-normalised design (computed from a
    :math:`p\times p` square root of its Gram matrix, which has the same R and
    pivots) orders the columns so that the first ``r`` are independent; each
    remaining column :math:`x_b` is regressed on them,
    :math:`x_b \approx \sum_i c_i x_i`, and the relation is written with every
    column whose normalised coefficient exceeds ``1e-6`` (e.g.
    ``"q4 = 1·q1 + 1·q2"``; ``≈`` when only nearly exact).  Empty when the
    columns are linearly independent at tolerance ``rtol``.
    """
    from scipy.linalg import qr

    X = np.asarray(X, dtype=float)
    p = X.shape[1]
    if p == 0:
        return []
    norms = np.sqrt((X ** 2).sum(axis=0))
    norms = np.where(norms > 0, norms, 1.0)
    Xs = X / norms
    gram = np.einsum("np,nq->pq", Xs, Xs, optimize=False)
    lam, vec = np.linalg.eigh(gram)
    root = (vec * np.sqrt(np.clip(lam, 0.0, None))) @ vec.T
    _, R, piv = qr(root, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    r = int(np.sum(d >= rtol ** 0.5 * d[0])) if d[0] > 0 else 0
    good, bad = list(piv[:r]), list(piv[r:])
    out = []
    for b in bad:
        if good:
            c = np.linalg.lstsq(gram[np.ix_(good, good)], gram[good, b], rcond=None)[0]
            resid = float(gram[b, b] - gram[good, b] @ c)
        else:
            c, resid = np.zeros(0), float(gram[b, b])
        # relation sum_j a_j z_j = 0 on the normalised columns z_j
        a = {good[i]: -float(c[i]) for i in range(len(good)) if abs(c[i]) > 1e-6}
        a[b] = 1.0
        cols = sorted(a)                       # original column order
        m = cols[-1]                           # solve for the last column involved
        if len(cols) == 1:
            out.append((f"{names[m]} = 0", [names[m]]))
            continue
        rel = "".join(_term(-a[j] / a[m] * norms[m] / norms[j], names[j], k == 0)
                      for k, j in enumerate(cols[:-1]))
        eq = "=" if resid <= 1e-12 else "≈"
        out.append((f"{names[m]} {eq} {rel}", [names[j] for j in cols]))
    return out


def check_collinear(X: np.ndarray, names: Sequence[str], *, rtol: float = 1e-9,
                    context: str = "design") -> None:
    """Raise :class:`SpecificationError` naming the (nearly) linearly dependent regressors.

    Zero-variance columns (e.g. absorbed by the fixed effects) are named as
    such; otherwise every linear dependency found by a column-pivoted QR of
    the (already transformed) design is written out with all the columns it
    involves (see :func:`dependency_relations`), e.g. ``q4 = 1·q1 + 1·q2``.
    """
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
    rels = dependency_relations(X, names, rtol=rtol)
    if rels:
        involved = [n for n in names if any(n in inv for _, inv in rels)]
        raise SpecificationError(
            f"singular {context}: regressors {', '.join(involved)} are linearly dependent "
            f"({'; '.join(t for t, _ in rels)}); drop one regressor of each relation")
    if X.shape[0] <= X.shape[1]:
        raise SpecificationError(
            f"singular {context}: {X.shape[0]} observations for {X.shape[1]} regressors "
            f"({', '.join(names)}); need more observations than regressors")
