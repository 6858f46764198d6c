"""Array kernels of the driving-mode classification (NumPy/SciPy only, no pandas).

Symbols: :math:`S` is the ``(n, K)`` matrix of dimension scores (K = 3 modes),
:math:`Z` its standardised version, :math:`g` the group (year) of each row.

* :func:`standardise` — :math:`z_{ik} = (S_{ik} - \\bar S_{g(i)k}) / s_{g(i)k}`
  within each group (ddof = 1);
* :func:`normal_scores` — rank-based alternative, :math:`\\Phi^{-1}(r/(n+1))` within group;
* :func:`dominant` — dominant mode :math:`k^* = \\arg\\max_k z_{ik}`, and "mixed"
  when :math:`z_{i(1)} - z_{i(2)} < m` (the top two within the margin *m*);
* :func:`kmeans` — Lloyd's algorithm with k-means++ seeding (Arthur & Vassilvitskii
  2007), best of ``n_init`` seeded runs;
* :func:`map_clusters` — cluster → mode by the Hungarian assignment that
  maximises :math:`\\sum_c \\mu_{c,\\pi(c)}` over centroid coordinates (Kuhn 1955),
  or by each centroid's argmax;
* :func:`cohen_kappa` — :math:`\\kappa = (p_o - p_e)/(1 - p_e)` (Cohen 1960);
* :func:`transition_counts` — counts :math:`n_{ab}` of moves from state *a* in
  year *t* to state *b* in year *t* + 1 (first-order Markov chain; Anderson &
  Goodman 1957 ML estimator :math:`\\hat p_{ab} = n_{ab} / \\sum_b n_{ab}`).
"""
from __future__ import annotations

import numpy as np

MIXED = -1


def standardise(S: np.ndarray, groups: np.ndarray | None = None, ddof: int = 1) -> np.ndarray:
    """z-score the columns of ``S`` (last two axes ``(n, K)``) within each group of rows.

    ``S`` may carry leading draw axes, shape ``(..., n, K)``; groups apply to ``n``.
    A group whose column has zero spread gets z = 0 for that column.
    """
    S = np.asarray(S, dtype=float)
    g = np.zeros(S.shape[-2]) if groups is None else np.asarray(groups)
    out = np.empty_like(S)
    for v in np.unique(g):
        m = g == v
        block = S[..., m, :]
        mu = block.mean(axis=-2, keepdims=True)
        sd = block.std(axis=-2, ddof=ddof, keepdims=True) if m.sum() > ddof else np.zeros_like(mu)
        out[..., m, :] = np.where(sd > 0, (block - mu) / np.where(sd > 0, sd, 1.0), 0.0)
    return out


def normal_scores(S: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    r"""Van der Waerden normal scores within each group: :math:`\Phi^{-1}(r_{ik}/(n_g+1))`.

    :math:`r_{ik}` is the rank of row *i* in column *k* among the :math:`n_g` rows
    of its group (ties: average rank). A rank-based standardisation: robust to
    outliers (a Beijing far above everyone counts as rank 1, not as 4 SD), with
    unit-normal margins, so a margin keeps its "standard deviations" meaning.
    Leading draw axes ``(..., n, K)`` are allowed.
    """
    from scipy.special import ndtri
    from scipy.stats import rankdata

    S = np.asarray(S, dtype=float)
    g = np.zeros(S.shape[-2]) if groups is None else np.asarray(groups)
    out = np.empty_like(S)
    for v in np.unique(g):
        m = g == v
        out[..., m, :] = ndtri(rankdata(S[..., m, :], axis=-2) / (m.sum() + 1))
    return out


def dominant(Z: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dominant mode with a "mixed" class.

    Parameters
    ----------
    Z : ndarray (..., K)
        Standardised scores.
    margin : float
        Rows whose top two scores differ by less than ``margin`` are mixed.

    Returns
    -------
    mode : int array, the argmax, or :data:`MIXED` (−1) when mixed
    top, second : int arrays, the first and second highest columns (ties: lower index first)
    gap : float array, :math:`z_{(1)} - z_{(2)} \\ge 0`
    """
    Z = np.asarray(Z, dtype=float)
    order = np.argsort(-Z, axis=-1, kind="stable")
    top, second = order[..., 0], order[..., 1]
    gap = np.take_along_axis(Z, top[..., None], -1)[..., 0] - np.take_along_axis(Z, second[..., None], -1)[..., 0]
    mode = np.where(gap < margin, MIXED, top)
    return mode, top, second, gap


def _kmeanspp(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    n = len(X)
    C = np.empty((k, X.shape[1]))
    C[0] = X[rng.integers(n)]
    d2 = ((X - C[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        tot = d2.sum()
        idx = rng.integers(n) if tot <= 0 else rng.choice(n, p=d2 / tot)
        C[j] = X[idx]
        d2 = np.minimum(d2, ((X - C[j]) ** 2).sum(axis=1))
    return C


def kmeans(X: np.ndarray, k: int, *, seed: int | None = 0, n_init: int = 10,
           max_iter: int = 300, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray, float]:
    """k-means (Lloyd) with k-means++ starts; the run with the lowest inertia wins.

    Returns ``(labels, centroids, inertia)`` with :math:`\\text{inertia} =
    \\sum_i \\lVert x_i - \\mu_{c(i)} \\rVert^2`.  Deterministic for a given seed.
    Clusters are relabelled in order of first appearance so labels do not depend
    on the random start.
    """
    X = np.asarray(X, dtype=float)
    if len(X) < k:
        raise ValueError(f"k-means needs at least k = {k} rows, got {len(X)}")
    rng = np.random.default_rng(seed)
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    for _ in range(n_init):
        C = _kmeanspp(X, k, rng)
        for _it in range(max_iter):
            D = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
            lab = D.argmin(axis=1)
            newC = np.array([X[lab == j].mean(axis=0) if (lab == j).any() else C[j] for j in range(k)])
            shift = ((newC - C) ** 2).sum()
            C = newC
            if shift <= tol:
                break
        D = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
        lab = D.argmin(axis=1)
        inertia = float(D[np.arange(len(X)), lab].sum())
        if best is None or inertia < best[2] - 1e-12:
            best = (lab, C, inertia)
    lab, C, inertia = best  # type: ignore[misc]
    _, first = np.unique(lab, return_index=True)
    order = np.argsort(first)  # clusters in order of first appearance
    relabel = np.empty(k, dtype=int)
    present = np.unique(lab)[order]
    relabel[present] = np.arange(len(present))
    missing = [j for j in range(k) if j not in set(present)]
    relabel[missing] = np.arange(len(present), k)
    Cn = np.empty_like(C)
    Cn[relabel] = C
    return relabel[lab], Cn, inertia


def map_clusters(centroids: np.ndarray, how: str = "hungarian", mixed: bool = False) -> np.ndarray:
    r"""Mode index for each cluster from its centroid (rows = clusters, columns = modes).

    With ``mixed=True`` (k = K + 1 clusters) the cluster whose centroid has the
    smallest range :math:`\max_k \mu_{ck} - \min_k \mu_{ck}` (the flattest
    profile) is the mixed class (:data:`MIXED`), and the other K clusters are
    mapped as below.

    ``"hungarian"``: the one-to-one assignment maximising the summed centroid
    coordinates (:func:`scipy.optimize.linear_sum_assignment`); ``"argmax"``: each
    cluster takes the mode of its highest centroid coordinate (may map two
    clusters to one mode).
    """
    C = np.asarray(centroids, dtype=float)
    if mixed:
        flat = int(np.argmin(C.max(axis=1) - C.min(axis=1)))
        rest = [j for j in range(len(C)) if j != flat]
        out = np.full(len(C), MIXED, dtype=int)
        out[rest] = map_clusters(C[rest], how)
        return out
    if how == "argmax":
        return C.argmax(axis=1)
    if how != "hungarian":
        raise ValueError(f"how must be 'hungarian' or 'argmax', got {how!r}")
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-C)
    out = np.empty(len(C), dtype=int)
    out[rows] = cols
    return out


def cohen_kappa(a: np.ndarray, b: np.ndarray, labels=None) -> float:
    """Cohen's kappa of two label vectors: :math:`(p_o - p_e)/(1 - p_e)`.

    :math:`p_o` is the observed share of agreement, :math:`p_e = \\sum_c
    p_{a,c} p_{b,c}` the agreement expected from the margins. Returns NaN for
    empty input and 1.0 when :math:`p_e = 1` and the labels agree everywhere.
    """
    a, b = np.asarray(a), np.asarray(b)
    if len(a) != len(b):
        raise ValueError("label vectors differ in length")
    if len(a) == 0:
        return float("nan")
    labs = np.unique(np.concatenate([a, b])) if labels is None else np.asarray(labels)
    po = float((a == b).mean())
    pe = float(sum((a == c).mean() * (b == c).mean() for c in labs))
    if pe >= 1.0:
        return 1.0 if po == 1.0 else float("nan")
    return (po - pe) / (1.0 - pe)


def transition_counts(state: np.ndarray, unit: np.ndarray, time: np.ndarray,
                      n_states: int) -> np.ndarray:
    """Counts :math:`n_{ab}` of unit-level moves between consecutive periods.

    ``state`` holds integers ``0..n_states-1`` or a negative number for "no
    state" (missing); a move is counted only when the unit is observed in both
    *t* and *t* + 1 with a state.
    """
    state, unit, time = np.asarray(state), np.asarray(unit), np.asarray(time)
    N = np.zeros((n_states, n_states), dtype=int)
    key = {(u, t): s for u, t, s in zip(unit.tolist(), time.tolist(), state.tolist())}
    for (u, t), s in key.items():
        s2 = key.get((u, t + 1))
        if s2 is not None and s >= 0 and s2 >= 0:
            N[s, s2] += 1
    return N
