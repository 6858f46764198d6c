r"""σ-convergence and β-convergence (absolute, conditional, spatial) for regional panels.

**σ-convergence**: the dispersion of :math:`y_{it}` across units falls over time.  Per
period: coefficient of variation :math:`CV_t = s_t/\bar y_t` (``ddof=1`` sample standard
deviation by default, as Stata's ``summarize``) and the standard deviation of logs
:math:`\sigma_t = \mathrm{sd}(\ln y_{it})`.  A linear trend of each on time is reported.

**β-convergence** (Barro & Sala-i-Martin 1992), panel form with fixed effects:

.. math::

    \frac{1}{h}\ln\frac{y_{i,t+h}}{y_{it}} = \alpha + \beta\ln y_{it} + X_{it}\gamma
      + \mu_i + \eta_t + \varepsilon_{it}

absolute without :math:`X`, conditional with controls.  :math:`\beta<0` (significant) means
convergence.  Speed :math:`\theta = -\ln(1+h\beta)/h` and half-life
:math:`\tau = \ln 2/\theta`.  Fixed effects (``fe``): ``"twoway"`` (default, unit and
period), ``"unit"``, ``"time"`` or ``"none"`` (pooled; with ``horizon`` equal to the whole
span this is the classic cross-sectional regression).  Standard errors are clustered by unit.
Estimation uses pyfixest (``econ`` extra).

**Spatial β-convergence**: the same growth equation as a fixed-effects spatial panel
model (SAR/SEM/SDM, :func:`digitrace.econ.spatial_panel`), with the speed from the
coefficient on :math:`\ln y_{it}`.

References: Barro, R. J. & Sala-i-Martin, X. (1992) Convergence, *JPE* 100: 223–251;
Sala-i-Martin, X. (1996) *Economic Journal* 106: 1019–1036; Rey, S. J. & Montouri, B. D.
(1999) US regional income convergence: a spatial econometric perspective, *Regional
Studies* 33: 143–156.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd

from .._optional import require
from .._results import Provenance, Result, array_sha256, check_option
from ..errors import DataError, SpecificationError

__all__ = ["sigma_convergence", "beta_convergence", "spatial_beta_convergence",
           "SigmaResult", "BetaResult", "speed_half_life"]

FE = ("twoway", "unit", "time", "none")


def _check_cols(df: pd.DataFrame, cols: Sequence[str | None]) -> None:
    for c in cols:
        if c is not None and c not in df.columns:
            raise DataError(f"column {c!r} not in the data", column=c)


def _positive(df: pd.DataFrame, value: str, what: str) -> None:
    v = df[value].to_numpy(dtype=float)
    bad = ~np.isfinite(v)
    if bad.any():
        raise DataError(f"{int(bad.sum())} missing value(s) in {value}; drop or impute them",
                        row=df.index[np.flatnonzero(bad)[0]], column=value)
    if (v <= 0).any():
        i = int(np.flatnonzero(v <= 0)[0])
        raise DataError(f"{what} takes logs and needs y > 0, found {v[i]:g}; shift a min-max "
                        "normalised index by a small constant (e.g. +0.0001) or use a level series",
                        row=df.index[i], column=value)


def speed_half_life(beta: float, horizon: int = 1) -> tuple[float, float]:
    r"""Convergence speed :math:`\theta=-\ln(1+h\beta)/h` and half-life :math:`\ln 2/\theta`.

    NaN when :math:`1+h\beta \le 0`; infinite half-life when :math:`\theta \le 0` (divergence).
    """
    a = 1 + horizon * beta
    if a <= 0:
        return float("nan"), float("nan")
    theta = -np.log(a) / horizon
    return float(theta), float(np.log(2) / theta) if theta > 0 else float("inf")


@dataclass(frozen=True, repr=False)
class SigmaResult(Result):
    """Per-period dispersion and its time trend."""

    table: pd.DataFrame
    trend: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _headline(self) -> str:
        t = self.trend.set_index("measure")["slope"]
        return ", ".join(f"{m} trend {s:+.4g}/period" for m, s in t.items())


def sigma_convergence(df: pd.DataFrame, *, value: str, time: str, group: str | None = None,
                      ddof: int = 1) -> SigmaResult:
    """σ-convergence: CV and sd of logs per period (and per group if ``group``).

    The trend table regresses each measure on the period (OLS slope, its t and p), overall.
    """
    _check_cols(df, [value, time, group])
    _positive(df, value, "sd of logs")
    keys = [time] if group is None else [group, time]
    rows = []
    for k, sub in df.groupby(keys, sort=True):
        v = sub[value].to_numpy(dtype=float)
        k = k if isinstance(k, tuple) else (k,)
        row = dict(zip(keys, k))
        row.update(n=v.size, mean=v.mean(), sd=v.std(ddof=ddof) if v.size > ddof else np.nan)
        row["cv"] = row["sd"] / row["mean"]
        row["sd_log"] = np.log(v).std(ddof=ddof) if v.size > ddof else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    from scipy import stats

    trend = []
    overall = table if group is None else pd.DataFrame([
        {time: t, "cv": (s[value].std(ddof=ddof) / s[value].mean()),
         "sd_log": np.log(s[value]).std(ddof=ddof)} for t, s in df.groupby(time)])
    for m in ("cv", "sd_log"):
        x = pd.to_numeric(overall[time]).to_numpy(dtype=float)
        y = overall[m].to_numpy(dtype=float)
        ok = np.isfinite(y)
        if ok.sum() >= 3:
            lr = stats.linregress(x[ok], y[ok])
            trend.append({"measure": m, "slope": lr.slope, "t": lr.slope / lr.stderr,
                          "p_value": lr.pvalue, "converging": bool(lr.slope < 0 and lr.pvalue < 0.05)})
        else:
            trend.append({"measure": m, "slope": np.nan, "t": np.nan, "p_value": np.nan, "converging": False})
    prov = Provenance(method="digitrace.disparity.sigma_convergence",
                      params={"value": value, "time": time, "group": group, "ddof": ddof},
                      inputs=(("data", array_sha256(df[value].to_numpy(dtype=float))),),
                      reference="Barro & Sala-i-Martin (1992)")
    return SigmaResult(table=table, trend=pd.DataFrame(trend), provenance=prov)


@dataclass(frozen=True, repr=False)
class BetaResult(Result):
    """β-convergence estimate; follows the econ table protocol (``params``, ``se``,
    ``pvalues``, ``nobs``, ``r2``, ``dep_var``, ``fe_rows``, ``extra_rows``, ``model_name``)."""

    params: pd.Series
    se: pd.Series
    pvalues: pd.Series
    nobs: int
    r2: float | None
    beta: float
    speed: float
    half_life: float
    kind: str
    fe: str
    horizon: int
    dep_var: str = "growth"
    model_name: str = "β-convergence"
    fe_rows: dict = field(default_factory=dict)
    extra_rows: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        t = pd.DataFrame({"coef": self.params, "se": self.se, "p_value": self.pvalues})
        t.index.name = "term"
        return t

    def _headline(self) -> str:
        return (f"{self.kind} β={self.beta:.4f} (p={float(self.pvalues.iloc[0]):.3g}), "
                f"speed {self.speed:.4f}, half-life {self.half_life:.1f} periods, fe={self.fe}")


def _growth_frame(df: pd.DataFrame, value: str, unit: str, time: str, horizon: int,
                  controls: Sequence[str]) -> pd.DataFrame:
    _check_cols(df, [value, unit, time, *controls])
    _positive(df, value, "β-convergence")
    d = df[[unit, time, value, *controls]].sort_values([unit, time]).copy()
    if d.duplicated([unit, time]).any():
        r = d[d.duplicated([unit, time], keep=False)].iloc[0]
        raise DataError(f"duplicate ({unit}, {time}) = ({r[unit]!r}, {r[time]!r})", column=f"{unit}, {time}")
    d["lny"] = np.log(d[value].astype(float))
    t = pd.to_numeric(d[time])
    lvl = pd.Series(d["lny"].to_numpy(), index=pd.MultiIndex.from_arrays([d[unit], t]))
    fut = pd.Series(lvl.reindex(pd.MultiIndex.from_arrays([d[unit], t + horizon])).to_numpy(),
                    index=d.index)
    d["growth"] = (fut - d["lny"]) / horizon
    d = d[d["growth"].notna()]
    if d.empty:
        raise DataError(f"no unit has observations {horizon} period(s) apart", column=time)
    return d


def beta_convergence(df: pd.DataFrame, *, value: str, unit: str, time: str,
                     controls: Sequence[str] | None = None, fe: Literal["twoway", "unit", "time", "none"] = "twoway",
                     horizon: int = 1, cluster: str | None = None) -> BetaResult:
    """Absolute (no ``controls``) or conditional β-convergence with panel fixed effects.

    Parameters
    ----------
    value, unit, time : str
        Level series (> 0), unit id and period columns of a long panel.
    controls : list of str, optional
        Conditional convergence controls, measured at the start of each interval.
    fe : {"twoway", "unit", "time", "none"}
    horizon : int
        Growth interval *h* (1 = annual).  ``fe="none"`` with ``horizon`` = full span is
        the cross-sectional regression.
    cluster : str, optional
        Cluster variable for standard errors (default ``unit``).
    """
    check_option("fe", fe, FE)
    if horizon < 1:
        raise SpecificationError(f"horizon must be >= 1, got {horizon}")
    controls = list(controls or [])
    d = _growth_frame(df, value, unit, time, horizon, controls)
    pf = require("pyfixest")
    cl = cluster or unit
    _check_cols(df, [cl])
    # formula-safe internal names (columns may be Chinese or contain spaces)
    safe = {c: f"c{i}_" for i, c in enumerate(controls)}
    m = pd.DataFrame({"growth": d["growth"].to_numpy(), "lny": d["lny"].to_numpy(),
                      "unit_": pd.factorize(d[unit])[0], "time_": pd.factorize(d[time])[0],
                      "cl_": pd.factorize(df.loc[d.index, cl])[0],
                      **{safe[c]: d[c].to_numpy(dtype=float) for c in controls}})
    rhs = " + ".join(["lny", *safe.values()])
    fes = {"twoway": " | unit_ + time_", "unit": " | unit_", "time": " | time_", "none": ""}[fe]
    if m["cl_"].nunique() < 2:
        raise SpecificationError("need at least two clusters for clustered standard errors")
    fit = pf.feols(f"growth ~ {rhs}{fes}", data=m, vcov={"CRV1": "cl_"})
    back = {v: k for k, v in safe.items()}
    coef, se, p = (s_.rename(index=lambda t: back.get(t, t)) for s_ in (fit.coef(), fit.se(), fit.pvalue()))
    b = float(coef["lny"])
    speed, hl = speed_half_life(b, horizon)
    kind = "conditional" if controls else "absolute"
    prov = Provenance(method="digitrace.disparity.beta_convergence",
                      params={"value": value, "unit": unit, "time": time, "controls": controls,
                              "fe": fe, "horizon": horizon, "cluster": cl},
                      inputs=(("data", array_sha256(d["growth"].to_numpy())),),
                      reference="Barro & Sala-i-Martin (1992) JPE 100:223-251")
    return BetaResult(params=coef.rename(None), se=se.rename(None), pvalues=p.rename(None),
                      nobs=int(fit._N), r2=float(fit._r2), beta=b, speed=speed, half_life=hl,
                      kind=kind, fe=fe, horizon=horizon,
                      fe_rows={"Unit FE": "Yes" if fe in ("twoway", "unit") else "No",
                               "Time FE": "Yes" if fe in ("twoway", "time") else "No"},
                      extra_rows={"speed θ": f"{speed:.4f}", "half-life": f"{hl:.2f}"},
                      model_name=f"{kind} β", provenance=prov)


def spatial_beta_convergence(df: pd.DataFrame, *, value: str, unit: str, time: str, w: Any,
                             controls: Sequence[str] | None = None,
                             model: Literal["sar", "sem", "sdm"] = "sdm",
                             fe: Literal["entity", "time", "twoways"] = "twoways",
                             seed: int | None = 0) -> tuple[BetaResult, Any]:
    """Spatial β-convergence: the growth equation as a FE spatial panel model.

    Uses :func:`digitrace.econ.spatial_panel` (balanced panel required after forming
    annual growth).  Returns ``(BetaResult, SpatialMLResult)``; the β is the coefficient on
    :math:`\\ln y_{it}` (for SDM its direct/indirect effects are in the second result).
    """
    from ..econ.spatial_fe_panel import spatial_panel
    from ..spatial.weights import as_spatial_weights

    controls = list(controls or [])
    d = _growth_frame(df, value, unit, time, 1, controls)
    W = as_spatial_weights(w)
    ids = set(W.ids)
    if not set(d[unit]) <= ids:                 # province names -> adcodes of the weights
        from ..data.provinces import resolve_provinces
        from ..errors import UnknownProvinceError

        try:
            codes = resolve_provinces(d[unit], column=unit)
            if set(codes) <= ids:
                d = d.assign(**{unit: codes.to_numpy()})
        except UnknownProvinceError:
            pass
    extra = sorted(set(d[unit]) - ids, key=str)
    if extra:
        raise SpecificationError(f"unit(s) {extra[:5]} of column {unit!r} are not in the "
                                 f"{W.kind} weights (ids such as {list(W.ids)[:3]})")
    res = spatial_panel(d, "growth", ["lny", *controls], W.full(), unit, time, model=model, fe=fe,
                        seed=seed)
    b = float(res.params["lny"])
    speed, hl = speed_half_life(b, 1)
    kind = "spatial " + ("conditional" if controls else "absolute")
    pv = res.pvalues
    prov = Provenance(method="digitrace.disparity.spatial_beta_convergence",
                      params={"model": model, "fe": fe, "controls": controls, "weights": W.kind},
                      inputs=res.provenance.inputs,
                      reference="Rey & Montouri (1999) Regional Studies 33:143-156")
    out = BetaResult(params=res.params, se=res.se, pvalues=pv, nobs=res.nobs, r2=res.r2, beta=b,
                     speed=speed, half_life=hl, kind=kind, fe=fe, horizon=1,
                     model_name=f"{kind} β ({model.upper()})",
                     extra_rows={"speed θ": f"{speed:.4f}", "half-life": f"{hl:.2f}"},
                     provenance=prov)
    return out, res
