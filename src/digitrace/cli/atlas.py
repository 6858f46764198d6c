"""``digitrace atlas``: build the offline HTML atlas."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ._common import DATA_OPTION


def register(app: typer.Typer) -> None:
    @app.command("atlas")
    def atlas(
        data: Optional[Path] = DATA_OPTION,
        out: Path = typer.Option(Path("atlas"), "--out", "-o", help="Output folder (replaced atomically)."),
        sections: Optional[List[str]] = typer.Option(None, "--sections", "-s",
                                                     help="Sections to build (repeat or comma-separate); default all."),
        lang: str = typer.Option("zh", "--lang", help="Report language: zh or en."),
    ) -> None:
        """Build the auditable offline HTML atlas of China's industrial digitalization."""
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from ..report.atlas import build_atlas

        wanted = [s.strip() for item in (sections or []) for s in item.split(",") if s.strip()] or None
        with Progress(TextColumn("[bold]atlas[/] {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), transient=True, console=Console(stderr=True)) as bar:
            task = bar.add_task("starting", total=None)

            def tick(sid: str, i: int, n: int) -> None:
                bar.update(task, description=sid, completed=i, total=n)

            res = build_atlas(data, out, sections=wanted, lang=lang, progress=tick)
        typer.echo(res.summary_line())
        typer.echo(f"open file://{res.index_html}")
        if res.failed:
            raise typer.Exit(code=1)
