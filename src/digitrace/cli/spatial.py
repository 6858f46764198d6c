"""``digitrace spatial``: Moran's I / Geary's C by period, LISA, and province weights."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION

WEIGHTS = typer.Option("rook+hainan", "--weights", "-w",
                       help="rook, rook+hainan (Hainan–Guangdong linked), knn:K, idw:POWER[:CUTOFF_KM].")


def register(app: typer.Typer) -> None:
    sp = typer.Typer(help="Spatial statistics: Moran's I, Geary's C, LISA, weights.",
                     no_args_is_help=True)

    @sp.command("moran")
    def moran_cmd(
        file: Path = typer.Argument(..., help="Long panel (CSV/XLSX/DTA) with a province column, or a data.stats.gov.cn export."),
        value: str = typer.Option("index", "--value", "-v", help="Column to test."),
        unit: str = typer.Option("adcode", "--unit", "-u", help="Province column (names or codes); without adcode, a 省份/province/prov column is found."),
        time: str = typer.Option("year", "--time", "-t", help="Period column."),
        weights: str = WEIGHTS,
        local: bool = typer.Option(False, "--local", help="Local Moran (LISA) instead of global, for --year."),
        year: str | None = typer.Option(None, "--year", help="Period for --local (default: the last)."),
        permutations: int = typer.Option(999, "--permutations", "-p", min=0,
                                         help="Random permutations for p_sim (0 = none)."),
        seed: int = typer.Option(0, "--seed", help="Seed of the permutations (p_sim is reproducible)."),
        alpha: float = typer.Option(0.05, "--alpha", help="LISA significance level."),
        data: Path | None = DATA_OPTION,
        fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION,
    ) -> None:
        """Global Moran's I and Geary's C per period, or LISA clusters for one period."""
        import warnings

        import pandas as pd

        from ..errors import DataError, DataQualityWarning
        from ..paths import data_dir
        from ..spatial.moran import local_moran
        from ..spatial.panel import moran_panel
        from ..spatial.weights import weights_from_spec
        from ._common import emit
        from ._panel_input import load_panel_file

        df = load_panel_file(file, value=value, unit=unit, time=time)
        w = weights_from_spec(weights, data_dir(data))
        if w.islands:
            typer.echo(f"note: island(s) without neighbours under {weights}: {list(w.islands)} "
                       "(spatial lag 0; use --weights rook+hainan to link Hainan)", err=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            if not local:
                emit(moran_panel(df, value=value, unit="adcode", time=time, w=w,
                                 permutations=permutations, seed=seed), fmt, out)
                return
            periods = sorted(df[time].unique())
            t = periods[-1] if year is None else next((p for p in periods if str(p) == year), None)
            if t is None:
                raise DataError(f"period {year!r} not in the data", file=file, column=time)
            sub = df[df[time] == t]
            y = pd.Series(sub[value].to_numpy(dtype=float), index=sub["adcode"].to_list(), name=value)
            r = local_moran(y, w, permutations=permutations, seed=seed, alpha=alpha)
        table = r.to_frame().assign(period=t)
        if r.islands:  # no neighbours: no test (the permutation p of a constant 0 is meaningless)
            isl = table["label"] == "island"
            table.loc[isl, [c for c in ("p_analytic", "p_sim", "z_sim") if c in table]] = float("nan")
        from ..data.provinces import province_registry

        names = province_registry().set_index("adcode")["name_cn"]
        table.insert(1, "province", table["id"].map(names))
        emit(table, fmt, out)
        counts = pd.Series(r.labels).value_counts().to_dict()
        typer.echo(f"{t}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), err=True)

    @sp.command("weights")
    def weights_cmd(
        weights: str = typer.Argument("rook+hainan", help="rook, rook+hainan, knn:K, idw:POWER[:CUTOFF_KM]."),
        full: bool = typer.Option(False, "--full", help="Dense 31×31 matrix instead of the edge list."),
        data: Path | None = DATA_OPTION,
        fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION,
    ) -> None:
        """Write a row-standardised province weights matrix (edge list or full)."""
        from ..paths import data_dir
        from ..spatial.weights import weights_from_spec
        from ._common import emit

        w = weights_from_spec(weights, data_dir(data))
        emit(w.full().rename_axis("adcode") if full else w.to_frame(), fmt, out)
        typer.echo(repr(w), err=True)

    app.add_typer(sp, name="spatial")
