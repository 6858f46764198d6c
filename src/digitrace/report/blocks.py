"""Content blocks of an atlas section: figures, tables, notes and error boxes.

A section builder returns a :class:`Section` holding blocks.  Figures keep the
data behind them (``data``), written next to the SVG/PNG as CSV, plus the
metadata every figure must carry: title, units, source files, method and
parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd


@dataclass(frozen=True)
class Figure:
    """A figure: ``draw(ax_or_fig_factory)`` renders it with matplotlib.

    Attributes
    ----------
    id : str
        File stem (``fig_scale_band``); unique within the atlas.
    title : str
    units : str
    sources : tuple of str
        Input files (relative to the data directory) the numbers come from.
    method : str
        Dotted name of the digitrace function that produced ``data``.
    params : dict
    data : DataFrame
        The table behind the figure (written as CSV).
    draw : callable
        ``draw(data) -> matplotlib.figure.Figure``.
    note : str
    group : str, optional
        Consecutive figures sharing a group are shown one at a time with a
        selector (e.g. one map per year); ``label`` names the option.
    label : str
    """

    id: str
    title: str
    units: str
    sources: tuple[str, ...]
    method: str
    params: dict[str, Any]
    data: pd.DataFrame
    draw: Callable[[pd.DataFrame], Any]
    note: str = ""
    group: str | None = None
    label: str = ""


@dataclass(frozen=True)
class Table:
    """A table shown in the report and written as CSV."""

    id: str
    caption: str
    data: pd.DataFrame
    sources: tuple[str, ...] = ()
    method: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    max_rows: int = 40
    #: show the table folded (``<details>``); default: folded when longer than 12 rows
    collapsed: bool | None = None
    #: display names of columns / index levels on the page (the CSV keeps the machine names)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Note:
    """A paragraph of (already escaped or trusted) HTML."""

    html: str


@dataclass(frozen=True)
class Section:
    """One atlas section."""

    id: str
    title: str
    blocks: tuple[Any, ...]
    intro: str = ""
    error: str | None = None
