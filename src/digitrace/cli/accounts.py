"""``digitrace accounts``: digital industrialization / industrial digitalization totals.

Prints the totals table (year, source, table, estimator, gdp, di, id, de and
the shares) for every IO table in the data directory; ``--reconcile`` prints
the comparison with the published figures instead, ``--sectors`` the long
sector table.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION, emit


def register(app: typer.Typer) -> None:
    @app.command("accounts")
    def accounts_cmd(
        data: Optional[Path] = DATA_OPTION,
        estimator: str = typer.Option("all", "--estimator", "-e", help="io, growth, caict or all "
                                      "(or one of io_direct, io_complete, growth_lb, growth_pz)."),
        year: Optional[List[int]] = typer.Option(None, "--year", "-y", help="Only these years (repeatable)."),
        source: str = typer.Option("nbs,oecd", "--source", help="nbs, oecd or nbs,oecd."),
        reconcile: bool = typer.Option(False, "--reconcile", help="Print the reconciliation with published figures."),
        sectors: bool = typer.Option(False, "--sectors", help="Print the long sector-level table."),
        fmt: str = FORMAT_OPTION, out: Optional[Path] = OUT_OPTION,
    ) -> None:
        """Digital-economy accounts (DI = NBS core 01–04, ID = category 05) by year, table and estimator."""
        from ..accounts import digital_accounts
        from ..errors import SpecificationError

        if reconcile and sectors:
            raise SpecificationError("--reconcile and --sectors are alternative tables; give one of them")
        acc = digital_accounts(data, estimator=estimator, years=year or None,
                               sources=tuple(s.strip() for s in source.split(",") if s.strip()))
        if reconcile:
            df = acc.reconcile()
        elif sectors:
            df = acc.to_frame()
        else:
            df = acc.totals()
        emit(df, fmt, out)
