"""Driving-mode scores per sector and IO table, from :mod:`digitrace.chain`.

No provincial input-output tables exist in the data, so the IO-based parts of
the three modes (digital-input intensity, consumption-side digital content) are
measured nationally, by sector.  For each table, :func:`digitrace.chain.chain_measures`
gives per-sector measures; the spec ``sector_modes_io`` groups them into:

* social: household final consumption / gross output (+), upstreamness (−);
* technology: direct and complete digital-input intensity, digital input share (+);
* innovation: the sector's own digital-core output share, forward linkage, PageRank (+).

These describe each sector's *exposure* to the three motives, not a measured
adoption path; see ``docs/framework.md``.  Weights come from the index toolkit
(entropy/CRITIC/PCA on pooled min–max data), scores are standardised within each
table year, and the same classification as :func:`~digitrace.modes.driving_modes`
applies (dominant/mixed rule, Dirichlet draws, k-means, transitions by sector).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._results import Provenance
from ..errors import DigitraceError, SpecificationError
from .classify import REFERENCE, DrivingModes, check_options, classify_scores
from .spec import MODES, ModeSpec, load_mode_spec

SECTOR_SPEC = "sector_modes_io"


def sector_indicators(table, digital=None) -> pd.DataFrame:
    """The chain-based indicators of one IO table: one row per sector.

    Columns: every :class:`~digitrace.chain.ChainMeasures` sector column plus
    ``household_share`` = household final consumption of the product / gross output
    (``household_basis = "consumption"``: household + government consumption, for the
    non-competitive 42-sector NBS tables, which publish only their sum).
    """
    from ..chain.measures import chain_measures

    cm = chain_measures(table, digital)
    s = cm.sectors.copy()
    labels = table.final_demand_labels
    basis = "household"
    hh = [c for c, r in labels.items() if r == "household" and c in table.final_demand.columns]
    if not hh:  # non-competitive 42-sector NBS tables publish only total consumption (TC)
        basis = "consumption"
        hh = [c for c, r in labels.items() if r == "consumption" and c in table.final_demand.columns]
    if not hh:
        raise DigitraceError(f"the {table.year} table has no household or consumption final-demand "
                             "column; household_share cannot be computed")
    x = table.x.reindex(s.index).to_numpy(float)
    h = table.final_demand[hh].sum(axis=1).reindex(s.index).to_numpy(float)
    s["household_share"] = np.divide(h, x, out=np.full_like(x, np.nan), where=x > 0)
    s["household_basis"] = basis
    s["name_en"] = table.sectors["name_en"].reindex(s.index).to_numpy() if "name_en" in table.sectors else ""
    s["name_zh"] = table.sectors["name_zh"].reindex(s.index).to_numpy() if "name_zh" in table.sectors else ""
    s.insert(0, "year", int(table.year))
    return s.rename_axis("sector").reset_index()


def _oecd_tables(data, years):
    from ..data.io_tables import io_catalog, load_oecd_iot
    from ..paths import data_dir

    cat = io_catalog(data_dir(data))
    cat = cat[cat["source"] == "oecd"]
    if years is not None:
        cat = cat[cat["year"].isin(list(years))]
    if cat.empty:
        raise DigitraceError("no OECD IO table for the requested years in the data directory")
    for row in cat.itertuples(index=False):
        yield load_oecd_iot(row.path, int(row.year))


def sector_modes(data: str | Path | None = None, *, tables: Sequence | None = None,
                 years: Sequence[int] | None = None, spec: str | Path | ModeSpec = SECTOR_SPEC,
                 margin: float | None = None, standardise: str | None = None,
                 method: str | None = None, draws: int = 500,
                 concentration: float = 100.0, kmeans_on: str = "profile", kmeans_k: int = 3,
                 n_init: int = 10, seed: int | None = 0,
                 progress: Callable[[str], None] | None = None) -> DrivingModes:
    """Driving modes of every sector in every IO table (default: OECD China 1995–2018).

    Parameters
    ----------
    data : path or None
        Data directory (for the OECD tables).
    tables : sequence of IOTable, optional
        Tables to use instead (one per year; sectors must share codes across
        tables for transitions to mean anything).
    years : sequence of int, optional
        Restrict the OECD years.
    spec, margin, standardise, method, draws, concentration, kmeans_on, kmeans_k, n_init, seed
        As in :func:`~digitrace.modes.driving_modes`.

    Returns
    -------
    DrivingModes
        with ``unit="sector"``; ``to_frame()`` has ``sector, name_en, name_zh, year``.
    """
    from ..index.normalise import minmax_kernel, parse_directions
    from ..index.weights import critic_weights, entropy_weights, pca_weights

    sp = load_mode_spec(spec).with_method(method)
    if any(i.source != "chain" for i in sp.index.indicators):
        raise SpecificationError(f"mode spec {sp.name} is not a sector spec (indicators need source = 'chain')")
    margin = sp.margin if margin is None else float(margin)
    std = sp.standardise if standardise is None else standardise
    check_options(margin, std, kmeans_on, kmeans_k, draws, concentration)
    it = tables if tables is not None else _oecd_tables(data, years)
    frames, inputs = [], []
    for t in it:
        if progress:
            progress(f"{t.year} {Path(str(t.source)).name}")
        frames.append(sector_indicators(t))
        inputs.append((f"{Path(str(t.source)).name}:{t.year}", ""))
    if len({int(f["year"].iloc[0]) for f in frames}) != len(frames):
        raise SpecificationError("two tables for the same year: pass one table per year")
    panel = pd.concat(frames, ignore_index=True)
    cols = {i.id: i.column for i in sp.index.indicators}
    lack = [c for c in cols.values() if c not in panel.columns]
    if lack:
        raise SpecificationError(f"spec {sp.name} names columns the chain measures do not have: {lack}")
    raw = pd.DataFrame({k: panel[c].astype(float) for k, c in cols.items()})
    ok = np.isfinite(raw.to_numpy()).all(axis=1)
    if ok.sum() < 3:
        raise DigitraceError("fewer than 3 sector-years with every indicator")
    shift = sp.index.shift
    dims, Zs, W, S = {}, {}, {}, np.empty((int(ok.sum()), len(MODES)))
    for k, m in enumerate(MODES):
        ids = sp.indicators_of(m)
        df = raw.loc[ok, ids]
        dirs = {i: sp.index.directions[i] for i in ids}
        meth = sp.methods[m]
        if meth in ("entropy", "topsis"):
            wr = entropy_weights(df, dirs, shift=shift, constant="zero")
        elif meth == "critic":
            wr = critic_weights(df, dirs, constant="zero")
        else:
            wr = pca_weights(df, dirs)
        Z = minmax_kernel(df.to_numpy(float), parse_directions(dirs, ids), shift=shift, constant="zero", columns=ids)
        w = wr.weights.reindex(ids).to_numpy(float)
        if meth == "topsis":
            from ..index.aggregate import topsis_kernel

            S[:, k] = topsis_kernel(Z, w)[0]
        else:
            S[:, k] = Z @ w
        dims[m], Zs[m], W[m] = wr, Z, w
    years_ = panel.loc[ok, "year"].to_numpy()
    full, centroids, agreement = classify_scores(
        S, Zs, W, sp.methods, years_, standardise=std, margin=margin, draws=draws,
        concentration=concentration, kmeans_on=kmeans_on, kmeans_k=kmeans_k, n_init=n_init, seed=seed)
    out = panel[["sector", "name_en", "name_zh", "year", "role"]].copy()
    pos = np.flatnonzero(ok)
    for col, v in full.items():
        out[col] = pd.Series(list(v) if np.asarray(v).dtype.kind in "OUb" else np.asarray(v),
                             index=pos).reindex(range(len(out))).to_numpy()
    out["kmeans_cluster"] = pd.array(out["kmeans_cluster"], dtype="Int64")
    bad = raw.columns.to_numpy()[None, :].repeat(len(raw), 0)
    nan = ~np.isfinite(raw.to_numpy())
    out["reason"] = ["" if o else "missing " + ", ".join(bad[i][nan[i]]) for i, o in enumerate(ok)]
    missing = pd.DataFrame([(out.at[i, "sector"], out.at[i, "year"], c, "not computable from the table")
                            for i in range(len(out)) for c in bad[i][nan[i]]],
                           columns=["sector", "year", "indicator", "reason"])
    prov = Provenance(
        method="digitrace.modes.sector_modes",
        params={"spec": sp.name, "margin": margin, "standardise": std, "methods": dict(sp.methods),
                "draws": draws, "concentration": concentration, "kmeans_on": kmeans_on,
                "kmeans_k": kmeans_k, "n_init": n_init, "seed": seed,
                "years": sorted(int(y) for y in out["year"].unique())},
        inputs=tuple(inputs), reference=REFERENCE + "; chain measures: digitrace.chain")
    return DrivingModes(frame=out, dimensions=dims, spec=sp, missing=missing,
                        imputed=pd.DataFrame(columns=["indicator", "sector", "year", "value", "method"]),
                        centroids=centroids, agreement=agreement, unit="sector", label="name_en",
                        indicators=raw.set_axis(pd.MultiIndex.from_frame(panel[["sector", "year"]]), axis=0),
                        provenance=prov)
