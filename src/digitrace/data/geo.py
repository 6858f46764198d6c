"""Province geometry and spatial-weights sources (``geo/`` in the data directory).

* :func:`load_adjacency` -- rook contiguity of the 31 provinces (0/1 matrix labelled by adcode);
  Hainan has no land neighbour and is reported as an island.
* :func:`load_distances` -- great-circle distances between provincial capitals (km).
* :func:`load_centroids` -- capital and polygon-centroid coordinates.
* :func:`load_geometry` -- the province polygons (GeoJSON); needs ``shapely`` (``maps`` extra).

Adjacency, distances and centroids are plain pandas and need no optional dependency.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._results import Provenance, Result, file_sha256
from ..errors import DataError
from .provinces import province_names, province_registry

__all__ = ["Adjacency", "load_adjacency", "load_distances", "load_centroids", "load_geometry",
           "haversine_km", "ADJACENCY_FILE", "EDGES_FILE", "DISTANCE_FILE", "CENTROIDS_FILE",
           "GEOJSON_FILE"]

ADJACENCY_FILE = "geo/province_adjacency_rook_31.csv"
EDGES_FILE = "geo/province_adjacency_rook_31_edges.csv"
DISTANCE_FILE = "geo/province_capital_distance_km_31.csv"
CENTROIDS_FILE = "geo/province_centroids_31.csv"
GEOJSON_FILE = "geo/china_31_provinces.geojson"
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def _root(data_dir: str | Path | None) -> Path:
    from ..paths import data_dir as _dd

    return _dd(data_dir)


def _square(path: Path, what: str) -> pd.DataFrame:
    """Read a square matrix CSV with adcodes on both axes and check its labels."""
    if not path.exists():
        raise DataError(f"{what} file not found", file=path)
    from .readers import read_csv_checked

    df = read_csv_checked(path, index_col=0)
    try:
        df.index = df.index.astype(int)
        df.columns = [int(float(c)) for c in df.columns]
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what}: row and column labels must be adcodes ({exc})", file=path) from exc
    codes = province_registry()["adcode"].astype(int).tolist()
    if sorted(df.index) != codes or sorted(df.columns) != codes:
        extra = sorted(set(df.index) ^ set(codes)) or sorted(set(df.columns) ^ set(codes))
        raise DataError(f"{what}: labels are not the 31 province adcodes (differences: {extra})",
                        file=path)
    df = df.loc[codes, codes]
    if df.isna().any().any():
        r, c = np.argwhere(df.isna().to_numpy())[0]
        raise DataError(f"{what}: missing value", file=path, row=codes[r], column=codes[c])
    return df


@dataclass(frozen=True, repr=False)
class Adjacency(Result):
    """Rook contiguity among the 31 provinces.

    Attributes
    ----------
    matrix : DataFrame
        0/1, symmetric, zero diagonal, index and columns = adcodes (a copy is returned).
    islands : tuple of int
        Provinces with no neighbour (Hainan, 460000, in the reference data).
    """

    _matrix: pd.DataFrame = field(repr=False, compare=False)
    islands: tuple[int, ...] = ()

    @property
    def matrix(self) -> pd.DataFrame:
        return self._matrix.copy()

    @property
    def n_edges(self) -> int:
        return int(self._matrix.to_numpy().sum() // 2)

    def neighbours(self, province: Any) -> tuple[int, ...]:
        """Adcodes of the neighbours of a province (any name or code)."""
        from .provinces import resolve_province

        a = resolve_province(province)
        row = self._matrix.loc[a]
        return tuple(int(c) for c in row.index[row.to_numpy() > 0])

    def to_frame(self) -> pd.DataFrame:
        """Edge list: ``adcode_i, name_i, adcode_j, name_j`` (i < j)."""
        m = self._matrix.to_numpy()
        codes = list(self._matrix.index)
        nm = province_names("cn")
        i, j = np.nonzero(np.triu(m, 1))
        return pd.DataFrame({"adcode_i": [codes[k] for k in i], "name_i": [nm[codes[k]] for k in i],
                             "adcode_j": [codes[k] for k in j], "name_j": [nm[codes[k]] for k in j]})

    def _headline(self) -> str:
        isl = ", ".join(province_names("en")[a] for a in self.islands) or "none"
        return f"31 provinces, {self.n_edges} rook edges, islands: {isl}"


def load_adjacency(data_dir: str | Path | None = None) -> Adjacency:
    """Rook contiguity matrix of the 31 provinces, checked.

    Checks: adcode labels, 0/1 values, symmetry, zero diagonal, and agreement with the edge
    list ``province_adjacency_rook_31_edges.csv`` when that file is present.

    Parameters
    ----------
    data_dir : path, optional
        The data directory (default: ``--data`` / ``DIGITRACE_DATA`` / ``../shared/data``).
    """
    root = _root(data_dir)
    path = root / ADJACENCY_FILE
    df = _square(path, "adjacency")
    m = df.to_numpy()
    bad = ~np.isin(m, (0, 1))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataError(f"adjacency values must be 0/1, found {m[r, c]!r}", file=path,
                        row=df.index[r], column=df.columns[c])
    if (np.diag(m) != 0).any():
        r = int(np.flatnonzero(np.diag(m))[0])
        raise DataError("adjacency diagonal must be 0", file=path, row=df.index[r], column=df.columns[r])
    if not (m == m.T).all():
        r, c = np.argwhere(m != m.T)[0]
        raise DataError("adjacency matrix is not symmetric", file=path, row=df.index[r],
                        column=df.columns[c])
    inputs = [(str(path), file_sha256(path))]
    epath = root / EDGES_FILE
    if epath.exists():
        from .readers import read_csv_checked

        e = read_csv_checked(epath)
        pairs = {frozenset((int(a), int(b))) for a, b in zip(e["adcode_i"], e["adcode_j"])}
        i, j = np.nonzero(np.triu(m, 1))
        mat_pairs = {frozenset((int(df.index[a]), int(df.columns[b]))) for a, b in zip(i, j)}
        if pairs != mat_pairs:
            diff = sorted(tuple(sorted(p)) for p in pairs ^ mat_pairs)
            raise DataError(f"edge list and matrix disagree on {len(diff)} pair(s), e.g. {diff[0]}",
                            file=epath)
        inputs.append((str(epath), file_sha256(epath)))
    islands = tuple(int(a) for a, s in zip(df.index, m.sum(axis=1)) if s == 0)
    mat = df.astype("int64")
    mat.index.name = "adcode"
    return Adjacency(_matrix=mat, islands=islands,
                     provenance=Provenance(method="digitrace.data.geo.load_adjacency",
                                           params={"contiguity": "rook"}, inputs=tuple(inputs)))


def haversine_km(lon1, lat1, lon2, lat2, radius: float = EARTH_RADIUS_KM) -> np.ndarray:
    """Great-circle distance (km) by the haversine formula.

    .. math:: d = 2R \\arcsin\\sqrt{\\sin^2\\frac{\\Delta\\phi}{2}
              + \\cos\\phi_1\\cos\\phi_2\\sin^2\\frac{\\Delta\\lambda}{2}}
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * radius * np.arcsin(np.sqrt(h))


def load_distances(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Capital-to-capital great-circle distances (km), 31 × 31, labelled by adcode.

    Checks: symmetric, zero diagonal, positive off the diagonal.
    """
    path = _root(data_dir) / DISTANCE_FILE
    d = _square(path, "distance")
    m = d.to_numpy(dtype=float)
    if not np.allclose(m, m.T, atol=0.05):
        r, c = np.argwhere(~np.isclose(m, m.T, atol=0.05))[0]
        raise DataError("distance matrix is not symmetric", file=path, row=d.index[r], column=d.columns[c])
    off = ~np.eye(len(m), dtype=bool)
    if (np.diag(m) != 0).any() or (m[off] <= 0).any():
        raise DataError("distances must be 0 on the diagonal and positive elsewhere", file=path)
    d = d.astype(float)
    d.index.name = "adcode"
    return d


def load_centroids(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Capital and polygon-centroid coordinates, indexed by adcode.

    Columns ``name, capital_lon, capital_lat, centroid_lon, centroid_lat, area_deg2``.
    """
    from .readers import read_csv_checked

    path = _root(data_dir) / CENTROIDS_FILE
    if not path.exists():
        raise DataError("centroids file not found", file=path)
    c = read_csv_checked(path)
    codes = province_registry()["adcode"].astype(int).tolist()
    if sorted(c["adcode"].astype(int)) != codes:
        raise DataError("centroids: adcodes are not the 31 provinces", file=path, column="adcode")
    c = c.set_index(c["adcode"].astype(int).rename("adcode")).drop(columns="adcode").loc[codes]
    for col, lo, hi in (("capital_lon", 73, 136), ("capital_lat", 18, 54)):
        bad = ~c[col].between(lo, hi)
        if bad.any():
            raise DataError(f"{col} outside China's extent [{lo}, {hi}]", file=path,
                            row=int(c.index[bad][0]), column=col)
    return c


def load_geometry(data_dir: str | Path | None = None, *, repair: bool = True):
    """Province polygons from the GeoJSON, as a DataFrame with a shapely ``geometry`` column.

    Needs ``shapely`` (``pip install 'digitrace[maps]'``).  Returns columns
    ``adcode, name, geometry`` ordered by adcode; ``geopandas.GeoDataFrame(df)`` turns it into a
    GeoDataFrame when geopandas is installed.

    The reference GeoJSON (TopoJSON decoded and rounded to 1e-5°) has self-intersecting rings
    in 18 provinces.  With ``repair=True`` (default) they are fixed with
    ``shapely.make_valid`` (area change below 1e-6 relative); the adcodes repaired are listed in
    ``df.attrs["repaired"]``.
    """
    from .._optional import require

    shp = require("shapely.geometry", extra="maps")
    shapely = require("shapely", extra="maps")
    path = _root(data_dir) / GEOJSON_FILE
    if not path.exists():
        raise DataError("GeoJSON file not found", file=path)
    try:
        gj = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid GeoJSON: {exc.msg}", file=path, row=f"line {exc.lineno}") from exc
    rows = []
    for k, feat in enumerate(gj.get("features", [])):
        props = feat.get("properties") or {}
        if "adcode" not in props:
            raise DataError("feature without an adcode property", file=path, row=f"feature {k}")
        rows.append({"adcode": int(props["adcode"]), "name": props.get("name", ""),
                     "geometry": shp.shape(feat["geometry"])})
    df = pd.DataFrame(rows)
    codes = province_registry()["adcode"].astype(int).tolist()
    if sorted(df["adcode"]) != codes:
        raise DataError(f"GeoJSON has {len(df)} features; adcodes are not the 31 provinces",
                        file=path, column="adcode")
    df = df.set_index("adcode", drop=False).loc[codes].reset_index(drop=True)
    repaired = []
    if repair:
        for k, g in enumerate(df["geometry"]):
            if not g.is_valid:
                fixed = shapely.make_valid(g)
                if fixed.geom_type == "GeometryCollection":  # keep the polygonal part
                    fixed = shapely.union_all([p for p in fixed.geoms if p.area > 0])
                if abs(fixed.area - g.area) > 1e-6 * max(g.area, 1e-12):
                    raise DataError(f"repairing an invalid polygon changed its area by "
                                    f"{abs(fixed.area - g.area):.3g} deg²", file=path,
                                    row=int(df["adcode"].iloc[k]))
                df.at[k, "geometry"] = fixed
                repaired.append(int(df["adcode"].iloc[k]))
    df.attrs["repaired"] = tuple(repaired)
    df.attrs["source"] = str(path)
    return df
