r"""Mechanism tests inside panel fixed effects: mediation and moderation.

**Mediation** (Baron & Kenny 1986, three steps, each a fixed-effects
regression with the same controls, fixed effects and clustering):

.. math::

    y = c\,x + W\delta_1 + \alpha + e_1,\qquad
    m = a\,x + W\delta_2 + \alpha + e_2,\qquad
    y = c'x + b\,m + W\delta_3 + \alpha + e_3 .

Indirect effect :math:`ab`; Sobel (1982) test
:math:`z = ab/\sqrt{b^2 s_a^2 + a^2 s_b^2}`; percentile confidence interval
of :math:`ab` from a cluster bootstrap (whole clusters resampled with
replacement, duplicated clusters relabelled as new fixed-effect groups,
Cameron, Gelbach & Miller 2008).  In linear models :math:`c = c' + ab`
exactly (same sample), which the tests check.

**Moderation**: :math:`y = \beta_1\tilde x + \beta_2\tilde z + \beta_3\tilde x\tilde z + \dots`
with grand-mean-centred :math:`\tilde x, \tilde z` (Aiken & West 1991); the
marginal effect :math:`\partial y/\partial x = \beta_1 + \beta_3(z-\bar z)` with
delta-method SE :math:`\sqrt{V_{11} + (z-\bar z)^2V_{33} + 2(z-\bar z)V_{13}}`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._results import Provenance
from ..errors import SpecificationError
from ._panel import check_columns, check_numeric
from ._result_base import TableResult
from .fixed_effects import FEResult, _demean_multi, fe

REFERENCE = ("Baron, R. M. & Kenny, D. A. (1986). J. Personality and Social Psychology 51(6), "
             "1173-1182; Sobel, M. E. (1982). Sociological Methodology 13, 290-312; "
             "Cameron, Gelbach & Miller (2008). Review of Economics and Statistics 90(3), 414-427.")


@dataclass(frozen=True, repr=False, eq=False)
class MediationResult(TableResult):
    """Three-step mediation result (regtable protocol: one column of path estimates)."""

    steps: tuple[FEResult, FEResult, FEResult]
    a: float
    b: float
    total: float
    direct: float
    indirect: float
    sobel_z: float
    sobel_p: float
    boot_ci: tuple[float, float]
    boot_se: float
    model_name: str = field(default="Mediation", kw_only=True)

    @property
    def proportion_mediated(self) -> float:
        return self.indirect / self.total if self.total != 0 else float("nan")

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"coef": self.params, "se": self.se, "p": self.pvalues})

    def _headline(self) -> str:
        return (f"indirect={self.indirect:.4g} (Sobel z={self.sobel_z:.2f}, boot CI "
                f"[{self.boot_ci[0]:.4g}, {self.boot_ci[1]:.4g}]), N={self.nobs}")


def _formula(y: str, rhs: Sequence[str], fes: Sequence[str]) -> str:
    f = f"{y} ~ {' + '.join(rhs)}"
    return f + (f" | {' + '.join(fes)}" if fes else "")


def _ols_coefs(Y: np.ndarray, X: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(X, Y, rcond=None)[0]


def mediation(data: pd.DataFrame, y: str, x: str, m: str, controls: Sequence[str] = (),
              fixed_effects: Sequence[str] = (), cluster: str | None = None, *,
              bootstrap: int = 500, seed: int | None = None, alpha: float = 0.05,
              ssc: str = "stata") -> MediationResult:
    """Baron–Kenny mediation with FE, clustered SEs, Sobel test and cluster bootstrap.

    Parameters
    ----------
    data : DataFrame
    y, x, m : str
        Outcome, treatment (e.g. the digitalization index) and mediator.
    controls : list of str
    fixed_effects : list of str
        e.g. ``("province", "year")``.
    cluster : str, optional
        Cluster variable for SEs and for the bootstrap (rows are resampled when None).
    bootstrap : int
        Replications for the percentile CI of ``a*b`` (0 to skip).
    seed : int, optional
    alpha : float
        CI level is ``1 - alpha``.
    ssc : {"stata", "fixest"}
        Small-sample convention passed to :func:`~digitrace.econ.fe`.
    """
    controls = list(controls)
    fes = list(fixed_effects)
    if m == x or m == y or x == y:
        raise SpecificationError("y, x and m must be three different variables")
    check_columns(data, [y, x, m, *controls, *fes] + ([cluster] if cluster else []))
    check_numeric(data, [y, x, m, *controls])
    s1 = fe(data, _formula(y, [x, *controls], fes), cluster=cluster, ssc=ssc)
    s2 = fe(data, _formula(m, [x, *controls], fes), cluster=cluster, ssc=ssc)
    s3 = fe(data, _formula(y, [x, m, *controls], fes), cluster=cluster, ssc=ssc)
    a, sa = float(s2.params[x]), float(s2.se[x])
    b, sb = float(s3.params[m]), float(s3.se[m])
    ab = a * b
    from scipy import stats

    sobel_se = float(np.sqrt(b ** 2 * sa ** 2 + a ** 2 * sb ** 2))
    z = ab / sobel_se
    p = float(2 * stats.norm.sf(abs(z)))
    if bootstrap and bootstrap > 0:
        draws = _cluster_bootstrap_ab(data, y, x, m, controls, fes, cluster, bootstrap, seed)
        ci = (float(np.quantile(draws, alpha / 2)), float(np.quantile(draws, 1 - alpha / 2)))
        bse = float(np.std(draws, ddof=1))
    else:
        ci, bse = (float("nan"), float("nan")), float("nan")
    names = ["total effect (c)", "x→m (a)", "m→y (b)", "direct effect (c')", "indirect (a·b)"]
    params = pd.Series([s1.params[x], a, b, s3.params[x], ab], index=names)
    se = pd.Series([s1.se[x], sa, sb, s3.se[x], sobel_se], index=names)
    pv = pd.Series([s1.pvalues[x], s2.pvalues[x], s3.pvalues[m], s3.pvalues[x], p], index=names)
    lvl = round(100 * (1 - alpha))
    extra = {"SE": s3.extra_rows.get("SE", ""), "SE (a·b)": "Sobel (delta method)",
             "Regressor (x)": x, "Mediator (m)": m, "Sobel z": f"{z:.3f} (p={p:.3f})"}
    if np.isfinite(ci[0]):
        extra[f"Bootstrap {lvl}% CI (a·b)"] = f"[{ci[0]:.4f}, {ci[1]:.4f}]"
    prov = Provenance(method="digitrace.econ.mediation",
                      params=dict(y=y, x=x, m=m, controls=controls, fixed_effects=fes,
                                  cluster=cluster, bootstrap=bootstrap, seed=seed, alpha=alpha,
                                  ssc=ssc),
                      inputs=s3.provenance.inputs, reference=REFERENCE)
    return MediationResult(
        steps=(s1, s2, s3), a=a, b=b, total=float(s1.params[x]), direct=float(s3.params[x]),
        indirect=ab, sobel_z=float(z), sobel_p=p, boot_ci=ci, boot_se=bse, params=params, se=se,
        pvalues=pv, nobs=s3.nobs, dep_var=y, fe_rows=dict(s3.fe_rows), extra_rows=extra,
        provenance=prov)


def _cluster_bootstrap_ab(data, y, x, m, controls, fes, cluster, reps, seed) -> np.ndarray:
    """Percentile-bootstrap draws of a*b, resampling whole clusters (or rows)."""
    rng = np.random.default_rng(seed)
    cols = [y, m, x, *controls]
    V = data[cols].to_numpy(float)
    if cluster is not None:
        groups, _ = pd.factorize(data[cluster])
        members = [np.flatnonzero(groups == g) for g in range(groups.max() + 1)]
        nested = {f for f in fes if f == cluster
                  or data.groupby(f, observed=True)[cluster].nunique().max() == 1}
    else:
        members = [np.array([i]) for i in range(len(data))]
        nested = set()
    fe_codes = {f: pd.factorize(data[f])[0] for f in fes}
    out = np.empty(reps)
    G = len(members)
    for r in range(reps):
        pick = rng.integers(0, G, size=G)
        idx = np.concatenate([members[g] for g in pick])
        rep_id = np.concatenate([np.full(len(members[g]), k) for k, g in enumerate(pick)])
        frame = {}
        for f in fes:
            c = fe_codes[f][idx]
            # duplicated clusters become new groups of every FE nested in the cluster
            frame[f] = c * G + rep_id if f in nested else c
        Vb = V[idx]
        if fes:
            Vb = _demean_multi(Vb, pd.DataFrame(frame), fes)
        else:
            Vb = Vb - Vb.mean(axis=0)
        yb, mb, Xb = Vb[:, 0], Vb[:, 1], Vb[:, 2:]
        a = _ols_coefs(mb, Xb)[0]
        b = _ols_coefs(yb, np.column_stack([mb, Xb]))[0]
        out[r] = a * b
    return out


@dataclass(frozen=True, repr=False, eq=False)
class ModerationResult(TableResult):
    """FE regression with a centred interaction and marginal effects of ``x`` over ``z``."""

    fit: FEResult
    marginal: pd.DataFrame
    x: str
    z: str
    interaction: str
    model_name: str = field(default="Moderation", kw_only=True)

    def to_frame(self) -> pd.DataFrame:
        return self.fit.to_frame()

    def _headline(self) -> str:
        return f"{self.interaction} = {self.params[self.interaction]:.4g}, N={self.nobs}"

    @property
    def term_roles(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Role of each constructed term, so regtable labels them from the variable names
        (``dig_c`` → "dig (centred)", the interaction → "dig × hc")."""
        roles: dict[str, tuple[str, tuple[str, ...]]] = {self.interaction: ("interaction", (self.x, self.z))}
        for v in (self.x, self.z):
            if f"{v}_c" in self.params.index:
                roles[f"{v}_c"] = ("centred", (v,))
        return roles


def moderation(data: pd.DataFrame, y: str, x: str, z: str, controls: Sequence[str] = (),
               fixed_effects: Sequence[str] = (), cluster: str | None = None, *,
               center: bool = True, at: Sequence[float] | None = None, alpha: float = 0.05,
               ssc: str = "stata") -> ModerationResult:
    """Moderation (interaction) model with centred variables and marginal effects.

    Parameters
    ----------
    at : list of float, optional
        Values of ``z`` (original units) at which to evaluate ∂y/∂x; default
        mean − sd, mean, mean + sd.
    """
    from scipy import stats

    controls = list(controls)
    fes = list(fixed_effects)
    check_columns(data, [y, x, z, *controls, *fes] + ([cluster] if cluster else []))
    check_numeric(data, [y, x, z, *controls])
    d = data.copy()
    zbar = float(d[z].mean()) if center else 0.0
    xbar = float(d[x].mean()) if center else 0.0
    xc, zc = (f"{x}_c", f"{z}_c") if center else (x, z)
    d[xc] = d[x] - xbar
    d[zc] = d[z] - zbar
    inter = f"{xc}_x_{zc}"
    d[inter] = d[xc] * d[zc]
    fit = fe(d, _formula(y, [xc, zc, inter, *controls], fes), cluster=cluster, ssc=ssc)
    zs = np.asarray(at if at is not None else
                    [zbar - d[z].std(), zbar, zbar + d[z].std()], dtype=float)
    V = fit.vcov
    dz = zs - zbar
    eff = fit.params[xc] + fit.params[inter] * dz
    se = np.sqrt(V.loc[xc, xc] + dz ** 2 * V.loc[inter, inter] + 2 * dz * V.loc[xc, inter])
    crit = stats.t.ppf(1 - alpha / 2, fit.df_resid)
    marg = pd.DataFrame({z: zs, "effect": eff, "se": se, "lo": eff - crit * se,
                         "hi": eff + crit * se,
                         "p": 2 * stats.t.sf(np.abs(eff / se), fit.df_resid)})
    extra = dict(fit.extra_rows)
    extra["Moderator (z)"] = z
    tiny = 1e-9 * max(1.0, float(np.nanmax(np.abs(zs))))
    for zz, e_, s_ in zip(zs, eff, se):
        zshow = 0.0 if abs(zz) < tiny else float(zz)     # a mean of 1e-16 prints as 0
        extra[f"∂{y}/∂{x} at {z}={zshow:.4g}"] = f"{e_:.4f} ({s_:.4f})"
    prov = Provenance(method="digitrace.econ.moderation",
                      params=dict(y=y, x=x, z=z, controls=controls, fixed_effects=fes,
                                  cluster=cluster, center=center, alpha=alpha, ssc=ssc),
                      inputs=fit.provenance.inputs, reference="Aiken & West (1991), Multiple "
                      "Regression: Testing and Interpreting Interactions, ch. 2-3.")
    return ModerationResult(fit=fit, marginal=marg, x=x, z=z, interaction=inter, params=fit.params,
                            se=fit.se, pvalues=fit.pvalues, nobs=fit.nobs, r2=fit.r2, dep_var=y,
                            fe_rows=dict(fit.fe_rows), extra_rows=extra, provenance=prov)


