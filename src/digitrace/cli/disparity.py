"""``digitrace disparity``: Dagum Gini and Theil decompositions, convergence and dynamics."""
from __future__ import annotations

from pathlib import Path

import typer

from ._common import DATA_OPTION, FORMAT_OPTION, OUT_OPTION

FILE_ARG = typer.Argument(..., help="Long panel (CSV/XLSX/DTA), e.g. the output of `digitrace index build -f csv`, or a data.stats.gov.cn export.")
VALUE = typer.Option("index", "--value", "-v", help="Column to analyse.")
TIME = typer.Option("year", "--time", "-t", help="Period column ('' for a single cross-section).")
GROUP = typer.Option("region4", "--group", "-g",
                     help="Group column, or region4 / belt / belt_1986 from the province registry.")
UNIT = typer.Option("adcode", "--unit", "-u", help="Province column (names or codes); without adcode, a 省份/province/prov column is found.")


def register(app: typer.Typer) -> None:
    dis = typer.Typer(help="Regional disparity: Dagum Gini, Theil, convergence, dynamics.",
                      no_args_is_help=True)

    @dis.command("dagum")
    def dagum(
        file: Path = FILE_ARG, value: str = VALUE, group: str = GROUP, time: str = TIME,
        unit: str = UNIT,
        weight: str | None = typer.Option(None, "--weight", help="Population-weight column."),
        bootstrap: int = typer.Option(0, "--bootstrap", "-b", min=0, help="Bootstrap replications (e.g. 999)."),
        seed: int = typer.Option(0, "--seed", help="Random seed for the bootstrap (results are reproducible)."),
        table: str = typer.Option("wide", "--table",
                                  help="wide (one row per period) or long (every term; always "
                                       "long with --bootstrap, which adds ci_low, ci_high, se)."),
        fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION,
    ) -> None:
        """Dagum (1997) Gini decomposition by group, per period (G, G_w, G_nb, G_t, G_jj, G_jh, D_jh)."""
        from ..disparity.dagum import dagum_gini, dagum_gini_panel
        from ..errors import SpecificationError
        from ._common import emit
        from ._panel_input import load_panel_file

        if table not in ("wide", "long"):
            raise SpecificationError(f"--table must be wide or long, got {table!r}")
        df = load_panel_file(file, value=value, unit=unit or None, time=time or None, group=group,
                             extra=[weight] if weight else None)
        if time:
            res = dagum_gini_panel(df, value=value, group=group, time=time, weight=weight,
                                   bootstrap=bootstrap, seed=seed, singletons="zero")
            emit(res.wide().reset_index() if table == "wide" and not bootstrap else res.to_frame(), fmt, out)
        else:
            res = dagum_gini(df[value], df[group], None if weight is None else df[weight],
                             bootstrap=bootstrap, seed=seed, singletons="zero")
            emit(res.to_frame(), fmt, out)

    @dis.command("theil")
    def theil_cmd(
        file: Path = FILE_ARG, value: str = VALUE,
        group: list[str] = typer.Option(["region4"], "--group", "-g",
                                        help="Group column(s), outer first; repeat for a nested decomposition."),
        time: str = TIME, unit: str = UNIT,
        weight: str | None = typer.Option(None, "--weight", help="Population-weight column."),
        index: str = typer.Option("T", "--index", help="T (GE(1)) or L (GE(0)) for total/between/within."),
        fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION,
    ) -> None:
        """Theil T and L with between/within (or nested) decomposition, per period."""
        from ..disparity.theil import theil, theil_panel
        from ._common import emit
        from ._panel_input import load_panel_file

        df = load_panel_file(file, value=value, unit=unit or None, time=time or None, group=list(group),
                             extra=[weight] if weight else None)
        groups = list(group)
        if time:
            emit(theil_panel(df, value=value, time=time, group=groups if len(groups) > 1 else groups[0],
                             weight=weight, index=index), fmt, out)
        else:
            g = df[groups] if len(groups) > 1 else df[groups[0]]
            emit(theil(df[value], g, None if weight is None else df[weight], index=index).to_frame(), fmt, out)

    @dis.command("convergence")
    def convergence(
        file: Path = FILE_ARG, value: str = VALUE, time: str = TIME, unit: str = UNIT,
        kind: str = typer.Option("beta", "--kind", "-k",
                                 help="sigma, beta, spatial-beta, kde, markov or spatial-markov."),
        controls: str = typer.Option("", "--controls", help="Comma-separated control columns (conditional β)."),
        fe: str = typer.Option("twoway", "--fe", help="twoway, unit, time or none (β)."),
        horizon: int = typer.Option(1, "--horizon", help="Growth interval in periods (β)."),
        group: str | None = typer.Option(None, "--group", "-g", help="σ by group (column or region4)."),
        weights: str = typer.Option("rook+hainan", "--weights", "-w",
                                    help="Spatial weights: rook, rook+hainan, knn:K, idw:P[:CUTOFF]."),
        model: str = typer.Option("sdm", "--model", help="Spatial β model: sar, sem or sdm."),
        k: int = typer.Option(4, "--classes", min=2, help="Markov classes (pooled quantiles)."),
        data: Path | None = DATA_OPTION,
        fmt: str = FORMAT_OPTION, out: Path | None = OUT_OPTION,
    ) -> None:
        """σ/β convergence, kernel-density dynamics or Markov chains."""
        from ..disparity import convergence as cv
        from ..disparity import dynamics as dyn
        from ..errors import SpecificationError
        from ._common import emit
        from ._panel_input import load_panel_file

        kinds = ("sigma", "beta", "spatial-beta", "kde", "markov", "spatial-markov")
        if kind not in kinds:
            raise SpecificationError(f"--kind must be one of {', '.join(kinds)}; got {kind!r}")
        ctrl = [c.strip() for c in controls.split(",") if c.strip()]
        df = load_panel_file(file, value=value, unit=unit, time=time, group=group, extra=ctrl)
        if kind == "sigma":
            r = cv.sigma_convergence(df, value=value, time=time, group=group)
            emit(r.to_frame(), fmt, out)
            typer.echo(f"σ trend (OLS of each measure on {time}; slope < 0 = converging):", err=True)
            typer.echo(r.trend.to_string(index=False), err=True)
        elif kind == "beta":
            r = cv.beta_convergence(df, value=value, unit="adcode", time=time, controls=ctrl, fe=fe,
                                    horizon=horizon)
            t = r.to_frame().reset_index()
            t["speed"], t["half_life"], t["nobs"], t["fe"] = r.speed, r.half_life, r.nobs, r.fe
            # speed and half-life belong to the ln y coefficient, not to the controls
            t.loc[t[t.columns[0]] != "lny", ["speed", "half_life"]] = float("nan")
            emit(t, fmt, out)
        elif kind == "kde":
            emit(dyn.kde_dynamics(df, value=value, time=time).to_frame(), fmt, out)
        else:
            from ..paths import data_dir
            from ..spatial.weights import weights_from_spec

            if kind == "markov":
                r = dyn.markov(df, value=value, unit="adcode", time=time, k=k)
                emit(r.probabilities.reset_index(names="from"), fmt, out)
                typer.echo(_class_bounds(r.cutoffs, value), err=True)
                return
            w = weights_from_spec(weights, data_dir(data))
            if kind == "spatial-markov":
                r = dyn.spatial_markov(df, value=value, unit="adcode", time=time, w=w, k=k)
                emit(r.probabilities.reset_index(), fmt, out)
                typer.echo(_class_bounds(r.cutoffs, value), err=True)
                typer.echo("homogeneity test (Rey 2001; H0: transitions do not depend on the "
                           "neighbours' class):", err=True)
                typer.echo(r.test.to_string(index=False), err=True)
            else:
                b, res = cv.spatial_beta_convergence(df, value=value, unit="adcode", time=time, w=w,
                                                     controls=ctrl, model=model)
                t = b.to_frame().reset_index()
                t["speed"], t["half_life"], t["nobs"] = b.speed, b.half_life, b.nobs
                # speed and half-life belong to the ln y coefficient, not to W·ln y or rho
                t.loc[t[t.columns[0]] != "lny", ["speed", "half_life"]] = float("nan")
                emit(t, fmt, out)

    app.add_typer(dis, name="disparity")


def _class_bounds(cutoffs, value: str) -> str:
    """One line naming the pooled-quantile classes C1..Ck by their bounds."""
    edges = [float(c) for c in cutoffs]
    parts = [f"C1: {value} ≤ {edges[0]:.4g}"] if edges else []
    parts += [f"C{i + 2}: {lo:.4g} < {value} ≤ {hi:.4g}" for i, (lo, hi) in enumerate(zip(edges, edges[1:]))]
    if edges:
        parts.append(f"C{len(edges) + 1}: {value} > {edges[-1]:.4g}")
    return "classes (pooled quantiles): " + "; ".join(parts)
