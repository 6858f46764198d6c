"""Read the indicators of an :class:`~digitrace.index.spec.IndexSpec` from the data directory.

Each source file is read once with :func:`digitrace.data.panel.load_panel`
(provinces normalised to adcodes, aggregates dropped, duplicate keys raise),
then each indicator goes through its transformation chain and missing-value
policy.  Returns the raw indicator panel (31 provinces × years), the list of
imputed cells and the SHA-256 of every file read.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._results import file_sha256
from ..errors import DataError, SpecificationError
from .spec import IndexSpec, IndicatorSpec

EARTH_RADIUS_M = 6378137.0


def ring_area_m2(coords) -> float:
    """Area of a lon/lat ring on the sphere (Chamberlain & Duquette 2007, JPL 07-03)."""
    pts = np.radians(np.asarray(coords, dtype=float)[:, :2])
    lon, lat = pts[:, 0], pts[:, 1]
    lon2, lat2 = np.roll(lon, -1), np.roll(lat, -1)
    return abs(float(((lon2 - lon) * (2 + np.sin(lat) + np.sin(lat2))).sum())) * EARTH_RADIUS_M ** 2 / 2


def province_area_km2(path: Path) -> pd.Series:
    """Land area of each province (km²) from the 31-province GeoJSON polygons."""
    g = json.loads(Path(path).read_text(encoding="utf-8"))
    out = {}
    for f in g["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        a = 0.0
        for poly in polys:
            a += ring_area_m2(poly[0]) - sum(ring_area_m2(h) for h in poly[1:])
        out[int(f["properties"]["adcode"])] = a / 1e6
    return pd.Series(out, name="area_km2").sort_index()


class _Reader:
    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[tuple, pd.DataFrame] = {}
        self.inputs: dict[str, str] = {}

    def path(self, rel: str) -> Path:
        p = self.root / rel
        if not p.exists():
            raise DataError("source file named in the index spec is not in the data directory "
                            "(a relative source is read from --data; give your own files "
                            "as absolute paths)", file=p)
        return p

    def series(self, source: str, column: str, long_variable=(), long_value="value") -> pd.Series:
        """Values of one variable indexed by (adcode, year)."""
        from ..data.panel import load_panel

        key = (source, tuple(long_variable), long_value)
        if key not in self.cache:
            p = self.path(source)
            if long_variable:
                panel = load_panel(p, variable=list(long_variable), value=long_value,
                                   detect=False)
            else:
                panel = load_panel(p, detect=False)
            self.cache[key] = panel.data
            self.inputs[source] = file_sha256(p)
        df = self.cache[key]
        if column not in df.columns:
            raise DataError(f"column {column!r} not found; available: "
                            f"{[c for c in df.columns if c not in ('adcode', 'year')][:40]}",
                            file=self.root / source, column=column)
        return df.set_index(["adcode", "year"])[column].astype(float)


def _chain_link(s: pd.Series, growth, base_year: int, where: str) -> pd.Series:
    """Rebase a series whose price base changes between years.

    National total :math:`N_t = \\sum_i x_{it}`; real national level
    :math:`R_t = R_{t-1}(1+g_t)` in a year with a published real growth
    :math:`g_t` (a base break) and :math:`R_t = R_{t-1} N_t/N_{t-1}` otherwise
    (same base); :math:`R_{base} = N_{base}`. Province value
    :math:`x_{it} R_t / N_t` (each province's share of the national total is kept).
    """
    wide = s.unstack("year")
    if wide.isna().any().any():
        bad = wide.isna().stack()
        a, y = bad[bad].index[0]
        raise DataError(f"{where}: chain-linking needs all provinces every year; missing",
                        row=f"adcode {a}, year {y}")
    N = wide.sum(axis=0)
    years = sorted(int(y) for y in N.index)
    if base_year not in years:
        raise SpecificationError(f"{where}: chain-link base year {base_year} not in the data")
    R = {base_year: float(N[base_year])}
    for t in [y for y in years if y > base_year]:
        R[t] = R[t - 1] * (1 + growth[t]) if t in growth else R[t - 1] * N[t] / N[t - 1]
    for t in sorted([y for y in years if y < base_year], reverse=True):
        R[t] = R[t + 1] / (1 + growth[t + 1]) if (t + 1) in growth else R[t + 1] * N[t] / N[t + 1]
    factor = pd.Series({t: R[t] / N[t] for t in years})
    return (wide * factor).stack().rename(s.name)


def indicator_values(ind: IndicatorSpec, spec: IndexSpec, reader: _Reader,
                     area: pd.Series | None) -> pd.Series:
    """Transformed values of one indicator, indexed by (adcode, year), all years available."""
    where = f"indicator {ind.id!r}"
    s = reader.series(ind.source, ind.column, ind.long_variable, ind.long_value)
    if s.index.duplicated().any():
        a, y = s.index[s.index.duplicated()][0]
        raise DataError(f"{where}: duplicated province-year", file=reader.root / ind.source,
                        row=f"adcode {a}, year {y}")
    for t in ind.transform:
        if t == "per_capita":
            pop = reader.series(spec.population["source"], spec.population["column"])
            s = s / pop.reindex(s.index)
        elif t == "per_area":
            s = s / area.reindex(s.index.get_level_values("adcode")).to_numpy()
        elif t == "share":
            if not ind.denominator:
                raise SpecificationError(f"{where}: transform share needs denominator columns")
            den = sum(reader.series(ind.source, c) for c in ind.denominator)
            s = s / den.reindex(s.index)
        elif t == "chain_link":
            s = _chain_link(s.dropna(), ind.chain_growth, spec.years[0], where)
        elif t == "log":
            if (s.dropna() <= 0).any():
                a, y = s[s <= 0].index[0]
                raise DataError(f"{where}: log needs positive values; shift the indicator",
                                row=f"adcode {a}, year {y}")
            s = np.log(s)
    return (s * ind.scale).rename(ind.id)


def _fill(s: pd.Series, ind: IndicatorSpec, file: Path, names: dict) -> tuple[pd.Series, list]:
    """Apply the missing-value policy on the (adcode, year) grid; return filled + log."""
    miss = s[s.isna()]
    if miss.empty:
        return s, []
    if ind.missing == "error":
        a, y = miss.index[0]
        raise DataError(f"indicator {ind.id!r}: {len(miss)} missing province-year(s), first "
                        f"{names.get(a, a)} {y}; set missing = 'interpolate' or 'floor' in the "
                        "spec, or fix the source", file=file, row=f"adcode {a}, year {y}",
                        column=ind.column)
    wide = s.unstack("year")
    if ind.missing == "interpolate":
        empty = wide.index[wide.isna().all(axis=1)]
        if len(empty):
            raise DataError(f"indicator {ind.id!r}: {names.get(empty[0], empty[0])} has no value "
                            "in any year, nothing to interpolate; use missing = 'floor'",
                            file=file, column=ind.column)
        filled = wide.T.interpolate(method="linear", limit_direction="both").T
        how = "linear interpolation within province (nearest value at the ends)"
    else:
        filled = wide.fillna(float(np.nanmin(wide.to_numpy())))
        how = "pooled minimum of the indicator (floor)"
    out = filled.stack().rename(s.name).reindex(s.index)
    log = [{"indicator": ind.id, "adcode": int(a), "province": names.get(a, str(a)),
            "year": int(y), "value": float(out.loc[(a, y)]), "method": how}
           for a, y in miss.index]
    return out, log


def assemble(spec: IndexSpec, root: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Raw indicator panel (index adcode, year; one column per indicator), imputations, inputs."""
    from ..data.provinces import province_names, province_registry

    reader = _Reader(root)
    reg = province_registry()
    names = province_names("en")
    area = None
    if any("per_area" in i.transform for i in spec.indicators):
        ap = reader.path(spec.area)
        area = province_area_km2(ap)
        reader.inputs[spec.area] = file_sha256(ap)
    y0, y1 = spec.years
    grid = pd.MultiIndex.from_product([sorted(reg["adcode"].astype(int)), range(y0, y1 + 1)],
                                      names=["adcode", "year"])
    cols, logs = {}, []
    for ind in spec.indicators:
        s = indicator_values(ind, spec, reader, area)
        s = s.reindex(grid)
        s = s.where(np.isfinite(s))
        s, log = _fill(s, ind, root / ind.source, names)
        cols[ind.id] = s
        logs += log
    raw = pd.DataFrame(cols)
    imputed = pd.DataFrame(logs, columns=["indicator", "adcode", "province", "year", "value",
                                          "method"])
    return raw, imputed, dict(reader.inputs)
