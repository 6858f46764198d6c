"""Shared helpers of the atlas sections: paths, loaders shared through ``ctx.cached``, charts.

Only presentation lives here: every number comes from a digitrace library call
made in the section modules (or in the cached loaders below).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..figures import PALETTE, choropleth, setup_matplotlib

GEOJSON = "geo/china_31_provinces.geojson"
INDEX_SPEC = "province_digital_2015_2022"
REGION_ZH = {"East": "东部", "Central": "中部", "West": "西部", "Northeast": "东北"}


def region_label(ctx: Any, r: str) -> str:
    return REGION_ZH.get(r, r) if ctx.lang == "zh" else r


def rel(ctx: Any, path: str | Path) -> str:
    """Record ``path`` (absolute or relative to the data dir) as an input; return it relative."""
    p = Path(path)
    r = str(p.resolve().relative_to(Path(ctx.data_dir).resolve())) if p.is_absolute() else str(p)
    ctx.src(r)
    return r


def record_inputs(ctx: Any, names: Sequence[str], under: Sequence[str] = ()) -> tuple[str, ...]:
    """Record inputs named in a provenance (relative paths or bare file names).

    Bare names are looked up in the folders ``under`` (relative to the data dir).
    """
    out = []
    for n in names:
        cands = [n] + [f"{u}/{n}" for u in under]
        hit = next((c for c in cands if (Path(ctx.data_dir) / c).is_file()), None)
        if hit is None:
            from ...errors import DigitraceError

            raise DigitraceError(f"input {n!r} recorded by the library not found under {ctx.data_dir}")
        out.append(rel(ctx, hit))
    return tuple(sorted(set(out)))


# --- loaders shared across sections ---------------------------------------------------------

def accounts(ctx: Any):
    """``digitrace.digital_accounts(estimator="all")`` once per build, with its inputs recorded."""
    def run():
        import digitrace

        acc = digitrace.digital_accounts(ctx.data_dir, estimator="all")
        srcs = record_inputs(ctx, [n for n, _ in acc.provenance.inputs], under=("io/nbs", "io/oecd"))
        return acc, srcs
    return ctx.cached("accounts", run)


def index_result(ctx: Any):
    """The main provincial index (entropy, pooled) once per build, with its inputs recorded."""
    def run():
        import digitrace

        res = digitrace.build_index(spec=INDEX_SPEC, method="entropy", data=ctx.data_dir)
        srcs = record_inputs(ctx, [n for n, _ in res.provenance.inputs])
        return res, srcs
    return ctx.cached("index", run)


def rook(ctx: Any):
    """Rook contiguity of the 31 provinces, Hainan linked to Guangdong."""
    def run():
        from ...spatial.weights import rook_weights

        ctx.src(GEOJSON)
        return rook_weights(ctx.data_dir, link_hainan=True)
    return ctx.cached("rook", run)


def province_names(ctx: Any) -> pd.DataFrame:
    """adcode -> Chinese / English short names and NBS region (package registry)."""
    def run():
        from ...data.provinces import province_registry

        return province_registry()
    return ctx.cached("provinces", run)


# --- charts ----------------------------------------------------------------------------------

def plt():
    return setup_matplotlib()


def year_axis(ax) -> None:
    """Whole-number ticks on the x axis (years, never 2002.5)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def lines(data: pd.DataFrame, *, ylabel: str, title: str = "", labels: dict[str, str] | None = None,
          figsize=(7.5, 3.8), marker: str | None = "o", styles: dict[str, str] | None = None,
          legend_out: bool = False, ylim=None):
    """Line chart of every column of ``data`` against its index."""
    p = plt()
    fig, ax = p.subplots(figsize=figsize)
    for i, c in enumerate(data.columns):
        s = data[c].dropna()
        ax.plot(s.index, s.values, marker=marker, ms=3.5, lw=1.6, color=PALETTE[i % len(PALETTE)],
                ls=(styles or {}).get(c, "-"), label=(labels or {}).get(c, str(c)))
    ax.set_ylabel(ylabel)
    if pd.api.types.is_numeric_dtype(data.index) and np.all(np.mod(data.index.to_numpy(float), 1) == 0):
        year_axis(ax)
    if title:
        ax.set_title(title, fontsize=11)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend_out:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    else:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def province_map(values: dict[int, float] | None, geojson: Path, *, title: str, cbar_label: str = "",
                 categorical: dict[int, str] | None = None, colors: dict[str, str] | None = None,
                 legend_labels: dict[str, str] | None = None, vmin=None, vmax=None, cmap: str = "YlGnBu"):
    """A province choropleth with a colour bar or a categorical legend."""
    p = plt()
    fig, ax = p.subplots(figsize=(6.4, 4.6))
    sm = choropleth(ax, geojson, values or {}, categorical=categorical, colors=colors,
                    vmin=vmin, vmax=vmax, cmap=cmap)
    ax.set_title(title, fontsize=11)
    if sm is not None:
        cb = fig.colorbar(sm, ax=ax, shrink=0.7, pad=0.01)
        cb.set_label(cbar_label, fontsize=9)
    elif colors:
        from matplotlib.patches import Patch

        present = sorted(set((categorical or {}).values()))
        handles = [Patch(color=colors[k], label=(legend_labels or {}).get(k, k)) for k in colors if k in present]
        ax.legend(handles=handles, fontsize=8, frameon=False, loc="lower left")
    fig.tight_layout()
    return fig


def heatmap(mat: pd.DataFrame, *, title: str, cbar_label: str, cmap: str = "viridis",
            figsize=None, fmt: str | None = None):
    """Heat map of a (row × column) frame; labels are the index and columns."""
    p = plt()
    nr, nc = mat.shape
    fig, ax = p.subplots(figsize=figsize or (min(2.2 + 0.55 * nc, 11), 1.2 + 0.24 * nr))
    arr = mat.to_numpy(dtype=float)
    im = ax.imshow(np.ma.masked_invalid(arr), aspect="auto", cmap=cmap, interpolation="nearest")
    ax.set_xticks(range(nc), [str(c) for c in mat.columns], fontsize=8, rotation=45, ha="right")
    ax.set_yticks(range(nr), [str(r) for r in mat.index], fontsize=7.5)
    ax.grid(False)
    if fmt:
        for i in range(nr):
            for j in range(nc):
                if np.isfinite(arr[i, j]):
                    ax.text(j, i, format(arr[i, j], fmt), ha="center", va="center", fontsize=6.5,
                            color="white" if arr[i, j] > np.nanmean(arr) else "black")
    cb = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01)
    cb.set_label(cbar_label, fontsize=9)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def stacked_barh(data: pd.DataFrame, *, xlabel: str, title: str = "", labels: dict[str, str] | None = None,
                 figsize=None):
    """Horizontal stacked bars: one bar per row, segments = columns."""
    p = plt()
    fig, ax = p.subplots(figsize=figsize or (7.5, 0.9 + 0.26 * len(data)))
    left = np.zeros(len(data))
    y = np.arange(len(data))
    for i, c in enumerate(data.columns):
        v = data[c].to_numpy(dtype=float)
        ax.barh(y, v, left=left, color=PALETTE[i % len(PALETTE)], label=(labels or {}).get(c, str(c)), height=0.75)
        left += v
    ax.set_yticks(y, [str(r) for r in data.index], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title, fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    fig.tight_layout()
    return fig


def short(text: Any, n: int) -> str:
    """``text`` cut to ``n`` characters with an ellipsis (never silently mid-word)."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1].rstrip(" ,;(") + "…"


# label offsets tried in turn (points; horizontal alignment)
_OFFSETS = ((4, 3, "left"), (4, -10, "left"), (-4, 3, "right"), (-4, -10, "right"),
            (4, 12, "left"), (-4, 12, "right"), (4, -19, "left"), (-4, -19, "right"))


def label_points(ax, xs: Sequence[float], ys: Sequence[float], texts: Sequence[str], *,
                 fontsize: float = 7) -> int:
    """Annotate points so that no two labels overlap and none leaves the axes.

    Labels are placed in the given order (put the important ones first); each
    tries a few offsets around its point and is dropped when none is free (the
    CSV behind the figure has every name).  Call after ``fig.tight_layout()``:
    the check is done in display space.  Returns the number of labels placed.
    """
    renderer = ax.figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    placed: list = []
    for x, y, s in zip(xs, ys, texts):
        for dx, dy, ha in _OFFSETS:
            a = ax.annotate(s, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize, ha=ha)
            bb = a.get_window_extent(renderer)
            inside = box.x0 <= bb.x0 and bb.x1 <= box.x1 and box.y0 <= bb.y0 and bb.y1 <= box.y1
            if inside and not any(bb.overlaps(o) for o in placed):
                placed.append(bb.expanded(1.04, 1.15))
                break
            a.remove()
    return len(placed)


def fmt_table(df: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Round floats for stable, readable CSVs (byte-identical on rebuild)."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


#: English renderings of the Chinese units used in the index and mode spec files
UNITS_EN = {"户/百人": "households per 100 people", "个/人": "per person", "GB/人": "GB per person",
            "公里/平方公里": "km per km²", "元/人": "yuan per person", "个": "count", "台": "units",
            "件/万人": "per 10,000 people", "亿元": "100 million yuan", "万元": "10,000 yuan"}


def unit_label(unit: str, lang: str) -> str:
    """The unit as written in the spec (zh), or its English rendering (en)."""
    if lang == "zh" or not isinstance(unit, str):
        return unit
    head, sep, tail = unit.partition(" ")
    return UNITS_EN.get(head, head) + (sep + tail if sep else "")

