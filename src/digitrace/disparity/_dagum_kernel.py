r"""Dagum (1997) Gini decomposition: pure NumPy kernels (no pandas, no I/O).

Everything is derived from one matrix of *positive-part sums*

.. math::

    P_{jh} = \sum_{i \in j} \sum_{r \in h} w_i w_r \max(y_i - y_r, 0),

so that :math:`\sum_{i\in j}\sum_{r\in h} w_i w_r |y_i - y_r| = P_{jh} + P_{hj}` and the
first moments of transvariation are :math:`d_{jh} = P_{jh}/(W_j W_h)` and
:math:`p_{jh} = P_{hj}/(W_j W_h)` for :math:`\bar Y_j \ge \bar Y_h`.

:math:`P` is computed by sorting: after sorting all observations once, the sum over the
earlier (smaller) members of group *h* is ``y_i * C_h(i) - S_h(i)`` with ``C`` and ``S``
exclusive cumulative (weighted) counts and sums, so the cost is
:math:`O(n \log n + n k)` instead of the :math:`O(n^2)` double loop.  The kernel is batched
over bootstrap replications (first axis).

Reference: Dagum, C. (1997). A new approach to the decomposition of the Gini income
inequality ratio. *Empirical Economics* 22(4): 515–531.
"""
from __future__ import annotations

import numpy as np

#: order of the scalar terms returned by :func:`dagum_terms`
SCALARS = ("G", "G_w", "G_nb", "G_t")


def positive_part_sums(y: np.ndarray, g: np.ndarray, w: np.ndarray, k: int,
                       return_moments: bool = False):
    """Batched :math:`P_{jh}` for ``y``, ``g``, ``w`` of shape ``(B, n)``; returns ``(B, k, k)``.

    ``g`` holds integer group codes ``0..k-1``.  Ties contribute zero whatever their order,
    so an unstable sort is fine.  With ``return_moments`` also returns the group weight
    totals ``W`` and weighted means ``mu`` (both ``(B, k)``) from the same pass.
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    g = np.broadcast_to(np.atleast_2d(g), y.shape)
    w = np.broadcast_to(np.atleast_2d(np.asarray(w, dtype=float)), y.shape)
    # differences are shift invariant: centre on the row minimum to limit cancellation
    shift = y.min(axis=1, keepdims=True)
    y = y - shift
    order = np.argsort(y, axis=1)
    ys = np.take_along_axis(y, order, axis=1)
    gs = np.take_along_axis(g, order, axis=1)
    onehot = (gs[..., None] == np.arange(k)).astype(float)                   # (B, n, k)
    if not (w == 1).all():
        onehot *= np.take_along_axis(w, order, axis=1)[..., None]
    wy = onehot * ys[..., None]                                              # w_i y_i [g_i = j]
    # exclusive cumulative weighted counts C_h(i) = sum of w_r, r in h, sorted before i
    cnt = np.cumsum(onehot, axis=1)
    W = cnt[:, -1, :].copy()                                                 # group totals
    incl = W[:, None, :] - cnt                                               # weight of h after i
    cnt -= onehot
    # P_jh = sum_{i in j} w_i y_i C_h(i) - sum_{r in h} w_r y_r (weight of j after r)
    WyT = wy.transpose(0, 2, 1)
    P = np.matmul(WyT, cnt) - np.matmul(WyT, incl).transpose(0, 2, 1)
    if not return_moments:
        return P
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(W > 0, wy.sum(axis=1) / np.where(W > 0, W, 1.0) + shift, 0.0)
    return P, W, mu


def dagum_terms(P: np.ndarray, W: np.ndarray, mu: np.ndarray) -> dict[str, np.ndarray]:
    r"""All Dagum terms from ``P`` (B,k,k), group weight totals ``W`` and means ``mu`` (B,k).

    Returns arrays with a leading replication axis:

    * ``G`` total Gini :math:`\sum_{j,h}\sum_{i,r} w_i w_r|y_{ji}-y_{hr}| / (2 W^2 \bar y)`;
    * ``Gjh`` (k,k): diagonal :math:`G_{jj} = A_{jj}/(2W_j^2\bar Y_j)`, off-diagonal
      :math:`G_{jh} = A_{jh}/(W_j W_h(\bar Y_j+\bar Y_h))` with :math:`A = P + P^T`;
    * ``D`` (k,k) symmetric relative economic affluence :math:`D_{jh}=(d_{jh}-p_{jh})/(d_{jh}+p_{jh})`
      with *j* the group of higher mean (0 where :math:`d+p=0`);
    * ``d``, ``p`` (k,k): the transvariation moments, stored at ``[j, h]`` with j the richer group;
    * ``p_share`` population shares :math:`p_j`, ``s_share`` income shares :math:`s_j`;
    * ``G_w`` :math:`=\sum_j G_{jj}p_j s_j`; ``G_nb`` :math:`=\sum_{j>h} G_{jh}(p_js_h+p_hs_j)D_{jh}`;
      ``G_t`` the same with :math:`1-D_{jh}`; ``nb_jh``/``t_jh`` the pair contributions.
    """
    P = np.asarray(P, dtype=float)
    B, k, _ = P.shape
    A = P + np.swapaxes(P, 1, 2)
    Wtot = W.sum(axis=1)                                          # (B,)
    ybar = (W * mu).sum(axis=1) / Wtot
    with np.errstate(divide="ignore", invalid="ignore"):
        G = A.sum(axis=(1, 2)) / (2.0 * Wtot**2 * ybar)
        denom = W[:, :, None] * W[:, None, :] * (mu[:, :, None] + mu[:, None, :])
        Gjh = np.where(denom > 0, A / np.where(denom > 0, denom, 1.0), 0.0)
        p_share = W / Wtot[:, None]
        s_share = W * mu / (Wtot * ybar)[:, None]
        richer = mu[:, :, None] >= mu[:, None, :]                 # j richer than (or tie with) h
        # D_jh = (d - p)/(d + p) = |P_jh - P_hj| / A_jh (the W_jW_h factors cancel)
        num = np.abs(P - np.swapaxes(P, 1, 2))
        D = np.where(A > 0, num / np.where(A > 0, A, 1.0), 0.0)
    # first moments, stored at [richer, poorer]
    WW = W[:, :, None] * W[:, None, :]
    WW = np.where(WW > 0, WW, 1.0)
    d = np.where(richer, P, 0.0) / WW
    p = np.where(richer, np.swapaxes(P, 1, 2), 0.0) / WW
    idx = np.arange(k)
    Gjj = Gjh[:, idx, idx]
    G_w = (Gjj * p_share * s_share).sum(axis=1)
    weight = p_share[:, :, None] * s_share[:, None, :] + p_share[:, None, :] * s_share[:, :, None]
    lower = np.tril(np.ones((k, k), dtype=bool), -1)               # each unordered pair once
    nb = np.where(lower, Gjh * weight * D, 0.0)
    t = np.where(lower, Gjh * weight * (1.0 - D), 0.0)
    return {"G": G, "Gjh": Gjh, "D": D, "d": d, "p": p, "p_share": p_share,
            "s_share": s_share, "G_w": G_w, "G_nb": nb.sum(axis=(1, 2)),
            "G_t": t.sum(axis=(1, 2)), "nb_jh": nb + np.swapaxes(nb, 1, 2),
            "t_jh": t + np.swapaxes(t, 1, 2), "mu": mu, "W": W}


def dagum(y: np.ndarray, g: np.ndarray, w: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Dagum terms for one or a batch of samples (``y`` of shape ``(n,)`` or ``(B, n)``)."""
    y2 = np.atleast_2d(np.asarray(y, dtype=float))
    P, W, mu = positive_part_sums(y2, g, w, k, return_moments=True)
    return dagum_terms(P, W, mu)


def dagum_bruteforce(y: np.ndarray, g: np.ndarray, k: int) -> dict[str, float | np.ndarray]:
    """Literal double-sum implementation of Dagum's formulas (unweighted), for tests.

    O(n^2) memory; use only on small samples.
    """
    y = np.asarray(y, dtype=float)
    n = y.size
    ybar = y.mean()
    G = np.abs(y[:, None] - y[None, :]).sum() / (2 * n**2 * ybar)
    groups = [y[g == j] for j in range(k)]
    nj = np.array([len(x) for x in groups], dtype=float)
    Yj = np.array([x.mean() for x in groups])
    pj = nj / n
    sj = nj * Yj / (n * ybar)
    Gjh = np.zeros((k, k))
    D = np.zeros((k, k))
    with np.errstate(invalid="ignore", divide="ignore"):
        _fill(groups, nj, Yj, Gjh, D, k)
    Gw = sum(Gjh[j, j] * pj[j] * sj[j] for j in range(k))
    Gnb = sum(Gjh[j, h] * (pj[j] * sj[h] + pj[h] * sj[j]) * D[j, h]
              for j in range(1, k) for h in range(j))
    Gt = sum(Gjh[j, h] * (pj[j] * sj[h] + pj[h] * sj[j]) * (1 - D[j, h])
             for j in range(1, k) for h in range(j))
    return {"G": G, "Gjh": Gjh, "D": D, "G_w": Gw, "G_nb": Gnb, "G_t": Gt}


def _fill(groups, nj, Yj, Gjh, D, k) -> None:
    for j in range(k):
        for h in range(k):
            diff = groups[j][:, None] - groups[h][None, :]
            if j == h:
                Gjh[j, j] = np.abs(diff).sum() / (2 * nj[j] ** 2 * Yj[j])
            else:
                Gjh[j, h] = np.abs(diff).sum() / (nj[j] * nj[h] * (Yj[j] + Yj[h]))
                a, b = (j, h) if Yj[j] >= Yj[h] else (h, j)
                dd = groups[a][:, None] - groups[b][None, :]
                djh = np.where(dd > 0, dd, 0).sum() / (nj[a] * nj[b])
                pjh = np.where(dd < 0, -dd, 0).sum() / (nj[a] * nj[b])
                D[j, h] = (djh - pjh) / (djh + pjh) if djh + pjh > 0 else 0.0
