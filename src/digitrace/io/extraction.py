"""Hypothetical extraction for any set of sectors S.

Let :math:`x = Lf` (Leontief) and :math:`x' = w'G` (Ghosh, :math:`w` primary inputs).
Each variant modifies a coefficient matrix, recomputes output, and reports the
loss :math:`x - \\bar x` by sector and in total (Miller & Lahr 2001, "A taxonomy of
extractions"; Dietzenbacher & van der Linden 1997; Miller & Blair 2009, §12.2.6):

* ``"total"`` — complete extraction: rows and columns of S in A set to zero,
  :math:`\\bar x = (I-\\bar A)^{-1} f` with final demand unchanged (so
  :math:`\\bar x_S = f_S`).  With ``keep_within=True`` the block :math:`A_{SS}` is
  kept, which measures only the linkage between S and the rest (Cella 1984).
* ``"backward"`` — S buys nothing from sectors outside S:
  :math:`\\bar A_{\\bar S S} = 0` (``keep_within=False`` also zeroes :math:`A_{SS}`); :math:`\\bar x = (I-\\bar A)^{-1} f`
  (Dietzenbacher & van der Linden 1997, backward linkage).
* ``"forward"`` — S sells nothing to sectors outside S (supply side):
  :math:`\\bar B_{S \\bar S} = 0` (``keep_within=False`` also zeroes :math:`B_{SS}`); :math:`\\bar x' = w'(I-\\bar B)^{-1}`
  (Dietzenbacher & van der Linden 1997, forward linkage via Ghosh).

For a non-competitive table the domestic block is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

import numpy as np
import pandas as pd

from .._results import Result, check_option
from . import kernels as K
from ._common import provenance, sector_positions
from .table import IOTable

__all__ = ["extraction", "extraction_all", "Extraction", "extract_kernel"]

Method = Literal["total", "backward", "forward"]


def _within_default(method: str, keep_within: bool | None) -> bool:
    return (method != "total") if keep_within is None else bool(keep_within)


def extract_kernel(Z: np.ndarray, x: np.ndarray, S: Iterable[int], method: Method,
                   keep_within: bool | None = None) -> np.ndarray:
    """Output :math:`\\bar x` after extracting positions ``S`` (pure ndarray kernel).

    ``keep_within`` (default: ``False`` for ``total``, ``True`` for backward/forward)
    keeps the flows inside S (the block :math:`A_{SS}` / :math:`B_{SS}`, including the
    diagonal).
    """
    keep_within = _within_default(method, keep_within)
    Z = np.asarray(Z, float)
    x = np.asarray(x, float)
    n = Z.shape[0]
    s = np.zeros(n, dtype=bool)
    s[list(S)] = True
    if method == "forward":
        B = K.calc_B(Z, x)
        w = x - Z.sum(axis=0)
        B[np.ix_(s, ~s)] = 0.0
        if not keep_within:
            B[np.ix_(s, s)] = 0.0
        return np.linalg.solve((np.eye(n) - B).T, w)  # x̄' = w'(I-B̄)^{-1}
    A = K.calc_A(Z, x)
    f = x - Z.sum(axis=1)
    if method == "backward":
        A[np.ix_(~s, s)] = 0.0
        if not keep_within:
            A[np.ix_(s, s)] = 0.0
    elif method == "total":
        within = A[np.ix_(s, s)].copy()
        A[s, :] = 0.0
        A[:, s] = 0.0
        if keep_within:
            A[np.ix_(s, s)] = within
    else:
        raise ValueError(f"method must be 'total', 'backward' or 'forward', got {method!r}")
    return K.solve_leontief(A, f)


@dataclass(frozen=True, repr=False)
class Extraction(Result):
    """Output loss by sector from extracting a set of sectors."""

    frame: pd.DataFrame
    extracted: tuple[str, ...]
    method: str

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    @property
    def total_loss(self) -> float:
        """:math:`\\iota'(x - \\bar x)`, from the frame (the single source)."""
        return float(self.frame["loss"].sum())

    @property
    def total_loss_pct(self) -> float:
        """Total loss as a percentage of total output."""
        return float(100 * self.frame["loss"].sum() / self.frame["x"].sum())

    def _headline(self) -> str:
        s = ",".join(self.extracted[:5]) + ("…" if len(self.extracted) > 5 else "")
        return f"{self.method} extraction of {{{s}}}: loss {self.total_loss:.6g} ({self.total_loss_pct:.3f}% of output)"


def extraction(table: IOTable, sectors: str | Iterable[str], *, method: Method = "total",
               keep_within: bool | None = None) -> Extraction:
    """Hypothetical extraction of the sector set ``sectors`` (codes).

    Parameters
    ----------
    table : IOTable
    sectors : str or iterable of str
        Sector codes forming the set S.
    method : {"total", "backward", "forward"}
    keep_within : bool, optional
        Keep the flows inside S.  Default ``False`` for ``total`` (complete extraction)
        and ``True`` for ``backward``/``forward`` (S stops trading with *other*
        sectors, as in Dietzenbacher & van der Linden 1997).

    Returns
    -------
    Extraction
        ``to_frame()``: ``x, x_bar, loss, loss_pct`` by sector (``loss = x − x̄``),
        ``extracted`` flag; ``total_loss`` = :math:`\\iota'(x-\\bar x)` and its share
        of total output in percent.
    """
    check_option("method", method, ("total", "backward", "forward"))
    pos = sector_positions(table, sectors)
    x = table.x.to_numpy(float)
    xb = extract_kernel(table.Z.to_numpy(float), x, pos, method, keep_within)
    codes = table.codes
    loss = x - xb
    df = pd.DataFrame({"name_zh": table.sectors["name_zh"].to_numpy(), "x": x, "x_bar": xb, "loss": loss,
                       "loss_pct": K.safe_divide(100 * loss, x),
                       "extracted": np.isin(np.arange(len(x)), pos)}, index=pd.Index(codes, name="code"))
    ext = tuple(codes[i] for i in pos)
    return Extraction(frame=df, extracted=ext, method=method, provenance=provenance(
                          table, "digitrace.io.extraction",
                          {"sectors": list(ext), "method": method,
                           "keep_within": _within_default(method, keep_within)},
                          "Miller & Lahr (2001); Dietzenbacher & van der Linden (1997); M&B (2009) §12.2.6"))


def extraction_all(table: IOTable, *, methods: Iterable[Method] = ("total", "backward", "forward"),
                   keep_within: bool | None = None) -> pd.DataFrame:
    """Extract each sector alone: total output loss (and % of total output) per method.

    Returns a DataFrame indexed by sector code with columns ``<method>`` and
    ``<method>_pct`` (one linear solve per sector and method).
    """
    Z = table.Z.to_numpy(float)
    x = table.x.to_numpy(float)
    out = pd.DataFrame(index=pd.Index(table.codes, name="code"))
    out["name_zh"] = table.sectors["name_zh"].to_numpy()
    for m in methods:
        check_option("method", m, ("total", "backward", "forward"))
        vals = np.array([x.sum() - extract_kernel(Z, x, [j], m, keep_within).sum() for j in range(len(x))])
        out[m] = vals
        out[f"{m}_pct"] = 100 * vals / x.sum()
    return out
