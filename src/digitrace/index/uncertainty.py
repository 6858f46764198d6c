"""Rank uncertainty under weight perturbation.

Weights are drawn from a Dirichlet distribution centred on the estimate
:math:`\\hat w`: :math:`w^{(b)} \\sim \\mathrm{Dir}(\\kappa \\hat w)`, so
:math:`E[w^{(b)}] = \\hat w` and :math:`\\mathrm{Var}(w_j^{(b)}) = \\hat w_j(1-\\hat w_j)/(\\kappa+1)`.
Each draw rescores the units (weighted sum, or TOPSIS closeness) and ranks them
(within ``groups``, e.g. within each year). The result reports the rank at
:math:`\\hat w` and the ``(1-level)/2`` and ``(1+level)/2`` quantiles of the
ranks across draws.

Reference: Saisana, Saltelli & Tarantola (2005) Uncertainty and sensitivity
analysis techniques as tools for the quality assessment of composite
indicators, J. R. Stat. Soc. A 168(2): 307–323.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256, check_option
from ..errors import SpecificationError
from .aggregate import _weight_vector, topsis_kernel
from .normalise import check_finite, numeric_matrix


def _ranks(scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score, within each group; scores is (B, N).

    Ordinal ranks: ties (rare with continuous scores) are broken by row order.
    """
    out = np.empty_like(scores, dtype=float)
    for g in pd.unique(groups):
        m = groups == g
        s = scores[:, m]
        order = np.argsort(-s, axis=1, kind="stable")
        r = np.empty_like(order)
        np.put_along_axis(r, order, np.arange(1, s.shape[1] + 1)[None, :].repeat(len(s), 0), axis=1)
        out[:, m] = r
    return out


@dataclass(frozen=True, repr=False)
class RankUncertaintyResult(Result):
    """Rank at the estimated weights and its interval under Dirichlet perturbation."""

    frame: pd.DataFrame
    draws: int
    concentration: float
    level: float

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _headline(self) -> str:
        width = (self.frame["rank_hi"] - self.frame["rank_lo"]).mean()
        return f"{len(self.frame)} units, {self.draws} draws, mean {self.level:.0%} rank-interval width {width:.2f}"


def rank_uncertainty(Z: pd.DataFrame, weights, *, groups=None, draws: int = 1000,
                     concentration: float = 100.0, level: float = 0.9,
                     how: str = "linear", seed: int | None = None) -> RankUncertaintyResult:
    """Rank intervals from Dirichlet perturbation of the weights.

    Parameters
    ----------
    Z : DataFrame of normalised indicators (rows = units or unit-years)
    weights : WeightResult, Series or array (the estimate :math:`\\hat w`)
    groups : array-like, optional
        Rank within these groups (e.g. the year of each row).
    draws : int
    concentration : float
        Dirichlet concentration κ; larger means tighter around :math:`\\hat w`.
    level : float
        Central coverage of the reported rank interval.
    how : {"linear", "topsis"}
    seed : int, optional
        Seed for ``numpy.random.default_rng``.
    """
    check_option("how", how, ("linear", "topsis"))
    if draws < 1 or concentration <= 0 or not 0 < level < 1:
        raise SpecificationError("need draws ≥ 1, concentration > 0 and 0 < level < 1")
    X = numeric_matrix(Z)
    cols = list(map(str, Z.columns))
    check_finite(X, cols, list(Z.index))
    w = _weight_vector(weights, cols)
    g = np.zeros(len(X)) if groups is None else np.asarray(groups)
    if len(g) != len(X):
        raise SpecificationError("groups must have one entry per row")
    rng = np.random.default_rng(seed)
    alpha = np.maximum(concentration * w, 1e-6)
    W = rng.dirichlet(alpha, size=draws)

    def score(wv):
        return X @ wv if how == "linear" else topsis_kernel(X, wv)[0]

    S = np.vstack([score(wv) for wv in W])
    R = _ranks(S, g)
    r0 = _ranks(score(w)[None, :], g)[0]
    lo, hi = (1 - level) / 2, (1 + level) / 2
    frame = pd.DataFrame({"score": score(w), "rank": r0.astype(int),
                          "rank_median": np.median(R, axis=0),
                          "rank_lo": np.quantile(R, lo, axis=0, method="inverted_cdf"),
                          "rank_hi": np.quantile(R, hi, axis=0, method="inverted_cdf"),
                          "p_same_rank": (R == r0).mean(axis=0)}, index=Z.index)
    prov = Provenance(method="digitrace.index.rank_uncertainty",
                      params={"draws": draws, "concentration": concentration, "level": level,
                              "how": how, "seed": seed},
                      inputs=(("Z", array_sha256(X)),),
                      reference="Saisana, Saltelli & Tarantola (2005) JRSS A 168(2): 307-323")
    return RankUncertaintyResult(frame=frame, draws=draws, concentration=concentration,
                                 level=level, provenance=prov)
