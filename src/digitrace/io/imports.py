"""Split a competitive-import table into domestic and imported blocks.

In a competitive-import table (NBS 122–153 sectors, the extension tables, OECD),
``Z`` and the final-demand columns mix domestic and imported products and
imports appear as one negative final-demand column (``IM``).  Under the
**import proportionality assumption** every user of product *i* (except
exports) takes the same import share

.. math:: m_i = \\frac{IM_i}{\\sum_j z_{ij} + \\sum_{k \\ne EX} f_{ik}},

so :math:`Z^d = (I - \\hat m) Z`, :math:`Z^m = \\hat m Z`, and the same for the
non-export final demand (Miller & Blair 2009, §2.6.4 on imports; the assumption
used for China by Koopman, Wang & Wei 2012 for normal trade).  The result is a
``kind="noncompetitive"`` table whose Leontief inverse is domestic, so
value-added multipliers are below 1.  Rows still balance:
:math:`\\sum_j z^d_{ij} + \\sum_k f^d_{ik} + e_i = x_i`.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..errors import DataError
from .balance import DEFAULT_RTOL, check_balance
from .kernels import safe_divide
from .table import IOTable

__all__ = ["domestic_table", "import_shares"]


def import_shares(table: IOTable, *, clip: bool = False) -> pd.Series:
    """Import share of domestic use :math:`m_i` (see module docstring).

    ``clip=True`` caps shares above 1 at 1 (see :func:`domestic_table`) instead of raising.
    """
    F = table.final_demand
    nonex = [c for c in F.columns if table.final_demand_labels.get(c) != "exports"]
    use = table.Z.to_numpy(float).sum(axis=1) + F[nonex].to_numpy(float).sum(axis=1)
    m = safe_divide(table.imports.to_numpy(float), use)
    if clip:
        m = np.clip(m, 0.0, 1.0)
    bad = np.flatnonzero((m < 0) | (m > 1))
    if bad.size:
        c = table.codes[int(bad[0])]
        raise DataError(f"import share {m[bad[0]]:.3g} outside [0, 1] for sector {c!r} "
                        "(imports exceed domestic use; clip=True / --clip caps it at 1)", file=table.source or None, row=c)
    return pd.Series(m, index=table.Z.index, name="import_share")


def domestic_table(table: IOTable, *, clip: bool = False, rtol: float | None = None,
                   atol: float | None = None) -> IOTable:
    """Competitive → non-competitive table under the import proportionality assumption.

    Parameters
    ----------
    table : IOTable
        A table that is already non-competitive is returned unchanged.
    clip : bool
        When imports of a product exceed its domestic use (processing trade: the
        2002 table's 081 文化、办公用机械 imports 1.69× its domestic use), ``False``
        raises a :class:`DataError`; ``True`` sets that product's share to 1 and books
        the excess imports as imported exports (re-exports), so rows still balance.
    rtol, atol : float, optional
        Balance tolerances for the re-check; default: those of the table's own check.
    """
    if table.kind == "noncompetitive":
        return table
    m = import_shares(table, clip=clip)
    mv = m.to_numpy()[:, None]
    F = table.final_demand
    nonex = [c for c in F.columns if table.final_demand_labels.get(c) != "exports"]
    Fm = F.copy() * 0.0
    Fm[nonex] = F[nonex].to_numpy(float) * mv
    excess = table.imports.to_numpy(float) - Fm.to_numpy(float).sum(axis=1) \
        - table.Z.to_numpy(float).sum(axis=1) * m.to_numpy()
    ex_cols = [c for c in F.columns if table.final_demand_labels.get(c) == "exports"]
    if clip and ex_cols and np.any(excess > 0):
        Fm[ex_cols[0]] = np.where(excess > 0, excess, 0.0)
    meta = {k: v for k, v in table.meta.items() if k not in ("balance", "published_totals")}
    meta.update(import_totals=table.imports.rename("imports"), import_shares=m,
                domestic_split="import proportionality assumption" + (" (clipped)" if clip else ""))
    prev = table.meta.get("balance")
    rtol = rtol if rtol is not None else (prev.rtol if prev is not None else DEFAULT_RTOL)
    atol = atol if atol is not None else (prev.atol if prev is not None else 0.0)
    out = replace(table, Z=table.Z * (1 - mv), Z_imports=table.Z * mv, final_demand=F - Fm,
                  final_demand_imports=Fm, imports=pd.Series(0.0, index=table.Z.index, name="imports"),
                  kind="noncompetitive", meta=meta)
    meta["balance"] = check_balance(out, rtol=rtol, atol=atol, on_imbalance="raise")
    return out
