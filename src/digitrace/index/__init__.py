"""Composite indices the way Chinese papers build them, but correct.

* :mod:`.normalise` — direction-aware min–max (with shift) and z-score;
* :mod:`.weights` — entropy (pooled panel entropy and year-by-year), CRITIC,
  PCA with KMO and Bartlett, equal and combined weights;
* :mod:`.aggregate` — linear, geometric and (entropy-)TOPSIS aggregation;
* :mod:`.coupling` — coupling coordination (standard and Wang et al. 2021);
* :mod:`.obstacle` — obstacle degree;
* :mod:`.uncertainty` — rank intervals under Dirichlet weight perturbation;
* :mod:`.build` — spec-driven provincial index building (``digitrace index build``).
"""
from __future__ import annotations

from .aggregate import TopsisResult, aggregate, geometric_index, linear_index, topsis
from .build import IndexResult, IndexSpec, build_index, list_specs, load_spec
from .coupling import CouplingResult, coupling_coordination
from .normalise import minmax, zscore
from .obstacle import ObstacleResult, obstacle_degree
from .uncertainty import RankUncertaintyResult, rank_uncertainty
from .weights import (
                      WeightResult,
                      combined_weights,
                      critic_weights,
                      entropy_weights,
                      equal_weights,
                      kmo_bartlett,
                      pca_weights,
)

__all__ = [
                      "CouplingResult",
                      "IndexResult",
                      "IndexSpec",
                      "ObstacleResult",
                      "RankUncertaintyResult",
                      "TopsisResult",
                      "WeightResult",
                      "aggregate",
                      "build_index",
                      "combined_weights",
                      "coupling_coordination",
                      "critic_weights",
                      "entropy_weights",
                      "equal_weights",
                      "geometric_index",
                      "kmo_bartlett",
                      "linear_index",
                      "list_specs",
                      "load_spec",
                      "minmax",
                      "obstacle_degree",
                      "pca_weights",
                      "rank_uncertainty",
                      "topsis",
                      "zscore",
]
