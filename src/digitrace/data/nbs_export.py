"""Read data.stats.gov.cn (国家数据) exports: preamble, table, footnotes.

An NBS "分省年度数据" export (CSV or Excel, often GBK) looks like::

    数据库：分省年度数据
    指标：第二产业增加值(亿元)
    时间：最近24年
    地区,2023年,2022年,...
    北京市,9999.1,...
    ...
    注：1992-2023年数据根据第五次全国经济普查结果修订。
    数据来源：国家统计局

The English interface writes ``Database:``, ``Indicator:``, ``Time:``, ``Region`` and
``Note:`` / ``Data Source:``.  :func:`read_nbs_export` returns the table between the header
and the footnotes, the indicator name and the file line of the first data row.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..errors import DataError

__all__ = ["is_nbs_export", "read_nbs_export"]

_PREAMBLE = ("数据库", "Database")
_INDICATOR = ("指标", "Indicator")
_HEADER = ("地区", "Region", "省份", "Province", "指标", "Indicators")
_FOOTER = ("注", "Note", "数据来源", "Data Source", "Source")


def _first(cell: object) -> str:
    return "" if cell is None or (isinstance(cell, float) and cell != cell) else str(cell).strip().lstrip("\ufeff")


def _grid(path: Path, sheet: str | int) -> tuple[list[list[str]], str]:
    from .readers import decode_text, sniff_kind

    kind = sniff_kind(path)
    if kind == "csv":
        text, enc = decode_text(path.read_bytes(), path)
        return [list(r) for r in csv.reader(io.StringIO(text))], enc
    if kind in ("xlsx", "xls"):
        from .._optional import require

        if kind == "xlsx":
            require("openpyxl", extra="export")
        df = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
        return [[_first(v) for v in row] for row in df.itertuples(index=False)], kind
    return [], kind


def is_nbs_export(path: str | Path, sheet: str | int = 0) -> bool:
    """True when the file starts with the NBS export preamble (``数据库：`` / ``Database:``)."""
    from .readers import sniff_kind

    p = Path(path)
    try:
        if sniff_kind(p) == "csv":
            with p.open("rb") as fh:
                head = fh.read(64)
            return any(head.decode(enc, errors="ignore").lstrip("\ufeff").startswith(_PREAMBLE)
                       for enc in ("utf-8", "gb18030"))
        grid, _ = _grid(p, sheet)
    except (DataError, OSError, ValueError):
        return False
    return bool(grid) and bool(grid[0]) and _first(grid[0][0]).startswith(_PREAMBLE)


def read_nbs_export(path: str | Path, sheet: str | int = 0) -> tuple[pd.DataFrame, str, int]:
    """Return ``(table, indicator, first_data_line)`` of an NBS export.

    Raises
    ------
    DataError
        When no header row (``地区`` / ``Region`` …) follows the preamble, or a table row has
        more fields than the header.
    """
    p = Path(path)
    grid, enc = _grid(p, sheet)
    indicator = ""
    header_at = None
    for i, row in enumerate(grid):
        first = _first(row[0]) if row else ""
        if first.startswith(_INDICATOR) and ("：" in first or ":" in first) and header_at is None:
            indicator = first.replace("：", ":").split(":", 1)[1].strip()
        if first in _HEADER and len([c for c in row if _first(c)]) >= 2:
            header_at = i
            break
    if header_at is None:
        raise DataError("NBS export without a header row (地区/Region …) after the preamble", file=p)
    header = [_first(c) for c in grid[header_at]]
    while header and not header[-1]:
        header.pop()
    body = []
    for j in range(header_at + 1, len(grid)):
        row = [_first(c) for c in grid[j]]
        if not any(row) or row[0].startswith(_FOOTER):
            break
        while len(row) > len(header) and not row[-1]:
            row.pop()
        if len(row) > len(header):
            raise DataError(f"{len(row)} fields where the header has {len(header)}", file=p,
                            row=f"line {j + 1}")
        body.append(row + [""] * (len(header) - len(row)))
    df = pd.DataFrame(body, columns=header).replace("", pd.NA)
    df.attrs.update(encoding=enc, source=str(p), format="nbs-export", indicator=indicator)
    return df, indicator, header_at + 2
