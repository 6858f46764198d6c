"""Helpers shared by CLI topic modules: output formats and writing."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import typer

Format = Literal["csv", "json", "md"]

FORMATS = ("csv", "json", "md")


def _check_format(value: str) -> str:
    """Reject an unknown --format when the command line is parsed, before any work is done."""
    if value not in FORMATS:
        raise typer.BadParameter(f"must be csv, json or md, got {value!r}")
    return value


DATA_OPTION = typer.Option(None, "--data", help="Data directory (default: $DIGITRACE_DATA or ../shared/data).")
FORMAT_OPTION = typer.Option("md", "--format", "-f", help="Output format: csv, json or md.",
                             callback=_check_format)
OUT_OPTION = typer.Option(None, "--out", "-o", help="Write to this file instead of stdout (atomically).")


def render(df, fmt: str) -> str:
    """Render a DataFrame as csv, json (records) or md."""
    import pandas as pd

    from .._results import to_markdown

    if fmt == "csv":
        return df.to_csv(index=not isinstance(df.index, pd.RangeIndex))
    if fmt == "json":
        d = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
        return json.dumps(json.loads(d.to_json(orient="records", force_ascii=False)),
                          ensure_ascii=False, indent=1)
    if fmt == "md":
        return to_markdown(df)
    raise typer.BadParameter(f"--format must be csv, json or md, got {fmt!r}")


def emit(df, fmt: str, out: Path | None) -> None:
    """Print or atomically write a DataFrame in the given format."""
    from ..atomic import atomic_write_text

    text = render(df, fmt)
    if out is None:
        typer.echo(text)
    else:
        atomic_write_text(out, text if text.endswith("\n") else text + "\n")
        typer.echo(f"wrote {out}", err=True)
