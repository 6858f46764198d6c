"""Global Moran's I and Geary's C for each period of a long panel (the "Moran's I by
year" table of regional papers)."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, DataQualityWarning
from .moran import geary, moran
from .weights import as_spatial_weights

__all__ = ["moran_panel"]


def moran_panel(df: pd.DataFrame, *, value: str, unit: str, time: str, w: Any,
                permutations: int = 999, seed: int | None = None, geary_c: bool = True) -> pd.DataFrame:
    """One row per period: Moran's I, E[I], z, analytic and permutation p (and Geary's C).

    ``unit`` holds the ids of ``w`` (adcodes) or province names.  Each period's
    permutations use an independent stream spawned from ``seed``.  Islands are reported
    once (a single :class:`~digitrace.errors.DataQualityWarning`), not per period.
    """
    for c in (value, unit, time):
        if c not in df.columns:
            raise DataError(f"column {c!r} not in the data", column=c)
    W = as_spatial_weights(w)
    if W.islands:
        warnings.warn(f"island(s) {list(W.islands)} have no neighbours: their spatial lag is 0",
                      DataQualityWarning, stacklevel=2)
    periods = sorted(df[time].dropna().unique())
    seeds = np.random.SeedSequence(seed).spawn(len(periods))
    rows = []
    for t, ss in zip(periods, seeds):
        sub = df[df[time] == t]
        y = pd.Series(sub[value].to_numpy(dtype=float), index=sub[unit].to_list(), name=value)
        s = int(np.random.default_rng(ss).integers(2**63))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            m = moran(y, W, permutations=permutations, seed=s)
            row = {"period": t, "I": m.I, "E[I]": m.EI, "z": m.z_rand, "p_value": m.p_rand,
                   "z_norm": m.z_norm, "p_norm": m.p_norm, "p_sim": m.p_sim, "n": m.n}
            if geary_c:
                g = geary(y, W, permutations=permutations, seed=s)
                row.update({"C": g.C, "z_C": g.z_rand, "p_C": g.p_rand, "p_sim_C": g.p_sim})
        rows.append(row)
    return pd.DataFrame(rows)
