"""Aggregate an IOTable to a coarser classification through a concordance.

With a 0/1 concordance matrix :math:`S` (k × n, :math:`s_{gi}=1` when sector *i*
belongs to group *g*) every block is summed: :math:`Z^* = S Z S'`,
:math:`f^* = S f`, :math:`x^* = S x`, :math:`v^{*\\prime} = v' S'` (Miller & Blair
2009, §4.3).  Because all accounting identities are linear, an aggregated
balanced table is balanced; the result is re-checked with
:func:`~digitrace.io.balance.check_balance`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError
from .balance import DEFAULT_RTOL, check_balance
from .table import IOTable

__all__ = ["aggregate", "concordance_matrix"]


def _mapping(table: IOTable, concordance) -> pd.Series:
    if isinstance(concordance, pd.DataFrame):
        if concordance.shape[1] < 2:
            raise DataError("concordance DataFrame needs two columns: sector code, group code")
        concordance = pd.Series(concordance.iloc[:, 1].to_numpy(),
                                index=concordance.iloc[:, 0].astype(str).to_numpy())
    if isinstance(concordance, Mapping):
        concordance = pd.Series(dict(concordance))
    if not isinstance(concordance, pd.Series):
        raise TypeError("concordance must be a dict, Series or 2-column DataFrame")
    m = concordance.copy()
    m.index = m.index.astype(str)
    m = m.astype(str)
    if m.index.duplicated().any():
        dup = m.index[m.index.duplicated()][0]
        raise DataError(f"concordance maps sector {dup!r} more than once (use a 1-to-many split first)",
                        row=dup)
    missing = [c for c in table.codes if c not in m.index]
    if missing:
        raise DataError(f"concordance has no group for {len(missing)} sector(s), e.g. {missing[0]!r}",
                        row=missing[0])
    return m.loc[table.codes]


def concordance_matrix(codes: list[str], groups: pd.Series) -> tuple[np.ndarray, list[str]]:
    """0/1 aggregation matrix ``S`` (k × n) and the group codes in first-appearance order."""
    order = list(dict.fromkeys(groups.loc[codes].tolist()))
    pos = {g: k for k, g in enumerate(order)}
    S = np.zeros((len(order), len(codes)))
    for i, c in enumerate(codes):
        S[pos[groups[c]], i] = 1.0
    return S, order


def aggregate(table: IOTable, concordance, *, names: Mapping[str, tuple[str, str]] | pd.DataFrame | None = None,
              check: bool = True, rtol: float | None = None, atol: float | None = None) -> IOTable:
    """Aggregate ``table`` to groups given by ``concordance``.

    Parameters
    ----------
    table : IOTable
    concordance : dict, Series or DataFrame
        Sector code → group code (every sector exactly once).  A DataFrame is read
        as (sector code, group code) from its first two columns.
    names : mapping group → (name_en, name_zh) or DataFrame indexed by group with
        ``name_en``/``name_zh``, optional.  Default: the names of the group's first
        sector when the group has one member, else the group code.
    check : bool
        Re-run the balance checks on the result (raises on failure).
    rtol, atol : float, optional
        Tolerances of that check; default: the table's own ``rtol`` and its ``atol``
        times the largest group size (rounding gaps add up when sectors are merged;
        this matters for the OECD table, rounded to 0.1 USD million).

    Returns
    -------
    IOTable
        ``meta["aggregated_from"]`` records the source and the concordance.
    """
    m = _mapping(table, concordance)
    S, groups = concordance_matrix(table.codes, m)
    idx = pd.Index(groups, name="code")

    def mat(M: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if M is None else pd.DataFrame(S @ M.to_numpy(float) @ S.T, index=idx, columns=idx.copy())

    def rows(M: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if M is None else pd.DataFrame(S @ M.to_numpy(float), index=idx, columns=M.columns)

    def vec(v, name: str) -> pd.Series | None:
        return None if v is None else pd.Series(S @ np.asarray(v, float), index=idx, name=name)

    counts = S.sum(axis=1)
    if isinstance(names, pd.DataFrame):
        names = {g: (names.loc[g, "name_en"], names.loc[g, "name_zh"]) for g in names.index}
    sec = []
    for k, g in enumerate(groups):
        if names and g in names:
            sec.append(tuple(names[g]))
        elif counts[k] == 1:
            first = table.codes[int(np.flatnonzero(S[k])[0])]
            sec.append(tuple(table.sectors.loc[first, ["name_en", "name_zh"]]))
        else:
            sec.append((g, g))
    sectors = pd.DataFrame(sec, index=idx, columns=["name_en", "name_zh"])
    meta = {k: v for k, v in table.meta.items() if k not in ("balance", "published_totals")}
    for key in ("import_totals", "product_taxes"):
        if table.meta.get(key) is not None:
            meta[key] = vec(table.meta[key], key)
    meta["aggregated_from"] = {"source": table.source, "n_from": table.n, "n_to": len(groups),
                               "concordance": m.to_dict()}
    meta["n_sectors"] = len(groups)
    out = replace(table, Z=mat(table.Z), final_demand=rows(table.final_demand), va=vec(table.va, "va"),
                  va_components=rows(table.va_components), x=vec(table.x, "x"),
                  exports=vec(table.exports, "exports"), imports=vec(table.imports, "imports"),
                  errors=vec(table.errors, "errors"), Z_imports=mat(table.Z_imports),
                  final_demand_imports=rows(table.final_demand_imports), sectors=sectors,
                  final_demand_labels=dict(table.final_demand_labels), meta=meta)
    if check:
        prev = table.meta.get("balance")
        rtol = rtol if rtol is not None else (prev.rtol if prev is not None else DEFAULT_RTOL)
        atol = atol if atol is not None else (prev.atol * max(counts.max(), 1) if prev is not None else 0.0)
        meta["balance"] = check_balance(out, rtol=rtol, atol=atol, on_imbalance="raise")
    return out
