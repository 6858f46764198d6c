"""Accounting-identity checks for an :class:`~digitrace.io.table.IOTable`.

Checks (each sector *j*, tolerance ``|gap| <= rtol * |x_j| + atol``):

* ``column``: :math:`\\sum_i z_{ij} + \\sum_i z^{m}_{ij} + t_j + va_j = x_j`
  (domestic + imported intermediate inputs + product taxes + value added);
* ``row``: :math:`\\sum_j z_{ij} + \\sum_k f_{ik} - m_i + e_i = x_i`
  (intermediate + final uses − imports + statistical discrepancy);
* ``va_components``: the published VA components add up to total VA;
* ``Z>=0``: no negative intermediate flow (domestic or imported);
* published subtotals (``TIU``, ``TFU``, ``TII``, ``TI``) where the loader kept them.

A failure raises :class:`~digitrace.errors.BalanceError` naming the worst sector
and the size of the gap, or emits :class:`~digitrace.errors.BalanceWarning`
when ``on_imbalance="warn"``.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .._results import Provenance, Result, check_option
from ..errors import BalanceError, BalanceWarning
from .table import IOTable

OnImbalance = Literal["raise", "warn", "ignore"]
DEFAULT_RTOL = 1e-6


@dataclass(frozen=True, repr=False)
class BalanceReport(Result):
    """One row per check: worst sector, its gap (table units) and relative gap."""

    table: pd.DataFrame
    rtol: float
    atol: float

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def passed(self) -> bool:
        return bool(self.table["passed"].all())

    def _headline(self) -> str:
        bad = self.table.index[~self.table["passed"]].tolist()
        return f"{len(self.table)} checks, " + ("all passed" if not bad else f"failed: {', '.join(bad)}")


def _gap_row(name: str, gap: np.ndarray, scale: np.ndarray, codes: list[str], rtol: float,
             atol: float, what: str) -> dict:
    gap = np.asarray(gap, dtype=float)
    scale = np.abs(np.asarray(scale, dtype=float))
    tol = rtol * scale + atol
    excess = np.abs(gap) - tol
    k = int(np.nanargmax(np.abs(gap) / np.maximum(scale, 1e-300))) if gap.size else 0
    bad = np.flatnonzero(~(excess <= 0))  # NaN counts as a failure
    worst = int(bad[np.argmax(np.nan_to_num(excess[bad], nan=np.inf))]) if bad.size else k
    return {"check": name, "identity": what, "n_failed": int(bad.size),
            "worst_sector": codes[worst] if codes else "",
            "gap": float(gap[worst]) if gap.size else 0.0,
            "rel_gap": float(abs(gap[worst]) / scale[worst]) if gap.size and scale[worst] else
            (0.0 if not gap.size or gap[worst] == 0 else float("inf")),
            "scale": float(scale[worst]) if gap.size else 0.0,
            "passed": bool(bad.size == 0)}


def balance_table(t: IOTable, rtol: float = DEFAULT_RTOL, atol: float = 0.0) -> pd.DataFrame:
    """Compute every identity gap of ``t``; returns the report frame (no raising)."""
    codes = t.codes
    x = t.x.to_numpy(float)
    Z = t.Z.to_numpy(float)
    rows = []
    col_in = Z.sum(axis=0)
    if t.Z_imports is not None:
        col_in = col_in + t.Z_imports.to_numpy(float).sum(axis=0)
    taxes = t.meta.get("product_taxes")
    if taxes is not None:
        col_in = col_in + np.asarray(taxes, dtype=float)
    rows.append(_gap_row("column", col_in + t.va.to_numpy(float) - x, x, codes, rtol, atol,
                         "sum inputs + VA = x"))
    fd = t.final_demand.to_numpy(float).sum(axis=1)
    err = t.errors.to_numpy(float) if t.errors is not None else 0.0
    rows.append(_gap_row("row", Z.sum(axis=1) + fd - t.imports.to_numpy(float) + err - x, x, codes,
                         rtol, atol, "sum uses - imports + errors = x"))
    if t.Z_imports is not None:
        mtot = t.meta.get("import_totals")
        if mtot is not None:
            mtot = np.asarray(mtot, dtype=float)
            fdm = (t.final_demand_imports.to_numpy(float).sum(axis=1)
                   if t.final_demand_imports is not None else 0.0)
            rows.append(_gap_row("import_row", t.Z_imports.to_numpy(float).sum(axis=1) + fdm - mtot,
                                 mtot, codes, rtol, atol, "imported uses = imports"))
    comp = t.va_components
    if comp is not None and comp.shape[1] and not comp.isna().all().all():
        rows.append(_gap_row("va_components", comp.to_numpy(float).sum(axis=1) - t.va.to_numpy(float),
                             x, codes, rtol, atol, "sum VA components = VA"))
    for name, (vals, ref, what) in t.meta.get("published_totals", {}).items():
        rows.append(_gap_row(name, np.asarray(vals, float) - np.asarray(ref, float), x, codes, rtol,
                             atol, what))
    for label, M in (("Z>=0", t.Z), ("Z_imports>=0", t.Z_imports)):
        if M is None:
            continue
        arr = M.to_numpy(float)
        neg = np.argwhere(arr < 0)
        r = {"check": label, "identity": "no negative intermediate flow", "n_failed": int(len(neg)),
             "worst_sector": "", "gap": 0.0, "rel_gap": 0.0, "scale": 0.0, "passed": len(neg) == 0}
        if len(neg):
            i, j = np.unravel_index(int(np.argmin(arr)), arr.shape)
            r.update(worst_sector=f"{codes[i]}->{codes[j]}", gap=float(arr[i, j]))
        rows.append(r)
    return pd.DataFrame(rows).set_index("check")


def check_balance(t: IOTable, *, rtol: float = DEFAULT_RTOL, atol: float = 0.0,
                  on_imbalance: OnImbalance = "raise") -> BalanceReport:
    """Check the accounting identities of ``t``.

    Parameters
    ----------
    t : IOTable
    rtol, atol : float
        A sector passes when ``|gap| <= rtol * |x_j| + atol`` (table units).
        Defaults: ``rtol=1e-6``, ``atol=0`` (the NBS tables balance to ~1e-9).
    on_imbalance : {"raise", "warn", "ignore"}
        ``"raise"`` → :class:`BalanceError` naming the sector and the gap;
        ``"warn"`` → :class:`BalanceWarning`; ``"ignore"`` → just report.

    Returns
    -------
    BalanceReport
    """
    check_option("on_imbalance", on_imbalance, ("raise", "warn", "ignore"))
    frame = balance_table(t, rtol, atol)
    rep = BalanceReport(table=frame, rtol=rtol, atol=atol, provenance=Provenance(
        method="digitrace.io.check_balance", params={"rtol": rtol, "atol": atol},
        inputs=((t.source or "<IOTable>", ""),),
        reference="Miller & Blair (2009), ch. 2, Table 2.1 accounting identities"))
    if not rep.passed and on_imbalance != "ignore":
        msgs = []
        for name, r in frame[~frame["passed"]].iterrows():
            if name.startswith("Z"):
                i, j = r["worst_sector"].split("->")
                msgs.append(f"{r['n_failed']} negative intermediate flow(s), e.g. row {i} column {j} = "
                            f"{r['gap']:.6g}")
            else:
                msgs.append(f"{name} identity ({r['identity']}) fails for {r['n_failed']} sector(s); "
                            f"worst sector {r['worst_sector']}: gap {r['gap']:.6g} {t.unit} "
                            f"(relative {r['rel_gap']:.3g}, tolerance rtol={rtol:g}, atol={atol:g})")
        first = frame[~frame["passed"]].iloc[0]
        row = first["worst_sector"].split("->")[0] if first["worst_sector"] else None
        col = first["worst_sector"].split("->")[1] if "->" in str(first["worst_sector"]) else None
        if on_imbalance == "raise":
            raise BalanceError("; ".join(msgs), file=t.source or None, row=row, column=col)
        warnings.warn(BalanceWarning(f"{t.source}: " + "; ".join(msgs)), stacklevel=3)
    return rep
