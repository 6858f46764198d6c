r"""Difference-in-differences: two-way FE DID, staggered event studies, placebo.

* :func:`did` — two-way fixed-effects DID
  :math:`y_{it} = \beta D_{it} + w_{it}'\delta + \alpha_i + \lambda_t + u_{it}`
  with :math:`D_{it}` = 1 once unit *i* is treated (e.g. a "Broadband China"
  pilot city), SEs clustered by entity by default.
* :func:`event_study` — leads and lags of the first treatment period
  :math:`G_i`:
  :math:`y_{it} = \sum_{k\ne -1}\beta_k 1(t - G_i = k) + \alpha_i + \lambda_t + u_{it}`,
  estimated by dynamic TWFE (``"twfe"``), Sun & Abraham's (2021)
  interaction-weighted estimator (``"sunab"``: cohort × event-time dummies,
  never-treated controls, cohort-share weights) or Gardner's (2022) two-stage
  DID (``"did2s"``, via pyfixest); the last two are robust to heterogeneous
  effects under staggered adoption.  The pre-trend test is the joint Wald test
  :math:`H_0: \beta_k = 0\ \forall k < -1`, :math:`F = \hat\beta'\hat V^{-1}\hat\beta/q`
  against :math:`F(q, G-1)`.
* :func:`placebo_did` — randomization inference: the vector of adoption
  dates is permuted across units (seeded), the TWFE DID coefficient is
  re-estimated for each permutation, and the two-sided p-value is the share
  of placebo |β| at least as large as the actual |β|.

Never-treated units have cohort 0, NaN or +inf.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .._optional import require
from .._results import Provenance, check_option
from ..errors import DataError, SpecificationError
from ._panel import check_columns, check_numeric, check_unique_keys
from ._result_base import EconResult, TableResult
from .fixed_effects import FEResult, _demean_multi, fe

Estimator = Literal["twfe", "sunab", "did2s"]
REFERENCE = ("Sun, L. & Abraham, S. (2021). J. Econometrics 225(2), 175-199; Gardner, J. (2022). Two-stage differences in differences. arXiv:2207.05943; "
             "Goodman-Bacon, A. (2021). J. Econometrics 225(2), 254-277; "
             "Roth, J. et al. (2023). J. Econometrics 235(2), 2218-2244.")


def _never(c: pd.Series) -> np.ndarray:
    v = pd.to_numeric(c, errors="coerce").to_numpy(float)
    return ~np.isfinite(v) | (v == 0)


def _check_panel(data, cols, entity, time):
    check_columns(data, [*cols, entity, time])
    check_unique_keys(data, entity, time)


def did(data: pd.DataFrame, y: str, treat: str, entity: str, time: str,
        controls: Sequence[str] = (), cluster: str | None = "__entity__", *,
        ssc: str = "stata") -> FEResult:
    r"""Two-way fixed-effects DID: ``y ~ treat + controls | entity + time``.

    .. math:: y_{it} = \beta D_{it} + w_{it}'\delta + \alpha_i + \lambda_t + u_{it}

    estimated by :func:`~digitrace.econ.fixed_effects.fe`.  Under staggered
    adoption with heterogeneous effects :math:`\hat\beta` is a weighted average
    of 2×2 comparisons, some with negative weights (Goodman-Bacon 2021); prefer
    :func:`event_study` with ``"sunab"`` or ``"did2s"`` then.

    Parameters
    ----------
    data : DataFrame
        Long panel; duplicate (entity, time) keys are an error.
    y, treat : str
        Outcome and the 0/1 treatment indicator :math:`D_{it}`.
    entity, time : str
        Panel keys (both absorbed as fixed effects).
    controls : list of str
        Time-varying controls :math:`w_{it}`.
    cluster : str or None
        Cluster variable; defaults to ``entity`` (``None``: iid SEs).
    ssc : {"stata", "fixest"}
        Small-sample convention, see :func:`~digitrace.econ.fixed_effects.fe`.

    Returns
    -------
    FEResult
        ``model_name="DID (TWFE)"``; provenance method ``digitrace.econ.did``.
    """
    _check_panel(data, [y, treat, *controls], entity, time)
    check_numeric(data, [y, treat, *controls])
    vals = set(np.unique(data[treat].to_numpy(float)))
    if not vals <= {0.0, 1.0}:
        raise DataError(f"treatment indicator {treat!r} must be 0/1, found values "
                        f"{[float(v) for v in sorted(vals)[:5]]}", column=treat)
    if len(vals) < 2:
        raise SpecificationError(f"treatment indicator {treat!r} has no variation")
    cl = entity if cluster == "__entity__" else cluster
    rhs = " + ".join([treat, *controls])
    r = fe(data, f"{y} ~ {rhs} | {entity} + {time}", cluster=cl, ssc=ssc, panel=(entity, time))
    prov = Provenance(method="digitrace.econ.did",
                      params={**r.provenance.params, "y": y, "treat": treat, "entity": entity,
                              "time": time, "controls": list(controls)},
                      inputs=r.provenance.inputs, reference=REFERENCE)
    return _replace(r, model_name="DID (TWFE)", provenance=prov)


def _replace(r: FEResult, **kw) -> FEResult:
    import dataclasses

    return dataclasses.replace(r, **kw)


@dataclass(frozen=True, repr=False, eq=False)
class EventStudyResult(TableResult):
    """Event-study coefficients by event time with a joint pre-trend test."""

    coefs: pd.DataFrame            # index: event time k; columns estimate, se, lo, hi, p
    pretrend_F: float
    pretrend_p: float
    pretrend_df: tuple[int, int]
    estimator: str
    ref: int
    model_name: str = field(default="Event study", kw_only=True)

    def to_frame(self) -> pd.DataFrame:
        return self.coefs

    def _headline(self) -> str:
        return (f"{self.estimator}, {len(self.coefs)} event times, pre-trend F={self.pretrend_F:.3f} "
                f"(p={self.pretrend_p:.3f}), N={self.nobs}")


def _wald(b: np.ndarray, V: np.ndarray, df2: int) -> tuple[float, float]:
    from scipy import stats

    q = len(b)
    try:
        W = float(b @ np.linalg.solve(V, b))
    except np.linalg.LinAlgError as exc:
        raise SpecificationError(f"pre-trend covariance is singular: {exc}") from exc
    F = W / q
    return F, float(stats.f.sf(F, q, df2))


def event_study(data: pd.DataFrame, y: str, entity: str, time: str, cohort: str,
                controls: Sequence[str] = (), *, estimator: Estimator = "twfe", ref: int = -1,
                window: tuple[int, int] | None = None, cluster: str | None = None,
                alpha: float = 0.05) -> EventStudyResult:
    """Staggered-adoption event study with a joint pre-trend test.

    Parameters
    ----------
    cohort : str
        First treatment period of each unit (0, NaN or inf = never treated).
    estimator : {"twfe", "sunab", "did2s"}
        Dynamic TWFE, Sun–Abraham interaction-weighted, or Gardner's two-stage
        DID via ``pyfixest.did2s``.
    ref : int
        Omitted event time (default −1).
    window : (lo, hi), optional
        Bin event times below ``lo`` / above ``hi`` into the end points.
    cluster : str, optional
        Defaults to ``entity``.
    """
    from scipy import stats

    check_option("estimator", estimator, ("twfe", "sunab", "did2s"))
    _check_panel(data, [y, cohort, *controls], entity, time)
    check_numeric(data, [y, time, *controls])
    d = data.copy()
    never = _never(d[cohort])
    if never.all():
        raise SpecificationError(f"no treated unit: every {cohort!r} is 0/NaN/inf")
    if d.groupby(entity)[cohort].nunique(dropna=False).max() > 1:
        raise DataError(f"cohort {cohort!r} must be constant within each entity", column=cohort)
    rel = np.where(never, np.nan, d[time].to_numpy(float) - pd.to_numeric(d[cohort], errors="coerce").to_numpy(float))
    if window is not None:
        rel = np.where(never, np.nan, np.clip(rel, window[0], window[1]))
    ks = sorted(int(k) for k in np.unique(rel[~np.isnan(rel)]) if k != ref)
    if ref not in set(np.unique(rel[~np.isnan(rel)]).astype(int)):
        raise SpecificationError(f"reference event time {ref} is not observed for any treated unit")
    cl = cluster or entity
    if estimator == "twfe":
        names = []
        for k in ks:
            nm = f"ev_m{-k}" if k < 0 else f"ev_p{k}"
            d[nm] = (rel == k).astype(float)
            names.append(nm)
        rhs = " + ".join(names + list(controls))
        fit = fe(d, f"{y} ~ {rhs} | {entity} + {time}", cluster=cl)
        b = fit.params[names].to_numpy()
        V = fit.vcov.loc[names, names].to_numpy()
        nobs, r2, df2 = fit.nobs, fit.r2, fit.df_resid
    elif estimator == "sunab":
        b, V, ks, fit = _sunab(d, y, entity, time, controls, cl, rel, never, ks,
                               pd.to_numeric(d[cohort], errors="coerce").to_numpy(float))
        nobs, r2, df2 = fit.nobs, fit.r2, fit.df_resid
    else:
        pf = require("pyfixest")
        d["_rel"] = np.where(never, float(ref), rel)
        d["_treat"] = ((~never) & (rel >= 0)).astype(int)
        first = "~ " + (" + ".join(controls) if controls else "0") + f" | {entity} + {time}"
        fit_ = pf.did2s(d, yname=y, first_stage=first,
                        second_stage=f"~ i(_rel, ref={float(ref)})", treatment="_treat", cluster=cl)
        coef = fit_.coef()
        idx = {}
        for nm in coef.index:
            mm = re.search(r"::(-?[\d.]+)", nm)
            if mm:
                idx[int(float(mm.group(1)))] = nm
        ks = sorted(idx)
        names = [idx[k] for k in ks]
        b = coef[names].to_numpy(float)
        Vall = pd.DataFrame(np.asarray(fit_._vcov), index=coef.index, columns=coef.index)
        V = Vall.loc[names, names].to_numpy()
        nobs, r2 = int(fit_._N), None
        df2 = int(d[cl].nunique()) - 1
    se = np.sqrt(np.diag(V))
    crit = stats.t.ppf(1 - alpha / 2, df2)
    p = 2 * stats.t.sf(np.abs(b / se), df2)
    coefs = pd.DataFrame({"estimate": b, "se": se, "lo": b - crit * se, "hi": b + crit * se, "p": p},
                         index=pd.Index(ks, name="event_time"))
    pre = [i for i, k in enumerate(ks) if k < ref]
    if pre:
        F, pF = _wald(b[pre], V[np.ix_(pre, pre)], df2)
    else:
        raise SpecificationError("no pre-treatment event times besides the reference period; "
                                 "cannot test pre-trends (widen the window or check cohorts)")
    labels = [f"t={k:+d}" for k in ks]
    prov = Provenance(method="digitrace.econ.event_study",
                      params=dict(y=y, entity=entity, time=time, cohort=cohort,
                                  controls=list(controls), estimator=estimator, ref=ref,
                                  window=window, cluster=cl, alpha=alpha),
                      reference=REFERENCE)
    return EventStudyResult(
        coefs=coefs, pretrend_F=F, pretrend_p=pF, pretrend_df=(len(pre), df2), estimator=estimator,
        ref=ref, params=pd.Series(b, index=labels), se=pd.Series(se, index=labels),
        pvalues=pd.Series(p, index=labels), nobs=nobs, r2=r2, dep_var=y,
        fe_rows={f"{entity} FE": "Yes", f"{time} FE": "Yes"},
        extra_rows={"SE": f"cluster({cl})", "Pre-trend F": f"{F:.3f} (p={pF:.3f})"},
        model_name=f"Event study ({estimator})", provenance=prov)


def _sunab(d, y, entity, time, controls, cl, rel, never, ks, coh):
    r"""Sun & Abraham (2021) interaction-weighted event study.

    Regress on cohort × event-time dummies :math:`1(G_i=g)1(t-g=k)` (k ≠ ref;
    never-treated units are the control group) with unit and time FE, then
    aggregate :math:`\hat\beta_k = \sum_g w_{gk}\hat\beta_{gk}` with
    :math:`w_{gk}` the share of cohort *g* among observations at event time *k*;
    :math:`V(\hat\beta) = RVR'`.
    """
    cohorts = sorted(np.unique(coh[~never]))
    names, cells = [], []
    for g in cohorts:
        for k in ks:
            m = (~never) & (coh == g) & (rel == k)
            if m.any():
                nm = f"sa_{len(names)}"
                d[nm] = m.astype(float)
                names.append(nm)
                cells.append((g, k, int(m.sum())))
    if never.sum() == 0:
        raise SpecificationError("estimator='sunab' needs never-treated units as the control group")
    rhs = " + ".join(names + list(controls))
    fit = fe(d, f"{y} ~ {rhs} | {entity} + {time}", cluster=cl)
    kept = [k for k in ks if any(c[1] == k for c in cells)]
    Rm = np.zeros((len(kept), len(names)))
    for i, k in enumerate(kept):
        tot = sum(c[2] for c in cells if c[1] == k)
        for j, c in enumerate(cells):
            if c[1] == k:
                Rm[i, j] = c[2] / tot
    beta = fit.params[names].to_numpy()
    Vc = fit.vcov.loc[names, names].to_numpy()
    return Rm @ beta, Rm @ Vc @ Rm.T, kept, fit


@dataclass(frozen=True, repr=False, eq=False)
class PlaceboResult(EconResult):
    """Randomization-inference placebo for the TWFE DID coefficient."""

    actual: float
    placebo: np.ndarray = field(repr=False)
    p_value: float
    reps: int
    seed: int | None

    def to_frame(self) -> pd.DataFrame:
        q = np.quantile(self.placebo, [0.025, 0.5, 0.975])
        return pd.DataFrame({"value": [self.actual, self.p_value, q[0], q[1], q[2], self.reps]},
                            index=["actual beta", "permutation p", "placebo 2.5%", "placebo median",
                                   "placebo 97.5%", "replications"])

    def _headline(self) -> str:
        return f"beta={self.actual:.4g}, permutation p={self.p_value:.3f} ({self.reps} reps)"


def placebo_did(data: pd.DataFrame, y: str, entity: str, time: str, cohort: str,
                controls: Sequence[str] = (), *, reps: int = 500,
                seed: int | None = None) -> PlaceboResult:
    """Permutation placebo: shuffle adoption dates across units and re-estimate TWFE DID.

    The treatment of unit *i* at *t* is ``1(t >= cohort_i)`` (never treated:
    0).  Each replication permutes the unit-level vector of cohorts (seeded
    ``numpy.random.default_rng``), keeping the number of units per adoption
    date; the p-value is :math:`(1 + \\#\\{|\\beta^*| \\ge |\\hat\\beta|\\})/(1 + R)`.
    """
    _check_panel(data, [y, cohort, *controls], entity, time)
    check_numeric(data, [y, time, *controls])
    if reps < 1:
        raise SpecificationError("reps must be >= 1")
    d = data.reset_index(drop=True)
    ents, ecode = np.unique(d[entity].to_numpy(), return_inverse=True)
    coh = pd.to_numeric(d[cohort], errors="coerce").to_numpy(float)
    coh = np.where(_never(d[cohort]), np.inf, coh)
    unit_coh = np.full(len(ents), np.inf)
    unit_coh[ecode] = coh
    t = d[time].to_numpy(float)
    Yw = _demean_multi(d[[y, *controls]].to_numpy(float), d, [entity, time])
    yw, Ww = Yw[:, 0], Yw[:, 1:]

    def beta(uc: np.ndarray) -> float:
        D = (t >= uc[ecode]).astype(float)[:, None]
        Dw = _demean_multi(D, d, [entity, time])[:, 0]
        if Ww.shape[1]:
            P = np.linalg.lstsq(Ww, np.column_stack([Dw, yw]), rcond=None)[0]
            Dw = Dw - Ww @ P[:, 0]
            yr = yw - Ww @ P[:, 1]
        else:
            yr = yw
        den = Dw @ Dw
        if den <= 1e-12:
            return float("nan")
        return float(Dw @ yr / den)

    actual = beta(unit_coh)
    if not np.isfinite(actual):
        raise SpecificationError("treatment has no variation after two-way demeaning")
    rng = np.random.default_rng(seed)
    draws = np.array([beta(rng.permutation(unit_coh)) for _ in range(reps)])
    draws = draws[np.isfinite(draws)]
    p = (1 + np.sum(np.abs(draws) >= abs(actual))) / (1 + len(draws))
    prov = Provenance(method="digitrace.econ.placebo_did",
                      params=dict(y=y, entity=entity, time=time, cohort=cohort,
                                  controls=list(controls), reps=reps, seed=seed),
                      reference="Fisher randomization inference; MacKinnon & Webb (2020), "
                                "J. Econometrics 218(2), 435-450.")
    from .._results import freeze_array

    return PlaceboResult(actual=actual, placebo=freeze_array(draws), p_value=float(p), reps=len(draws),
                         seed=seed, provenance=prov)


