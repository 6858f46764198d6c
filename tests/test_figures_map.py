"""Province choropleth: the islands south of the main frame go into a South China Sea inset."""
from __future__ import annotations

import json

import numpy as np
import pytest

from digitrace.report.figures import _MAIN_EXTENT, _SCS_EXTENT, choropleth, setup_matplotlib


@pytest.fixture(scope="module")
def geo(data_dir):
    return data_dir / "geo" / "china_31_provinces.geojson"


def _south_of_frame(geo) -> int:
    """Rings of the boundary file lying wholly south of the main frame (Hainan's islands)."""
    gj = json.loads(geo.read_text(encoding="utf-8"))
    n = 0
    for f in gj["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        n += sum(np.asarray(p[0])[:, 1].max() < _MAIN_EXTENT[1][0] for p in polys)
    return n


def test_inset_shows_islands_cut_by_main_frame(geo):
    plt = setup_matplotlib()
    n_south = _south_of_frame(geo)
    assert n_south > 10            # the Nansha/Xisha islands of Hainan in the shared file
    fig, ax = plt.subplots()
    choropleth(ax, geo, {460000: 1.0, 110000: 0.0})
    insets = [c for c in ax.child_axes]
    assert len(insets) == 1
    ins = insets[0]
    assert ins.get_xlim() == _SCS_EXTENT[0] and ins.get_ylim() == _SCS_EXTENT[1]
    coll = ins.collections[0]
    south = [p for p in coll.get_paths() if p.vertices[:, 1].max() < _MAIN_EXTENT[1][0]]
    assert len(south) == n_south   # every island south of the frame is drawn in the inset
    # islands take Hainan's colour (the maximum of the scale), not the missing grey
    cols = coll.get_facecolors()
    idx = [i for i, p in enumerate(coll.get_paths()) if p.vertices[:, 1].max() < _MAIN_EXTENT[1][0]]
    assert np.allclose(cols[idx], cols[idx[0]]) and not np.allclose(cols[idx[0]][:3], 0xdd / 255)
    plt.close(fig)


def test_inset_can_be_switched_off(geo):
    plt = setup_matplotlib()
    fig, ax = plt.subplots()
    choropleth(ax, geo, {}, south_china_sea_inset=False)
    assert ax.child_axes == []
    plt.close(fig)
