"""Obstacle degree model (障碍度模型).

For unit i and indicator j, with normalised value :math:`z_{ij} \\in [0, 1]` and
weight :math:`w_j` (factor contribution :math:`F_j = w_j`, or the product of the
dimension and within-dimension weights):

.. math::

    I_{ij} = 1 - z_{ij}, \\qquad
    O_{ij} = \\frac{F_j I_{ij}}{\\sum_k F_k I_{ik}}

:math:`O_{ij}` is the share of unit i's shortfall from the ideal that
indicator j accounts for; each row sums to 1.

This is the form used throughout the Chinese composite-index literature (factor
contribution × indicator deviation, normalised per unit); no single canonical
citation is claimed here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256
from ..errors import DataError
from .aggregate import _weight_vector
from .normalise import check_finite, numeric_matrix


def obstacle_kernel(Z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Obstacle degrees :math:`O_{ij}`; a row already at the ideal gets zeros."""
    I = 1.0 - np.asarray(Z, float)
    num = I * np.asarray(w, float)
    tot = num.sum(axis=1, keepdims=True)
    return np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), 0.0)


@dataclass(frozen=True, repr=False)
class ObstacleResult(Result):
    """Obstacle degree per unit and indicator, and the top obstacles per unit."""

    degrees: pd.DataFrame
    top: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.degrees.copy()

    def _headline(self) -> str:
        mean = self.degrees.mean().sort_values(ascending=False)
        return f"{self.degrees.shape[0]} units; largest mean obstacle {mean.index[0]} ({mean.iloc[0]:.3f})"


def obstacle_degree(Z: pd.DataFrame, weights, *, top: int = 3) -> ObstacleResult:
    """Obstacle degree of each indicator for each unit.

    Parameters
    ----------
    Z : DataFrame
        Direction-aware normalised indicators in [0, 1] (e.g. from
        :func:`~digitrace.index.normalise.minmax`; a small shift is tolerated).
    weights : WeightResult, Series or array
    top : int
        Number of leading obstacles listed per unit in ``.top``.
    """
    X = numeric_matrix(Z)
    cols = list(map(str, Z.columns))
    check_finite(X, cols, list(Z.index))
    if (X < 0).any() or (X > 1.01).any():
        i, j = np.argwhere((X < 0) | (X > 1.01))[0]
        raise DataError("obstacle degree needs normalised values in [0, 1]",
                        row=Z.index[i], column=cols[j])
    w = _weight_vector(weights, cols)
    O = obstacle_kernel(np.clip(X, 0, 1), w)
    deg = pd.DataFrame(O, index=Z.index, columns=cols)
    order = np.argsort(-O, axis=1)[:, :top]
    recs = {}
    for k in range(min(top, len(cols))):
        recs[f"obstacle_{k + 1}"] = [cols[j] for j in order[:, k]]
        recs[f"degree_{k + 1}"] = O[np.arange(len(O)), order[:, k]]
    prov = Provenance(method="digitrace.index.obstacle_degree", params={"top": top},
                      inputs=(("Z", array_sha256(X)),),
                      reference="obstacle degree O_ij = w_j(1-z_ij)/sum_k w_k(1-z_ik)")
    return ObstacleResult(degrees=deg, top=pd.DataFrame(recs, index=Z.index), provenance=prov)
