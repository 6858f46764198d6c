"""Helpers shared by CLI topic modules: output formats and writing."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import typer

Format = Literal["csv", "json", "md"]

FORMATS = ("csv", "json", "md")
FILE_FORMATS = ("xlsx", "dta")          # binary: only with --out
_SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".md": "md", ".xlsx": "xlsx", ".dta": "dta"}


def _check_format(value: str | None) -> str | None:
    """Reject an unknown --format when the command line is parsed, before any work is done."""
    if value is not None and value not in FORMATS + FILE_FORMATS:
        raise typer.BadParameter(f"must be csv, json or md (or xlsx, dta with --out), got {value!r}")
    return value


DATA_OPTION = typer.Option(None, "--data", help="Data directory (default: $DIGITRACE_DATA or ../shared/data).")
FORMAT_OPTION = typer.Option(None, "--format", "-f",
                             help="Output format: csv, json or md; xlsx or dta with --out. "
                                  "Default: the --out suffix (.csv .json .md .xlsx .dta), else md.",
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


def resolve_format(fmt: str | None, out: Path | None) -> str:
    """``--format`` if given, else the format named by the ``--out`` suffix, else md."""
    if fmt is None:
        fmt = _SUFFIX_FORMATS.get(Path(out).suffix.lower(), "md") if out is not None else "md"
    if fmt in FILE_FORMATS and out is None:
        raise typer.BadParameter(f"--format {fmt} writes a file: give --out FILE.{fmt}")
    return fmt


def _write_binary(df, fmt: str, out: Path) -> None:
    """Write an .xlsx or Stata 118 .dta file atomically (index kept as columns)."""
    import pandas as pd

    from .._results import _stata_name
    from ..atomic import atomic_path

    d = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df.copy()
    with atomic_path(out) as tmp:
        if fmt == "xlsx":
            from .._optional import require

            require("openpyxl", extra="export")
            d.to_excel(tmp, index=False, engine="openpyxl")
        else:
            d.columns = [_stata_name(c, i) for i, c in enumerate(d.columns)]
            for c in d.columns:
                if d[c].dtype == object or str(d[c].dtype).startswith("str"):
                    d[c] = d[c].astype(object).where(d[c].notna(), "").astype(str)
                elif d[c].dtype == bool:
                    d[c] = d[c].astype("int8")
            d.to_stata(tmp, write_index=False, version=118)


def emit(df, fmt: str | None, out: Path | None) -> None:
    """Print or atomically write a DataFrame in the given format.

    Without ``--format`` the format follows the ``--out`` suffix, so ``--out x.csv`` writes
    CSV (not Markdown) and ``--out x.dta`` a Stata file; stdout gets Markdown.
    """
    from ..atomic import atomic_write_text

    fmt = resolve_format(fmt, out)
    if fmt in FILE_FORMATS:
        _write_binary(df, fmt, out)
        typer.echo(f"wrote {out}", err=True)
        return
    text = render(df, fmt)
    if out is None:
        typer.echo(text)
    else:
        atomic_write_text(out, text if text.endswith("\n") else text + "\n")
        typer.echo(f"wrote {out}", err=True)
