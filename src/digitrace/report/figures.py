"""Figure rendering for the atlas: matplotlib (Agg), CJK fonts, deterministic files.

Every figure is saved as SVG (text kept as text, ``svg.fonttype = "none"``) and
PNG.  Metadata that would change between runs (dates, random ids) is removed.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .._optional import require

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei",
                "Source Han Sans SC", "SimHei", "Microsoft YaHei")

PALETTE = ("#1f5f8b", "#e07b39", "#3a9a5b", "#b23a48", "#7a5195", "#8c8c8c", "#c9a227")


@lru_cache(maxsize=1)
def setup_matplotlib() -> Any:
    """Configure matplotlib once: Agg backend, CJK font, deterministic SVG ids.

    Returns the ``matplotlib.pyplot`` module.  ``cjk_font`` in the rcParams
    comment says whether a CJK font was found (Chinese text would otherwise
    render as boxes in PNGs; SVG keeps text as text).
    """
    mpl = require("matplotlib")
    mpl.use("Agg", force=True)
    from matplotlib import font_manager

    plt = require("matplotlib.pyplot")
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = [f for f in CJK_FAMILIES if f in names]
    if not found:  # fonts installed after matplotlib built its cache: rebuild once
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = [f for f in CJK_FAMILIES if f in names]
    mpl.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": found + ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "none",
        "svg.hashsalt": "digitrace",
        "figure.dpi": 100,
        "savefig.dpi": 110,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
        "axes.grid": True,
        "grid.alpha": 0.3,
    })
    plt._digitrace_cjk_font = found[0] if found else None  # type: ignore[attr-defined]
    return plt


def cjk_font_available() -> bool:
    plt = setup_matplotlib()
    return bool(getattr(plt, "_digitrace_cjk_font", None))


def save_figure(fig: Any, stem: Path) -> tuple[Path, Path]:
    """Save ``fig`` as ``stem.svg`` and ``stem.png`` (deterministic) and close it."""
    plt = setup_matplotlib()
    stem.parent.mkdir(parents=True, exist_ok=True)
    svg, png = stem.with_suffix(".svg"), stem.with_suffix(".png")
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "digitrace"}, bbox_inches="tight")
    fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return svg, png


@lru_cache(maxsize=4)
def _province_polygons(geojson_path: str) -> dict[int, list[np.ndarray]]:
    """adcode -> list of exterior rings (lon, lat) from the province GeoJSON."""
    with open(geojson_path, encoding="utf-8") as fh:
        gj = json.load(fh)
    out: dict[int, list[np.ndarray]] = {}
    for feat in gj["features"]:
        code = int(feat["properties"]["adcode"])
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        out[code] = [np.asarray(p[0], dtype=float) for p in polys]
    return out


def choropleth(ax: Any, geojson_path: str | Path, values: dict[int, float], *,
               cmap: str = "YlGnBu", categorical: dict[int, str] | None = None,
               colors: dict[str, str] | None = None, vmin: float | None = None,
               vmax: float | None = None, missing: str = "#dddddd",
               south_china_sea_inset: bool = True) -> Any:
    """Draw a province choropleth with plain matplotlib (no geopandas).

    Parameters
    ----------
    values : dict adcode -> float
        Continuous values (ignored when ``categorical`` is given).
    categorical : dict adcode -> label, optional
        Class per province; ``colors`` maps label -> colour.
    south_china_sea_inset : bool
        Draw the islands south of the main frame (17°N) in a framed inset at
        the lower right, as Chinese published maps do (default True).
    Returns the ScalarMappable for a colour bar (or None for categorical maps).
    """
    plt = setup_matplotlib()
    from matplotlib.collections import PolyCollection

    polys = _province_polygons(str(geojson_path))
    verts, facecolors = [], []
    sm = None
    if categorical is None:
        vals = np.array([v for v in values.values() if v is not None and np.isfinite(v)], dtype=float)
        lo = float(np.nanmin(vals)) if vmin is None and vals.size else (vmin or 0.0)
        hi = float(np.nanmax(vals)) if vmax is None and vals.size else (vmax or 1.0)
        norm = plt.Normalize(lo, hi if hi > lo else lo + 1)
        cm = plt.get_cmap(cmap)
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cm)
    for code in sorted(polys):
        for ring in polys[code]:
            verts.append(ring)
            if categorical is not None:
                lab = categorical.get(code)
                facecolors.append((colors or {}).get(lab, missing) if lab is not None else missing)
            else:
                v = values.get(code)
                facecolors.append(cm(norm(v)) if v is not None and np.isfinite(v) else missing)
    ax.add_collection(PolyCollection(verts, facecolors=facecolors, edgecolors="white", linewidths=0.4))
    ax.set_xlim(*_MAIN_EXTENT[0])
    ax.set_ylim(*_MAIN_EXTENT[1])
    ax.set_aspect(1.2)
    ax.set_axis_off()
    if south_china_sea_inset:
        _scs_inset(ax, verts, facecolors)
    return sm


# Main map frame (lon, lat) and the South China Sea inset frame.  The main frame
# stops at 17°N, so Hainan's islands south of it (down to ~3.8°N in the
# boundary file) are shown, as on Chinese published maps, in a framed inset at
# the lower right (南海诸岛).
_MAIN_EXTENT = ((73.0, 136.0), (17.0, 54.0))
_SCS_EXTENT = ((106.5, 123.5), (3.0, 23.5))


def _scs_inset(ax: Any, verts: list[np.ndarray], facecolors: list[Any]) -> Any:
    """Framed inset at the lower right showing the South China Sea islands."""
    from matplotlib.collections import PolyCollection

    (x0, x1), (y0, y1) = _SCS_EXTENT
    keep = [i for i, v in enumerate(verts)
            if v[:, 0].max() >= x0 and v[:, 0].min() <= x1 and v[:, 1].min() <= y1 and v[:, 1].max() >= y0]
    ins = ax.inset_axes([0.835, 0.0, 0.165, 0.30])
    ins.add_collection(PolyCollection([verts[i] for i in keep], facecolors=[facecolors[i] for i in keep],
                                      edgecolors="#555555", linewidths=0.3))
    ins.set_xlim(x0, x1)
    ins.set_ylim(y0, y1)
    ins.set_aspect(1.2)
    ins.set_xticks([])
    ins.set_yticks([])
    for side in ins.spines.values():
        side.set_linewidth(0.6)
        side.set_edgecolor("#555555")
    return ins
