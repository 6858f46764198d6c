"""``digitrace modes``: the three driving modes per province-year (or sector-year)."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION

WHAT = ("modes", "transitions", "counts", "paths", "shares", "weights", "centroids",
        "agreement", "missing", "imputed", "spec")


def register(app: typer.Typer) -> None:
    @app.command("modes")
    def modes(
        data: Path | None = DATA_OPTION,
        level: str = typer.Option("province", "--level", "-l",
                                  help="province (province-years from a mode spec) or sector "
                                       "(sector-years of the OECD IO tables via digitrace.chain)."),
        spec: str | None = typer.Option(None, "--spec", "-s",
                                        help="Mode spec name or .toml (default: province_modes_2016_2022, "
                                             "or sector_modes_io for --level sector)."),
        margin: float | None = typer.Option(None, "--margin",
                                            help="'mixed' when the top two standardised scores differ "
                                                 "by less than this (default: the spec's, 0.25)."),
        standardise: str | None = typer.Option(None, "--standardise",
                                               help="rank (normal scores within year), by_year (z within "
                                                    "year) or pooled (default: the spec's)."),
        method: str | None = typer.Option(None, "--method", "-m",
                                          help="Weight every mode with entropy, critic, pca or topsis "
                                               "(default: each dimension's method in the spec)."),
        impute: str | None = typer.Option(None, "--impute",
                                          help="Fill missing indicators: interpolate or floor. Default: "
                                               "none; rows with a gap get no mode and a reason."),
        draws: int = typer.Option(500, "--draws", help="Dirichlet weight draws."),
        concentration: float = typer.Option(100.0, "--concentration", help="Dirichlet concentration κ."),
        kmeans_k: int = typer.Option(3, "--kmeans-k", help="3 (clusters = modes) or 4 (+ mixed)."),
        seed: int = typer.Option(0, "--seed", help="Seed of the Dirichlet draws and k-means starts."),
        what: str = typer.Option("modes", "--what", "-w", help="Table to write: " + ", ".join(WHAT) + "."),
        fmt: str = FORMAT_OPTION,
        out: Path | None = OUT_OPTION,
    ) -> None:
        """Province (or sector), year, the three scores, the mode and the robustness columns."""
        import pandas as pd

        from .._results import check_option
        from ..errors import SpecificationError
        from ._common import emit

        try:
            check_option("--what", what, WHAT)
            check_option("--level", level, ("province", "sector"))
            if impute is not None and level == "sector":
                raise ValueError("--impute applies to --level province only")
        except ValueError as exc:
            raise SpecificationError(str(exc)) from exc
        from ..modes.spec import DEFAULT_SPEC, load_mode_spec

        sp = spec or (DEFAULT_SPEC if level == "province" else "sector_modes_io")
        if what == "spec":
            emit(load_mode_spec(sp).to_frame(), fmt, out)
            return
        kw = {"spec": sp, "margin": margin, "standardise": standardise, "method": method, "draws": draws,
              "concentration": concentration, "kmeans_k": kmeans_k, "seed": seed}
        if level == "province":
            from ..modes import driving_modes

            res = driving_modes(data, impute=impute, **kw)
        else:
            from rich.progress import Progress

            from ..modes import sector_modes

            console = _stderr_console()   # no bar (nor blank line) when stderr is not a terminal
            with Progress(transient=True, console=console, disable=not console.is_terminal) as bar:
                task = bar.add_task("IO tables", total=None)
                res = sector_modes(data, progress=lambda s: bar.update(task, description=s), **kw)
        tables = {
            "modes": res.to_frame,
            "transitions": lambda: res.transitions().round(6),
            "counts": lambda: res.transitions("count"),
            "paths": res.paths,
            "shares": res.shares,
            "weights": res.weights_frame,
            "centroids": lambda: res.centroids,
            "agreement": lambda: pd.Series(dict(res.agreement), name="value").rename_axis("statistic").to_frame(),
            "missing": lambda: res.missing,
            "imputed": lambda: res.imputed,
        }
        emit(tables[what](), fmt, out)
        typer.echo(repr(res), err=True)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)
