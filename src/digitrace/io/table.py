"""The immutable :class:`IOTable` shared by every part of digitrace.

Loaders live in :mod:`digitrace.data.io_tables`; kernels in
:mod:`digitrace.io.kernels` operate on the plain arrays (``table.Z.to_numpy()``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

VA_COMPONENTS = ("compensation", "net_taxes", "depreciation", "operating_surplus")


@dataclass(frozen=True, eq=False, repr=False)
class IOTable:
    """A national input-output table (monetary, one year).

    All labelled members are indexed by sector code (``str``) in table order.

    Attributes
    ----------
    Z : DataFrame (n × n)
        Intermediate use, rows = supplying sector, columns = using sector.  For a
        non-competitive table this is the *domestic* block.
    Z_imports : DataFrame or None
        Imported intermediate use (non-competitive tables only).
    final_demand : DataFrame (n × k)
        Final-demand columns as published (e.g. rural/urban household
        consumption, government consumption, GFCF, inventory change, exports);
        ``final_demand_imports`` is the imported block for non-competitive tables.
    final_demand_labels : dict
        Column code -> standard role, one of ``household``, ``government``,
        ``consumption`` (total final consumption where the table does not split
        it, e.g. ``TC`` in the NBS 42-sector non-competitive tables), ``gfcf``,
        ``inventory``, ``exports``, ``other``.
    va : Series
        Total value added by sector.
    va_components : DataFrame (n × 4)
        ``compensation, net_taxes, depreciation, operating_surplus``.
    x : Series
        Gross output.
    exports, imports : Series
        Exports (EX) and imports (IM, positive numbers) by sector; imports are
        zero for non-competitive tables, where imports are the import blocks.
    errors : Series
        Statistical discrepancy column (ERR) where published, else zeros.
    sectors : DataFrame
        Index = code; columns ``name_en``, ``name_zh``.
    year : int
    unit : str
        E.g. ``"10k CNY"`` (万元) or ``"USD million"``.
    source : str
        File path or description.
    kind : str
        ``"competitive"`` or ``"noncompetitive"``.
    meta : dict
        Anything else the loader found (markers, balance report).
    """

    Z: pd.DataFrame
    final_demand: pd.DataFrame
    va: pd.Series
    va_components: pd.DataFrame
    x: pd.Series
    exports: pd.Series
    imports: pd.Series
    sectors: pd.DataFrame
    year: int
    unit: str
    source: str = ""
    kind: str = "competitive"
    errors: pd.Series | None = None
    Z_imports: pd.DataFrame | None = None
    final_demand_imports: pd.DataFrame | None = None
    final_demand_labels: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.Z.shape[0]

    @property
    def codes(self) -> list[str]:
        return list(self.Z.index)

    def __repr__(self) -> str:
        return (f"<IOTable {self.year}, {self.n} sectors, {self.kind}, unit={self.unit}, "
                f"GO={float(self.x.sum()):.4g}, VA={float(self.va.sum()):.4g}>")

    def _repr_html_(self) -> str:
        return f"<p>{self.__repr__()[1:-1]}</p>"

    def primary_inputs(self) -> pd.Series:
        """Primary inputs ``x − Σᵢ zᵢⱼ``: VA plus imported inputs (non-competitive) and
        product taxes (OECD).  The Ghosh identity is ``x' = w' G`` with these ``w``."""
        return (self.x - self.Z.sum(axis=0)).rename("primary_inputs")

    def A(self) -> np.ndarray:
        """Technical coefficients ``A = Z x̂⁻¹`` as an ndarray (zero-output columns → 0)."""
        from .kernels import calc_A

        return calc_A(self.Z.to_numpy(float), self.x.to_numpy(float))
