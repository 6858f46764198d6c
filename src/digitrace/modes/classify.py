"""The three driving modes per province-year: scores, dominant mode, robustness, transitions.

Method (docs/framework.md):

1. Each mode's score is a composite index of its spec indicators, built by
   :func:`digitrace.index.build_index` on the province-years with complete data
   (pooled direction-aware min–max, the dimension's weighting method).
2. Scores are standardised within each year, by van der Waerden normal scores
   :math:`z_{ik} = \\Phi^{-1}(r_{ik}/(n+1))` (default, rank-based) or z-scores
   :math:`(S_{ik} - \\bar S_{\\cdot k}) / s_{\\cdot k}` (within year or pooled); the **dominant mode** is
   :math:`\\arg\\max_k z_{ik}`, and the row is **mixed** when the top two are
   within ``margin`` standard deviations.
3. Robustness: (a) weights within each dimension drawn from
   :math:`\\mathrm{Dir}(\\kappa \\hat w)` (Saisana, Saltelli & Tarantola 2005), rows
   rescored and reclassified: ``p_same_mode`` is the share of draws giving the
   same mode; (b) k-means (k = 3, seeded) on the standardised scores, clusters
   mapped to modes by the Hungarian assignment on the centroids; (c) agreement
   of the argmax mode and the k-means mode: share and Cohen's kappa.
4. Transitions: a first-order Markov matrix of modes (incl. mixed) between
   consecutive years, and each province's mode path.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._frozen import FrozenMapping
from .._results import Provenance, Result, check_option
from ..errors import DataError, SpecificationError
from . import kernels as K
from .spec import MODES, STANDARDISE, ModeSpec, load_mode_spec

STATES = MODES + ("mixed",)
REFERENCE = ("Modes: Tian, Industrial Digitalization in China: Literature Review and Research Prospects, §3; "
             "weights: digitrace.index; Dirichlet perturbation: Saisana, Saltelli & Tarantola (2005) "
             "JRSS A 168(2); k-means++: Arthur & Vassilvitskii (2007); Hungarian: Kuhn (1955); "
             "kappa: Cohen (1960); Markov ML: Anderson & Goodman (1957)")


@dataclass(frozen=True, repr=False)
class DrivingModes(Result):
    """Driving modes of every province-year.

    Attributes
    ----------
    frame : DataFrame
        One row per province-year of the spec's grid: ``adcode, province,
        province_en, region4, year``, the three scores ``score_*`` (composite,
        in [0, 1]), the standardised ``z_*``, ``mode`` (social, technology,
        innovation or mixed), ``mode_top`` and ``mode_second`` (argmax and
        runner-up), ``gap`` (z top − z second), ``p_same_mode`` (Dirichlet
        draws giving the same mode), ``mode_draws`` (the modal mode over
        draws), ``kmeans_cluster``, ``kmeans_mode``, ``agree`` (``kmeans_mode``
        equals ``mode_top`` for 3 clusters, ``mode`` for 4), ``imputed`` (number of imputed cells) and
        ``reason`` (why a row has no mode; empty when it has one).
    dimensions : Mapping[str, IndexResult]
        The composite of each mode (weights, normalised indicators).
    missing : DataFrame
        Every missing indicator cell: ``adcode, year, indicator, reason``.
    indicators : DataFrame
        The raw indicator panel (after any imputation; NaN where missing),
        indexed by ``(adcode, year)`` or ``(sector, year)``.
    imputed : DataFrame
        Every imputed cell (empty unless ``impute`` was given).
    centroids : DataFrame
        k-means centroids (clusters × modes; ``dz_*`` row-centred or ``z_*``
        standardised units) with the mapped mode (Hungarian), the centroid
        argmax and the cluster size.
    agreement : Mapping
        ``share`` and ``kappa`` of the rule vs k-means on all classified rows, and
        ``share_nonmixed``/``kappa_nonmixed`` on rows not in the mixed class.
    """

    frame: pd.DataFrame
    dimensions: Mapping[str, Any]
    spec: ModeSpec
    missing: pd.DataFrame
    imputed: pd.DataFrame
    centroids: pd.DataFrame
    agreement: Mapping[str, float] = field(default_factory=dict)
    indicators: pd.DataFrame | None = None
    unit: str = "adcode"
    label: str = "province_en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "agreement", FrozenMapping(self.agreement))
        object.__setattr__(self, "dimensions", FrozenMapping(self.dimensions))

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _headline(self) -> str:
        f = self.frame
        n = int(f["mode"].notna().sum())
        what = "province-years" if self.unit == "adcode" else f"{self.unit}-years"
        counts = f["mode"].value_counts()
        parts = ", ".join(f"{m} {int(counts.get(m, 0))}" for m in STATES)
        return (f"{self.spec.name}: {n}/{len(f)} {what} classified ({parts}); "
                f"k-means agreement {self.agreement.get('share', float('nan')):.2f}, "
                f"kappa {self.agreement.get('kappa', float('nan')):.2f}")

    def transitions(self, kind: str = "probability") -> pd.DataFrame:
        """Markov matrix of modes between consecutive years (rows: from, columns: to).

        ``kind="count"`` gives the counts :math:`n_{ab}`; ``"probability"`` the ML
        estimate :math:`n_{ab}/\\sum_b n_{ab}` (NaN for a state never left from),
        with the row total in column ``n``.  Only pairs of consecutive years in
        which the province has a mode in both are counted.
        """
        check_option("kind", kind, ("probability", "count"))
        f = self.frame
        code = {m: k for k, m in enumerate(STATES)}
        state = f["mode"].map(code).fillna(-1).astype(int).to_numpy()
        N = K.transition_counts(state, f[self.unit].to_numpy(), f["year"].to_numpy(), len(STATES))
        idx = pd.Index(STATES, name="from")
        cols = pd.Index(STATES, name="to")
        if kind == "count":
            return pd.DataFrame(N, index=idx, columns=cols)
        tot = N.sum(axis=1)
        P = np.where(tot[:, None] > 0, N / np.where(tot > 0, tot, 1)[:, None], np.nan)
        out = pd.DataFrame(P, index=idx, columns=cols)
        out["n"] = tot
        return out

    def paths(self) -> pd.DataFrame:
        """Each unit's mode path: provinces (or sectors) × years (``"-"`` = no mode), changes, modal mode."""
        f = self.frame
        wide = f.pivot(index=self.label, columns="year", values="mode")
        wide = wide.reindex(f.drop_duplicates(self.unit).sort_values(self.unit)[self.label])
        out = wide.astype(object).where(wide.notna(), "-")
        out.columns = [str(c) for c in out.columns]

        def changes(r: pd.Series) -> int:
            s = [v for v in r if isinstance(v, str)]
            return sum(a != b for a, b in pairwise(s))

        out["n_changes"] = wide.apply(changes, axis=1)
        out["most_frequent"] = wide.apply(lambda r: r.dropna().mode().iloc[0] if r.notna().any() else "-", axis=1)
        return out

    def shares(self) -> pd.DataFrame:
        """Number of provinces in each mode by year (plus ``none`` = no mode)."""
        f = self.frame.assign(mode=self.frame["mode"].fillna("none"))
        return f.pivot_table(index="year", columns="mode", values=self.unit, aggfunc="count",
                             fill_value=0).reindex(columns=list(STATES) + ["none"], fill_value=0)

    def weights_frame(self) -> pd.DataFrame:
        """Indicator weights of each mode's composite, with names, units and direction."""
        parts = []
        for m, r in self.dimensions.items():
            if hasattr(r, "weights_frame"):  # IndexResult (province-years)
                parts.append(r.weights_frame().assign(method=r.method))
            else:  # WeightResult (sector-years)
                meta = self.spec.index.to_frame().set_index("indicator")
                parts.append(meta[meta["dimension"] == m].join(r.to_frame()).assign(method=r.method))
        return pd.concat(parts)


def _draw_modes(Zs: dict[str, np.ndarray], W: dict[str, np.ndarray], methods: Mapping[str, str],
                groups: np.ndarray, standardise: str, margin: float, draws: int, concentration: float,
                rng: np.random.Generator) -> np.ndarray:
    """Modes (draws × n) under Dirichlet-perturbed weights within each dimension."""
    from ..index.aggregate import topsis_kernel

    n = len(groups)
    S = np.empty((draws, n, len(MODES)))
    for k, m in enumerate(MODES):
        Wd = rng.dirichlet(np.maximum(concentration * W[m], 1e-6), size=draws)
        if methods[m] == "topsis":
            S[:, :, k] = np.vstack([topsis_kernel(Zs[m], w)[0] for w in Wd])
        else:
            S[:, :, k] = Wd @ Zs[m].T
    return K.dominant(_standardise(S, groups, standardise), margin)[0]


def _standardise(S: np.ndarray, years: np.ndarray, how: str) -> np.ndarray:
    if how == "rank":
        return K.normal_scores(S, years)
    return K.standardise(S, years if how == "by_year" else None)


def classify_scores(S: np.ndarray, Zs: Mapping[str, np.ndarray], W: Mapping[str, np.ndarray],
                    methods: Mapping[str, str], years: np.ndarray, *, standardise: str, margin: float,
                    draws: int, concentration: float, kmeans_on: str, kmeans_k: int, n_init: int,
                    seed: int | None) -> tuple[dict[str, Any], pd.DataFrame, dict[str, Any]]:
    """Classify rows given their three scores ``S`` (n × 3), normalised indicators and weights.

    Shared by :func:`driving_modes` (province-years) and
    :func:`~digitrace.modes.sector_modes` (sector-years). Returns the per-row
    columns, the k-means centroid table and the agreement statistics.
    """
    Z = _standardise(S, years, standardise)
    mode, top, second, gap = K.dominant(Z, margin)

    def name(v: int) -> str:
        return "mixed" if v == K.MIXED else MODES[v]

    rng = np.random.default_rng(seed)
    M = _draw_modes(Zs, W, methods, years, standardise, margin, draws, concentration, rng)
    p_same = (M == mode[None, :]).mean(axis=0)
    vals = np.arange(-1, len(MODES))
    freq = np.stack([(M == v).sum(axis=0) for v in vals])
    modal = vals[freq.argmax(axis=0)]

    X = Z - Z.mean(axis=1, keepdims=True) if kmeans_on == "profile" else Z
    kk = len(MODES) + (kmeans_k == 4)
    labels, C, inertia = K.kmeans(X, kk, seed=seed, n_init=n_init)
    mapping = K.map_clusters(C, "hungarian", mixed=kmeans_k == 4)
    km_mode = mapping[labels]
    nonmixed = mode != K.MIXED
    ref = top if kmeans_k == 3 else mode  # 3 clusters vs the argmax; 4 vs the mode incl. mixed
    labs = range(-1 if kmeans_k == 4 else 0, len(MODES))
    agreement = {
        "share": float((ref == km_mode).mean()),
        "kappa": K.cohen_kappa(ref, km_mode, labels=labs),
        "share_nonmixed": float((ref[nonmixed] == km_mode[nonmixed]).mean()) if nonmixed.any() else float("nan"),
        "kappa_nonmixed": K.cohen_kappa(ref[nonmixed], km_mode[nonmixed], labels=labs),
        "kmeans_inertia": inertia,
        "n": len(top), "n_nonmixed": int(nonmixed.sum()),
    }
    centroids = pd.DataFrame(C, columns=[f"{'dz' if kmeans_on == 'profile' else 'z'}_{m}" for m in MODES])
    centroids.index.name = "cluster"
    centroids["mode_hungarian"] = [name(j) for j in mapping]
    centroids["mode_argmax"] = [name(j) for j in K.map_clusters(C, "argmax", mixed=kmeans_k == 4)]
    centroids["n"] = np.bincount(labels, minlength=kk)
    full: dict[str, Any] = {}
    for k, m in enumerate(MODES):
        full[f"score_{m}"] = S[:, k]
    for k, m in enumerate(MODES):
        full[f"z_{m}"] = Z[:, k]
    full.update({"mode": [name(v) for v in mode], "mode_top": [MODES[v] for v in top],
                 "mode_second": [MODES[v] for v in second], "gap": gap, "p_same_mode": p_same,
                 "mode_draws": [name(v) for v in modal], "kmeans_cluster": labels,
                 "kmeans_mode": [name(v) for v in km_mode], "agree": list(ref == km_mode)})
    return full, centroids, agreement


def _opt(name: str, value: Any, allowed: tuple) -> None:
    try:
        check_option(name, value, allowed)
    except ValueError as exc:
        raise SpecificationError(str(exc)) from exc


def check_options(margin: float, standardise: str, kmeans_on: str, kmeans_k: int, draws: int,
                  concentration: float) -> None:
    """Validate the classification options (one validator for both entry points)."""
    if not margin >= 0:
        raise SpecificationError(f"margin must be ≥ 0, got {margin}")
    _opt("standardise", standardise, STANDARDISE)
    _opt("kmeans_on", kmeans_on, ("profile", "level"))
    _opt("kmeans_k", kmeans_k, (3, 4))
    if draws < 1 or not concentration > 0:
        raise SpecificationError("need draws ≥ 1 and concentration > 0")


def driving_modes(data: str | Path | pd.DataFrame | None = None,
                  spec: str | Path | ModeSpec = "province_modes_2016_2022", *,
                  margin: float | None = None, standardise: str | None = None, method: str | None = None,
                  impute: str | None = None, draws: int = 500, concentration: float = 100.0,
                  kmeans_on: str = "profile", kmeans_k: int = 3, n_init: int = 10,
                  seed: int | None = 0) -> DrivingModes:
    """Classify each province-year into a driving mode of industrial digitalization.

    Parameters
    ----------
    data : path, DataFrame or None
        Data directory (default ``--data`` / ``$DIGITRACE_DATA`` / ``../shared/data``)
        or a raw indicator frame indexed by ``(adcode, year)`` (NaN = missing).
    spec : str, path or ModeSpec
        A shipped mode spec (:func:`~digitrace.modes.list_mode_specs`) or a TOML file.
    margin : float, optional
        "Mixed" when the top two standardised scores differ by less than this
        (standard deviations); default from the spec (0.25).
    standardise : {"rank", "by_year", "pooled"}, optional
        ``"rank"``: van der Waerden normal scores within each year (robust to
        Beijing-type outliers, which inflate a z-score's SD and push most
        provinces into "mixed"); ``"by_year"``: z-scores within each year;
        ``"pooled"``: z-scores over all province-years (then the national time
        trend of each dimension moves every province's profile). Default from the spec.
    method : {None, "entropy", "critic", "pca", "topsis"}
        Weight every dimension with this method instead of the spec's ``method``.
    impute : {None, "interpolate", "floor"}
        ``None`` (default): a province-year with a missing indicator gets no
        mode and a ``reason``. ``"interpolate"``: linear within province
        (nearest value at the ends); ``"floor"``: the pooled minimum. Imputed
        cells are listed in ``result.imputed``.
    draws, concentration : int, float
        Dirichlet weight perturbation :math:`w \\sim \\mathrm{Dir}(\\kappa\\hat w)`.
    kmeans_on : {"profile", "level"}
        k-means on the row-centred standardised scores :math:`z_{ik} - \bar z_{i\\cdot}`
        (default: the mode profile, since the argmax rule is invariant to a row's
        overall level) or on the standardised scores themselves (clusters then
        mostly separate high- from low-level provinces).
    kmeans_k : {3, 4}
        3 clusters mapped one-to-one to the modes (Hungarian assignment on the
        centroids), compared with the argmax mode ``mode_top``; or 4 clusters, the
        flattest centroid being "mixed", compared with ``mode`` itself.
    n_init : int
        k-means restarts.
    seed : int, optional
        Seed of every random step (Dirichlet draws, k-means starts).

    Returns
    -------
    DrivingModes
        ``.to_frame()``, ``.transitions()``, ``.paths()``, ``.shares()``, ``.weights_frame()``.
    """
    from ..data.provinces import province_registry
    from ..index.build import build_index
    from .assemble import IMPUTE, _impute, assemble_modes

    sp = load_mode_spec(spec).with_method(method)
    if any(i.source == "chain" for i in sp.index.indicators):
        raise SpecificationError(f"mode spec {sp.name} is a sector spec (source = 'chain'); "
                                 "use digitrace.modes.sector_modes")
    margin = sp.margin if margin is None else float(margin)
    std = sp.standardise if standardise is None else standardise
    check_options(margin, std, kmeans_on, kmeans_k, draws, concentration)
    if impute is not None:
        _opt("impute", impute, IMPUTE)

    raw, missing, files, inputs = assemble_modes(sp, data)
    n_missing = raw.isna().sum(axis=1)
    imputed = pd.DataFrame(columns=["indicator", "adcode", "province", "year", "value", "method"])
    if impute is not None and len(missing):
        imputed = _impute(raw, sp, impute, files)
    ok = raw.notna().all(axis=1).to_numpy()
    if ok.sum() < 3:
        raise DataError(f"only {int(ok.sum())} province-years have every indicator of spec {sp.name}; "
                        "nothing to classify (pass impute='interpolate' or check the data)")
    cc = raw[ok]
    dims, Zs, W, S = {}, {}, {}, np.empty((len(cc), len(MODES)))
    for k, m in enumerate(MODES):
        cols = sp.indicators_of(m)
        res = build_index(cc[cols], spec=sp.dimension_spec(m), method=sp.methods[m], panel="pooled")
        dims[m] = res
        S[:, k] = res.scores["index"].to_numpy()
        Zs[m] = res.normalised[cols].to_numpy(float)
        W[m] = res.weights.weights.reindex(cols).to_numpy(float)
    years = cc.index.get_level_values("year").to_numpy()
    cols_, centroids, agreement = classify_scores(
        S, Zs, W, sp.methods, years, standardise=std, margin=margin, draws=draws,
        concentration=concentration, kmeans_on=kmeans_on, kmeans_k=kmeans_k, n_init=n_init, seed=seed)

    reg = province_registry().set_index("adcode")
    ad = raw.index.get_level_values("adcode").astype(int)
    out = pd.DataFrame({"adcode": ad, "province": reg.loc[ad, "name_cn"].to_numpy(),
                        "province_en": reg.loc[ad, "name_en"].to_numpy(),
                        "region4": reg.loc[ad, "region4"].to_numpy(),
                        "year": raw.index.get_level_values("year").astype(int)})
    full = cols_
    pos = np.flatnonzero(ok)
    for col, v in full.items():
        out[col] = pd.Series(list(v) if np.asarray(v).dtype.kind in "OUb" else np.asarray(v),
                             index=pos).reindex(range(len(out))).to_numpy()
    out["kmeans_cluster"] = pd.array(out["kmeans_cluster"], dtype="Int64")
    still = raw.isna()
    out["imputed"] = (n_missing - still.sum(axis=1)).to_numpy().astype(int)
    left = missing.loc[np.array([bool(still.loc[(a, y), c]) for a, y, c in zip(
        missing["adcode"], missing["year"], missing["indicator"])], dtype=bool)]
    reasons = left.groupby(["adcode", "year"])[["indicator", "reason"]].apply(
        lambda g: "; ".join(f"{i}: {r}" for i, r in zip(g["indicator"], g["reason"])))
    out["reason"] = ""
    if len(reasons):
        tail = (f" (impute={impute!r} cannot fill it: no value in any year)"
                if impute == "interpolate" else "")
        key = list(zip(out["adcode"], out["year"]))
        out["reason"] = [("missing " + reasons[k2] + tail) if k2 in reasons.index else "" for k2 in key]
    prov = Provenance(
        method="digitrace.modes.driving_modes",
        params={"spec": sp.name, "margin": margin, "standardise": std, "impute": impute,
                "methods": dict(sp.methods), "draws": draws, "concentration": concentration,
                "n_init": n_init, "seed": seed, "kmeans_on": kmeans_on, "kmeans_k": kmeans_k,
                "kmeans_mapping": "hungarian on centroids",
                "years": list(sp.index.years)},
        inputs=tuple(sorted(inputs.items())), reference=REFERENCE)
    return DrivingModes(frame=out, dimensions=dims, spec=sp, missing=missing, imputed=imputed,
                        centroids=centroids, agreement=agreement, indicators=raw, provenance=prov)
