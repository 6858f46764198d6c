r"""Chain-reshaping kernels: how digital inputs flow through the IO network.

Pure NumPy.  Notation (Miller & Blair 2009): ``A`` technical coefficients,
``L = (I − A)⁻¹``, ``B`` allocation coefficients, ``G = (I − B)⁻¹``, ``x`` gross
output, ``v`` value-added coefficients (VA / x), ``s`` the digital share of
each sector's output (1 for wholly digital core sectors, between 0 and 1 for
partly digital ones, from the NBS 2021 concordance).

References
----------
Miller, R. E. & Blair, P. D. (2009). *Input-Output Analysis*, 2nd ed., ch. 2, 6, 12.
Antràs, P., Chor, D., Fally, T. & Hillberry, R. (2012). Measuring the upstreamness
of production and trade flows. *American Economic Review* 102(3), 412–416.
Miller, R. E. & Temurshoev, U. (2017). Output upstreamness and input
downstreamness of industries/countries in world production. *International
Regional Science Review* 40(5), 443–475.
Brin, S. & Page, L. (1998). The anatomy of a large-scale hypertextual web search
engine. *Computer Networks* 30, 107–117.
"""
from __future__ import annotations

import numpy as np

from ..io.kernels import output_multipliers, safe_divide

__all__ = ["direct_intensity", "complete_intensity", "input_share", "final_demand_content",
           "upstreamness", "downstreamness", "pagerank", "eigenvector_centrality",
           "linkage_density", "reach"]


def direct_intensity(A: np.ndarray, s: np.ndarray) -> np.ndarray:
    r"""Direct digital-input intensity :math:`\delta_j = \sum_i s_i a_{ij}`.

    Digital inputs bought directly per unit of sector *j*'s output.
    """
    return np.asarray(s, float) @ np.asarray(A, float)


def complete_intensity(L: np.ndarray, s: np.ndarray) -> np.ndarray:
    r"""Complete digital-input intensity :math:`\beta_j = \sum_i s_i (L - I)_{ij}`.

    The complete-consumption coefficient :math:`B^c = L - I = A + A^2 + \dots`
    (完全消耗系数) counts direct and all indirect rounds, so
    :math:`\beta_j \ge \delta_j` whenever :math:`A \ge 0`.
    """
    L = np.asarray(L, float)
    return np.asarray(s, float) @ (L - np.eye(L.shape[0]))


def input_share(Z: np.ndarray, s: np.ndarray) -> np.ndarray:
    r"""Digital share of each sector's intermediate inputs :math:`\sum_i s_i z_{ij} / \sum_i z_{ij}`."""
    Z = np.asarray(Z, float)
    return safe_divide(np.asarray(s, float) @ Z, Z.sum(axis=0))


def final_demand_content(L: np.ndarray, v: np.ndarray, s: np.ndarray, F: np.ndarray) -> np.ndarray:
    r"""Digital value-added content of each final-demand column.

    .. math:: c_k = \frac{(v \circ s)' L f_k}{v' L f_k}

    the share of the value added embodied in final-demand category *k*
    (household consumption, government, GFCF, exports) that is generated in
    digital activities.  ``F`` is n × K; returns K values in [0, 1] when
    ``0 ≤ s ≤ 1`` and the denominators are positive.
    """
    LF = np.asarray(L, float) @ np.asarray(F, float)
    v = np.asarray(v, float)
    return safe_divide((v * np.asarray(s, float)) @ LF, v @ LF)


def upstreamness(G: np.ndarray) -> np.ndarray:
    r"""Output upstreamness :math:`U = G\,\mathbf{1}` (Antràs et al. 2012; Miller & Temurshoev 2017).

    The average number of production stages between a sector's output and
    final use; :math:`U_i \ge 1`.
    """
    return np.asarray(G, float).sum(axis=1)


def downstreamness(L: np.ndarray) -> np.ndarray:
    r"""Input downstreamness :math:`D = \mathbf{1}' L` (Miller & Temurshoev 2017).

    The average number of stages between primary inputs and a sector's
    output: the simple output multiplier of :func:`digitrace.io.kernels.output_multipliers`;
    :math:`D_j \ge 1`.
    """
    return output_multipliers(L)


def pagerank(A: np.ndarray, damping: float = 0.85, tol: float = 1e-12, max_iter: int = 1000) -> np.ndarray:
    r"""PageRank of the supplier → user network with edge weights :math:`a_{ij}`.

    .. math:: \pi_j = \frac{1-d}{n} + d \sum_i \pi_i \frac{a_{ij}}{\sum_k a_{ik}}

    Sectors whose inputs come from important suppliers rank high.  Dangling
    rows (no sales to other sectors) spread their rank uniformly.  Returns a
    probability vector (sums to 1).
    """
    W = np.asarray(A, float).copy()
    np.fill_diagonal(W, 0.0)
    n = W.shape[0]
    out = W.sum(axis=1)
    P = safe_divide(W, out[:, None])
    dangling = out == 0
    pi = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = (1 - damping) / n + damping * (pi @ P + pi[dangling].sum() / n)
        if np.abs(new - pi).sum() < tol:
            return new / new.sum()
        pi = new
    from ..errors import ConvergenceError  # a RuntimeError the CLI reports as a user error

    raise ConvergenceError(f"PageRank did not converge in {max_iter} iterations (tol={tol:g})")


def eigenvector_centrality(A: np.ndarray) -> np.ndarray:
    r"""Eigenvector (Perron) centrality of :math:`A'`: the leading right eigenvector of :math:`A'`.

    Sector *j* is central when it buys from central sectors.  Normalised to sum to 1.
    """
    A = np.asarray(A, float)
    vals, vecs = np.linalg.eig(A.T)
    k = int(np.argmax(vals.real))
    vec = np.abs(vecs[:, k].real)
    return vec / vec.sum()


def linkage_density(A: np.ndarray, digital: np.ndarray, tau: float) -> float:
    r"""Density of digital linkages: the share of (digital supplier *d*, user *j ≠ d*) pairs with :math:`a_{dj} \ge \tau`."""
    A = np.asarray(A, float)
    d = np.flatnonzero(np.asarray(digital, bool))
    if d.size == 0:
        return float("nan")
    sub = A[d, :].copy()
    sub[np.arange(d.size), d] = -np.inf  # exclude self-supply
    return float((sub >= tau).sum() / (d.size * (A.shape[0] - 1)))


def reach(L: np.ndarray, digital: np.ndarray, tau: float) -> tuple[float, float]:
    r"""Downstream and upstream reach of the digital sectors.

    Downstream reach: the share of other sectors *j* with :math:`\sum_{d} l_{dj} \ge \tau`
    (digital output needed, directly and indirectly, per unit of *j*'s final
    demand).  Upstream reach: the share of other sectors *i* with
    :math:`\sum_d l_{id} \ge \tau` (suppliers the digital sectors draw on).
    """
    L = np.asarray(L, float) - np.eye(np.asarray(L).shape[0])
    mask = np.asarray(digital, bool)
    others = ~mask
    if not mask.any() or not others.any():
        return float("nan"), float("nan")
    down = L[mask, :].sum(axis=0)[others]
    up = L[:, mask].sum(axis=1)[others]
    return float((down >= tau).mean()), float((up >= tau).mean())
