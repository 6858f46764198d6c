"""Index specification files (TOML): what each indicator is and where it comes from.

A spec names, per indicator, its dimension, direction (+/−), source file and
column, transformation chain, unit and missing-value policy.  Shipped specs live
in ``digitrace/_pkgdata/index_specs/<name>.toml``; :func:`load_spec` accepts a
shipped name or a path.  See ``docs/index.md`` for the format.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from .._frozen import FrozenMapping
from typing import Any

from ..errors import SpecificationError

TRANSFORMS = ("per_capita", "per_area", "share", "chain_link", "log", "scale")
MISSING = ("error", "interpolate", "floor")


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator of an index spec."""

    id: str
    name_cn: str
    name_en: str
    dimension: str
    direction: str
    source: str
    column: str
    unit: str = ""
    transform: tuple[str, ...] = ()
    scale: float = 1.0
    denominator: tuple[str, ...] = ()
    chain_growth: Mapping[int, float] = field(default_factory=dict)
    missing: str = "error"
    filter: Mapping[str, str] = field(default_factory=dict)
    long_variable: tuple[str, ...] = ()
    long_value: str = "value"
    note: str = ""


@dataclass(frozen=True)
class IndexSpec:
    """A parsed index spec (see :func:`load_spec`)."""

    name: str
    title: str
    years: tuple[int, int]
    shift: float
    population: Mapping[str, str]
    area: str
    dimensions: Mapping[str, Mapping[str, str]]
    indicators: tuple[IndicatorSpec, ...]
    notes: str = ""
    path: str = ""

    @property
    def directions(self) -> dict[str, str]:
        return {i.id: i.direction for i in self.indicators}

    @property
    def dimension_of(self) -> dict[str, str]:
        return {i.id: i.dimension for i in self.indicators}

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"indicator": i.id, "name_cn": i.name_cn, "name_en": i.name_en,
                              "dimension": i.dimension, "direction": i.direction,
                              "unit": i.unit, "source": i.source, "column": i.column,
                              "transform": " → ".join(i.transform) or "none",
                              "missing": i.missing} for i in self.indicators])


def _spec_dir():
    return resources.files("digitrace") / "_pkgdata" / "index_specs"


def list_specs() -> list[str]:
    """Names of the index specs shipped with the package."""
    return sorted(p.name[:-5] for p in _spec_dir().iterdir() if p.name.endswith(".toml"))


def _req(d: Mapping, key: str, where: str) -> Any:
    if key not in d:
        raise SpecificationError(f"{where}: missing required key {key!r}")
    return d[key]


def load_spec(spec: str | Path | IndexSpec) -> IndexSpec:
    """Load a shipped spec by name (e.g. ``"province_digital_2015_2022"``) or a TOML path."""
    if isinstance(spec, IndexSpec):
        return spec
    p = Path(spec)
    if p.suffix == ".toml" or p.exists():
        if not p.exists():
            raise SpecificationError(f"index spec file {p} does not exist")
        text, where = p.read_text(encoding="utf-8"), str(p)
    else:
        res = _spec_dir() / f"{spec}.toml"
        if not res.is_file():
            raise SpecificationError(
                f"unknown index spec {str(spec)!r}; shipped specs: {', '.join(list_specs())} "
                "(or pass a path to a .toml file)")
        text, where = res.read_text(encoding="utf-8"), f"shipped spec {spec}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecificationError(f"{where}: invalid TOML: {exc}") from exc
    head = _req(raw, "index", where)
    dims = {d["id"]: FrozenMapping(dict(d)) for d in raw.get("dimension", [])}
    inds = []
    seen = set()
    for k, d in enumerate(_req(raw, "indicator", where)):
        w = f"{where}, indicator #{k + 1}"
        iid = _req(d, "id", w)
        if iid in seen:
            raise SpecificationError(f"{w}: duplicate indicator id {iid!r}")
        seen.add(iid)
        w = f"{where}, indicator {iid!r}"
        direction = _req(d, "direction", w)
        if direction not in ("+", "-"):
            raise SpecificationError(f"{w}: direction must be '+' or '-', got {direction!r}")
        dim = _req(d, "dimension", w)
        if dims and dim not in dims:
            raise SpecificationError(f"{w}: dimension {dim!r} is not declared in [[dimension]]")
        tr = d.get("transform", [])
        tr = (tr,) if isinstance(tr, str) else tuple(tr)
        bad = [t for t in tr if t not in TRANSFORMS]
        if bad:
            raise SpecificationError(f"{w}: unknown transform(s) {bad}; known: {TRANSFORMS}")
        missing = d.get("missing", "error")
        if missing not in MISSING:
            raise SpecificationError(f"{w}: missing must be one of {MISSING}, got {missing!r}")
        den = d.get("denominator", [])
        growth = {int(y): float(g) for y, g in d.get("chain_growth", {}).items()}
        if "chain_link" in tr and not growth:
            raise SpecificationError(f"{w}: transform chain_link needs a [chain_growth] table")
        lv = d.get("long_variable", [])
        inds.append(IndicatorSpec(
            id=iid, name_cn=d.get("name_cn", iid), name_en=d.get("name_en", iid), dimension=dim,
            direction=direction, source=_req(d, "source", w), column=_req(d, "column", w),
            unit=d.get("unit", ""), transform=tr, scale=float(d.get("scale", 1.0)),
            denominator=(den,) if isinstance(den, str) else tuple(den),
            chain_growth=FrozenMapping(growth), missing=missing,
            filter=FrozenMapping(dict(d.get("filter", {}))),
            long_variable=(lv,) if isinstance(lv, str) else tuple(lv),
            long_value=d.get("long_value", "value"), note=d.get("note", "")))
    years = tuple(int(y) for y in _req(head, "years", where))
    if len(years) != 2 or years[0] > years[1]:
        raise SpecificationError(f"{where}: years must be [first, last]")
    return IndexSpec(name=head.get("name", Path(str(spec)).stem), title=head.get("title", ""),
                     years=years, shift=float(head.get("shift", 0.0)),
                     population=FrozenMapping(dict(raw.get("population", {}))),
                     area=raw.get("area", {}).get("source", "geo/china_31_provinces.geojson"),
                     dimensions=FrozenMapping(dims), indicators=tuple(inds),
                     notes=head.get("notes", ""), path=where)
