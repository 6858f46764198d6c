r"""Hansen (1999) fixed-effect panel threshold model.

.. math::

    y_{it} = \mu_i + w_{it}'\delta + x_{it}'\beta_1 1(q_{it}\le\gamma_1)
             + x_{it}'\beta_2 1(\gamma_1<q_{it}\le\gamma_2) + \dots + e_{it}

Estimation (Hansen 1999, *J. Econometrics* 93:345–368, sections 2–4):

* within transformation, then least squares for each candidate threshold;
  the exhaustive search over all trimmed unique values of :math:`q` uses the
  cumulative-sum projection of :mod:`._threshold_kernels` (no refitting);
* multiple thresholds sequentially, each new threshold searched given the
  earlier ones, followed by Hansen's refinement (every earlier threshold is
  re-estimated given the others, sec. 4);
* :math:`F_k = (S_{k-1} - S_k)/\hat\sigma^2` with a bootstrap p-value: the
  within residuals of the model under :math:`H_0` (k−1 thresholds, held at
  their estimates) are resampled by entity block with the regressors fixed;
* no-rejection confidence regions :math:`LR(\gamma)\le c(\alpha)` with
  :math:`c(\alpha) = -2\ln(1-\sqrt{1-\alpha})`.

``candidates="hansen"`` switches to the conventions of Hansen's own program
(quantile grid of the unique values of :math:`q`, regimes :math:`q<\gamma`,
trimming by grid position, refinement of the double model only; see
:mod:`._threshold_grid`), reproducing his ``thresh_p.R`` exactly with
``transform="hansen1999"`` and ``sigma="hansen"``.

Two conventions for :math:`\hat\sigma^2 = S/d`: ``sigma="hansen"`` uses
:math:`d = n(T-1)` (Hansen 1999, sec. 2; his R code `thresh_p.R`); ``sigma="xthreg"`` uses
:math:`d = nT - T` as Stata's ``xthreg`` (Wang 2015, *Stata Journal*
15:121–134) does in its Mata code.  The two differ only by the factor
:math:`(nT-n)/(nT-T)` on F and LR.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .._results import Provenance, array_sha256, check_option, freeze_array
from ..errors import DataError, SpecificationError
from . import _threshold_grid as G
from . import _threshold_kernels as K
from ._panel import check_collinear, check_columns, check_numeric, panel_index, within
from ._result_base import TableResult
from ._threshold_grid import _base_candidates, _candidates, hansen_grid, hansen_keep

Sigma = Literal["hansen", "xthreg"]
Vcov = Literal["classical", "cluster", "white"]
BootNull = Literal["reestimate", "fixed"]
Transform = Literal["within", "hansen1999"]
Candidates = Literal["data", "hansen"]
REFERENCE = ("Hansen, B. E. (1999). Threshold effects in non-dynamic panels: estimation, testing, "
             "and inference. Journal of Econometrics 93(2), 345-368.")


@dataclass(frozen=True, repr=False, eq=False)
class ThresholdResult(TableResult):
    """Frozen result of :func:`threshold` (follows the regtable protocol)."""

    thresholds: tuple[float, ...]
    ci: tuple[tuple[float, float], ...]
    f_stats: tuple[float, ...]
    p_values: tuple[float, ...]
    crit_values: tuple[tuple[float, float, float], ...]   # 10%, 5%, 1%
    ssr: tuple[float, ...]                                # S_0, S_1, ..., S_K (sequential)
    sigma2: float
    n_entities: int
    n_periods: int
    lr_paths: tuple[tuple[np.ndarray, np.ndarray], ...] = field(repr=False, compare=False)
    r2_within: float | None = None   # 1 - SSR/sum(y~^2); r2 is the LSDV R² (None for hansen1999)
    time_effects_coef: pd.Series | None = None   # year dummies (time_effects=True), not in params
    model_name: str = field(default="Panel threshold", kw_only=True)

    def to_frame(self) -> pd.DataFrame:
        t = self.params / self.se
        return pd.DataFrame({"coef": self.params, "se": self.se, "t": t, "p": self.pvalues})

    def tests_frame(self) -> pd.DataFrame:
        """Threshold-effect tests: F, bootstrap p-value and 10/5/1% critical values."""
        rows = [{"test": f"{k - 1} vs {k}", "F": f, "p": p, "crit10": cv[0], "crit5": cv[1],
                 "crit1": cv[2]}
                for k, (f, p, cv) in enumerate(zip(self.f_stats, self.p_values, self.crit_values), 1)]
        return pd.DataFrame(rows).set_index("test")

    def _headline(self) -> str:
        th = ", ".join(f"{g:.4g}" for g in self.thresholds)
        return f"{len(self.thresholds)} threshold(s) [{th}], N={self.nobs}"


_CONTROLLER: list = []


def _one_blas_thread(func):
    """Run ``func`` with BLAS limited to one thread (see :func:`_blas_single_thread`)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _blas_single_thread():
            return func(*args, **kwargs)
    return wrapper


def _blas_single_thread():
    """Limit BLAS to one thread: tall-skinny products are slower multithreaded."""
    import contextlib

    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())      # library scan once per process
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


@_one_blas_thread
def threshold(data: pd.DataFrame, y: str, x: str | Sequence[str], q: str, entity: str, time: str,
              controls: Sequence[str] = (), n_thresholds: int = 1,
              trim: float | Sequence[float] = 0.01,
              bootstrap: int = 300, seed: int | None = None, sigma: Sigma = "hansen",
              grid: int | None = None, alpha: float = 0.05, vcov: Vcov = "classical",
              time_effects: bool = False, boot_thresholds: BootNull = "reestimate",
              transform: Transform = "within", candidates: Candidates = "data") -> ThresholdResult:
    r"""Estimate Hansen's (1999) fixed-effect panel threshold model.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per (entity, time).  Must be balanced (the entity
        block bootstrap resamples whole within-residual series).
    y : str
        Dependent variable.
    x : str or list of str
        Regime-dependent regressor(s) :math:`x_{it}`.
    q : str
        Threshold variable :math:`q_{it}` (may also appear in ``controls``).
    entity, time : str
        Panel keys.  Duplicate keys are an error.
    controls : list of str
        Regime-independent regressors :math:`w_{it}`.
    n_thresholds : int
        Number of thresholds estimated sequentially (1–3 as in xthreg; more allowed).
    trim : float or list of float
        Each regime must hold at least ``floor(trim * n)`` observations (Hansen:
        1%).  A list gives one trim per threshold, as xthreg's ``trim(.01 .01 .05)``
        and Hansen's code (0.05 for the third): the first applies to the outer
        regimes, the k-th to the distance between threshold k and the others.
    bootstrap : int
        Replications per F test (0 skips the tests; p-values are then NaN).
    boot_thresholds : {"reestimate", "fixed"}
        For the test of k−1 against k thresholds: ``"reestimate"`` (Hansen's
        own code, default) re-estimates the k−1 null thresholds sequentially in
        every bootstrap sample :math:`y^b = \hat y_{k-1} + e^b`; ``"fixed"``
        holds them at their estimates (faster, conditional on them).
    transform : {"within", "hansen1999"}
        ``"within"`` (default; Stata xthreg, pyxthreg): least squares on all nT
        demeaned observations.  ``"hansen1999"``: Hansen's (1999, sec. 2)
        transformation, which deletes the last demeaned period of every entity
        (n(T−1) observations), as his GAUSS/R code does.
    seed : int, optional
        Seed for ``numpy.random.default_rng``.
    sigma : {"hansen", "xthreg"}
        :math:`\hat\sigma^2 = S/(n(T-1))` (Hansen) or :math:`S/(nT-T)` (Stata xthreg).
    grid : int, optional
        ``candidates="data"``: search only this many quantile points instead of
        every unique value.  ``candidates="hansen"``: Hansen's number of
        quantiles :math:`q_n` (default 400, as in his paper).
    candidates : {"data", "hansen"}
        ``"data"`` (default): every unique :math:`q` (or the ``grid``) leaving
        :math:`\lfloor\text{trim}_k n\rfloor` observations per regime, regimes
        :math:`q\le\gamma` / :math:`q>\gamma`, and every earlier threshold
        refined after each new one.  ``"hansen"``: the conventions of Hansen's
        own program (GAUSS ``thr_panel``, R ``thresh_p.R``; also CRAN pdR
        ``ptm``).  With :math:`d_{(1)}<\dots<d_{(m)}` the unique values of
        :math:`q` and :math:`s = \text{trim}_1, \text{trim}_1 + 1/q_n, \dots,
        1-\text{trim}_1` (R ``seq``), the candidates are
        :math:`d_{(\lfloor s m\rfloor)}` (:math:`q_n(1-2\,\text{trim}_1)+1`
        grid points, duplicates kept); for threshold k the grid positions
        within :math:`q_n\text{trim}_k` of each fixed threshold are removed
        (position trimming, no observation count); regimes are
        :math:`q<\gamma` / :math:`q\ge\gamma`; only the double model is
        refined (γ₁ re-estimated given γ₂, as Hansen); LR regions use
        :math:`LR<c(\alpha)` and p-values the share of bootstrap F strictly
        above F.  Combined with ``transform="hansen1999"`` and
        ``sigma="hansen"`` this reproduces Hansen's program (thresholds, SSRs,
        F = his LR statistic, CIs, coefficients).  Candidates whose lower
        regime or a middle regime is empty give a singular design and are
        skipped (Hansen's ``qr.solve`` would stop there).
    alpha : float
        Level for the LR confidence regions (c(0.05) = 7.35).
    vcov : {"classical", "cluster", "white"}
        Coefficient SEs: xtreg-fe homoskedastic, clustered by entity (CR1), or
        White HC0 on the transformed design (Hansen's ``sehet``); see
        :func:`digitrace.econ._threshold_kernels.regime_vcov`.
    time_effects : bool
        Two-way fixed effects: year dummies join the design (and the search),
        but, like the entity effects, are not reported in ``.params``; their
        coefficients are in ``.time_effects_coef``.

    Returns
    -------
    ThresholdResult
        ``.thresholds``, ``.ci``, ``.f_stats``, ``.p_values``, ``.crit_values``,
        controls and regime coefficients in ``.params`` / ``.se`` (year
        dummies in ``.time_effects_coef``); the extra row
        ``"Threshold γk [95% CI]"`` gives each threshold with its LR region at
        level 100(1−alpha)%.
    """
    check_option("sigma", sigma, ("hansen", "xthreg"))
    check_option("vcov", vcov, ("classical", "cluster", "white"))
    check_option("boot_thresholds", boot_thresholds, ("reestimate", "fixed"))
    check_option("transform", transform, ("within", "hansen1999"))
    check_option("candidates", candidates, ("data", "hansen"))
    hansen = candidates == "hansen"
    xs = [x] if isinstance(x, str) else list(x)
    controls = list(controls)
    if not isinstance(n_thresholds, (int, np.integer)) or n_thresholds < 1:
        raise SpecificationError(f"n_thresholds must be a positive integer, got {n_thresholds!r}")
    trims = [float(trim)] * n_thresholds if np.isscalar(trim) else [float(t) for t in trim]
    if len(trims) != n_thresholds:
        raise SpecificationError(f"trim has {len(trims)} values for n_thresholds={n_thresholds}")
    if not all(0 < t < 0.5 for t in trims):
        raise SpecificationError(f"trim must be in (0, 0.5), got {trim!r}")
    if grid is not None and grid < 3:
        raise SpecificationError(f"grid must be at least 3 points, got {grid!r}")
    qn = (400 if grid is None else int(grid)) if hansen else None
    cols = [y, *xs, q, *controls]
    check_columns(data, [*dict.fromkeys(cols), entity, time])
    check_numeric(data, list(dict.fromkeys(cols)))
    d, pidx = panel_index(data, entity, time)
    if not pidx.balanced:
        bad = int(np.flatnonzero(pidx.counts != len(pidx.times))[0])
        raise DataError(
            f"threshold() needs a balanced panel: entity {np.asarray(pidx.entities[bad]).tolist()!r} has "
            f"{pidx.counts[bad]} of {len(pidx.times)} periods. The entity-block bootstrap "
            "resamples whole residual series, so drop incomplete entities first "
            "(e.g. keep entities observed in every year)", column=entity)
    codes, counts = pidx.codes, pidx.counts
    N, T = pidx.n_entities, len(pidx.times)
    n = N * T
    Y = d[y].to_numpy(float)
    X = d[xs].to_numpy(float)
    Q = d[q].to_numpy(float)
    W = d[controls].to_numpy(float) if controls else np.empty((n, 0))
    wnames = list(controls)
    te_names: list[str] = []
    if time_effects:      # two-way FE: year dummies in the design, reported apart from params
        dums = pd.get_dummies(d[time], prefix=str(time), drop_first=True, dtype=float)
        W = np.column_stack([W, dums.to_numpy()])
        te_names = [str(c) for c in dums.columns]
        wnames += te_names
    deleted = (np.arange(n) % T == T - 1) if transform == "hansen1999" else None
    keep = None if deleted is None else (~deleted).astype(float)

    def P(v: np.ndarray) -> np.ndarray:
        """Within transform; with Hansen's transformation the last period is zeroed."""
        w = within(v, codes, counts)
        if keep is None:
            return w
        return w * (keep if w.ndim == 1 else keep[:, None])

    Yw, Xw, Ww = P(Y), P(X), P(W)
    base = np.column_stack([Ww, Xw])
    check_collinear(base, wnames + xs, context="threshold model (linear part)")

    nmins = G.check_trims(trims, n, hansen)
    nmin = nmins[0]                                     # outer regimes
    qs_sorted = np.sort(Q)
    df_sigma = n - N if sigma == "hansen" else n - T

    pre = K.presort(X, Q, codes, counts.astype(float), deleted)
    base_zx = K.zx_cumsum(pre, base) if base.shape[1] else np.empty((n, 0, X.shape[1]))
    col_cache: dict[float, tuple[np.ndarray, np.ndarray]] = {}

    def low(g: float) -> np.ndarray:
        """Lower-regime indicator: q <= g, or q < g in Hansen's program."""
        return Q < g if hansen else Q <= g

    def threshold_cols(g: float) -> tuple[np.ndarray, np.ndarray]:
        """Within-transformed x·1(low regime) and its running Z'x sums (cached per g)."""
        if g not in col_cache:
            if len(col_cache) > 2048:
                col_cache.clear()
            w = P(X * low(g)[:, None])
            col_cache[g] = (w, K.zx_cumsum(pre, w))
        return col_cache[g]

    def design(fixed: Sequence[float]) -> np.ndarray:
        return np.column_stack([base] + [threshold_cols(g)[0] for g in sorted(fixed)])

    paths_cache: dict[tuple, tuple[np.ndarray, K.SearchPath]] = {}
    base_cand = None if hansen else _base_candidates(qs_sorted, nmin, grid)
    hgrid = hansen_grid(Q, trims[0], qn) if hansen else None

    def make_path(fixed: Sequence[float], k: int) -> tuple[np.ndarray, K.SearchPath]:
        """Search path for threshold ``k`` (1-based; sets the trim) given ``fixed``."""
        key = tuple(sorted(float(g) for g in fixed))
        if (key, k) in paths_cache:
            return paths_cache[(key, k)]
        if hansen:
            cand = np.unique(hansen_keep(hgrid, key, qn, trims[k - 1]))
            pos = np.searchsorted(qs_sorted, cand, side="left") - 1     # last obs with q < cand
            cand, pos = cand[pos >= 0], pos[pos >= 0]                   # empty low regime
        else:
            cand, pos = _candidates(qs_sorted, key, nmin, grid, nmins[k - 1], base=base_cand,
                                    return_pos=True)
        if len(cand) < 1:
            raise SpecificationError(G.no_candidate_message(q, k, key, trims, nmins, qs_sorted,
                                                            hansen, qn))
        zx = np.concatenate([base_zx] + [threshold_cols(g)[1] for g in key], axis=1)
        path = K.prepare_search(X, Q, codes, counts.astype(float), design(key), cand, pre=pre,
                                zx_cum=zx, pos=pos)
        if not path.valid.any():
            raise SpecificationError(
                f"every candidate threshold of {q!r} gives a singular design; x={xs} may not vary "
                "within regimes")
        if len(paths_cache) > 512:
            paths_cache.clear()
        paths_cache[(key, k)] = (cand, path)
        return cand, path

    def search(fixed: Sequence[float], k: int):
        cand, path = make_path(fixed, k)
        e0 = K.residualize(path, Yw)
        ssr = K.ssr_path(path, e0)
        j = int(np.argmin(ssr))
        return cand, ssr, float(cand[j]), float(ssr[j]), path, e0

    rng = np.random.default_rng(seed)
    gammas: list[float] = []
    paths: dict[int, tuple[np.ndarray, np.ndarray]] = {}   # index in gammas -> (cand, ssr)
    e_lin = Yw - base @ np.linalg.lstsq(base, Yw, rcond=None)[0] if base.shape[1] else Yw
    ssr_seq = [float(e_lin @ e_lin)]
    f_stats, p_vals, crits = [], [], []
    for k in range(1, n_thresholds + 1):
        cand, ssr, g_new, s_new, path, e0 = search(gammas, k)
        s_prev = ssr_seq[-1]
        s2 = s_new / df_sigma
        F = (s_prev - s_new) / s2
        if bootstrap and bootstrap > 0:
            if boot_thresholds == "fixed" or k == 1:
                Fb = _bootstrap_F(path, e0, N, T, bootstrap, rng, df_sigma)
            else:
                Fb = _bootstrap_F_reestimate(lambda f, k=k: make_path(f, k), Yw - e0, e0, N, T, k,
                                             bootstrap, rng, df_sigma)
            p_vals.append(float(np.mean(Fb > F) if hansen else np.mean(Fb >= F)))
            # order statistics ceil(p R) as in Hansen's code
            crits.append(tuple(float(v) for v in np.quantile(Fb, [0.90, 0.95, 0.99],
                                                             method="inverted_cdf")))
        else:
            p_vals.append(float("nan"))
            crits.append((float("nan"),) * 3)
        f_stats.append(float(F))
        gammas.append(g_new)
        paths[len(gammas) - 1] = (cand, ssr)
        # Hansen's refinement: re-estimate each earlier threshold given the others
        # (his program: only the double model, gamma_1 given gamma_2)
        if k >= 2 and not (hansen and k > 2):
            for j in range(k - 1):
                others = [g for i, g in enumerate(gammas) if i != j]
                cand_j, ssr_j, g_j, _, _, _ = search(others, k)
                gammas[j] = g_j
                paths[j] = (cand_j, ssr_j)
        # SSR of the k-threshold model at the (refined) estimates
        Zk = design(gammas)
        bk = np.linalg.lstsq(Zk, Yw, rcond=None)[0]
        rk = Yw - Zk @ bk
        ssr_seq.append(float(rk @ rk))

    order = np.argsort(gammas)
    g_sorted = [gammas[i] for i in order]
    s_final = ssr_seq[-1]
    sigma2 = s_final / df_sigma
    cis, lr_paths = [], []
    for i in order:
        cand, ssr = paths[i]
        fin = np.isfinite(ssr)
        s2_i = float(np.min(ssr[fin])) / df_sigma
        cis.append(K.lr_ci(ssr[fin], cand[fin], s2_i, alpha, strict=hansen))
        lr = np.where(fin, (ssr - np.min(ssr[fin])) / s2_i, np.nan)
        lr_paths.append((freeze_array(cand), freeze_array(lr)))

    # regime-specific regression at the final thresholds
    edges = [-np.inf, *g_sorted, np.inf]
    reg_cols, names = [W], list(wnames)
    for r in range(len(edges) - 1):
        m = ((Q >= edges[r]) & (Q < edges[r + 1]) if hansen
             else (Q > edges[r]) & (Q <= edges[r + 1]))
        reg_cols.append(X * m[:, None])
        lab = G.regime_label(q, edges[r], edges[r + 1], lower_closed=hansen)
        names += [f"{v} ({lab})" for v in xs]
    R = P(np.column_stack(reg_cols))
    check_collinear(R, names, context="regime-specific design")
    XtX_inv = np.linalg.inv(R.T @ R)
    beta = XtX_inv @ (R.T @ Yw)
    u = Yw - R @ beta
    from scipy import stats

    V, tdist_df = K.regime_vcov(R, u, XtX_inv, codes, N, n, vcov)
    se = np.sqrt(np.diag(V))
    tt = beta / se
    pv = 2 * stats.t.sf(np.abs(tt), tdist_df)
    yt = Yw                    # within R² is relative to y with *all* fixed effects removed
    if time_effects:
        Dt = R[:, len(controls):len(controls) + len(te_names)]
        yt = Yw - Dt @ np.linalg.lstsq(Dt, Yw, rcond=None)[0]
    r2w = 1.0 - float(u @ u) / float(yt @ yt)
    r2 = 1.0 - float(u @ u) / float(((Y - Y.mean()) ** 2).sum()) if transform == "within" else None

    extra = {"SE": {"cluster": f"cluster({entity})", "white": "White (HC0)"}.get(vcov, "iid"),
             "Within R²": f"{r2w:.3f}"}
    level = f"{100 * (1 - alpha):g}"
    for i, (g, ci) in enumerate(zip(g_sorted, cis), 1):
        extra[f"Threshold γ{i} [{level}% CI]"] = f"{g:.4f} [{ci[0]:.4f}, {ci[1]:.4f}]"
    for k, (f, p) in enumerate(zip(f_stats, p_vals), 1):
        extra[f"F{k} ({k - 1} vs {k})"] = f"{f:.2f}" + ("" if np.isnan(p) else f" (p={p:.3f})")
    prov = Provenance(
        method="digitrace.econ.threshold",
        params=dict(y=y, x=xs, q=q, entity=entity, time=time, controls=controls,
                    n_thresholds=n_thresholds, trim=trims, bootstrap=bootstrap, seed=seed,
                    sigma=sigma, grid=grid, alpha=alpha, vcov=vcov, time_effects=time_effects,
                    boot_thresholds=boot_thresholds, transform=transform, candidates=candidates),
        inputs=(("data", array_sha256(np.column_stack([Y, X, Q, W]))),),
        reference=REFERENCE)
    te = np.zeros(len(names), dtype=bool)   # year effects are fixed effects: not in params
    te[len(controls):len(controls) + len(te_names)] = True
    shown = [nm for nm, t in zip(names, te) if not t]
    return ThresholdResult(
        params=pd.Series(beta[~te], index=shown), se=pd.Series(se[~te], index=shown),
        pvalues=pd.Series(pv[~te], index=shown),
        time_effects_coef=pd.Series(beta[te], index=te_names) if time_effects else None,
        thresholds=tuple(g_sorted), ci=tuple(cis),
        f_stats=tuple(f_stats), p_values=tuple(p_vals), crit_values=tuple(crits),
        ssr=tuple(ssr_seq), sigma2=sigma2, nobs=n, n_entities=N, n_periods=T, r2=r2, r2_within=r2w,
        dep_var=y, lr_paths=tuple(lr_paths),
        fe_rows={f"{entity} FE": "Yes", f"{time} FE": "Yes" if time_effects else "No"},
        extra_rows=extra, model_name="Panel threshold (Hansen 1999)", provenance=prov)


def _bootstrap_F(path: K.SearchPath, e0: np.ndarray, N: int, T: int, reps: int,
                 rng: np.random.Generator, df_sigma: int, chunk: int = 100) -> np.ndarray:
    """Hansen's entity-block bootstrap of F with regressors (and H0 thresholds) fixed.

    Under H0 the data are :math:`Z^*\\hat\\theta + e^b`; F is invariant to
    :math:`Z^*\\hat\\theta`, so only the resampled within residuals are needed.
    Rows are sorted by (entity, time), so entity ``i`` occupies rows
    ``i*T:(i+1)*T``.
    """
    blocks = e0.reshape(N, T)
    out = np.empty(reps)
    for s in range(0, reps, chunk):
        r = min(chunk, reps - s)
        draw = rng.integers(0, N, size=(r, N))
        s0, ssr = K.bootstrap_ssr(path, blocks, draw)
        s1 = ssr.min(axis=1)
        out[s:s + r] = (s0 - s1) / (s1 / df_sigma)
    return out


def _bootstrap_F_reestimate(make_path, fitted: np.ndarray, e0: np.ndarray, N: int, T: int, k: int,
                            reps: int, rng: np.random.Generator, df_sigma: int,
                            chunk: int = 100) -> np.ndarray:
    """Hansen's bootstrap of F_k with the k−1 null thresholds re-estimated per sample.

    :math:`y^b = \\hat y_{k-1} + e^b` (entity blocks of the null model's
    within residuals); thresholds 1..k−1 are searched sequentially on
    :math:`y^b` (no refinement, as in Hansen's code), then threshold k given
    them; :math:`F^b = (S^b_{k-1} - S^b_k)/(S^b_k/d)`.  Replications that
    land on the same earlier thresholds share one pre-computed search path.
    """
    blocks = e0.reshape(N, T)
    out = np.empty(reps)
    for s0_ in range(0, reps, chunk):
        r = min(chunk, reps - s0_)
        draw = rng.integers(0, N, size=(r, N))
        fixed = [() for _ in range(r)]
        s_prev = np.empty(r)
        s_new = np.empty(r)
        # y^b and its running sums in q order, built once and shared by every path
        samples = K.bootstrap_samples(make_path(())[1], blocks, draw, fitted)
        for stage in range(1, k + 1):
            groups: dict[tuple, list[int]] = {}
            for i, f in enumerate(fixed):
                groups.setdefault(f, []).append(i)
            for key, members in groups.items():
                cand, path = make_path(key)
                idx = np.asarray(members)
                s_fix, ssr = K.bootstrap_ssr(path, blocks, draw[idx], samples=samples, cols=idx)
                j = np.argmin(ssr, axis=1)
                s_prev[idx] = s_fix
                s_new[idx] = ssr[np.arange(len(idx)), j]
                for ii, jj in zip(idx, j):
                    fixed[ii] = tuple(sorted((*key, float(cand[jj]))))
        out[s0_:s0_ + r] = (s_prev - s_new) / (s_new / df_sigma)
    return out


