"""Permutation inference kernels in plain NumPy (no numba, so no JIT start-up cost).

Conditional randomisation for local statistics follows esda's ``crand`` design exactly:
for each replication draw ``max_card`` distinct ids from the ``n - 1`` *other* units
(site *i* is held fixed), and give site *i* the first ``card_i`` of them as its random
neighbours; the same draws serve every site.  Only the random-number generator differs
(NumPy ``Generator`` here, numba's Mersenne Twister in esda), so permutation p-values
agree with esda's in distribution, not draw for draw.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse


def draw_ids(n_other: int, max_card: int, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """``(permutations, max_card)`` ids sampled without replacement from ``range(n_other)``,
    in uniformly random order (so every prefix is a uniform random subset)."""
    if max_card == 0:
        return np.zeros((permutations, 0), dtype=np.int64)
    out = np.empty((permutations, max_card), dtype=np.int64)
    step = max(1, int(4_000_000 // max(1, n_other)))
    for s in range(0, permutations, step):
        b = min(step, permutations - s)
        r = rng.random((b, n_other))
        part = np.argpartition(r, max_card - 1, axis=1)[:, :max_card] if max_card < n_other \
            else np.tile(np.arange(n_other), (b, 1))
        vals = np.take_along_axis(r, part, axis=1)
        out[s:s + b] = np.take_along_axis(part, np.argsort(vals, axis=1), axis=1)
    return out


def local_moran_sims(z: np.ndarray, w: sparse.csr_matrix, permutations: int,
                     rng: np.random.Generator, scaling: float) -> np.ndarray:
    """Simulated local Moran values ``(n, permutations)`` under conditional randomisation.

    ``I_i^* = scaling * z_i * (sum_k w_ik z_{pi(k)} + w_ii z_i)``.
    Islands get 0 (their lag is always 0).
    """
    n = z.size
    w = sparse.csr_matrix(w)
    self_w = w.diagonal()
    off = sparse.csr_matrix(w - sparse.diags(self_w))
    off.eliminate_zeros()
    card = np.diff(off.indptr)
    max_card = int(card.max()) if n else 0
    ids = draw_ids(n - 1, max_card, permutations, rng).astype(np.int32)  # (P, K)
    # padded neighbour-weight matrix (n, K)
    wpad = np.zeros((n, max(max_card, 1)))
    for c in np.unique(card):
        if c == 0:
            continue
        rows = np.flatnonzero(card == c)
        starts = off.indptr[rows]
        wpad[rows, :c] = off.data[starts[:, None] + np.arange(c)]
    sims = np.empty((n, permutations))
    chunk = max(1, int(6_000_000 // max(1, permutations * max(max_card, 1))))
    for s in range(0, n, chunk):
        rows = np.arange(s, min(n, s + chunk))
        if max_card == 0:
            lag = np.zeros((rows.size, permutations))
        else:
            j = ids[None, :, :] + (ids[None, :, :] >= rows[:, None, None])  # skip site i
            lag = np.matmul(z[j], wpad[rows][:, :, None])[..., 0]
        sims[rows] = scaling * z[rows, None] * (lag + self_w[rows, None] * z[rows, None])
    return sims


def directed_p(observed: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """esda's pseudo p-value ('directed', the default of ``Moran``/``Moran_Local``):
    ``(min(#{sim >= obs}, P - #{sim >= obs}) + 1) / (P + 1)`` -- one-sided in the
    direction of the observed value."""
    sims = np.atleast_2d(sims)
    obs = np.atleast_1d(observed).reshape(-1, 1)
    P = sims.shape[1]
    larger = (sims >= obs).sum(axis=1)
    larger = np.minimum(larger, P - larger)
    return (larger + 1.0) / (P + 1.0)


def two_sided_p(observed: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """Two-sided pseudo p-value: twice the smaller tail count, capped at 1."""
    sims = np.atleast_2d(sims)
    obs = np.atleast_1d(observed).reshape(-1, 1)
    P = sims.shape[1]
    ge = (sims >= obs).sum(axis=1)
    le = (sims <= obs).sum(axis=1)
    return np.minimum(1.0, 2 * (np.minimum(ge, le) + 1.0) / (P + 1.0))
