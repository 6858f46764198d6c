"""``digitrace data``: check the data directory, inspect panels and the province registry."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION, emit


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(no_args_is_help=True, help="Data directory: validate files, read panels, provinces.")
    app.add_typer(data_app, name="data")

    @data_app.command("check")
    def check(
        data: Optional[Path] = DATA_OPTION,
        fmt: str = FORMAT_OPTION,
        out: Optional[Path] = OUT_OPTION,
        details: bool = typer.Option(False, "--details", help="One row per check instead of per file."),
    ) -> None:
        """Validate every known file; exit 0 when only known, reported defects are found."""
        from ..data.check import run_checks

        res = run_checks(data, progress=True)
        emit(res.details if details else res.to_frame(), fmt, out)
        typer.echo(f"data check: {res._headline()}; exit {res.exit_code}", err=True)
        if res.exit_code:
            # typer.Exit(code) is swallowed (returned) under standalone_mode=False; exit directly
            sys.exit(res.exit_code)

    @data_app.command("panel")
    def panel(
        path: Path = typer.Argument(..., help="Province panel file (CSV, Excel or .dta)."),
        province: Optional[str] = typer.Option(None, "--province", help="Province column (default: auto)."),
        year: Optional[str] = typer.Option(None, "--year", help="Year column (default: auto)."),
        variable: Optional[List[str]] = typer.Option(None, "--variable", help="Variable column(s) of a long file."),
        value: str = typer.Option("value", "--value", help="Value column of a long file."),
        sheet: str = typer.Option("0", "--sheet", help="Excel sheet: name or 0-based position."),
        report: str = typer.Option("summary", "--report", "-r",
                                   help="What to print: summary, data, balance, duplicates or suspicious."),
        fmt: str = FORMAT_OPTION,
        out: Optional[Path] = OUT_OPTION,
    ) -> None:
        """Read a province panel, normalise provinces to adcodes and print a report."""
        from .._results import check_option
        from ..data.panel import load_panel

        check_option("--report", report, ("summary", "data", "balance", "duplicates", "suspicious"))
        p = load_panel(path, province=province, year=year, variable=variable or None, value=value,
                       duplicates="first", sheet=int(sheet) if sheet.isdigit() else sheet)
        frames = {"summary": lambda: p.report().set_index("check"), "data": lambda: p.data,
                  "balance": lambda: p.balance, "duplicates": lambda: p.duplicates,
                  "suspicious": lambda: p.suspicious}
        typer.echo(repr(p), err=True)
        emit(frames[report](), fmt, out)

    @data_app.command("provinces")
    def provinces(fmt: str = FORMAT_OPTION, out: Optional[Path] = OUT_OPTION) -> None:
        """Print the 31-province registry (adcode, names, NBS regions, three belts)."""
        from ..data.provinces import province_registry

        emit(province_registry(), fmt, out)
