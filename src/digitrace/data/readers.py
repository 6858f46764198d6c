"""Robust tabular readers with clear errors (file, row, column).

:func:`read_tabular` reads CSV (UTF-8, UTF-8-BOM, GBK/GB18030 detected),
Excel (``.xlsx``/``.xls``, needs openpyxl) and Stata ``.dta``, choosing by the
file's *content* signature rather than its extension, so an ``.xlsx`` saved as
``.csv`` is still read.  A truncated or ragged CSV raises a
:class:`~digitrace.errors.DataError` naming the line.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .._optional import require
from ..errors import DataError

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ENCODINGS = ("utf-8-sig", "gb18030")


def sniff_kind(path: Path) -> str:
    """Return ``"xlsx"``, ``"xls"``, ``"dta"`` or ``"csv"`` from the file's bytes."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if path.suffix.lower() == ".dta" or head[:1] in (b"\x72", b"\x73", b"\x71") or head.startswith(b"<stata_dta>"):
        return "dta" if path.suffix.lower() == ".dta" or head.startswith(b"<stata_dta>") else "csv"
    return "csv"


def decode_text(raw: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM) or GB18030 (a superset of GBK).

    Returns ``(text, encoding)``.  Raises a DataError naming the byte offset
    when neither works.
    """
    last: UnicodeDecodeError | None = None
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else "gb18030")
        except UnicodeDecodeError as exc:
            last = exc
    assert last is not None
    line = raw[: last.start].count(b"\n") + 1
    raise DataError(f"cannot decode as UTF-8 or GBK/GB18030 (byte {last.start})", file=path, row=f"line {line}")


def read_csv_checked(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read a CSV after checking every line has the header's field count.

    Parameters
    ----------
    path : path-like
    **kwargs : passed to :func:`pandas.read_csv` (``dtype``, ``index_col`` ...).
    """
    p = Path(path)
    raw = p.read_bytes()
    if not raw.strip():
        raise DataError("file is empty", file=p)
    text, enc = decode_text(raw, p)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - guarded by strip() above
        raise DataError("file is empty", file=p)
    width = len(header)
    for lineno, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != width:
            what = "truncated" if len(row) < width else "has extra fields"
            raise DataError(f"line {what}: {len(row)} fields where the header has {width}",
                            file=p, row=f"line {lineno}")
    if not text.endswith(("\n", "\r")) and len(text) > 0:
        # a final line without newline is fine if complete; the field check above covers truncation
        pass
    df = pd.read_csv(io.StringIO(text), **kwargs)
    df.attrs["encoding"] = enc
    df.attrs["source"] = str(p)
    return df


def read_tabular(path: str | Path, sheet: str | int = 0, **kwargs) -> pd.DataFrame:
    """Read CSV, Excel or Stata by content; errors name the file.

    Parameters
    ----------
    path : path-like
    sheet : str or int
        Excel sheet.
    **kwargs : forwarded to the pandas reader.
    """
    p = Path(path)
    if not p.exists():
        raise DataError("file not found", file=p)
    kind = sniff_kind(p)
    if kind in ("xlsx", "xls"):
        if kind == "xlsx":
            require("openpyxl", extra="export")
        try:
            df = pd.read_excel(p, sheet_name=sheet, **kwargs)
        except (ValueError, IndexError) as exc:   # unknown sheet name or position
            if not _is_missing_sheet(exc):
                raise
            names = pd.ExcelFile(p).sheet_names
            raise DataError(f"no sheet {sheet!r}; the workbook has {names} "
                            "(a name or a 0-based position)", file=p) from None
    elif kind == "dta":
        df = pd.read_stata(p, **kwargs)
    else:
        df = read_csv_checked(p, **kwargs)
    df.attrs["source"] = str(p)
    df.attrs["format"] = kind
    return df


def _is_missing_sheet(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "worksheet" in msg or "not found" in msg or "out of range" in msg or "index" in msg
