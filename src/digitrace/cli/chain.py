"""``digitrace chain``: chain-reshaping measures for every IO table."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, emit


def register(app: typer.Typer) -> None:
    @app.command("chain")
    def chain(
        data: Optional[Path] = DATA_OPTION,
        fmt: str = FORMAT_OPTION,
        out: Optional[Path] = typer.Option(None, "--out", "-o",
                                           help="Write the long table here and the channel summary to <stem>_channels<suffix>."),
        sources: str = typer.Option("nbs,oecd", "--sources", help="Comma-separated: nbs, oecd."),
        what: str = typer.Option("both", "--what", "-w", help="long, channels or both (stdout only)."),
        threshold: float = typer.Option(0.5, "--threshold", help="Digital share at which a sector joins the digital set."),
        tau: float = typer.Option(0.001, "--tau", help="Coefficient threshold for a digital linkage."),
        text: bool = typer.Option(True, "--text/--no-text",
                                  help="Add the channel text evidence of the national work reports to the channel summary."),
    ) -> None:
        """Digital-input intensities, linkages, centrality, extraction and the four channels, by year and table."""
        from rich.console import Console
        from rich.progress import Progress

        from ..chain.panel import chain_panel
        from ..errors import SpecificationError

        srcs = tuple(s.strip() for s in sources.split(",") if s.strip())
        if what not in ("long", "channels", "both"):
            raise SpecificationError(f"--what must be long, channels or both, got {what!r}")
        if what == "both" and out is None and fmt in ("csv", "xlsx", "dta"):
            raise SpecificationError(f"--what both prints two tables, which -f {fmt} cannot hold "
                                     "on stdout: use --what long, --what channels or --out FILE")
        console = Console(stderr=True)   # stdout stays clean; no bar (nor blank line) when piped
        with Progress(transient=True, console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task("chain", total=None)
            res = chain_panel(data, sources=srcs, threshold=threshold, tau=tau,
                              progress=lambda label: bar.update(task, description=label, advance=1))
        long, channels = res.to_frame(), res.channels()
        if text:
            import pandas as pd

            from ..chain.panel import channel_text_evidence

            channels = pd.concat([channels, channel_text_evidence(data)], ignore_index=True)
        if out is not None:
            emit(long, fmt, out)
            emit(channels, fmt, out.with_name(f"{out.stem}_channels{out.suffix}"))
            return
        if what == "both" and fmt == "json":
            import json

            from ._common import render

            typer.echo(json.dumps({"long": json.loads(render(long, "json")),
                                   "channels": json.loads(render(channels, "json"))},
                                  ensure_ascii=False, indent=1))
            return
        if what in ("long", "both"):
            emit(long, fmt, None)
        if what in ("channels", "both"):
            emit(channels, fmt, None)
