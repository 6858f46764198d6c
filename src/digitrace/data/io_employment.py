"""Sectoral employment (``io/nbs/china_employment.csv``) aligned to NBS IO sectors.

The employment file (Wang, Jia & Wang 2021, 统计研究 38(12); 1990–2018, 万人)
uses the GB/T 4754-2017 sections (``A``…``T``) and their subdivisions
(``A01``, ``C27`` …), not IO product codes.  The concordances below map those
codes to the 42 IO sectors; they are built from the sector names of each table:

* ``io42_2017`` — the 42-sector tables of 2017, 2018 and 2020 (22 = 其他制造产品和废品废料,
  35 = 研究和试验发展, 36 = 综合技术服务);
* ``io42_2015`` — the 2015 extension table (22 其他制造产品, 23 废品废料, 36 科学研究和技术服务).

Judgement calls (documented in ``docs/io.md``): 开采专业及辅助性活动 (B06) and 其他采矿业
(B07) → 05 非金属矿和其他矿; 国际组织 (T, < 1 万人) → 42; 废弃资源综合利用业 (C30)
→ the 废品废料 sector.  Other tables (2002/2005/2010 classifications, the 122–153
sector tables) are not supported: :func:`employment_for_table` raises and says so.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..io.table import IOTable
from .readers import read_tabular

__all__ = ["load_employment", "employment_for_table", "EMPLOYMENT_CONCORDANCES", "detect_io42_variant"]

_COMMON = {
    "A": "01", "B01": "02", "B02": "03", "B03": "04", "B04": "04", "B05": "05", "B06": "05", "B07": "05",
    "C01": "06", "C02": "06", "C03": "06", "C04": "06", "C05": "07", "C06": "08", "C07": "08",
    "C08": "09", "C09": "09", "C10": "10", "C11": "10", "C12": "10", "C13": "11",
    "C14": "12", "C15": "12", "C16": "12", "C17": "12", "C18": "13", "C19": "14", "C20": "14",
    "C21": "15", "C22": "16", "C23": "17", "C24": "18", "C25": "18", "C26": "19", "C27": "20", "C28": "21",
}
_SERVICES_2017 = {"C29": "22", "C30": "22", "C31": "23", "D01": "24", "D02": "25", "D03": "26", "E": "27",
                  "F": "28", "G": "29", "H": "30", "I": "31", "J": "32", "K": "33", "L": "34",
                  "M01": "35", "M02": "36", "M03": "36", "N": "37", "O": "38", "P": "39", "Q": "40",
                  "R": "41", "S": "42", "T": "42"}
_SERVICES_2015 = {"C29": "22", "C30": "23", "C31": "24", "D01": "25", "D02": "26", "D03": "27", "E": "28",
                  "F": "29", "G": "30", "H": "31", "I": "32", "J": "33", "K": "34", "L": "35",
                  "M": "36", "N": "37", "O": "38", "P": "39", "Q": "40", "R": "41", "S": "42", "T": "42"}
EMPLOYMENT_CONCORDANCES: dict[str, dict[str, str]] = {
    "io42_2017": {**_COMMON, **_SERVICES_2017},
    "io42_2015": {**_COMMON, **_SERVICES_2015},
}
# name fingerprints: (code, substring of the Chinese name) that identify a variant
_FINGERPRINTS = {"io42_2017": (("22", "废品废料"), ("35", "研究和试验发展"), ("23", "修理")),
                 "io42_2015": (("23", "废品废料"), ("36", "科学研究"), ("24", "修理"))}


def load_employment(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``china_employment.csv``: index = code (``TOT``, sections, subdivisions),
    columns ``name_en, name_zh`` and one float column per year (万人).

    ``path`` defaults to ``<data>/io/nbs/china_employment.csv``.
    """
    if path is None:
        from ..paths import data_file

        path = data_file("io/nbs/china_employment.csv")
    p = Path(path)
    df = read_tabular(p, dtype={"Code": str})
    if "Code" not in df.columns:
        raise DataError("no 'Code' column", file=p)
    years = [c for c in df.columns if str(c).isdigit()]
    if not years:
        raise DataError("no year columns", file=p)
    out = df.set_index(df["Code"].astype(str).str.strip())[years].apply(pd.to_numeric, errors="coerce")
    out.index.name = "code"
    out.columns = [int(c) for c in years]
    out.insert(0, "name_zh", df.get("DescriptionInChinese", pd.Series("", index=df.index)).to_numpy())
    out.insert(0, "name_en", df.get("Description", pd.Series("", index=df.index)).to_numpy())
    out.attrs["source"] = str(p)
    return out


def detect_io42_variant(table: IOTable) -> str | None:
    """``"io42_2017"``, ``"io42_2015"`` or ``None`` from the table's sector names."""
    if table.n != 42:
        return None
    names = table.sectors["name_zh"]
    for variant, marks in _FINGERPRINTS.items():
        if all(code in names.index and sub in str(names[code]) for code, sub in marks):
            return variant
    return None


def employment_for_table(table: IOTable, *, year: int | None = None, data_dir: str | Path | None = None,
                         path: str | Path | None = None) -> pd.Series:
    """Employment (万人) by IO sector of ``table`` for ``year`` (default: the table's year).

    Uses the subdivision codes where the concordance names them (``B01``…) and
    the section totals otherwise (``A``, ``E`` …), so every person is counted once.

    Returns
    -------
    Series indexed by ``table.codes``; ``attrs``: ``unit`` = ``"persons per million CNY"``
    (for the employment coefficient), ``scale`` = factor turning 万人/万元 into
    that unit (1e6), ``variant``, ``source``.
    """
    variant = detect_io42_variant(table)
    if variant is None:
        raise DataError("employment concordance only for the NBS 42-sector tables of 2015 and of the "
                        "2017 classification (2017/2018/2020); this table has "
                        f"{table.n} sectors", file=table.source or None)
    if path is None and data_dir is not None:
        from ..paths import data_dir as _dd

        path = _dd(data_dir) / "io" / "nbs" / "china_employment.csv"
    emp = load_employment(path)
    y = int(year if year is not None else table.year)
    if y not in emp.columns:
        yrs = [c for c in emp.columns if isinstance(c, int)]
        raise DataError(f"no employment for {y}; the file covers {min(yrs)}–{max(yrs)}",
                        file=emp.attrs["source"], column=str(y))
    conc = EMPLOYMENT_CONCORDANCES[variant]
    missing = [c for c in conc if c not in emp.index]
    if missing:
        raise DataError(f"employment code {missing[0]!r} not found", file=emp.attrs["source"], row=missing[0])
    s = pd.Series(emp.loc[list(conc), y].to_numpy(float), index=list(conc)).groupby(pd.Series(conc)).sum()
    s = s.reindex(table.codes)
    if s.isna().any():
        raise DataError(f"no employment for IO sector {s.index[s.isna()][0]!r}", file=table.source or None)
    s.name = f"employment_{y}"
    s.attrs.update(unit="persons per million CNY" if table.unit == "10k CNY" else f"10k persons per {table.unit}",
                   scale=1e6 if table.unit == "10k CNY" else 1.0, variant=variant,
                   source=emp.attrs["source"], year=y)
    return s
