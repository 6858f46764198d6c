"""Province panel loader: long, panel or wide files -> one checked province × year panel.

Three layouts are read (CSV in UTF-8 or GBK, Excel, Stata ``.dta``; see
:func:`digitrace.data.readers.read_tabular`):

* ``"panel"`` -- one row per province and year, one column per variable (Stata ``xtset`` form);
* ``"long"``  -- one row per province, year and variable, with a value column
  (``variable=`` names the variable column or columns, ``value=`` the value column);
* ``"wide"``  -- one row per province, one column per year (``2019``, ``2019年``), as in the
  data.stats.gov.cn 分省年度数据 export; the variable is named by ``name=`` (default: the
  export's ``指标：`` line).  The export's preamble and footnotes are recognised and skipped.

Provinces are normalised to adcodes with :func:`~digitrace.data.provinces.resolve_provinces`
(every unknown label is reported at once, with its rows and closest matches).  National and
regional aggregate rows (全国, National, Eastern Region ...) are dropped and listed.

The result, :class:`Panel`, reports duplicate keys (with their source rows), a balance report
(missing cells per variable × year over the 31 provinces) and suspicious duplicated values
(:func:`~digitrace.data.dupseries.find_duplicate_series`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from .._results import Provenance, Result, check_option, file_sha256
from ..errors import DataError
from .dupseries import find_duplicate_series
from .nbs_export import is_nbs_export, read_nbs_export
from .provinces import is_aggregate_label, province_names, province_registry, resolve_provinces

__all__ = ["Panel", "load_panel", "find_duplicate_series", "PROVINCE_COLUMNS", "YEAR_COLUMNS"]

Layout = Literal["auto", "panel", "long", "wide"]
#: variable-column names that make ``layout="auto"`` read a file as long (with ``value``)
LONG_VARIABLE_COLUMNS = ("variable", "indicator", "var", "series", "指标", "指标名称", "变量")
_LAYOUTS = ("auto", "panel", "long", "wide")

#: province key columns tried in order when ``province=None`` (codes first: most reliable)
PROVINCE_COLUMNS = ("adcode", "prov_code", "province_code", "province", "province_cn", "prov_name",
                    "province_en", "prov_name_eng", "prov_en", "prov", "省份", "地区", "省", "region_name")
YEAR_COLUMNS = ("year", "fiscal year", "年份", "年度", "年", "time")
_NAME_LIKE = set(PROVINCE_COLUMNS) | {"province_raw", "region", "region4", "region3", "belt",
                                      "prov_code2", "id", "period", "flag", "source", "name"}
_NA_MARKERS = {"", "-", "—", "–", "..", "...", "…", "na", "n/a", "nan", "null", "none", "#n/a",
               "#value!", "无", "空"}
_YEAR_COL = re.compile(r"^\s*((?:19|20)\d\d)\s*年?\s*$")


@dataclass(frozen=True, repr=False)
class Panel(Result):
    """A province × year panel read from a file, with its quality reports.

    Attributes (all DataFrames are returned as copies)
    ----------
    data : DataFrame
        ``adcode, province, province_en, year`` and one column per variable, sorted by
        adcode and year.
    duplicates : DataFrame
        Every row of a duplicated (province, year[, variable]) key: ``adcode, year, variable,
        value, row`` (``row`` = file line).
    balance : DataFrame
        Missing cells per variable (rows) and year (columns), over the 31 provinces.
    suspicious : DataFrame
        Implausible identical values across provinces (see :func:`find_duplicate_series`).
    variables : tuple of str
    missing_provinces : tuple of int
        Registry adcodes with no value in the file (absent, or present with empty cells only).
    gaps : DataFrame
        Provinces without any value for a given variable.
    dropped_labels : tuple of str
        Aggregate labels whose rows were dropped (e.g. ``"全国"``).
    ignored_columns : tuple of str
        Non-numeric or name columns that are not variables.
    layout, source, encoding : str
    """

    _data: pd.DataFrame = field(repr=False, compare=False)
    _long: pd.DataFrame = field(repr=False, compare=False)
    _duplicates: pd.DataFrame = field(repr=False, compare=False)
    _balance: pd.DataFrame = field(repr=False, compare=False)
    _suspicious: pd.DataFrame = field(repr=False, compare=False)
    _gaps: pd.DataFrame = field(repr=False, compare=False)
    variables: tuple[str, ...] = ()
    missing_provinces: tuple[int, ...] = ()
    dropped_labels: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    layout: str = "panel"
    source: str = ""
    encoding: str = ""

    @property
    def data(self) -> pd.DataFrame:
        return self._data.copy()

    @property
    def duplicates(self) -> pd.DataFrame:
        return self._duplicates.copy()

    @property
    def balance(self) -> pd.DataFrame:
        return self._balance.copy()

    @property
    def suspicious(self) -> pd.DataFrame:
        return self._suspicious.copy()

    @property
    def gaps(self) -> pd.DataFrame:
        """Provinces with no value at all for a variable (``variable, adcode, province_en``),
        excluding provinces missing from the whole file (see ``missing_provinces``)."""
        return self._gaps.copy()

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(int(y) for y in self._data["year"].unique()))

    @property
    def provinces(self) -> tuple[int, ...]:
        return tuple(sorted(int(a) for a in self._data["adcode"].unique()))

    def long(self) -> pd.DataFrame:
        """Long form: ``adcode, year, variable, value, row`` (first occurrence of each key)."""
        return self._long.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.data

    def _headline(self) -> str:
        ys = self.years
        span = f"{ys[0]}–{ys[-1]}" if ys else "no years"
        return (f"{len(self.provinces)} provinces × {len(ys)} years ({span}), "
                f"{len(self.variables)} variables, {len(self._duplicates)} duplicate-key rows, "
                f"{len(self._suspicious)} suspicious")

    def report(self) -> pd.DataFrame:
        """One-row-per-check summary used by ``digitrace data check``."""
        miss = int(self._balance.to_numpy().sum()) if self._balance.size else 0
        return pd.DataFrame([
            {"check": "provinces resolved", "ok": True, "detail": f"{len(self.provinces)} of 31"
             + (f"; missing {', '.join(province_names('en')[a] for a in self.missing_provinces)}"
                if self.missing_provinces else "")},
            {"check": "duplicate keys", "ok": self._duplicates.empty,
             "detail": f"{len(self._duplicates)} rows"},
            {"check": "missing cells", "ok": True, "detail": f"{miss} of "
             f"{31 * len(self.years) * len(self.variables)}"},
            {"check": "duplicate series", "ok": self._suspicious.empty,
             "detail": "; ".join(f"{r.provinces} {r.variable} {r.year if r.year >= 0 else '(all years)'}"
                                 for r in self._suspicious.itertuples()) or "none"},
        ])


def _find_column(df: pd.DataFrame, wanted: str | None, candidates: Sequence[str], what: str,
                 path: Path) -> str | None:
    if wanted is not None:
        if wanted not in df.columns:
            raise DataError(f"no {what} column {wanted!r}; columns are {list(df.columns)}",
                            file=path, column=wanted)
        return wanted
    lower = {str(c).strip().lower(): c for c in df.columns}
    for c in candidates:
        if c in lower:
            return lower[c]
    return None


def _to_number(s: pd.Series, path: Path, column: str, rows: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    txt = s.astype(object).map(lambda v: v if not isinstance(v, str) else v.strip().replace(",", ""))
    na = txt.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                 or (isinstance(v, str) and v.lower() in _NA_MARKERS))
    num = pd.to_numeric(txt.where(~na, np.nan), errors="coerce")
    bad = num.isna() & ~na
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"value {s.iloc[i]!r} is not a number ({int(bad.sum())} such cells)",
                        file=path, row=f"line {rows.iloc[i]}", column=column)
    return num.astype(float)


def _numeric_like(s: pd.Series) -> bool:
    """Numeric column, or text whose cells are numbers or NA markers ("-", "…", "")."""
    if pd.api.types.is_numeric_dtype(s) or s.isna().all():
        return True
    txt = s.dropna().astype(str).str.strip().str.replace(",", "", regex=False)
    txt = txt[~txt.str.lower().isin(_NA_MARKERS)]
    return bool(len(txt)) and bool(pd.to_numeric(txt, errors="coerce").notna().all())


def _mostly_numeric(s: pd.Series) -> bool:
    """Text column whose cells are mostly numbers: a variable with stray text cells.

    Such a column is read as a variable so that its text cells raise a ``DataError``
    naming the line, instead of the whole column being ignored silently.
    """
    if pd.api.types.is_numeric_dtype(s) or s.isna().all():
        return False
    txt = s.dropna().astype(str).str.strip().str.replace(",", "", regex=False)
    txt = txt[~txt.str.lower().isin(_NA_MARKERS)]
    return bool(len(txt)) and float(pd.to_numeric(txt, errors="coerce").notna().mean()) >= 0.5


def _cross_check_names(raw: pd.DataFrame, adcode: pd.Series, pcol: str, rows: pd.Series,
                       path: Path) -> tuple[str, ...]:
    """Other province columns (names, codes) must agree with the key column.

    A column whose labels do not all resolve is not a province column and is skipped.
    Returns the columns that were checked.
    """
    from .provinces import _lookup

    lower = {str(c).strip().lower(): c for c in raw.columns}
    checked = []
    for cand in PROVINCE_COLUMNS:
        col = lower.get(cand)
        if col is None or col == pcol:
            continue
        labels = raw[col]
        mapping = {u: _lookup(u) for u in pd.unique(labels.astype(object))}
        other = labels.astype(object).map(mapping)
        if other.isna().any():
            continue
        bad = (other.astype("int64").to_numpy() != adcode.to_numpy())
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(f"province columns disagree: {pcol}={raw[pcol].iloc[i]!r} but "
                            f"{col}={labels.iloc[i]!r} ({int(bad.sum())} rows)", file=path,
                            row=f"line {rows.iloc[i]}", column=col)
        checked.append(str(col))
    return tuple(checked)


def _parse_years(s: pd.Series, path: Path, column: str, rows: pd.Series) -> pd.Series:
    txt = s.astype(str).str.strip().str.replace(r"\s*年$", "", regex=True).str.replace(r"\.0$", "", regex=True)
    ok = txt.str.fullmatch(r"(1[89]|2[01])\d\d")
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise DataError(f"year {s.iloc[i]!r} is not a four-digit year", file=path,
                        row=f"line {rows.iloc[i]}", column=column)
    return txt.astype(int)


def load_panel(path: str | Path, *, province: str | None = None, year: str | None = None,
               variable: str | Sequence[str] | None = None, value: str = "value",
               value_vars: Sequence[str] | None = None, layout: Layout = "auto",
               name: str = "value", aggregates: Literal["drop", "error"] = "drop",
               duplicates: Literal["raise", "first"] = "raise", sheet: str | int = 0,
               detect: bool = True, alpha: float = 0.01, check_names: bool = True) -> Panel:
    """Read a province panel file and normalise provinces to adcodes.

    Parameters
    ----------
    path : path-like
        CSV (UTF-8/GBK), Excel or Stata file; the format is detected from the content.
    province, year : str, optional
        Key columns; by default the first of :data:`PROVINCE_COLUMNS` / :data:`YEAR_COLUMNS`
        found (case-insensitive).
    variable : str or list of str, optional
        Variable column(s) of a long file (several are joined with ``"/"``); implies
        ``layout="long"``.
    value : str
        Value column of a long file.
    value_vars : list of str, optional
        Variables to keep (default: every numeric, non-key column).
    layout : {"auto", "panel", "long", "wide"}
        ``"auto"``: long when the file has a ``value`` column, a variable column named as in
        :data:`LONG_VARIABLE_COLUMNS` and repeated (province, year) keys; otherwise panel
        when a year column exists, else wide when two or more columns are years.
    name : str
        Variable name for a wide (years-as-columns) file.
    aggregates : {"drop", "error"}
        What to do with national/regional aggregate rows (全国, National, Eastern Region).
    duplicates : {"raise", "first"}
        A duplicated (province, year, variable) key raises a :class:`DataError` naming the
        rows, or (``"first"``) keeps the first and lists all in ``Panel.duplicates``.
    sheet : str or int
        Excel sheet.
    detect : bool
        Run the duplicate-series detector.
    alpha : float
        Threshold of the detector (see :func:`find_duplicate_series`).
    check_names : bool
        Other province columns (e.g. ``province_cn`` next to ``adcode``) must name the same
        province on every row; a disagreement raises a :class:`DataError` naming the line.

    Returns
    -------
    Panel
    """
    from .readers import read_tabular

    check_option("layout", layout, _LAYOUTS)
    check_option("aggregates", aggregates, ("drop", "error"))
    check_option("duplicates", duplicates, ("raise", "first"))
    p = Path(path)
    if is_nbs_export(p, sheet):                 # data.stats.gov.cn export: preamble + footnotes
        raw, indicator, offset = read_nbs_export(p, sheet)
        kind = "nbs-export"
        if name == "value" and indicator:
            name = indicator
    else:
        raw = read_tabular(p, sheet=sheet)
        kind = raw.attrs.get("format", "csv")
        offset = 1 if kind == "dta" else 2      # file line of data row 0 (header on line 1)
    raw.columns = [str(c).strip().lstrip("\ufeff") for c in raw.columns]
    raw = raw.reset_index(drop=True)
    rows = pd.Series(np.arange(len(raw)) + offset, index=raw.index, name="_row")

    pcol = _find_column(raw, province, PROVINCE_COLUMNS, "province", p)
    if pcol is None:
        sheets = ""
        if raw.attrs.get("format") in ("xlsx", "xls"):
            names = pd.ExcelFile(p).sheet_names
            if len(names) > 1:
                sheets = f"; this is sheet {sheet!r} of {names} (sheet=..., CLI: --sheet)"
        raise DataError(f"no province column found (tried {', '.join(PROVINCE_COLUMNS)}); "
                        f"pass province=... (CLI: --province COL); columns are {list(raw.columns)}"
                        + sheets, file=p)
    if variable is not None and layout == "auto":
        layout = "long"
    ycol = _find_column(raw, year, YEAR_COLUMNS, "year", p) if layout != "wide" else None
    year_cols = [c for c in raw.columns if _YEAR_COL.match(str(c))]
    if layout == "auto" and ycol is not None and value in raw.columns:
        # a long file read without variable=: a variable column next to `value` and
        # repeated (province, year) keys -> long layout on that column
        cand = [c for c in raw.columns if str(c).strip().lower() in LONG_VARIABLE_COLUMNS]
        if cand and raw.duplicated([pcol, ycol]).any():
            variable, layout = cand[0], "long"
    if layout == "auto":
        layout = "panel" if ycol is not None else ("wide" if len(year_cols) >= 2 else "panel")
    if layout in ("panel", "long") and ycol is None:
        raise DataError(f"no year column found (tried {', '.join(YEAR_COLUMNS)}); pass year=... (CLI: --year COL)",
                        file=p)

    # --- aggregates --------------------------------------------------------
    agg = raw[pcol].map(is_aggregate_label).astype(bool)
    dropped: tuple[str, ...] = ()
    if agg.any():
        if aggregates == "error":
            i = int(np.flatnonzero(agg.to_numpy())[0])
            raise DataError(f"aggregate row {raw[pcol].iloc[i]!r} in a province panel", file=p,
                            row=f"line {rows.iloc[i]}", column=pcol)
        dropped = tuple(dict.fromkeys(str(x) for x in raw.loc[agg, pcol]))
        raw, rows = raw[~agg], rows[~agg]
    adcode = resolve_provinces(raw[pcol], file=p, column=pcol, rows=list(rows))
    cross = _cross_check_names(raw, adcode, pcol, rows, p) if check_names else ()

    # --- to long -----------------------------------------------------------
    keys = {pcol} | ({ycol} if ycol else set())
    if layout == "long":
        vcols = [variable] if isinstance(variable, str) else list(variable or [])
        if not vcols:
            raise DataError("a long file needs variable=... (the variable column; CLI: --variable COL)", file=p)
        for c in vcols + [value]:
            if c not in raw.columns:
                raise DataError(f"no column {c!r}; columns are {list(raw.columns)}", file=p, column=c)
        var = raw[vcols].astype(str).agg("/".join, axis=1) if len(vcols) > 1 else raw[vcols[0]].astype(str)
        long = pd.DataFrame({"adcode": adcode.to_numpy(),
                             "year": _parse_years(raw[ycol], p, ycol, rows).to_numpy(),
                             "variable": var.to_numpy(),
                             "value": _to_number(raw[value], p, value, rows).to_numpy(),
                             "_row": rows.to_numpy()})
        if value_vars is not None:
            long = long[long["variable"].isin(list(value_vars))]
        ignored = tuple(c for c in raw.columns if c not in keys | set(vcols) | {value})
    else:
        if layout == "wide":
            cols = list(year_cols)
            if not cols:
                raise DataError("no year columns (like 2019 or 2019年) in a wide file", file=p)
        else:
            cols = list(value_vars) if value_vars is not None else [
                c for c in raw.columns if c not in keys and c.lower() not in _NAME_LIKE
                and (_numeric_like(raw[c]) or _mostly_numeric(raw[c]))]
            missing = [c for c in cols if c not in raw.columns]
            if missing:
                raise DataError(f"value_vars not in the file: {missing}", file=p, column=missing[0])
        ignored = tuple(c for c in raw.columns if c not in keys and c not in cols)
        parts = []
        yrs = _parse_years(raw[ycol], p, ycol, rows).to_numpy() if layout == "panel" else None
        for c in cols:
            v = _to_number(raw[c], p, c, rows).to_numpy()
            if layout == "wide":
                yr = np.full(len(raw), int(_YEAR_COL.match(c).group(1)))
                vn = name
            else:
                yr, vn = yrs, c
            parts.append(pd.DataFrame({"adcode": adcode.to_numpy(), "year": yr,
                                       "variable": vn, "value": v, "_row": rows.to_numpy()}))
        long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["adcode", "year", "variable", "value", "_row"])

    # --- duplicate keys ----------------------------------------------------
    key = ["adcode", "year", "variable"]
    dmask = long.duplicated(key, keep=False)
    dups = long[dmask].sort_values(key + ["_row"]).rename(columns={"_row": "row"})
    if len(dups) and duplicates == "raise":
        first = dups.iloc[0]
        same = dups[(dups.adcode == first.adcode) & (dups.year == first.year)
                    & (dups.variable == first.variable)]
        n_keys = len(dups.drop_duplicates(key))
        raise DataError(
            f"{n_keys} duplicated (province, year, variable) key(s); first: "
            f"{province_names('en')[int(first.adcode)]} {int(first.year)} {first.variable!r} on lines "
            f"{', '.join(map(str, same['row']))} (pass duplicates='first' to keep the first "
            "and get the list in Panel.duplicates)", file=p, row=f"line {int(same['row'].iloc[-1])}",
            column=pcol)
    long = long[~long.duplicated(key, keep="first")].reset_index(drop=True)

    # --- wide data ---------------------------------------------------------
    variables = tuple(dict.fromkeys(long["variable"]))
    wide = long.pivot(index=["adcode", "year"], columns="variable", values="value")
    wide = wide.reindex(columns=list(variables)).reset_index()
    wide.columns.name = None
    wide.insert(1, "province", wide["adcode"].map(province_names("cn")))
    wide.insert(2, "province_en", wide["adcode"].map(province_names("en")))
    wide = wide.sort_values(["adcode", "year"]).reset_index(drop=True)

    # --- balance: missing cells per variable × year over the 31 provinces ---
    all_codes = province_registry()["adcode"].astype(int).tolist()
    if len(long):
        years = list(range(int(long["year"].min()), int(long["year"].max()) + 1))
        present = long[long["value"].notna()].groupby(["variable", "year"]).size()
        full = pd.MultiIndex.from_product([list(variables), years], names=["variable", "year"])
        balance = (31 - present.reindex(full, fill_value=0)).unstack("year")
        balance = balance.reindex(list(variables))
    else:
        balance = pd.DataFrame()
    with_data = long[long["value"].notna()]
    missing_prov = tuple(a for a in all_codes if a not in set(with_data["adcode"]))
    have = set(zip(with_data["variable"], with_data["adcode"]))
    gaps = pd.DataFrame([(v, a, province_names("en")[a]) for v in variables for a in all_codes
                         if (v, a) not in have and a not in missing_prov],
                        columns=["variable", "adcode", "province_en"])

    sus = (find_duplicate_series(long, alpha=alpha) if detect and len(long)
           else pd.DataFrame(columns=["kind", "variable", "year", "value", "adcodes",
                                      "provinces", "rows", "p_chance"]))
    prov = Provenance(
        method="digitrace.data.load_panel",
        params={"province": pcol, "cross_checked": cross, "year": ycol, "variable": variable, "value": value,
                "layout": layout, "aggregates": aggregates, "duplicates": duplicates,
                "detect": detect, "alpha": alpha},
        inputs=((str(p), file_sha256(p)),))
    return Panel(_data=wide, _long=long.rename(columns={"_row": "row"}), _duplicates=dups.reset_index(drop=True),
                 _balance=balance, _gaps=gaps, _suspicious=sus.reset_index(drop=True), variables=variables,
                 missing_provinces=missing_prov, dropped_labels=dropped, ignored_columns=ignored,
                 layout=layout, source=str(p), encoding=str(raw.attrs.get("encoding", kind)),
                 provenance=prov)
