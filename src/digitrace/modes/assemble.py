"""Read the indicators of a mode spec, keeping every missing cell and its reason.

Unlike :func:`digitrace.index.build_index` (whose spec policy may fill gaps),
nothing is filled here unless ``impute`` is passed explicitly: each missing cell
is listed with why it is missing (not in the source, or excluded as a known
source defect), so :func:`~digitrace.modes.driving_modes` can report the
province-year with that reason instead of classifying it on invented data.

The per-indicator reading and transformations are those of the index toolkit
(:mod:`digitrace.index._sources`), so a mode indicator and an index indicator
with the same spec entry give the same numbers.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .._results import array_sha256, file_sha256
from ..errors import SpecificationError
from .spec import ModeSpec

IMPUTE = ("interpolate", "floor")
_EMPTY_MISSING = ["adcode", "year", "indicator", "reason"]
_EMPTY_IMPUTED = ["indicator", "adcode", "province", "year", "value", "method"]


def _grid(spec: ModeSpec) -> pd.MultiIndex:
    from ..data.provinces import province_registry

    y0, y1 = spec.index.years
    ad = sorted(province_registry()["adcode"].astype(int))
    return pd.MultiIndex.from_product([ad, range(y0, y1 + 1)], names=["adcode", "year"])


def _apply_exclusions(raw: pd.DataFrame, spec: ModeSpec) -> dict[tuple, str]:
    reasons: dict[tuple, str] = {}
    for ex in spec.exclusions:
        key = (ex.adcode, ex.year)
        if key in raw.index and ex.indicator in raw.columns:
            raw.loc[key, ex.indicator] = np.nan
            reasons[(ex.adcode, ex.year, ex.indicator)] = f"excluded: {ex.reason}"
    return reasons


def _impute(raw: pd.DataFrame, spec: ModeSpec, impute: str, files: dict[str, Path]) -> pd.DataFrame:
    """Fill ``raw`` in place; return the log of imputed cells.

    ``"interpolate"`` cannot fill a province that has no value of an indicator in any
    year (Tibet's software revenue): those cells stay missing, so the province-years
    get no mode and a reason, instead of the whole run failing.
    """
    from ..data.provinces import province_names
    from ..index._sources import _fill

    names = province_names("en")
    logs = []
    for ind in spec.index.indicators:
        s = raw[ind.id]
        skip = []
        if impute == "interpolate":
            empty = s.isna().groupby(level="adcode").all()
            skip = list(empty.index[empty])
        keep = ~s.index.get_level_values("adcode").isin(skip)
        if keep.any():
            filled, log = _fill(s[keep], replace(ind, missing=impute),
                                files.get(ind.id, Path(ind.source)), names)
            raw.loc[keep, ind.id] = filled.to_numpy()
            logs += log
    return pd.DataFrame(logs, columns=_EMPTY_IMPUTED)


def assemble_modes(spec: ModeSpec, data) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Raw indicator panel with missing cells kept, the missing cells, imputations, inputs.

    Parameters
    ----------
    spec : ModeSpec
    data : path, None or DataFrame
        The data directory, or a raw frame indexed by ``(adcode, year)`` with one
        column per spec indicator (NaN = missing).

    Returns
    -------
    raw : DataFrame indexed by (adcode, year), NaN where missing (before imputation)
    missing : DataFrame ``adcode, province_en, year, indicator, reason``
    grid_files : mapping indicator → source path (for imputation messages)
    inputs : mapping label → SHA-256
    """
    ids = [i.id for i in spec.index.indicators]
    if isinstance(data, pd.DataFrame):
        if not {"adcode", "year"} <= set(data.index.names or []):
            raise SpecificationError("a raw indicator frame must be indexed by (adcode, year); "
                                     "use df.set_index(['adcode', 'year'])")
        lack = [c for c in ids if c not in data.columns]
        if lack:
            raise SpecificationError(f"raw indicator frame lacks spec indicators {lack}")
        raw = data[ids].astype(float).copy()
        raw.index = raw.index.set_levels([lev.astype(int) for lev in raw.index.levels])
        raw = raw.reorder_levels(["adcode", "year"]) if list(raw.index.names) != ["adcode", "year"] else raw
        from ..data.provinces import province_registry
        from ..errors import UnknownProvinceError

        known = set(province_registry()["adcode"].astype(int))
        bad = sorted(set(raw.index.get_level_values("adcode")) - known)
        if bad:
            raise UnknownProvinceError(f"adcode(s) {bad[:5]} in the raw indicator frame are not "
                                       "provinces of the registry (use 6-digit codes such as 110000)")
        files = {c: Path("<frame>") for c in ids}
        inputs = {"raw_frame": array_sha256(np.nan_to_num(raw.to_numpy(float), nan=-1e300))}
    else:
        from ..index._sources import _Reader, indicator_values, province_area_km2
        from ..paths import data_dir

        root = data_dir(data)
        reader = _Reader(root)
        area = None
        if any("per_area" in i.transform for i in spec.index.indicators):
            ap = reader.path(spec.index.area)
            area = province_area_km2(ap)
            reader.inputs[spec.index.area] = file_sha256(ap)
        grid = _grid(spec)
        cols = {}
        for ind in spec.index.indicators:
            s = indicator_values(ind, spec.index, reader, area).reindex(grid)
            cols[ind.id] = s.where(np.isfinite(s))
        raw = pd.DataFrame(cols, index=grid)
        files = {i.id: root / i.source for i in spec.index.indicators}
        inputs = dict(reader.inputs)
    excluded = _apply_exclusions(raw, spec)
    rows = []
    src = {i.id: i.source for i in spec.index.indicators}
    for (a, y), r in raw.iterrows():
        for c in r.index[r.isna()]:
            why = excluded.get((a, y, c), f"no value in {src[c]}")
            rows.append((int(a), int(y), c, why))
    missing = pd.DataFrame(rows, columns=_EMPTY_MISSING)
    from ..data.provinces import province_names

    missing.insert(1, "province_en", missing["adcode"].map(province_names("en")).astype(object))
    return raw, missing, files, inputs  # type: ignore[return-value]
