"""``digitrace io``: summary, linkages, multipliers, extraction and catalog of IO tables.

``TABLE`` is a file path (NBS layout, CSV/XLSX), or a shorthand resolved in the
data directory: ``2017`` (most detailed competitive table of the year),
``2017:42`` (the 42-sector table of 2017) or ``oecd:2018``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION, emit

TABLE_ARG = typer.Argument(..., help="IO table file, or YEAR, YEAR:NSECTORS, oecd:YEAR (looked up in --data).")
IMBALANCE_OPTION = typer.Option("raise", "--on-imbalance", help="raise (default), warn or ignore a failed balance check.")
YEAR_OPTION = typer.Option(None, "--year", help="Year of a table FILE whose name has none (e.g. my_table.csv).")


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    """Validate an option value; a bad one is a user error (one line, exit 2)."""
    from ..errors import SpecificationError

    if value not in allowed:
        raise SpecificationError(f"{option} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _load(table: str, data: Optional[Path], on_imbalance: str = "raise", year: Optional[int] = None):
    import re

    _choice("--on-imbalance", on_imbalance, ("raise", "warn", "ignore"))

    from ..data.io_tables import load_io_table, load_io_year

    m = re.fullmatch(r"(?:(oecd):)?((?:19|20)\d{2})(?::(\d+))?", table.strip(), flags=re.I)
    if m and not Path(table).exists():
        source = "oecd" if m.group(1) else "nbs"
        return load_io_year(data, int(m.group(2)), int(m.group(3)) if m.group(3) else None,
                            source=source, on_imbalance=on_imbalance)
    return load_io_table(table, on_imbalance=on_imbalance, year=year)


DOMESTIC_OPTION = typer.Option(False, "--domestic", help="Split a competitive table into domestic/imported blocks (import proportionality) first.")
CLIP_OPTION = typer.Option(False, "--clip", help="With --domestic: cap import shares at 1 (processing trade) instead of failing.")


def _domestic(t, domestic: bool, clip: bool):
    if not domestic:
        return t
    from ..io.imports import domestic_table

    return domestic_table(t, clip=clip)


def _with_name_en(df, t):
    """Add the English sector name next to the Chinese one (as linkages and multipliers have)."""
    if "name_zh" in df.columns and "name_en" not in df.columns and "name_en" in t.sectors.columns:
        df = df.copy()
        df.insert(list(df.columns).index("name_zh"), "name_en",
                  df.index.map(t.sectors["name_en"].to_dict()))
    return df


def summary_frame(t):
    """Key facts and balance checks of a table as a two-column DataFrame."""
    import pandas as pd

    rows = [("file", t.source), ("year", t.year), ("sectors", t.n), ("kind", t.kind), ("unit", t.unit),
            ("gross output", f"{t.x.sum():.6g}"), ("value added", f"{t.va.sum():.6g}"),
            ("intermediate use", f"{t.Z.to_numpy().sum():.6g}"),
            ("final demand", f"{t.final_demand.to_numpy().sum():.6g}"),
            ("final-demand columns", " ".join(f"{c}({r})" for c, r in t.final_demand_labels.items())),
            ("exports", f"{t.exports.sum():.6g}"),
            ("imports", f"{(t.meta['import_totals'].sum() if t.meta.get('import_totals') is not None else t.imports.sum()):.6g}")]
    if t.Z_imports is not None:
        rows.append(("imported intermediate use", f"{t.Z_imports.to_numpy().sum():.6g}"))
    rep = t.meta.get("balance")
    if rep is not None:
        for name, r in rep.to_frame().iterrows():
            status = "ok" if r["passed"] else f"FAILED ({r['n_failed']} sectors)"
            rows.append((f"check {name}", f"{status}; max |gap| {abs(r['gap']):.3g} at {r['worst_sector']}"
                         if not name.startswith("Z") else status))
    return pd.DataFrame(rows, columns=["item", "value"]).set_index("item")


def register(app: typer.Typer) -> None:
    io_app = typer.Typer(no_args_is_help=True, help="Input-output tables: summary, linkages, multipliers, extraction.")

    @io_app.command("summary")
    def summary(table: str = TABLE_ARG, data: Optional[Path] = DATA_OPTION, fmt: str = FORMAT_OPTION,
                out: Optional[Path] = OUT_OPTION, on_imbalance: str = IMBALANCE_OPTION,
                year: Optional[int] = YEAR_OPTION) -> None:
        """Year, size, totals and balance checks of an IO table."""
        emit(summary_frame(_load(table, data, on_imbalance, year)), fmt, out)

    @io_app.command("linkages")
    def linkages_cmd(table: str = TABLE_ARG, data: Optional[Path] = DATA_OPTION, fmt: str = FORMAT_OPTION,
                     out: Optional[Path] = OUT_OPTION,
                     forward: str = typer.Option("ghosh", "--forward", help="Forward linkage from ghosh (G rows) or leontief (L rows)."),
                     sort: Optional[str] = typer.Option(None, "--sort", help="Sort descending by this column (BL, FL, ...)."),
                     top: Optional[int] = typer.Option(None, "--top", min=1, help="Keep the first N rows."),
                     domestic: bool = DOMESTIC_OPTION, clip: bool = CLIP_OPTION,
                     year: Optional[int] = YEAR_OPTION, on_imbalance: str = IMBALANCE_OPTION) -> None:
        """Rasmussen–Hirschman backward/forward linkages and key-sector classes."""
        from ..io.linkages import linkages

        _choice("--forward", forward, ("ghosh", "leontief"))
        df = linkages(_domestic(_load(table, data, on_imbalance, year), domestic, clip), forward=forward).to_frame()
        if sort:
            _choice("--sort", sort, tuple(df.columns))
            df = df.sort_values(sort, ascending=False)
        emit(df.head(top) if top else df, fmt, out)

    @io_app.command("multipliers")
    def multipliers_cmd(table: str = TABLE_ARG, data: Optional[Path] = DATA_OPTION, fmt: str = FORMAT_OPTION,
                        out: Optional[Path] = OUT_OPTION,
                        employment: bool = typer.Option(False, "--employment", help="Add employment multipliers (NBS 42-sector tables, 2015/2017/2018)."),
                        domestic: bool = DOMESTIC_OPTION, clip: bool = CLIP_OPTION,
                        year: Optional[int] = YEAR_OPTION, on_imbalance: str = IMBALANCE_OPTION) -> None:
        """Output, value-added (and employment) multipliers."""
        from ..io.multipliers import multipliers

        t = _domestic(_load(table, data, on_imbalance, year), domestic, clip)
        kw = {}
        if employment:
            from ..data.io_employment import employment_for_table

            emp = employment_for_table(t, data_dir=data)
            kw = dict(employment=emp, employment_scale=emp.attrs["scale"], employment_unit=emp.attrs["unit"])
        emit(multipliers(t, **kw).to_frame(), fmt, out)

    @io_app.command("extract")
    def extract_cmd(table: str = TABLE_ARG,
                    sectors: Optional[str] = typer.Option(None, "--sectors", "-s", help="Comma-separated sector codes to extract together; omit to extract each sector alone."),
                    method: str = typer.Option("total", "--method", help="total, backward or forward."),
                    data: Optional[Path] = DATA_OPTION, fmt: str = FORMAT_OPTION, out: Optional[Path] = OUT_OPTION,
                    year: Optional[int] = YEAR_OPTION, on_imbalance: str = IMBALANCE_OPTION) -> None:
        """Hypothetical extraction: output loss when sectors are removed."""
        from ..io.extraction import extraction, extraction_all

        _choice("--method", method, ("total", "backward", "forward"))
        t = _load(table, data, on_imbalance, year)
        if sectors:
            res = extraction(t, [s.strip() for s in sectors.split(",") if s.strip()], method=method)
            typer.echo(repr(res), err=True)
            emit(_with_name_en(res.to_frame(), t), fmt, out)
        else:
            emit(_with_name_en(extraction_all(t, methods=(method,)), t), fmt, out)

    @io_app.command("catalog")
    def catalog_cmd(data: Optional[Path] = DATA_OPTION, fmt: str = FORMAT_OPTION, out: Optional[Path] = OUT_OPTION) -> None:
        """IO table files found in the data directory."""
        from ..data.io_tables import io_catalog

        emit(io_catalog(data), fmt, out)

    app.add_typer(io_app, name="io")
