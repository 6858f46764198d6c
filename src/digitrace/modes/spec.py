"""Driving-mode spec files: an index spec (same TOML format) with three dimensions.

A mode spec is read by :func:`digitrace.index.load_spec` (indicators, directions,
sources, transformations) and adds:

* in each ``[[dimension]]`` a ``method`` (``entropy``, ``critic``, ``pca`` or
  ``topsis``): how that dimension's composite is weighted and aggregated;
* ``[modes]``: ``margin`` (the "mixed" class) and ``standardise``
  (``"rank"``, ``"by_year"`` or ``"pooled"``);
* ``[[exclude]]``: source cells known to be wrong (``indicator``, ``adcode``,
  ``year``, ``reason``), set to missing with that reason.

Shipped specs live in ``digitrace/_pkgdata/mode_specs/<name>.toml``.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from .._frozen import FrozenMapping
from ..errors import SpecificationError
from ..index.spec import IndexSpec, load_spec

#: the three driving modes, in this order everywhere (dimension ids of a mode spec)
MODES = ("social", "technology", "innovation")
METHODS = ("entropy", "critic", "pca", "topsis")
STANDARDISE = ("rank", "by_year", "pooled")
DEFAULT_SPEC = "province_modes_2016_2022"


@dataclass(frozen=True)
class Exclusion:
    indicator: str
    adcode: int
    year: int
    reason: str


@dataclass(frozen=True)
class ModeSpec:
    """A parsed mode spec: the index spec, the method of each dimension, options, exclusions."""

    index: IndexSpec
    methods: Mapping[str, str]
    margin: float
    standardise: str
    exclusions: tuple[Exclusion, ...] = ()

    @property
    def name(self) -> str:
        return self.index.name

    def indicators_of(self, mode: str) -> list[str]:
        return [i.id for i in self.index.indicators if i.dimension == mode]

    def dimension_spec(self, mode: str) -> IndexSpec:
        """The one-dimension index spec used to build ``mode``'s composite score."""
        inds = tuple(i for i in self.index.indicators if i.dimension == mode)
        return replace(self.index, name=f"{self.index.name}:{mode}",
                       dimensions=FrozenMapping({mode: self.index.dimensions[mode]}),
                       indicators=inds)

    def with_method(self, method: str | None) -> ModeSpec:
        """The same spec with every dimension weighted by ``method`` (``None``: unchanged)."""
        if method is None:
            return self
        if method not in METHODS:
            raise SpecificationError(f"method must be one of {METHODS}, got {method!r}")
        return replace(self, methods=FrozenMapping({m: method for m in MODES}))

    def to_frame(self):
        df = self.index.to_frame().drop(columns="missing")  # modes never apply the index fill policy
        df.insert(df.columns.get_loc("dimension") + 1, "method", df["dimension"].map(self.methods))
        return df


def _spec_dir():
    return resources.files("digitrace") / "_pkgdata" / "mode_specs"


def list_mode_specs() -> list[str]:
    """Names of the mode specs shipped with the package."""
    return sorted(p.name[:-5] for p in _spec_dir().iterdir() if p.name.endswith(".toml"))


def load_mode_spec(spec: str | Path | ModeSpec = DEFAULT_SPEC) -> ModeSpec:
    """Load a shipped mode spec by name or a TOML path (see the module docstring)."""
    if isinstance(spec, ModeSpec):
        return spec
    p = Path(spec)
    if p.suffix == ".toml" or p.exists():
        if not p.exists():
            raise SpecificationError(f"mode spec file {p} does not exist")
        text, path = p.read_text(encoding="utf-8"), p
    else:
        res = _spec_dir() / f"{spec}.toml"
        if not res.is_file():
            raise SpecificationError(f"unknown mode spec {str(spec)!r}; shipped: "
                                     f"{', '.join(list_mode_specs())} (or pass a .toml path)")
        text = res.read_text(encoding="utf-8")
        with resources.as_file(res) as fp:
            path = Path(fp)
    idx = load_spec(path)
    raw = tomllib.loads(text)
    where = idx.path
    dims = set(idx.dimensions) or {i.dimension for i in idx.indicators}
    if dims != set(MODES):
        raise SpecificationError(f"{where}: a mode spec needs exactly the dimensions {MODES}, "
                                 f"got {sorted(dims)}")
    for m in MODES:
        if not any(i.dimension == m for i in idx.indicators):
            raise SpecificationError(f"{where}: dimension {m!r} has no indicator")
    methods = {}
    for m in MODES:
        meth = idx.dimensions.get(m, {}).get("method", "entropy")
        if meth not in METHODS:
            raise SpecificationError(f"{where}, dimension {m!r}: method must be one of {METHODS}, got {meth!r}")
        methods[m] = meth
    opts = raw.get("modes", {})
    margin = float(opts.get("margin", 0.25))
    if margin < 0:
        raise SpecificationError(f"{where}: [modes] margin must be ≥ 0, got {margin}")
    std = opts.get("standardise", "rank")
    if std not in STANDARDISE:
        raise SpecificationError(f"{where}: [modes] standardise must be one of {STANDARDISE}, got {std!r}")
    ids = {i.id for i in idx.indicators}
    excl = []
    for k, e in enumerate(raw.get("exclude", [])):
        try:
            ex = Exclusion(str(e["indicator"]), int(e["adcode"]), int(e["year"]), str(e["reason"]))
        except KeyError as exc:
            raise SpecificationError(f"{where}, exclude #{k + 1}: missing key {exc.args[0]!r}") from exc
        if ex.indicator not in ids:
            raise SpecificationError(f"{where}, exclude #{k + 1}: indicator {ex.indicator!r} is not in the spec")
        excl.append(ex)
    return ModeSpec(index=idx, methods=FrozenMapping(methods), margin=margin, standardise=std,
                    exclusions=tuple(excl))
