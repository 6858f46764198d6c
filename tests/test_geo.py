"""Geometry and weights sources: adjacency, distances, centroids, GeoJSON."""
from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

from digitrace.data.geo import (haversine_km, load_adjacency, load_centroids, load_distances,
                                load_geometry)
from digitrace.errors import DataError, MissingDependencyError


def test_adjacency_facts_from_manifest(data_dir):
    a = load_adjacency(data_dir)
    m = a.matrix.to_numpy()
    assert a.n_edges == 68 and a.islands == (460000,)          # Hainan isolated
    assert (m == m.T).all() and (np.diag(m) == 0).all()
    counts = {k: len(a.neighbours(k)) for k in
              ("Inner Mongolia", "Shaanxi", "Hebei", "Sichuan", "Anhui", "Xinjiang", "Beijing", "Guangdong")}
    assert counts == {"Inner Mongolia": 8, "Shaanxi": 8, "Hebei": 7, "Sichuan": 7, "Anhui": 6,
                      "Xinjiang": 3, "Beijing": 2, "Guangdong": 4}
    assert a.neighbours("广东") == (350000, 360000, 430000, 450000)
    assert set(a.neighbours("Beijing")) == {120000, 130000}
    assert len(a.to_frame()) == 68 and "Hainan" in repr(a)


def test_adjacency_needs_no_optional_dependency(data_dir):
    code = ("import sys, digitrace.data.geo as g; a = g.load_adjacency(sys.argv[1]); g.load_distances(sys.argv[1]);"
            "bad = [m for m in ('shapely', 'geopandas', 'libpysal', 'matplotlib') if m in sys.modules];"
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_distances_equal_haversine_of_capitals(data_dir):
    d = load_distances(data_dir)
    assert d.loc[110000, 310000] == pytest.approx(1067.3)   # Beijing–Shanghai (MANIFEST-1 §3)
    c = load_centroids(data_dir)
    lon, lat = c["capital_lon"].to_numpy(), c["capital_lat"].to_numpy()
    h = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    assert np.abs(h - d.to_numpy()).max() < 0.06             # the file is rounded to 0.1 km


def test_haversine_known_answers():
    # one degree of latitude on a sphere of radius R is 2πR/360
    assert haversine_km(0, 0, 0, 1) == pytest.approx(2 * np.pi * 6371.0088 / 360)
    assert haversine_km(0, 0, 180, 0) == pytest.approx(np.pi * 6371.0088)
    assert haversine_km(116.4, 39.9, 116.4, 39.9) == 0


def test_geometry_polygons(data_dir):
    g = load_geometry(data_dir)
    assert g["adcode"].tolist() == sorted(g["adcode"]) and len(g) == 31
    assert all(x.is_valid for x in g["geometry"])
    assert len(g.attrs["repaired"]) == 18                     # self-intersections in the source
    c = load_centroids(data_dir)
    area = np.array([x.area for x in g["geometry"]])
    assert np.allclose(area, c["area_deg2"].to_numpy(), rtol=1e-3, atol=1e-3)
    raw = load_geometry(data_dir, repair=False)
    assert sum(not x.is_valid for x in raw["geometry"]) == 18


def test_geometry_without_shapely_names_the_extra(data_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "shapely", None)
    monkeypatch.setitem(sys.modules, "shapely.geometry", None)
    with pytest.raises(MissingDependencyError, match=r"digitrace\[maps\]"):
        load_geometry(data_dir)


def _copy_geo(data_dir, tmp_path):
    (tmp_path / "geo").mkdir()
    for f in (data_dir / "geo").glob("*.csv"):
        shutil.copy(f, tmp_path / "geo" / f.name)
    return tmp_path


def test_asymmetric_adjacency_names_cell(data_dir, tmp_path):
    root = _copy_geo(data_dir, tmp_path)
    p = root / "geo/province_adjacency_rook_31.csv"
    lines = p.read_text().splitlines()
    cells = lines[1].split(",")
    cells[5] = "1"                      # Beijing–Inner Mongolia, one direction only
    lines[1] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as exc:
        load_adjacency(root)
    msg = str(exc.value)
    assert "province_adjacency_rook_31.csv" in msg and "not symmetric" in msg
    assert "row 110000" in msg and "column 150000" in msg


def test_edge_list_disagreement_and_bad_labels(data_dir, tmp_path):
    root = _copy_geo(data_dir, tmp_path)
    e = root / "geo/province_adjacency_rook_31_edges.csv"
    e.write_text("\n".join(e.read_text().splitlines()[:-1]) + "\n")   # drop one edge
    with pytest.raises(DataError, match="edge list and matrix disagree on 1 pair"):
        load_adjacency(root)
    d = root / "geo/province_capital_distance_km_31.csv"
    d.write_text(d.read_text().replace("110000", "810000", 1))       # Hong Kong code in the header
    with pytest.raises(DataError, match="not the 31 province adcodes"):
        load_distances(root)
