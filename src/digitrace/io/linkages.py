"""Rasmussen–Hirschman backward and forward linkages and key sectors.

Backward linkage (power of dispersion) of sector *j*: the normalised column sum
of the Leontief inverse :math:`L = (I-A)^{-1}`,

.. math:: BL_j = \\frac{\\sum_i l_{ij}}{\\tfrac1n \\sum_{i,j} l_{ij}}.

Forward linkage (sensitivity of dispersion) of sector *i*: the normalised row
sum of an inverse.  Two conventions, named by ``forward=``:

* ``"ghosh"`` (default): rows of the Ghosh inverse :math:`G = (I-B)^{-1}`,
  :math:`B = \\hat x^{-1} Z` — supply-driven, as recommended by Miller & Blair
  (2009, §12.2.2) following Beyers (1976) and Jones (1976);
* ``"leontief"``: rows of :math:`L` — Rasmussen's (1956) original measure.

Key-sector classes (Hirschman 1958; M&B 2009, §12.2.3): ``key`` (BL > 1 and
FL > 1), ``backward`` (BL > 1 only), ``forward`` (FL > 1 only), ``weak``.

For a non-competitive table the domestic block is used (``table.Z``), so the
linkages are domestic linkages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .._results import Result, check_option
from . import kernels as K
from ._common import provenance
from .table import IOTable

__all__ = ["linkages", "Linkages", "key_sector_class"]

ForwardConvention = Literal["ghosh", "leontief"]


def key_sector_class(bl: np.ndarray, fl: np.ndarray) -> np.ndarray:
    """``key`` / ``backward`` / ``forward`` / ``weak`` from BL and FL indices (threshold 1)."""
    bl, fl = np.asarray(bl), np.asarray(fl)
    out = np.where(bl > 1, np.where(fl > 1, "key", "backward"), np.where(fl > 1, "forward", "weak"))
    return out.astype(object)


@dataclass(frozen=True, repr=False)
class Linkages(Result):
    """Linkage indices by sector (``to_frame()`` is indexed by sector code)."""

    frame: pd.DataFrame
    forward_convention: str

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    @property
    def key_sectors(self) -> list[str]:
        return self.frame.index[self.frame["class"] == "key"].tolist()

    def _headline(self) -> str:
        c = self.frame["class"].value_counts()
        return (f"{len(self.frame)} sectors, forward={self.forward_convention}; "
                + ", ".join(f"{k}={int(c.get(k, 0))}" for k in ("key", "backward", "forward", "weak")))


def linkages(table: IOTable, *, forward: ForwardConvention = "ghosh") -> Linkages:
    """Rasmussen–Hirschman linkage indices and key-sector classes.

    Parameters
    ----------
    table : IOTable
    forward : {"ghosh", "leontief"}
        Matrix whose row sums give the forward linkage (see module docstring).

    Returns
    -------
    Linkages
        Columns: ``name_en, name_zh, bl_total`` (column sum of L = output multiplier),
        ``fl_total`` (row sum of G or L), ``bl_direct`` (column sum of A),
        ``fl_direct`` (row sum of B), ``BL``, ``FL`` (normalised, mean 1), ``class``.
    """
    check_option("forward", forward, ("ghosh", "leontief"))
    Z = table.Z.to_numpy(float)
    x = table.x.to_numpy(float)
    A = K.calc_A(Z, x)
    L = K.leontief(A)
    F = K.ghosh(K.calc_B(Z, x)) if forward == "ghosh" else L
    bl = K.rasmussen_index(L, axis=0)
    fl = K.rasmussen_index(F, axis=1)
    df = pd.DataFrame({
        "name_en": table.sectors["name_en"].to_numpy(), "name_zh": table.sectors["name_zh"].to_numpy(),
        "bl_total": L.sum(axis=0), "fl_total": F.sum(axis=1),
        "bl_direct": A.sum(axis=0), "fl_direct": K.calc_B(Z, x).sum(axis=1),
        "BL": bl, "FL": fl, "class": key_sector_class(bl, fl)}, index=pd.Index(table.codes, name="code"))
    return Linkages(frame=df, forward_convention=forward, provenance=provenance(
        table, "digitrace.io.linkages", {"forward": forward},
        "Rasmussen (1956); Hirschman (1958); Miller & Blair (2009) §12.2"))
