"""Cell-level parsing shared by the IO table loaders (NBS layout and OECD stacked layout).

Markers and roles of the NBS/OECD column and row codes, code normalisation, and
:func:`_numeric`, which parses a block of cells and names the row code and
column of the first bad cell.  Used by :mod:`digitrace.data.io_tables` and
:mod:`digitrace.data.oecd_iot` (kept apart so that neither imports the other).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..io.table import VA_COMPONENTS

__all__ = ["FINAL_DEMAND_ROLES"]

# final-demand column code -> role (NBS codes and OECD codes)
FINAL_DEMAND_ROLES = {
    "FU101": "household", "FU102": "household", "FU103": "government",
    "FU201": "gfcf", "FU202": "inventory", "EX": "exports",
    "TC": "consumption",  # only kept when its components are not published
    "HFCE": "household", "NPISH": "household", "GGFC": "government", "GFCF": "gfcf",
    "INVNT": "inventory", "EXPO": "exports", "CONS_ABR": "other", "CONS_NONRES": "exports",
}
# subtotal column -> components that make it redundant when present
_SUBTOTALS = {"THC": ("FU101", "FU102"), "TC": ("FU101", "FU102", "FU103", "THC"),
              "GCF": ("FU201", "FU202")}
_VA_NAMES = dict(zip(("VA001", "VA002", "VA003", "VA004"), VA_COMPONENTS))
_ROW_MARKERS = ("TII", "TVA", "TI")
_COL_NONFD = ("TIU", "TFU", "IM", "ERR", "GO")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_FILE = re.compile(r"^china_((?:19|20)\d{2})_(\d+)$", re.I)
_DOMESTIC = {"domestic", "d", "国内", "国产"}
_IMPORTS = {"imports", "import", "m", "进口"}


def _key(code: object) -> str:
    """Normalised matching key of a code: ``'001'``, ``'1'`` and ``1.0`` all → ``'1'``."""
    s = str(code).strip()
    if re.fullmatch(r"\d+(\.0+)?", s):
        return str(int(float(s)))
    return s.upper()


def _pad(codes: list[str]) -> list[str]:
    """Zero-pad all-digit codes to a common width (Excel drops leading zeros)."""
    if codes and all(c.isdigit() for c in codes):
        w = max(len(c) for c in codes)
        return [c.zfill(w) for c in codes]
    return codes


def _year_from(path: Path, year: int | None) -> int:
    if year is not None:
        return int(year)
    m = _YEAR.findall(path.stem)
    if not m:
        raise DataError("cannot infer the year from the file name; pass year= (CLI: --year)", file=path)
    return int(m[0])


def _numeric(df: pd.DataFrame, rows: list[int], cols: list[str], labels: list[str], path: Path,
             allow_empty: bool = False) -> np.ndarray:
    """Parse a block of cells as floats; errors name the row code and column."""
    block = df.loc[rows, cols]
    try:  # fast path: every cell parses
        out = block.to_numpy(dtype=object).astype(float)
        if allow_empty or not np.isnan(out).any():
            return out
    except (TypeError, ValueError):
        pass
    out = np.empty(block.shape, dtype=float)
    for k, c in enumerate(cols):
        raw = block[c]
        vals = pd.to_numeric(raw, errors="coerce")
        bad = vals.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"non-numeric value {raw.iloc[i]!r}", file=path, row=labels[i], column=c)
        if not allow_empty and vals.isna().any():
            i = int(np.flatnonzero(vals.isna().to_numpy())[0])
            raise DataError("empty cell", file=path, row=labels[i], column=c)
        out[:, k] = vals.to_numpy(dtype=float, na_value=np.nan)
    return out


def _label_columns(df: pd.DataFrame) -> tuple[str, str | None, str | None, str | None]:
    cols = list(df.columns)
    low = {c.lower(): c for c in cols}
    code = low.get("code", cols[0])
    origin = low.get("origin")
    zh = low.get("descriptioninchinese") or low.get("name_zh")
    en = low.get("description") or low.get("name_en")
    if zh is None or en is None:  # fall back to text columns next to the code column
        for c in cols[1:4]:
            if c in (code, origin) or _key(c).isdigit():
                continue
            sample = " ".join(df[c].dropna().astype(str).head(20))
            if _CJK.search(sample) and zh is None:
                zh = c
            elif en is None and sample and not _CJK.search(sample):
                en = c
    return code, en, zh, origin


def _sector_rows(codes: pd.Series) -> list[int]:
    """Positions of sector rows: everything before the first row marker."""
    out = []
    for pos, c in enumerate(codes):
        if c in _ROW_MARKERS or re.fullmatch(r"VA\d+", c):
            break
        if c in ("", "NAN"):
            continue
        out.append(pos)
    return out


def _match(row_codes: list[str], col_codes: list[str], path: Path, block: str) -> None:
    rk = [_key(c) for c in row_codes]
    ck = [_key(c) for c in col_codes]
    dup = pd.Index(rk)[pd.Index(rk).duplicated()]
    if len(dup):
        raise DataError(f"duplicate sector row {dup[0]!r} in the {block} block", file=path, row=dup[0])
    miss_rows = [c for c, k in zip(col_codes, ck) if k not in set(rk)]
    if miss_rows:
        raise DataError(f"sector row missing: the table has a column for sector {miss_rows[0]!r} "
                        f"but no {block} row for it ({len(miss_rows)} missing)", file=path,
                        row=miss_rows[0])
    miss_cols = [c for c, k in zip(row_codes, rk) if k not in set(ck)]
    if miss_cols:
        raise DataError(f"sector column missing: the table has a {block} row for sector "
                        f"{miss_cols[0]!r} but no column for it", file=path, column=miss_cols[0])
