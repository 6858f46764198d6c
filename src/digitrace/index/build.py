"""Spec-driven building of a provincial composite index.

:func:`build_index` reads the indicators named in an index spec (see
:mod:`digitrace.index.spec`) from the data directory, applies each indicator's
transformation and missing-value policy, normalises (direction-aware min–max
with the spec's shift), weights (entropy, CRITIC, PCA, or entropy-TOPSIS) and
aggregates.  ``panel="pooled"`` (default) normalises and weights over all
province-years at once (panel entropy, 杨丽 & 孙之淳 2015), so scores are
comparable across years; ``panel="by_year"`` does both within each year (scores
comparable only within a year).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from .._frozen import FrozenMapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256, check_option
from ..errors import SpecificationError
from .aggregate import topsis_kernel
from .normalise import check_finite, minmax_kernel, parse_directions
from .spec import IndexSpec, list_specs, load_spec
from .weights import WeightResult, critic_weights, entropy_weights, pca_weights

__all__ = ["IndexResult", "IndexSpec", "build_index", "list_specs", "load_spec"]

Method = Literal["entropy", "critic", "pca", "topsis"]
METHODS = ("entropy", "critic", "pca", "topsis")


@dataclass(frozen=True, repr=False)
class IndexResult(Result):
    """A built composite index.

    Attributes
    ----------
    scores : DataFrame
        One row per province-year: ``adcode, province, province_en, region4, year,
        index, rank`` (1 = highest within the year) and one column per dimension
        (its contribution :math:`\\sum_{j\\in d} w_j z_{ij}` for linear methods, or
        the dimension's own TOPSIS closeness for ``method="topsis"``).
    weights : WeightResult
        The weights (pooled; for ``panel="by_year"`` the mean, with
        ``weights.group_weights`` per year).
    spec : IndexSpec
    raw, normalised : DataFrame
        Indicator values after transformation, and after min–max (index adcode, year).
    imputed : DataFrame
        Every imputed cell with the method used.
    stats : Mapping
        Method diagnostics (KMO and Bartlett for PCA).
    """

    scores: pd.DataFrame
    weights: WeightResult
    spec: IndexSpec
    method: str
    panel: str
    raw: pd.DataFrame
    normalised: pd.DataFrame
    imputed: pd.DataFrame
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stats", FrozenMapping(dict(self.stats)))

    def to_frame(self) -> pd.DataFrame:
        return self.scores.copy()

    def weights_frame(self) -> pd.DataFrame:
        """Weights with each indicator's dimension, direction, names and unit."""
        meta = self.spec.to_frame().set_index("indicator")
        w = self.weights.to_frame()
        out = meta[["dimension", "name_cn", "name_en", "direction", "unit", "source",
                    "column", "transform"]].join(w)
        out.index.name = "indicator"
        return out

    def dimension_scores(self) -> pd.DataFrame:
        """Each dimension's own score in [0, 1], indexed by (province_en, year).

        For linear methods the dimension contribution divided by the dimension's
        weight sum (a weighted mean of its normalised indicators); for TOPSIS the
        dimension's closeness. Ready for :func:`~digitrace.index.coupling_coordination`.
        """
        dims = list(dict.fromkeys(self.spec.dimension_of[c] for c in self.raw.columns))
        out = self.scores.set_index(["province_en", "year"])[dims].copy()
        if self.method != "topsis":
            wsum = self.weights_frame().groupby("dimension")["weight"].sum()
            out = out / wsum.reindex(dims).to_numpy()
        return out.clip(0.0, 1.0)

    def wide(self, value: str = "index") -> pd.DataFrame:
        """Provinces × years table of ``value`` (``index``, ``rank`` or a dimension).

        Rows in the yearbook (adcode) order, Beijing first, as in the statistical yearbooks.
        """
        order = self.scores.sort_values("adcode").drop_duplicates("adcode")["province_en"]
        return self.scores.pivot(index="province_en", columns="year", values=value).loc[list(order)]

    def _headline(self) -> str:
        y0, y1 = self.scores["year"].min(), self.scores["year"].max()
        return (f"{self.spec.name}, method={self.method}, panel={self.panel}, "
                f"{self.scores['adcode'].nunique()} provinces × {y0}–{y1}, "
                f"{self.raw.shape[1]} indicators")


def _weights(method: str, df: pd.DataFrame, directions, shift: float) -> WeightResult:
    if method in ("entropy", "topsis"):
        return entropy_weights(df, directions, shift=shift, constant="zero")
    if method == "critic":
        return critic_weights(df, directions, constant="zero")
    return pca_weights(df, directions)


def _score(method: str, Z: np.ndarray, w: np.ndarray, dims: list[str],
           dim_of: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    if method == "topsis":
        total = topsis_kernel(Z, w)[0]
        parts = {}
        for d in dims:
            m = dim_of == d
            wd = w[m] / w[m].sum() if w[m].sum() > 0 else np.full(m.sum(), 1.0 / m.sum())
            parts[d] = topsis_kernel(Z[:, m], wd)[0]
        return total, parts
    return Z @ w, {d: Z[:, dim_of == d] @ w[dim_of == d] for d in dims}


def build_index(data: str | Path | pd.DataFrame | None = None,
                spec: str | Path | IndexSpec = "province_digital_2015_2022", *,
                method: Method = "entropy", panel: Literal["pooled", "by_year"] = "pooled",
                shift: float | None = None) -> IndexResult:
    """Build a provincial composite index from an index spec.

    Parameters
    ----------
    data : path, DataFrame or None
        The data directory (default: ``--data`` / ``$DIGITRACE_DATA`` /
        ``../shared/data``), or an already assembled raw indicator DataFrame
        indexed by ``(adcode, year)`` with one column per spec indicator.
    spec : str, path or IndexSpec
        A shipped spec name (see :func:`list_specs`) or a TOML file.
    method : {"entropy", "critic", "pca", "topsis"}
        Weights and aggregation: entropy/CRITIC/PCA weights with a weighted sum,
        or entropy-TOPSIS (entropy weights, TOPSIS closeness).
    panel : {"pooled", "by_year"}
        Pooled panel normalisation and weights (comparable over time), or
        year-by-year cross-sections.
    shift : float, optional
        Overrides the spec's min–max shift.

    Returns
    -------
    IndexResult
    """
    check_option("method", method, METHODS)
    check_option("panel", panel, ("pooled", "by_year"))
    sp = load_spec(spec)
    sh = sp.shift if shift is None else float(shift)
    if isinstance(data, pd.DataFrame):
        raw = data.copy()
        if not {"adcode", "year"} <= set(raw.index.names or []):
            raise SpecificationError("a raw indicator frame must be indexed by (adcode, year); "
                                     "use df.set_index(['adcode', 'year'])")
        missing = [i.id for i in sp.indicators if i.id not in raw.columns]
        if missing:
            raise SpecificationError(f"raw indicator frame lacks spec indicators {missing}")
        raw = raw[[i.id for i in sp.indicators]]
        imputed = pd.DataFrame(columns=["indicator", "adcode", "province", "year", "value",
                                        "method"])
        inputs = {"raw_frame": array_sha256(raw.to_numpy(float))}
    else:
        from ..paths import data_dir
        from ._sources import assemble

        raw, imputed, inputs = assemble(sp, data_dir(data))
    cols = list(raw.columns)
    X = raw.to_numpy(dtype=float)
    check_finite(X, cols, [f"adcode {a}, year {y}" for a, y in raw.index])
    directions = sp.directions
    signs = parse_directions(directions, cols)
    dim_of = np.array([sp.dimension_of[c] for c in cols])
    dims = list(dict.fromkeys(dim_of))
    years = raw.index.get_level_values("year").to_numpy()

    Z = np.empty_like(X)
    total = np.empty(len(X))
    parts = {d: np.empty(len(X)) for d in dims}
    stats: dict[str, Any] = {}
    if panel == "pooled":
        wres = _weights(method, raw, directions, sh)
        Z[:] = minmax_kernel(X, signs, shift=sh, constant="zero", columns=cols)
        w = wres.weights.reindex(cols).to_numpy()
        total[:], p = _score(method, Z, w, dims, dim_of)
        for d in dims:
            parts[d][:] = p[d]
        stats.update({k: v for k, v in wres.stats.items()})
    else:
        per_year = {}
        for y in sorted(set(years)):
            m = years == y
            wy = _weights(method, raw[m], directions, sh)
            per_year[y] = wy.weights.reindex(cols)
            Z[m] = minmax_kernel(X[m], signs, shift=sh, constant="zero", columns=cols)
            total[m], p = _score(method, Z[m], per_year[y].to_numpy(), dims, dim_of)
            for d in dims:
                parts[d][m] = p[d]
            if method == "pca":
                stats[f"kmo_{y}"] = wy.stats["kmo"]
        gw = pd.DataFrame(per_year).T
        gw.index.name = "year"
        mean = gw.mean(axis=0)
        wres = WeightResult(weights=(mean / mean.sum()).rename("weight"), method=method,
                            table=pd.DataFrame({"weight_min": gw.min(), "weight_max": gw.max()}),
                            group_weights=gw, stats={"variant": "by year"},
                            provenance=Provenance(method="digitrace.index.build_index",
                                                  params={"panel": "by_year", "method": method}))

    from ..data.provinces import province_registry

    reg = province_registry().set_index("adcode")
    ad = raw.index.get_level_values("adcode").astype(int)
    scores = pd.DataFrame({"adcode": ad, "province": reg.loc[ad, "name_cn"].to_numpy(),
                           "province_en": reg.loc[ad, "name_en"].to_numpy(),
                           "region4": reg.loc[ad, "region4"].to_numpy(), "year": years,
                           "index": total})
    scores["rank"] = scores.groupby("year")["index"].rank(ascending=False, method="min").astype(int)
    for d in dims:
        scores[d] = parts[d]
    normalised = pd.DataFrame(Z, index=raw.index, columns=cols)
    prov = Provenance(
        method="digitrace.index.build_index",
        params={"spec": sp.name, "method": method, "panel": panel, "shift": sh,
                "years": list(sp.years), "indicators": cols},
        inputs=tuple(sorted(inputs.items())),
        reference=("entropy/CRITIC/PCA/TOPSIS as in digitrace.index; panel entropy: "
                   "杨丽, 孙之淳 (2015) 经济问题 2015(3)"))
    return IndexResult(scores=scores, weights=wres, spec=sp, method=method, panel=panel,
                       raw=raw, normalised=normalised, imputed=imputed, stats=stats,
                       provenance=prov)
