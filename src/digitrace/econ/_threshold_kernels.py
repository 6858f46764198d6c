r"""Kernels for the Hansen (1999) panel threshold search (pure numpy).

Notation follows Hansen (1999, *J. Econometrics* 93:345–368).  After the
within transformation the model with thresholds :math:`\Gamma` is linear in
the fixed regressors :math:`Z^*` (controls, :math:`x`, and
:math:`x\,1(q\le g)` for :math:`g\in\Gamma`, all demeaned).  Adding one more
threshold :math:`\gamma` adds :math:`D(\gamma) = x\,1(q\le\gamma)`.  By
Frisch–Waugh–Lovell, with :math:`e_0 = M_{Z^*}y^*`,

.. math::

    S(\gamma) = e_0'e_0 - a(\gamma)'B(\gamma)^{-1}a(\gamma),\quad
    a(\gamma) = \sum_{q_{it}\le\gamma} x_{it} e_{0,it},\quad
    B(\gamma) = D'Q_WD - C'(Z^{*\prime}Z^*)^{-1}C,\quad
    C(\gamma) = \sum_{q_{it}\le\gamma} Z^*_{it}x_{it}'.

Every sum runs over observations sorted by :math:`q`, so the whole SSR path
is a set of cumulative sums; :math:`D'Q_WD = D'D - \sum_i S_i S_i'/T_i` is
updated by a rank-one term each time an observation of entity :math:`i`
enters the low regime (:math:`S_i` = its running sum of :math:`x`).  One pass
costs :math:`O(n\,p\,k)` instead of one regression per grid point, and
bootstrap replications with fixed regressors only need new :math:`a(\gamma)`.

Hansen's (1999, sec. 2) own transformation deletes one period after
demeaning.  With the deleted rows set to zero ("padded"), the same sums hold
with per-entity corrections: for padded :math:`\tilde v = m\odot(v - \bar v)`
(:math:`m` = 0 on the deleted period), :math:`\tilde z'\tilde d = \sum \tilde z d -
\sum_i (\sum_t \tilde z_{it}) S_i/T_i` and
:math:`\tilde d'\tilde d = D'Q_WD - \sum_i (L_i - S_i/T_i)(L_i - S_i/T_i)'`
with :math:`L_i` the deleted period's :math:`d_{iT}`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SearchPath:
    """Pre-computed regressor part of the SSR path for one threshold search."""

    order: np.ndarray      # argsort of q (stable)
    pos: np.ndarray        # for each candidate: index (in sorted order) of last obs with q <= gamma
    xs: np.ndarray         # regime regressors in sorted order, (n, k)
    Binv: np.ndarray       # (g, k, k) inverse of B(gamma); NaN where singular
    valid: np.ndarray      # (g,) bool: B(gamma) well conditioned
    Zw: np.ndarray         # fixed within design (n, p)
    Ginv: np.ndarray | None  # (Zw'Zw)^-1 (p x p), None when p == 0
    C: np.ndarray | None = None   # (g, p, k) sum_{q<=gamma} Z*_it x_it'
    ent: np.ndarray | None = None    # entity code of each sorted row (deletion transform only)
    tinv: np.ndarray | None = None   # 1/T_i of each sorted row (deletion transform only)


def _group_exclusive_cumsum(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` within each group, excluding the current row."""
    idx = np.argsort(groups, kind="stable")
    v = values[idx]
    cs = np.cumsum(v, axis=0)
    g = groups[idx]
    starts = np.r_[True, g[1:] != g[:-1]]
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(len(g)), 0))
    base = np.where(start_pos[:, None] > 0, cs[start_pos - 1], 0.0)
    excl = cs - v - base
    out = np.empty_like(excl)
    out[idx] = excl
    return out


@dataclass(frozen=True)
class Presorted:
    """Parts of the search that depend only on (x, q, entities), not on the fixed design."""

    order: np.ndarray      # argsort of q (stable)
    qs: np.ndarray         # sorted q
    xs: np.ndarray         # x in sorted order (n, k)
    dqd_cum: np.ndarray    # (n, k, k) running D'Q_W D when rows enter the low regime in order
    ent: np.ndarray | None = None    # sorted entity codes (deletion transform only)
    tinv: np.ndarray | None = None   # 1/T_i per sorted row (deletion transform only)


def presort(x: np.ndarray, q: np.ndarray, codes: np.ndarray, counts: np.ndarray,
            deleted: np.ndarray | None = None) -> Presorted:
    """Sort by q once and accumulate :math:`D'Q_WD = D'D - \\sum_i S_iS_i'/T_i`.

    ``deleted`` (bool, original row order) marks the period removed after
    demeaning (Hansen's transformation); None for the plain within transform.
    """
    order = np.argsort(q, kind="stable")
    xs = x[order]
    cs = codes[order]
    outer = xs[:, :, None] * xs[:, None, :]
    # rank-one updates of sum_i S_i S_i' / T_i as rows of entity i enter
    S_prev = _group_exclusive_cumsum(xs, cs)
    inc = (S_prev[:, :, None] * xs[:, None, :] + xs[:, :, None] * S_prev[:, None, :] + outer)
    tinv = 1.0 / counts[cs]
    inc *= tinv[:, None, None]
    step = outer - inc
    if deleted is None:
        return Presorted(order=order, qs=q[order], xs=xs, dqd_cum=np.cumsum(step, axis=0))
    n = len(order)
    ds = deleted[order]
    r = np.arange(n)
    pos_del = np.full(len(counts), n)
    pos_del[cs[ds]] = r[ds]
    x_del = np.zeros((len(counts), xs.shape[1]))
    x_del[cs[ds]] = xs[ds]
    L_prev = np.where((pos_del[cs] < r)[:, None], x_del[cs], 0.0)
    L_new = L_prev + xs * ds[:, None]
    u_old = L_prev - S_prev * tinv[:, None]
    u_new = L_new - (S_prev + xs) * tinv[:, None]
    step -= u_new[:, :, None] * u_new[:, None, :] - u_old[:, :, None] * u_old[:, None, :]
    return Presorted(order=order, qs=q[order], xs=xs, dqd_cum=np.cumsum(step, axis=0), ent=cs,
                     tinv=tinv)


def _entity_correction(pre_ent: np.ndarray, pre_tinv: np.ndarray, V: np.ndarray,
                       order: np.ndarray) -> np.ndarray:
    """Per sorted row: (entity sum of V)/T_i, for padded transformed V (n,) or (n, m)."""
    two = V.ndim == 2
    V2 = V if two else V[:, None]
    ent_orig = np.empty_like(pre_ent)
    ent_orig[order] = pre_ent
    starts = np.flatnonzero(np.r_[True, ent_orig[1:] != ent_orig[:-1]])
    if len(starts) == pre_ent.max() + 1 and (np.diff(ent_orig[starts]) > 0).all():
        sums = np.add.reduceat(V2, starts, axis=0)       # rows grouped by entity (sorted panel)
    else:
        sums = np.zeros((pre_ent.max() + 1, V2.shape[1]))
        np.add.at(sums, ent_orig, V2)
    out = sums[pre_ent] * pre_tinv[:, None]
    return out if two else out[:, 0]


def zx_cumsum(pre: Presorted, Zw: np.ndarray) -> np.ndarray:
    """Running :math:`\\sum Z^*_{it}x_{it}'` in q order, (n, p, k)."""
    Zs = Zw[pre.order]
    if pre.ent is not None:
        Zs = Zs - _entity_correction(pre.ent, pre.tinv, Zw, pre.order)
    return np.cumsum(Zs[:, :, None] * pre.xs[:, None, :], axis=0)


def prepare_search(x: np.ndarray, q: np.ndarray, codes: np.ndarray, counts: np.ndarray,
                   Zw: np.ndarray, candidates: np.ndarray, *, rcond: float = 1e-10,
                   pre: Presorted | None = None, zx_cum: np.ndarray | None = None,
                   pos: np.ndarray | None = None) -> SearchPath:
    """Cumulative-sum representation of :math:`B(\\gamma)` at every candidate.

    Parameters
    ----------
    x : (n, k) regime-dependent regressors (raw, not demeaned)
    q : (n,) threshold variable
    codes, counts : entity code of each row and T_i of each entity
    Zw : (n, p) fixed regressors, already within-transformed
    candidates : (g,) threshold values to evaluate
    pre, zx_cum : optional caches (:func:`presort`, :func:`zx_cumsum` of ``Zw``)
    pos : optional (g,) index in sorted q of the last observation <= each candidate
    """
    from scipy.linalg import cho_factor, cho_solve

    k = x.shape[1]
    if pre is None:
        pre = presort(x, q, codes, counts)
    if pos is None:
        pos = np.searchsorted(pre.qs, candidates, side="right") - 1
    DQD = pre.dqd_cum[pos]
    p = Zw.shape[1]
    if p:
        C = (zx_cum if zx_cum is not None else zx_cumsum(pre, Zw))[pos]     # (g, p, k)
        G = Zw.T @ Zw                  # BLAS; threshold() limits it to one thread
        Ginv = cho_solve(cho_factor(G), np.eye(p))
        if k == 1:                     # one regime regressor: B(gamma) is a scalar
            C1 = C[:, :, 0]
            B = DQD - np.einsum("gp,gp->g", C1 @ Ginv, C1)[:, None, None]
        else:
            GiC = np.einsum("pq,gqk->gpk", Ginv, C, optimize=False)
            B = DQD - np.einsum("gpk,gpl->gkl", C, GiC, optimize=False)
    else:
        Ginv = None
        C = None
        B = DQD
    # conditioning relative to the regressors' own scale
    scale = np.einsum("gkk->gk", DQD).max(axis=1)
    det_ok = np.ones(len(pos), dtype=bool)
    Binv = np.full_like(B, np.nan)
    for j in range(k):
        det_ok &= B[:, j, j] > rcond * np.maximum(scale, 1e-300)
    if k == 1:
        Binv[det_ok] = 1.0 / B[det_ok]
    elif det_ok.any():
        ev = np.linalg.eigvalsh(B[det_ok])
        good = ev.min(axis=1) > rcond * scale[det_ok]
        idx = np.flatnonzero(det_ok)
        det_ok[idx[~good]] = False
        Binv[det_ok] = np.linalg.inv(B[det_ok])
    return SearchPath(order=pre.order, pos=pos, xs=pre.xs, Binv=Binv, valid=det_ok, Zw=Zw,
                      Ginv=Ginv, C=C, ent=pre.ent, tinv=pre.tinv)


def residualize(path: SearchPath, y: np.ndarray) -> np.ndarray:
    """:math:`e_0 = M_{Z^*} y` for one vector or the columns of a matrix (already demeaned)."""
    if path.Ginv is None:
        return y
    # skinny products through einsum (no BLAS threading: multithreaded BLAS on
    # tall-skinny matrices is erratic on small shared machines)
    sub = "np,n->p" if y.ndim == 1 else "np,nr->pr"
    coef = path.Ginv @ np.einsum(sub, path.Zw, y, optimize=False)
    back = "np,p->n" if y.ndim == 1 else "np,pr->nr"
    return y - np.einsum(back, path.Zw, coef, optimize=False)


def ssr_path(path: SearchPath, e0: np.ndarray) -> np.ndarray:
    """SSR at every candidate for residual vector(s) ``e0``.

    ``e0`` is ``(n,)`` or ``(n, R)`` (R bootstrap replications); returns
    ``(g,)`` or ``(g, R)``.  Invalid (singular) candidates get ``+inf``.
    """
    one = e0.ndim == 1
    E = e0[:, None] if one else e0
    Es = E[path.order]
    if path.ent is not None:
        Es = Es - _entity_correction(path.ent, path.tinv, E, path.order)
    total = (E ** 2).sum(axis=0)
    a = np.cumsum(Es[:, :, None] * path.xs[:, None, :], axis=0)[path.pos]   # (g, R, k)
    Binv = np.where(path.valid[:, None, None], path.Binv, 0.0)
    quad = np.einsum("grk,gkl,grl->gr", a, Binv, a)
    out = total[None, :] - quad
    out[~path.valid] = np.inf
    return out[:, 0] if one else out


@dataclass(frozen=True)
class BootSamples:
    """Entity-block bootstrap samples and the parts of the search that depend
    only on them (shared by every search path of one presort)."""

    Yo: np.ndarray       # (n, R) y^b in the original (entity, time) row order
    yty: np.ndarray      # (R,) y^b'y^b (transformed)
    cum_yx: np.ndarray   # (n, R, k) running sum of x * y^b in q order


def _draw(blocks: np.ndarray, draws: np.ndarray,
          fitted: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """y^b (n, R) in the original row order and y^b'y^b (R,)."""
    N, T = blocks.shape
    dT = np.ascontiguousarray(draws.T)                                    # (N, R)
    Yo = blocks[dT].transpose(0, 2, 1).reshape(N * T, -1)
    if fitted is None:
        return Yo, (blocks ** 2).sum(axis=1)[dT].sum(axis=0)
    Yo = Yo + fitted[:, None]
    return Yo, np.einsum("nr,nr->r", Yo, Yo, optimize=False)


def _in_q_order(path: SearchPath, Yo: np.ndarray, N: int, T: int) -> np.ndarray:
    """y^b sorted by q (with the deletion-transform correction)."""
    yb = Yo[path.order]
    if path.ent is not None:
        ysum = Yo.reshape(N, T, -1).sum(axis=1)                          # (N, R)
        yb = yb - ysum[path.ent] * path.tinv[:, None]
    return yb


def bootstrap_samples(path: SearchPath, blocks: np.ndarray, draws: np.ndarray,
                      fitted: np.ndarray | None = None) -> BootSamples:
    r"""Build R bootstrap samples once: :math:`y^b` and :math:`\sum_{q\le\cdot} x\,y^b`.

    Sample *r* puts residual block ``blocks[draws[r, i]]`` (length T) on entity
    *i* (balanced panel, rows sorted by entity then time); ``fitted`` (n,), if
    given, is added to every sample.  Only ``path.order``, ``path.xs`` and the
    deletion-transform fields are used, so the result serves every path of the
    same presort (any earlier thresholds): worth it when many paths share the
    samples (Hansen's re-estimating bootstrap).
    """
    N, T = blocks.shape
    Yo, yty = _draw(blocks, draws, fitted)
    yb = _in_q_order(path, Yo, N, T)
    cum_yx = np.cumsum(yb[:, :, None] * path.xs[:, None, :], axis=0)    # (n, R, k)
    return BootSamples(Yo=Yo, yty=yty, cum_yx=cum_yx)


def bootstrap_ssr(path: SearchPath, blocks: np.ndarray, draws: np.ndarray,
                  fitted: np.ndarray | None = None, *, samples: BootSamples | None = None,
                  cols: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""S_0 and the SSR path for entity-block bootstrap samples, without refitting.

    The regressors are fixed, so :math:`G = Z^{*\prime}Z^*`, :math:`C(\gamma)` and
    :math:`B(\gamma)^{-1}` of ``path`` are reused for every sample:
    :math:`\hat\theta^b = G^{-1}Z^{*\prime}y^b`,
    :math:`a^b(\gamma) = \sum_{q\le\gamma} x\,y^b - C(\gamma)'\hat\theta^b`,
    :math:`S_0^b = y^{b\prime}y^b - \hat\theta^{b\prime}Z^{*\prime}y^b` and
    :math:`S^b(\gamma) = S_0^b - a^{b\prime}B^{-1}a^b`.

    The samples are those of :func:`bootstrap_samples` (``blocks``, ``draws``,
    ``fitted``), or columns ``cols`` of a pre-built ``samples`` (then ``draws``
    and ``fitted`` are ignored).  Returns ``(S0 (R,), SSR (R, g))``.
    """
    if samples is None:
        N, T = blocks.shape
        Yo, yty = _draw(blocks, draws, fitted)
        yb = _in_q_order(path, Yo, N, T)
        yx = yb[:, :, None] * path.xs[:, None, :]
        if 4 * len(path.pos) < len(yb):
            # few candidates (grid): sums between consecutive candidates, then over candidates
            starts = np.r_[0, path.pos[:-1] + 1]
            araw = np.add.reduceat(yx[:int(path.pos[-1]) + 1], starts, axis=0).cumsum(axis=0)
        else:                      # every unique q: one running sum over the sorted rows
            araw = np.cumsum(yx, axis=0)[path.pos]
    elif cols is None:
        Yo, yty, araw = samples.Yo, samples.yty, samples.cum_yx[path.pos]
    else:
        Yo, yty = samples.Yo[:, cols], samples.yty[cols]
        araw = samples.cum_yx[path.pos[:, None], cols[None, :]]          # (g, r, k)
    if path.Ginv is not None:
        zty = path.Zw.T @ Yo                                             # (p, R)
        theta = path.Ginv @ zty
        s0 = yty - (zty * theta).sum(axis=0)
        if path.C.shape[2] == 1:
            a = araw - (path.C[:, :, 0] @ theta)[:, :, None]
        else:
            a = araw - np.einsum("gpk,pr->grk", path.C, theta, optimize=False)
    else:
        s0, a = yty, araw
    Binv = np.where(path.valid[:, None, None], path.Binv, 0.0)
    if a.shape[2] == 1:                                   # one regime regressor: scalar B
        quad = (a[:, :, 0] ** 2 * Binv[:, 0, 0][:, None]).T
    else:
        quad = np.einsum("grk,gkl,grl->rg", a, Binv, a, optimize=False)
    ssr = s0[:, None] - quad
    ssr[:, ~path.valid] = np.inf
    return s0, ssr


def lr_ci(ssr: np.ndarray, candidates: np.ndarray, sigma2: float, alpha: float, *,
          strict: bool = False) -> tuple[float, float]:
    r"""Hansen's no-rejection region :math:`\{\gamma: LR(\gamma)\le c(\alpha)\}`.

    :math:`LR(\gamma) = (S(\gamma) - S(\hat\gamma))/\hat\sigma^2` and
    :math:`c(\alpha) = -2\ln(1-\sqrt{1-\alpha})` (Hansen 1999, sec. 3;
    7.35 at α = 0.05).  Returns the smallest and largest candidate inside;
    ``strict`` uses :math:`LR(\gamma) < c(\alpha)` as Hansen's code does.
    """
    c = -2.0 * np.log(1.0 - np.sqrt(1.0 - alpha))
    lr = (ssr - np.min(ssr)) / sigma2
    inside = candidates[lr < c] if strict else candidates[lr <= c]
    return float(inside.min()), float(inside.max())


def regime_vcov(R: np.ndarray, u: np.ndarray, RtR_inv: np.ndarray, codes: np.ndarray,
                n_entities: int, n_obs: int, vcov: str) -> tuple[np.ndarray, int]:
    r"""Covariance of the regime-specific within estimates and the t degrees of freedom.

    With :math:`\tilde R` the within-transformed regime design, :math:`\hat u`
    its residuals, :math:`n` observations, :math:`N` entities and :math:`k`
    columns:

    * ``"classical"`` (xtreg, fe): :math:`(\tilde R'\tilde R)^{-1}\hat u'\hat u/(n-N-k)`, df n−N−k;
    * ``"white"`` (Hansen's code, ``sehet``):
      :math:`(\tilde R'\tilde R)^{-1}\tilde R'\mathrm{diag}(\hat u^2)\tilde R(\tilde R'\tilde R)^{-1}`
      (HC0, no small-sample factor), df n−N−k;
    * ``"cluster"`` (by entity, CR1): the sandwich of entity score sums times
      :math:`\frac{N}{N-1}\frac{n-1}{n-k}`, df N−1.

    Reference: Hansen (1999, J. Econometrics 93), his program ``thresh_p.R``; Stata ``xtreg, fe``.
    """
    k = R.shape[1]
    if vcov == "classical":
        dof = n_obs - n_entities - k
        return RtR_inv * float(u @ u) / dof, dof
    if vcov == "white":
        Ru = R * u[:, None]
        return RtR_inv @ (Ru.T @ Ru) @ RtR_inv, n_obs - n_entities - k
    scores = np.zeros((n_entities, k))
    np.add.at(scores, codes, R * u[:, None])
    c = n_entities / (n_entities - 1) * (n_obs - 1) / (n_obs - k)
    return c * RtR_inv @ (scores.T @ scores) @ RtR_inv, n_entities - 1
