"""``digitrace model SPEC.toml``: run a model specification, write table and JSON."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("model")
    def model(
        spec: Path = typer.Argument(..., help="Model specification (TOML) with data, output and model tables (see docs/econ.md)."),
        data: Path | None = typer.Option(None, "--data-file",
                                            help="Override the data path given in the spec."),
        out_dir: Path | None = typer.Option(None, "--out-dir",
                                               help="Write outputs here (default: beside the spec)."),
        show: bool = typer.Option(True, "--show/--no-show", help="Print the table (Markdown)."),
    ) -> None:
        """Fit FE / mediation / threshold / DID / spatial models and write the paper table + JSON."""
        from ..econ.spec import run_spec

        run = run_spec(spec, data_path=data, out_dir=out_dir)
        if show and run.table is not None:
            typer.echo(run.table.to_markdown())
        for p in run.written:
            typer.echo(f"wrote {p}", err=True)
