"""OECD 2021-edition national input-output tables (China, 45 ISIC4 sectors) → IOTable.

The file ``io/oecd/OECD2021ed_IOT_CHN_1995_2018_45sec.csv`` stacks 24 yearly
tables with a ``year`` column, in current USD million.  Re-exported by
:mod:`digitrace.data.io_tables`.

The stacked file is read and parsed to floats **once per process** (cached by
path, modification time and size; see :func:`stacked_oecd`), so loading all 24
years costs one CSV read instead of 24.  Cell errors are still reported only
for the year that is loaded, naming the row code, year and column.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..io.balance import DEFAULT_RTOL, OnImbalance, check_balance
from ..io.table import VA_COMPONENTS, IOTable
from .io_parse import FINAL_DEMAND_ROLES, _label_columns, _match
from .oecd_names import OECD_NAMES_ZH
from .readers import read_tabular

__all__ = ["load_oecd_iot", "stacked_oecd", "StackedOECD"]

_CACHE: dict[tuple[str, int, int], "StackedOECD"] = {}
_CACHE_SIZE = 4


@dataclass(frozen=True, eq=False)
class StackedOECD:
    """The parsed stacked file: one float matrix for every year (internal cache entry).

    ``values[r, k]`` is the cell of file row ``r`` and numeric column ``columns[k]``
    (NaN when empty or non-numeric); ``bad`` marks the non-numeric cells and ``raw``
    keeps the text of the numeric columns for error messages.
    """

    path: Path
    year_col: str
    years: np.ndarray
    codes: tuple[str, ...]
    names_en: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray
    bad: np.ndarray
    raw: pd.DataFrame

    @property
    def available(self) -> list[int]:
        return sorted(set(int(y) for y in self.years[self.years >= 0]))

    def block(self, rows: list[int] | np.ndarray, cols: list[str], labels: list[str],
              allow_empty: bool = False) -> np.ndarray:
        """Floats of ``rows`` × ``cols``; errors name the first bad cell (row label, column)."""
        pos = {c: k for k, c in enumerate(self.columns)}
        ci = [pos[c] for c in cols]
        rows = np.asarray(rows, dtype=int)
        v = self.values[np.ix_(rows, ci)]
        b = self.bad[np.ix_(rows, ci)]
        if b.any():
            j, i = np.argwhere(b.T)[0]
            raise DataError(f"non-numeric value {self.raw.iat[int(rows[i]), ci[j]]!r}", file=self.path,
                            row=labels[i], column=cols[j])
        if not allow_empty and np.isnan(v).any():
            j, i = np.argwhere(np.isnan(v).T)[0]
            raise DataError("empty cell", file=self.path, row=labels[i], column=cols[j])
        return np.asfortranarray(v)  # same memory layout (hence the same float sums) as io_parse._numeric


def stacked_oecd(path: str | Path) -> StackedOECD:
    """Read and parse the stacked OECD file, cached per process by (path, mtime, size).

    Raises
    ------
    DataError
        When the file has no ``year`` column (not the stacked layout).
    """
    p = Path(path)
    if not p.exists():
        raise DataError("file not found", file=p)
    st = p.stat()
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    df = read_tabular(p, dtype=str)
    df.columns = [str(c).strip() for c in df.columns]
    low = {c.lower(): c for c in df.columns}
    if "year" not in low:
        raise DataError("no 'year' column (expected the stacked OECD layout)", file=p)
    ycol = low["year"]
    years = pd.to_numeric(df[ycol], errors="coerce").fillna(-1).astype(int).to_numpy()
    code_col, en_col, _, _ = _label_columns(df.drop(columns=[ycol]))
    num_cols = [c for c in df.columns if c not in (ycol, code_col, en_col)]
    raw = df[num_cols].reset_index(drop=True)
    values = np.empty(raw.shape, dtype=float)
    bad = np.zeros(raw.shape, dtype=bool)
    for k, c in enumerate(num_cols):
        col = raw[c]
        vals = pd.to_numeric(col, errors="coerce")
        values[:, k] = vals.to_numpy(dtype=float, na_value=np.nan)
        bad[:, k] = (vals.isna() & col.notna() & (col.astype(str).str.strip() != "")).to_numpy()
    out = StackedOECD(
        path=p, year_col=ycol, years=years,
        codes=tuple(df[code_col].astype(str).str.strip()),
        names_en=tuple(df[en_col].astype(str).str.strip()) if en_col else ("",) * len(df),
        columns=tuple(num_cols), values=values, bad=bad, raw=raw)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = out
    return out


def load_oecd_iot(path: str | Path, year: int, *, check: bool = True,
                  on_imbalance: OnImbalance = "raise", rtol: float = DEFAULT_RTOL,
                  atol: float = 3.0) -> IOTable:
    """Read one year of the OECD 2021-edition national IOT for China (45 ISIC4 sectors).

    The file stacks years with a ``year`` column.  ``x`` = ``OUTPUT`` row, ``va`` =
    ``VALU`` (basic prices); the product-tax rows ``TXS_IMP_FNL`` + ``TXS_INT_FNL``
    are kept in ``meta["product_taxes"]`` (they are primary inputs besides VA);
    imports = −``IMPO``.  The cells are rounded to 0.1 USD million, so the default
    absolute tolerance is ``atol=3.0`` (≈ 55 rounded cells per row × 0.05).
    VA components are not published (NaN).  The file is parsed once per process
    (:func:`stacked_oecd`).
    """
    S = stacked_oecd(path)
    p = S.path
    year = int(year)
    rows = np.flatnonzero(S.years == year)
    if rows.size == 0:
        avail = S.available
        raise DataError(f"year {year} not in the file; available {avail[0]}–{avail[-1]}" if avail
                        else "no years in the file", file=p, column=S.year_col)
    codes = [S.codes[r] for r in rows]
    srows = [int(r) for r, c in zip(rows, codes) if c.isdigit()]
    scols = [c for c in S.columns if c.isdigit()]
    labels = [S.codes[r] for r in srows]
    _match(labels, scols, p, "sector")
    idx = pd.Index(labels, name="code")
    need = {"OUTPUT", "VALU"}
    have = set(codes)
    if need - have:
        raise DataError(f"row {sorted(need - have)[0]} missing for year {year}", file=p,
                        row=sorted(need - have)[0])
    pos = {c: int(r) for r, c in zip(rows, codes)}

    def row(name: str) -> np.ndarray:
        return S.block([pos[name]], scols, [f"{name} ({year})"])[0]

    fd_cols = [c for c in S.columns if c.upper() in FINAL_DEMAND_ROLES]
    where = [f"{c} ({year})" for c in labels]  # error labels name the year of the stacked file
    Z = S.block(srows, scols, where)
    F = S.block(srows, fd_cols, where)
    impo = S.block(srows, ["IMPO"], where)[:, 0] if "IMPO" in S.columns else np.zeros(len(srows))
    taxes = sum(row(r) for r in ("TXS_IMP_FNL", "TXS_INT_FNL") if r in pos)
    x = row("OUTPUT")
    va = row("VALU")
    published = {}
    if "TTL_INT_FNL" in pos:
        published["TTL_INT_FNL"] = (row("TTL_INT_FNL"), Z.sum(0) + taxes,
                                    "published TTL_INT_FNL = sum inputs + product taxes")
    names_en = [S.names_en[r] for r in srows]
    meta = {"layout": "oecd", "n_sectors": len(srows), "published_totals": published,
            "product_taxes": pd.Series(taxes, index=idx, name="product_taxes"),
            "currency_note": "current prices", "markers": list(fd_cols) + ["IMPO", "VALU", "OUTPUT"]}
    ex = F[:, [fd_cols.index(c) for c in fd_cols if c.upper() == "EXPO"]].sum(1)
    table = IOTable(
        Z=pd.DataFrame(Z, index=idx, columns=idx.copy()),
        final_demand=pd.DataFrame(F, index=idx, columns=fd_cols),
        va=pd.Series(va, index=idx, name="va"),
        va_components=pd.DataFrame(np.nan, index=idx, columns=list(VA_COMPONENTS)),
        x=pd.Series(x, index=idx, name="x"), exports=pd.Series(ex, index=idx, name="exports"),
        imports=pd.Series(-impo, index=idx, name="imports"),
        sectors=pd.DataFrame({"name_en": names_en,
                              "name_zh": [OECD_NAMES_ZH.get(c, "") for c in labels]}, index=idx),
        year=year, unit="USD million", source=f"{p}#year={year}", kind="competitive",
        errors=pd.Series(0.0, index=idx, name="errors"),
        final_demand_labels={c: FINAL_DEMAND_ROLES[c.upper()] for c in fd_cols}, meta=meta)
    if check:
        meta["balance"] = check_balance(table, rtol=rtol, atol=atol, on_imbalance=on_imbalance)
    return table
