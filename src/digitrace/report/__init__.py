"""Presentation layer: the offline HTML atlas (``digitrace atlas``).

Only this package (and the CLI) imports Jinja2 and matplotlib, always lazily.
"""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("build_atlas", "AtlasResult"):
        from . import atlas

        return getattr(atlas, name)
    raise AttributeError(name)
