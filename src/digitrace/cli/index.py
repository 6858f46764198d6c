"""``digitrace index``: build composite indices from an index spec."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION

WHAT = ("scores", "wide", "weights", "indicators", "normalised", "imputed", "spec")


def register(app: typer.Typer) -> None:
    index_app = typer.Typer(help="Composite indices: entropy, CRITIC, PCA, TOPSIS.",
                            no_args_is_help=True)

    @index_app.command("build")
    def build(
        spec: str = typer.Option("province_digital_2015_2022", "--spec", "-s",
                                 help="Shipped spec name (see `digitrace index specs`) or a .toml file."),
        data: Path | None = DATA_OPTION,
        method: str = typer.Option("entropy", "--method", "-m",
                                   help="entropy, critic, pca or topsis (entropy-TOPSIS)."),
        panel: str = typer.Option("pooled", "--panel",
                                  help="pooled (panel entropy, comparable over years) or by_year."),
        shift: float | None = typer.Option(None, "--shift", help="Min–max shift (default: the spec's)."),
        what: str = typer.Option("scores", "--what", "-w",
                                 help="Table to write: " + ", ".join(WHAT) + "."),
        fmt: str = FORMAT_OPTION,
        out: Path | None = OUT_OPTION,
    ) -> None:
        """Build a provincial index: read, transform, normalise, weight, aggregate."""
        from .._results import check_option
        from ..errors import SpecificationError
        from ..index import build_index, load_spec
        from ._common import emit

        try:
            check_option("--method", method, ("entropy", "critic", "pca", "topsis"))
            check_option("--panel", panel, ("pooled", "by_year"))
            check_option("--what", what, WHAT)
        except ValueError as exc:
            raise SpecificationError(str(exc)) from exc
        if what == "spec":
            emit(load_spec(spec).to_frame(), fmt, out)
            return
        res = build_index(data, spec, method=method, panel=panel, shift=shift)
        table = {"scores": lambda: res.scores, "wide": lambda: res.wide().round(6),
                 "weights": res.weights_frame,
                 "indicators": lambda: res.raw.reset_index(),
                 "normalised": lambda: res.normalised.reset_index(),
                 "imputed": lambda: res.imputed}[what]()
        emit(table, fmt, out)
        stats = dict(res.stats)
        if "kmo" in stats:
            typer.echo(f"KMO = {stats['kmo']:.4f}; Bartlett chi2 = {stats['bartlett_chi2']:.2f}, "
                       f"df = {stats['bartlett_df']}, p = {stats['bartlett_p']:.3g}", err=True)
        if len(res.imputed):
            typer.echo(f"{len(res.imputed)} imputed cell(s): see --what imputed", err=True)

    @index_app.command("regional")
    def regional(
        spec: str = typer.Option("province_digital_2015_2022", "--spec", "-s",
                                 help="Shipped spec name or a .toml file."),
        data: Path | None = DATA_OPTION,
        method: str = typer.Option("entropy", "--method", "-m", help="entropy, critic, pca or topsis."),
        permutations: int = typer.Option(999, "--permutations", min=0, help="Moran permutations."),
        seed: int = typer.Option(0, "--seed", help="Seed of the Moran permutations."),
        fmt: str = FORMAT_OPTION,
        out: Path | None = OUT_OPTION,
    ) -> None:
        """Per year: Dagum Gini by four regions, Moran's I (rook), rank correlation with DEDI."""
        import warnings

        from .._results import check_option
        from ..errors import DataQualityWarning, SpecificationError
        from ..index import build_index
        from ..index.analysis import regional_analysis
        from ._common import emit

        try:
            check_option("--method", method, ("entropy", "critic", "pca", "topsis"))
        except ValueError as exc:
            raise SpecificationError(str(exc)) from exc
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataQualityWarning)
            res = build_index(data, spec, method=method)
        for w in caught:
            typer.echo(f"warning: {w.message}", err=True)
        emit(regional_analysis(res, data, permutations=permutations, seed=seed).to_frame(), fmt, out)

    @index_app.command("specs")
    def specs(fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION) -> None:
        """List the index specs shipped with digitrace."""
        import pandas as pd

        from ..index import list_specs, load_spec
        from ._common import emit

        rows = []
        for name in list_specs():
            s = load_spec(name)
            rows.append({"spec": name, "years": f"{s.years[0]}–{s.years[1]}",
                         "indicators": len(s.indicators), "title": s.title})
        emit(pd.DataFrame(rows), fmt, out)

    app.add_typer(index_app, name="index")
