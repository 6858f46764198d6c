"""``digitrace text``: score corpora with keyword dictionaries (Wu Fei et al. 2021 …)."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION, emit


def register(app: typer.Typer) -> None:
    text_app = typer.Typer(no_args_is_help=True, help="Text-based digitalization indices (keyword counts).")
    app.add_typer(text_app, name="text")

    @text_app.command("score")
    def score(
        corpus_dir: Path = typer.Argument(..., help="Folder of .txt/.pdf documents (searched recursively)."),
        dictionary: str = typer.Option("wufei2021", "--dict", help="Built-in dictionary name or a .csv/.yaml file."),
        out: Path = typer.Option(..., "--out", "-o", help="Output folder (shards + results.duckdb); a rerun resumes."),
        section: str = typer.Option("full", "--section", help="full or mda (MD&A, falls back to full text with a flag)."),
        engine: str = typer.Option("dask", "--engine", help="dask (local processes or --scheduler) or local (one process)."),
        workers: int | None = typer.Option(None, "--workers", min=1, help="Dask worker processes (default: CPU count)."),
        scheduler: str | None = typer.Option(None, "--scheduler", help="Existing Dask scheduler, tcp://HOST:PORT."),
        partition_size: int = typer.Option(64, "--partition-size", min=1, help="Documents per Parquet shard."),
        overlapping: bool = typer.Option(False, "--overlapping", help="Count overlapping matches (default leftmost-longest)."),
        no_negation: bool = typer.Option(False, "--no-negation", help="Do not drop negated hits."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ) -> None:
        """Score every document: counts per group, total, ln(1+total) into OUT/results.duckdb."""
        from ..text.score import score_corpus

        run = score_corpus(corpus_dir, out, dictionary, section=section, engine=engine, workers=workers,
                           scheduler=scheduler, partition_size=partition_size, overlapping=overlapping,
                           negation=not no_negation, progress=not quiet)
        typer.echo(f"{run.n_documents} documents ({run.n_errors} errors) in {run.n_shards} shards "
                   f"({run.n_shards_skipped} already done) -> {run.database}", err=True)

    @text_app.command("report")
    def report(
        out_dir: Path = typer.Argument(..., help="OUT folder of a `digitrace text score` run."),
        what: str = typer.Option("yearly", "--what", "-w",
                                 help="yearly (means by year), documents (one row per document: the "
                                      "firm-year panel to merge in Stata) or errors."),
        fmt: str = FORMAT_OPTION,
        out: Path | None = OUT_OPTION,
    ) -> None:
        """Yearly means of the group counts, total and ln(1+total), and the share of zeros."""
        from .._results import check_option
        from ..text.score import load_scores, score_report

        check_option("--what", what, ("yearly", "documents", "errors"))
        scores, errors = load_scores(out_dir)
        emit({"yearly": score_report, "documents": lambda _: scores,
              "errors": lambda _: errors}[what](out_dir), fmt, out)
        if len(errors):
            typer.echo(f"{len(errors)} documents failed (table `errors`), e.g. {errors.doc_id.iloc[0]}: "
                       f"{errors.message.iloc[0]}", err=True)

    @text_app.command("corpus")
    def corpus(
        which: str = typer.Argument(..., help="national, provincial, firms or pdfcheck."),
        dictionary: str = typer.Option("wufei2021", "--dict", help="Built-in dictionary name or a .csv/.yaml file."),
        data: Path | None = DATA_OPTION,
        fmt: str = FORMAT_OPTION,
        out: Path | None = OUT_OPTION,
    ) -> None:
        """Scores of the project's real corpora (government work reports, annual reports)."""
        from ..errors import DigitraceError
        from ..text import corpora

        funcs = {"national": corpora.gov_report_series, "provincial": corpora.provincial_cross_section,
                 "firms": corpora.firm_scores, "pdfcheck": corpora.pdf_text_agreement}
        if which not in funcs:
            raise DigitraceError(f"unknown corpus {which!r}: use one of {', '.join(funcs)}")
        emit(funcs[which](data, dictionary), fmt, out)
