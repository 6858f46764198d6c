"""Loaders for national input-output tables → :class:`~digitrace.io.table.IOTable`.

* :func:`load_io_table` reads the NBS family of tables (``china_YEAR_N.csv``:
  122/135/139/149/153-sector competitive-import tables, the 41/42-sector extension
  tables, and the 42-sector non-competitive tables with an ``Origin`` column).
  The layout is detected from the table's own markers — column markers ``TIU``,
  ``FU1xx``/``FU2xx``, ``THC``, ``TC``, ``GCF``, ``TFU``, ``EX``, ``IM``, ``ERR``,
  ``GO`` and row markers ``TII``, ``VA00x``, ``TVA``, ``TI`` — never from sizes.
* :func:`load_oecd_iot` reads the OECD 2021-edition national IOTs for China.
* :func:`io_catalog` lists the table files in a data directory and
  :func:`load_io_year` loads the table of one year.

CSV (UTF-8 or GBK), ``.xlsx`` (also when saved under a ``.csv`` name) are read by
:func:`digitrace.data.readers.read_tabular`.  Every error names the file and
the row and/or column.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import DataError
from ..io.balance import DEFAULT_RTOL, OnImbalance, check_balance
from ..io.table import VA_COMPONENTS, IOTable
from .io_parse import (_COL_NONFD, _DOMESTIC, _FILE, _IMPORTS, _ROW_MARKERS, _SUBTOTALS,  # noqa: F401
                       _VA_NAMES, FINAL_DEMAND_ROLES, _key, _label_columns, _match, _numeric, _pad,
                       _sector_rows, _year_from)
from .readers import read_tabular

__all__ = ["load_io_table", "load_oecd_iot", "io_catalog", "load_io_year", "check_sources", "FINAL_DEMAND_ROLES"]

def load_io_table(path: str | Path, *, year: int | None = None, check: bool = True,
                  on_imbalance: OnImbalance = "raise", rtol: float = DEFAULT_RTOL,
                  atol: float = 0.0, unit: str = "10k CNY") -> IOTable:
    """Read an NBS-family input-output table.

    Parameters
    ----------
    path : path-like
        ``china_YEAR_N.csv`` (or ``.xlsx``; GBK-encoded CSV is detected).
    year : int, optional
        Defaults to the first 4-digit year in the file name.
    check : bool
        Run :func:`digitrace.io.check_balance` (columns Σinputs + VA = x, rows
        Σuses − IM + ERR = x, Z ≥ 0, published subtotals) with ``|gap| <= rtol·|x_j| + atol``.
    on_imbalance : {"raise", "warn", "ignore"}
        :class:`~digitrace.errors.BalanceError` (default) or
        :class:`~digitrace.errors.BalanceWarning` on failure.
    rtol, atol : float
        Tolerances, default ``1e-6`` relative and 0 absolute (the NBS files
        balance to better than 1e-9).
    unit : str
        Unit label, default ``"10k CNY"`` (万元).

    Returns
    -------
    IOTable
        ``kind="noncompetitive"`` when an ``Origin`` column with Domestic/Imports rows
        is found: ``Z`` is then the domestic block, ``Z_imports`` the imported block,
        ``meta["import_totals"]`` the imports by product (the ``GO`` of the import rows).
    """
    p = Path(path)
    df = read_tabular(p, dtype=str)
    df.columns = [str(c).strip() for c in df.columns]
    code_col, en_col, zh_col, origin_col = _label_columns(df)
    codes = df[code_col].fillna("").astype(str).str.strip().str.upper()
    if "year" in {c.lower() for c in df.columns} and "OUTPUT" in set(codes):
        raise DataError("this is the stacked OECD layout (year column, OUTPUT rows): use "
                        "load_oecd_iot(path, year), or 'oecd:YEAR' on the command line", file=p)
    markers = [c for c in df.columns if c.upper() in _COL_NONFD or c.upper() in FINAL_DEMAND_ROLES
               or c.upper() in _SUBTOTALS]
    markers += [c for c in codes if c in _ROW_MARKERS or re.fullmatch(r"VA\d+", c)]
    srows = _sector_rows(codes)
    if not srows:
        raise DataError("no sector rows found before the TII/VA rows", file=p, column=code_col)
    label_cols = [c for c in (code_col, en_col, zh_col, origin_col) if c is not None]
    cols = list(df.columns)
    upper = [c.upper() for c in cols]
    row_keys = {_key(codes.iloc[i]) for i in srows}
    if "TIU" in upper:
        tiu = upper.index("TIU")
        scols = [c for c in cols[:tiu] if c not in label_cols]
    else:  # no TIU marker: the sector columns are those named like a sector row
        scols = [c for c in cols if c not in label_cols and _key(c) in row_keys]
        tiu = max(cols.index(c) for c in scols) if scols else len(label_cols) - 1
    if not scols:
        raise DataError("no intermediate-use columns found (expected sector codes before TIU)", file=p)
    if "GO" not in upper and "TI" not in set(codes):
        raise DataError("no gross output: neither a GO column nor a TI row", file=p)
    go_col = cols[upper.index("GO")] if "GO" in upper else None
    end = upper.index("GO") if "GO" in upper else len(cols)
    after = cols[tiu + 1 if "TIU" in upper else tiu + 1:end]
    present = {c.upper() for c in after}
    fd_cols, dropped = [], []
    for c in after:
        u = c.upper()
        if u in _COL_NONFD or c in label_cols:
            if u == "TFU":
                dropped.append(c)
            continue
        if u in _SUBTOTALS and present.intersection(_SUBTOTALS[u]):
            dropped.append(c)
            continue
        fd_cols.append(c)
    fd_labels = {c: FINAL_DEMAND_ROLES.get(c.upper(), "other") for c in fd_cols}

    # split sector rows into domestic / imported blocks
    kind = "competitive"
    if origin_col is not None:
        org = df[origin_col].fillna("").astype(str).str.strip().str.lower()
        dom = [i for i in srows if org.iloc[i] in _DOMESTIC]
        imp = [i for i in srows if org.iloc[i] in _IMPORTS]
        other = [i for i in srows if i not in set(dom) | set(imp)]
        if other:
            raise DataError(f"unknown Origin {df[origin_col].iloc[other[0]]!r} (expected Domestic or Imports)",
                            file=p, row=codes.iloc[other[0]], column=origin_col)
        if imp:
            kind = "noncompetitive"
        srows = dom
    else:
        imp = []
    row_codes = [codes.iloc[i] for i in srows]
    _match(row_codes, scols, p, "domestic" if kind == "noncompetitive" else "sector")
    # reorder columns to row order
    col_by_key = {_key(c): c for c in scols}
    scols = [col_by_key[_key(c)] for c in row_codes]
    out_codes = _pad([df[code_col].iloc[i].strip() for i in srows])
    idx = pd.Index(out_codes, name="code")
    labels = list(out_codes)

    Z = _numeric(df, [df.index[i] for i in srows], scols, labels, p)
    F = _numeric(df, [df.index[i] for i in srows], fd_cols, labels, p) if fd_cols else np.zeros((len(srows), 0))
    ridx = [df.index[i] for i in srows]

    def col(name: str, default: float | None = 0.0) -> np.ndarray | None:
        if name in upper:
            return _numeric(df, ridx, [cols[upper.index(name)]], labels, p)[:, 0]
        return None if default is None else np.full(len(srows), default)

    # value-added and total rows (one row each)
    pos = {c: i for i, c in enumerate(codes) if c in _ROW_MARKERS or re.fullmatch(r"VA\d+", c)}
    va_rows = [c for c in pos if re.fullmatch(r"VA\d+", c)]

    # parse all marker rows in one block (row-by-row .loc on a string frame is slow)
    marker_vals = _numeric(df, [df.index[i] for i in pos.values()], scols, list(pos), p) if pos else None
    marker_row = {name: k for k, name in enumerate(pos)}

    def row(name: str) -> np.ndarray:
        return np.array(marker_vals[marker_row[name]])

    comp = {(_VA_NAMES.get(c, c)): row(c) for c in va_rows}
    va_comp = pd.DataFrame({k: comp.get(k, np.full(len(srows), np.nan)) for k in VA_COMPONENTS}, index=idx)
    for k, v in comp.items():
        if k not in va_comp:
            va_comp[k] = v
    if "TVA" in pos:
        va = row("TVA")
    elif comp:
        va = np.sum(list(comp.values()), axis=0)
    else:
        raise DataError("no value-added rows (TVA or VA00x) found", file=p, column=code_col)
    x = col("GO", None)
    ti = row("TI") if "TI" in pos else None
    if x is None:
        x = ti

    published: dict[str, tuple] = {}
    Zm = Fm = mtot = None
    if kind == "noncompetitive":
        imp_codes = [codes.iloc[i] for i in imp]
        _match(imp_codes, scols, p, "imports")
        order = {_key(c): k for k, c in enumerate(imp_codes)}
        imp = [imp[order[_key(c)]] for c in row_codes]
        iidx = [df.index[i] for i in imp]
        ilabels = [f"{c} (Imports)" for c in labels]
        Zm = _numeric(df, iidx, scols, ilabels, p)
        Fm = _numeric(df, iidx, fd_cols, ilabels, p) if fd_cols else np.zeros((len(imp), 0))
        if go_col is not None:
            mtot = _numeric(df, iidx, [go_col], ilabels, p)[:, 0]
    if "TII" in pos:
        published["TII"] = (row("TII"), Z.sum(0) + (Zm.sum(0) if Zm is not None else 0),
                            "published TII = sum of intermediate inputs")
    if ti is not None and go_col is not None:
        published["TI"] = (ti, x, "published TI (column) = GO (row)")
    tiu_v = col("TIU", None)
    if tiu_v is not None:
        published["TIU"] = (tiu_v, Z.sum(1), "published TIU = sum of intermediate uses")
    tfu_v = col("TFU", None)
    if tfu_v is not None:
        published["TFU"] = (tfu_v, F.sum(1), "published TFU = sum of final uses")

    ex_col = next((c for c in fd_cols if fd_labels[c] == "exports"), None)
    sectors = pd.DataFrame({
        "name_en": [str(df[en_col].iloc[i]).strip() if en_col else "" for i in srows],
        "name_zh": [str(df[zh_col].iloc[i]).strip() if zh_col else "" for i in srows]}, index=idx)
    meta = {"markers": markers, "n_sectors": len(srows), "format": df.attrs.get("format"),
            "encoding": df.attrs.get("encoding"), "final_demand_subtotals_dropped": dropped,
            "published_totals": published, "layout": "nbs"}
    if mtot is not None:
        meta["import_totals"] = pd.Series(mtot, index=idx, name="imports")
    table = IOTable(
        Z=pd.DataFrame(Z, index=idx, columns=idx.copy()),
        final_demand=pd.DataFrame(F, index=idx, columns=fd_cols),
        va=pd.Series(va, index=idx, name="va"), va_components=va_comp,
        x=pd.Series(x, index=idx, name="x"),
        exports=pd.Series(F[:, fd_cols.index(ex_col)] if ex_col else np.zeros(len(srows)), index=idx,
                          name="exports"),
        imports=pd.Series(col("IM"), index=idx, name="imports"),
        sectors=sectors, year=_year_from(p, year), unit=unit, source=str(p), kind=kind,
        errors=pd.Series(col("ERR"), index=idx, name="errors"),
        Z_imports=None if Zm is None else pd.DataFrame(Zm, index=idx, columns=idx.copy()),
        final_demand_imports=None if Fm is None else pd.DataFrame(Fm, index=idx, columns=fd_cols),
        final_demand_labels=fd_labels, meta=meta)
    if check:
        meta["balance"] = check_balance(table, rtol=rtol, atol=atol, on_imbalance=on_imbalance)
    return table


def _header(path: Path) -> list[str]:
    from .readers import decode_text, sniff_kind

    if sniff_kind(path) != "csv":
        return [str(c) for c in read_tabular(path, nrows=0).columns]
    with path.open("rb") as fh:
        raw = fh.read(65536)
    text, _ = decode_text(raw[: raw.rfind(b"\n") + 1] or raw, path)
    import csv
    import io as _io

    return next(csv.reader(_io.StringIO(text)))


def io_catalog(data_dir: str | Path | None = None) -> pd.DataFrame:
    """List the IO table files under ``<data>/io``.

    Returns a DataFrame with columns ``path, year, n_sectors, kind, source``
    (``source`` = ``"nbs"`` or ``"oecd"``; one row per year for the stacked OECD
    file).  ``n_sectors`` and ``kind`` come from the file header (sector columns
    before ``TIU``; an ``Origin`` column means non-competitive), not from the name.
    """
    from ..paths import data_dir as _resolve

    root = _resolve(data_dir)
    rows = []
    for f in sorted((root / "io" / "nbs").glob("*")):
        m = _FILE.match(f.stem)
        if not m or f.suffix.lower() not in (".csv", ".xlsx"):
            continue
        head = [h.strip() for h in _header(f)]
        up = [h.upper() for h in head]
        end = up.index("TIU") if "TIU" in up else len(head)
        n = sum(1 for h in head[:end] if _key(h).isdigit())
        rows.append({"path": str(f), "year": int(m.group(1)), "n_sectors": n,
                     "kind": "noncompetitive" if "ORIGIN" in up else "competitive", "source": "nbs"})
    for f in sorted((root / "io" / "oecd").glob("*.csv")):
        if "year" not in {h.strip().lower() for h in _header(f)}:
            continue
        st = stacked_oecd(f)  # parsed once per process; load_oecd_iot reuses it
        for y in st.available:
            n_sec = sum(1 for c, yy in zip(st.codes, st.years) if yy == y and c.isdigit())
            rows.append({"path": str(f), "year": y, "n_sectors": n_sec, "kind": "competitive",
                         "source": "oecd"})
    return pd.DataFrame(rows, columns=["path", "year", "n_sectors", "kind", "source"])


SOURCES = ("nbs", "oecd")


def check_sources(sources) -> tuple[str, ...]:
    """Validate a selection of IO table sources (``"nbs"``, ``"oecd"``); returns it as a tuple.

    Raises
    ------
    SpecificationError
        For an unknown or empty selection.
    """
    from ..errors import SpecificationError

    out = tuple(str(s) for s in sources)
    bad = [s for s in out if s not in SOURCES]
    if bad or not out:
        raise SpecificationError(f"unknown source {bad[0]!r}; choose nbs, oecd or both" if bad
                                 else "no source given; choose nbs, oecd or both")
    return out


def load_io_year(data_dir: str | Path | None, year: int, n_sectors: int | None = None,
                 source: Literal["nbs", "oecd"] = "nbs", **kwargs) -> IOTable:
    """Load the IO table of ``year`` from the data directory.

    With several NBS tables for the year and no ``n_sectors``, the most detailed
    competitive-import table is chosen (e.g. 2017 → 149 sectors, not the 42-sector
    non-competitive table).  A missing year raises a :class:`DataError` listing the
    years that exist.  ``kwargs`` go to the loader.
    """
    cat = io_catalog(data_dir)
    cat = cat[cat["source"] == source]
    if cat.empty:
        raise DataError(f"no {source.upper()} IO tables found", file=Path(str(data_dir or "")) / "io")
    sel = cat[cat["year"] == int(year)]
    if sel.empty:
        raise DataError(f"no {source.upper()} IO table for {year}; tables exist for "
                        f"{', '.join(map(str, sorted(set(cat['year']))))}", file=Path(cat['path'].iloc[0]).parent)
    if n_sectors is not None:
        hit = sel[sel["n_sectors"] == int(n_sectors)]
        if hit.empty:
            raise DataError(f"no {n_sectors}-sector table for {year}; available sizes "
                            f"{sorted(set(sel['n_sectors']))}", file=Path(sel['path'].iloc[0]).parent)
        sel = hit
    sel = sel.assign(_c=(sel["kind"] == "competitive")).sort_values(["_c", "n_sectors"], ascending=False)
    path = sel["path"].iloc[0]
    if source == "oecd":
        return load_oecd_iot(path, int(year), **kwargs)
    return load_io_table(path, year=int(year), **kwargs)


from .oecd_iot import load_oecd_iot, stacked_oecd  # noqa: E402,F401  (re-export; defined in its own module)
