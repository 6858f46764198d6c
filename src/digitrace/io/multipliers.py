"""Output, value-added and employment multipliers for an IOTable.

With :math:`L = (I-A)^{-1}` from the table's (domestic, for non-competitive
tables) intermediate block (Miller & Blair 2009, ch. 6):

* output multiplier :math:`m(o)_j = \\sum_i l_{ij}` (eq. 6.1);
* value-added multiplier :math:`m(v)_j = \\sum_i v_i l_{ij}`, :math:`v_i = va_i/x_i`
  (total VA generated per unit of final demand for *j*; §6.2.2) and the Type I
  VA multiplier :math:`m(v)_j / v_j`;
* employment multiplier :math:`m(e)_j = \\sum_i e_i l_{ij}`, :math:`e_i` =
  persons per unit of output (eq. 6.14), and the Type I ratio :math:`m(e)_j/e_j`.

Identity used in the tests: with primary-input coefficients
:math:`w' = \\iota'(I-A)`, :math:`w'L = \\iota'`; for NBS competitive tables
:math:`w = v`, so value-added multipliers are all 1 (all income is domestic VA).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._results import Result
from ..errors import DataError
from . import kernels as K
from ._common import provenance
from .table import IOTable

__all__ = ["multipliers", "Multipliers"]


@dataclass(frozen=True, repr=False)
class Multipliers(Result):
    """Multipliers by sector (``to_frame()`` indexed by sector code)."""

    frame: pd.DataFrame
    employment_unit: str = ""

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _headline(self) -> str:
        o = self.frame["output"]
        return f"{len(o)} sectors, output multipliers {o.min():.3f}–{o.max():.3f} (max {o.idxmax()})"


def multipliers(table: IOTable, employment: pd.Series | None = None, *,
                employment_scale: float = 1.0, employment_unit: str = "") -> Multipliers:
    """Output, value-added and (optionally) employment multipliers.

    Parameters
    ----------
    table : IOTable
    employment : Series, optional
        Employment by sector code (aligned on ``table.codes``; every sector needed).
        See :func:`digitrace.data.io_employment.employment_for_table` for the NBS
        tables.
    employment_scale : float
        Factor applied to ``employment / x`` so the coefficients have a readable
        unit (e.g. 1e6 × 万人/万元 = persons per million yuan; see
        ``employment_for_table``).
    employment_unit : str
        Label of the resulting unit.

    Returns
    -------
    Multipliers
        Columns ``output, va_coef, va, va_type1`` and, with employment,
        ``emp_coef, employment, employment_type1``.
    """
    Z = table.Z.to_numpy(float)
    x = table.x.to_numpy(float)
    L = K.leontief(K.calc_A(Z, x))
    v = K.coefficients(table.va.to_numpy(float), x)
    mv = K.va_multipliers(L, v)
    df = pd.DataFrame({"name_en": table.sectors["name_en"].to_numpy(),
                       "name_zh": table.sectors["name_zh"].to_numpy(),
                       "output": K.output_multipliers(L), "va_coef": v, "va": mv,
                       "va_type1": K.safe_divide(mv, v)}, index=pd.Index(table.codes, name="code"))
    params: dict = {"employment": employment is not None}
    if employment is not None:
        emp = pd.Series(employment)
        emp.index = emp.index.astype(str)
        missing = [c for c in table.codes if c not in emp.index or pd.isna(emp.get(c))]
        if missing:
            raise DataError(f"employment missing for {len(missing)} sector(s), e.g. {missing[0]!r}",
                            row=missing[0])
        e = K.coefficients(emp.loc[table.codes].to_numpy(float), x) * employment_scale
        me = K.employment_multipliers(L, e)
        df["emp_coef"] = e
        df["employment"] = me
        df["employment_type1"] = K.safe_divide(me, e)
        params.update(employment_scale=employment_scale, employment_unit=employment_unit,
                      employment_name=str(getattr(employment, "name", "")))
    return Multipliers(frame=df, employment_unit=employment_unit, provenance=provenance(
        table, "digitrace.io.multipliers", params, "Miller & Blair (2009), ch. 6"))
