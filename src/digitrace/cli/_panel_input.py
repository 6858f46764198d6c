"""Reading a long panel for the disparity and spatial commands (shared helper)."""
from __future__ import annotations

from pathlib import Path

REGION_SCHEMES = ("region4", "belt", "belt_1986")


def pd_series_lines(df):
    import numpy as np

    return np.arange(len(df)) + 2


def pd_unique(s):
    import pandas as pd

    return pd.unique(s.astype(object))


def _read_nbs_export(path: Path, value: str):
    """A data.stats.gov.cn export (preamble, provinces × years): read it with ``load_panel``
    into adcode, year and one column per indicator; a lone indicator also answers ``--value``."""
    import typer

    from ..data.panel import load_panel

    panel = load_panel(path)
    df = panel.data
    names = [c for c in df.columns if c not in ("adcode", "province", "province_en", "year")]
    if value not in df.columns and len(names) == 1:
        typer.echo(f"note: {path.name}: data.stats.gov.cn export; --value is its indicator "
                   f"{names[0]!r}", err=True)
        df = df.rename(columns={names[0]: value})
    return df


def _default_keys(df, path: Path, unit: str | None, time: str | None):
    """With the default ``--unit adcode`` / ``--time year`` absent from the file, use the
    province / year column that ``load_panel`` would detect (省份, province, prov, 年份 ...)."""
    import typer

    from ..data.panel import PROVINCE_COLUMNS, YEAR_COLUMNS

    lower = {str(c).strip().lower(): c for c in df.columns}
    if unit == "adcode" and "adcode" not in df.columns:
        found = next((lower[c.lower()] for c in PROVINCE_COLUMNS if c.lower() in lower), None)
        if found is not None:
            typer.echo(f"note: {path.name}: province column {found!r} (--unit)", err=True)
            unit = found
    if time == "year" and "year" not in df.columns:
        found = next((lower[c] for c in YEAR_COLUMNS if c in lower), None)
        if found is not None:
            typer.echo(f"note: {path.name}: period column {found!r} (--time)", err=True)
            df = df.rename(columns={found: "year"})
    return unit, time, df


def load_panel_file(path: Path, *, value: str, unit: str | None = None, time: str | None = None,
                    group: str | list[str] | None = None, extra: list[str] | None = None):
    """Read FILE (CSV/XLSX/DTA), check the columns, resolve provinces to adcodes.

    ``group`` may be a column or one of the registry schemes ``region4``/``belt``/
    ``belt_1986`` (looked up from the unit's province).  Returns the frame with an
    ``adcode`` column when ``unit`` is given.
    """
    from ..data.readers import read_tabular
    from ..errors import DataError

    from ..data.nbs_export import is_nbs_export

    if is_nbs_export(path):
        df, unit = _read_nbs_export(path, value), ("adcode" if unit else unit)
    else:
        df = read_tabular(path)
    unit, time, df = _default_keys(df, path, unit, time)
    groups = [group] if isinstance(group, str) else list(group or [])
    need = [c for c in [value, unit, time, *(extra or [])] if c]
    need += [g for g in groups if g not in REGION_SCHEMES]
    for c in need:
        if c not in df.columns:
            raise DataError(f"column {c!r} not found (columns: {', '.join(map(str, df.columns))})",
                            file=path, column=c)
    if unit:
        import typer

        from ..data.provinces import is_aggregate_label, resolve_provinces

        lines = pd_series_lines(df)        # file line of each row (header on line 1)
        agg = df[unit].map(is_aggregate_label).astype(bool)
        if agg.any():  # 全国 / 东部 … rows: dropped, as load_panel does by default
            labels = ", ".join(map(str, pd_unique(df.loc[agg, unit])))
            typer.echo(f"note: {path.name}: dropped {int(agg.sum())} aggregate row(s) ({labels})", err=True)
            df, lines = df.loc[~agg].reset_index(drop=True), lines[~agg.to_numpy()]
        df["adcode"] = resolve_provinces(df[unit], file=path, column=unit, rows=lines).to_numpy()
        dup = df.duplicated(["adcode", time], keep=False) if time else None
        if dup is not None and dup.any():  # a province counted twice changes every statistic
            first = df.loc[dup].iloc[0]
            same = (dup & (df["adcode"] == first["adcode"]) & (df[time] == first[time])).to_numpy()
            raise DataError(f"{int(dup.sum())} rows share a (province, {time}) key; first: "
                            f"{first[unit]} {first[time]} on lines {', '.join(map(str, lines[same]))}",
                            file=path, column=unit)
    for g in groups:
        if g in REGION_SCHEMES and g not in df.columns:
            if not unit:
                raise DataError(f"--group {g} needs --unit (the province column)", file=path)
            from ..data.provinces import province_registry

            reg = province_registry().set_index("adcode")[g]
            df[g] = df["adcode"].map(reg)
    return df
