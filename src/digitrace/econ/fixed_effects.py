r"""Linear fixed-effects regression (one- and multi-way) through pyfixest.

``fe(data, "y ~ x1 + x2 | entity + year", cluster="entity")`` estimates

.. math:: y_{it} = x_{it}'\beta + \alpha_i + \lambda_t + u_{it}

by the within (alternating-projection) transformation of pyfixest
(Bergé 2018, fixest) and reports the coefficient covariance with an explicit,
documented small-sample correction.  With :math:`V_0` the raw covariance
(``iid``: :math:`\hat u'\hat u/(n-1)\,(\ddot X'\ddot X)^{-1}`; ``hetero`` and
``cluster``: the uncorrected sandwich), the reported covariance is
:math:`V = c\,V_0` with

=====================  ===========================  =============================================
vcov                   ``ssc="stata"``              ``ssc="fixest"``
=====================  ===========================  =============================================
iid                    (n-1)/(n-K_x-K_{fe})         same
hetero                 n/(n-K_x-K_{fe})             (n-1)/(n-K_x-K_{fe})
cluster                G/(G-1)·(n-1)/(n-K_s)        G/(G-1)·(n-1)/(n-K_x-K_{fe}^{nn})
=====================  ===========================  =============================================

:math:`K_{fe}` counts the fixed-effect parameters (all levels minus one per
extra dimension), :math:`K_{fe}^{nn}` only those of dimensions *not* nested in
the cluster variable (fixest's ``fixef.K = "nested"``), and
:math:`K_s = K_x + K_{fe}^{nn} + 1` when some dimension is nested (Stata's
``xtreg, fe`` / ``reghdfe`` count the constant), else :math:`K_x + K_{fe}`.
Cluster inference uses :math:`t(G-1)`; otherwise :math:`t(n-K_x-K_{fe})`.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .._optional import require
from .._results import Provenance, check_option
from ..errors import ConvergenceError, DataError, SpecificationError
from ._panel import check_columns, check_numeric, check_unique_keys
from ._result_base import TableResult

SSC = Literal["stata", "fixest"]
VcovType = Literal["iid", "hetero"]
REFERENCE = ("Bergé, L. (2018). Efficient estimation of maximum likelihood models with multiple "
             "fixed-effects: the R package FENmlm. CREA Discussion Papers 13; pyfixest "
             "(Fischer et al.); Baltagi (2021) Econometric Analysis of Panel Data, ch. 2.")


@dataclass(frozen=True, repr=False, eq=False)
class FEResult(TableResult):
    """Frozen result of :func:`fe` (regtable protocol)."""

    vcov: pd.DataFrame
    r2_within: float | None
    fixed_effects: tuple[str, ...]
    cluster: str | None
    df_resid: int
    model_name: str = field(default="FE", kw_only=True)
    resid: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def tstats(self) -> pd.Series:
        return self.params / self.se

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"coef": self.params, "se": self.se, "t": self.tstats,
                             "p": self.pvalues})

    def _headline(self) -> str:
        fes = "+".join(self.fixed_effects) or "none"
        return f"{self.dep_var} on {len(self.params)} regressor(s), FE: {fes}, N={self.nobs}"


def _frame_sha256(df: pd.DataFrame) -> str:
    """SHA-256 of a DataFrame's values (any dtypes), for provenance."""
    import hashlib

    h = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return hashlib.sha256(h.tobytes() + ",".join(map(str, df.columns)).encode()).hexdigest()


def parse_formula(formula: str) -> tuple[str, list[str], list[str]]:
    """Split ``"y ~ x1 + x2 | fe1 + fe2"`` into (y, rhs terms, fixed effects)."""
    if "~" not in formula:
        raise SpecificationError(f"formula must look like 'y ~ x1 + x2 | entity + year', got {formula!r}")
    lhs, rhs = formula.split("~", 1)
    parts = rhs.split("|")
    if len(parts) > 2:
        raise SpecificationError("instrumental-variable formulas are not supported by fe(); "
                                 f"got {formula!r}")
    terms = [t.strip() for t in parts[0].split("+") if t.strip()]
    fes = [t.strip() for t in parts[1].split("+") if t.strip()] if len(parts) == 2 else []
    return lhs.strip(), terms, fes


def _identifiers(expr: str) -> list[str]:
    return re.findall(r"[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff.]*", expr)


def _fe_dof(data: pd.DataFrame, fes: list[str], cluster: str | None) -> tuple[int, int, bool]:
    """(K_fe full, K_fe not nested in cluster, any nested)."""
    levels = {f: int(data[f].nunique()) for f in fes}
    full = sum(levels.values()) - max(len(fes) - 1, 0) if fes else 0
    if cluster is None or not fes:
        return full, full, False
    nested = [f for f in fes if f == cluster or data.groupby(f, observed=True)[cluster].nunique().max() == 1]
    nn = [f for f in fes if f not in nested]
    k_nn = max(sum(levels[f] for f in nn) - (len(fes) - 1), 0) if nn else 0
    return full, k_nn, bool(nested)


def _singletons(data: pd.DataFrame, fes: list[str]) -> np.ndarray:
    """Rows dropped as singletons (reghdfe/fixest): repeatedly remove rows whose level
    of any fixed effect occurs only once among the remaining rows."""
    drop = np.zeros(len(data), dtype=bool)
    codes = [pd.factorize(data[f])[0] for f in fes]
    while True:
        new = np.zeros(len(data), dtype=bool)
        for c in codes:
            counts = np.bincount(c[~drop], minlength=c.max() + 1)
            new |= ~drop & (counts[c] == 1)
        if not new.any():
            return drop
        drop |= new


def _demean_multi(X: np.ndarray, data: pd.DataFrame, fes: list[str], iters: int = 500,
                  tol: float = 1e-11) -> np.ndarray:
    """Alternating projections onto the fixed-effect dimensions (Guimarães & Portugal 2010)."""
    from scipy import sparse

    n = len(X)
    projs = []
    for f in fes:
        c = pd.factorize(data[f])[0]
        D = sparse.csr_matrix((np.ones(n), (np.arange(n), c)))
        projs.append((D, 1.0 / np.bincount(c)))
    Xd = np.asarray(X, dtype=float).copy()
    for it in range(iters if len(fes) > 1 else 1):
        prev = Xd.copy() if len(fes) > 1 else None
        for D, inv in projs:
            Xd -= D @ ((D.T @ Xd) * inv[:, None])
        if prev is not None and np.max(np.abs(Xd - prev)) < tol * max(1.0, np.max(np.abs(Xd))):
            break
    else:
        if len(fes) > 1:
            raise ConvergenceError(f"fixed-effect demeaning did not converge in {iters} iterations")
    return Xd


def _name_collinear(data: pd.DataFrame, terms: list[str], fes: list[str]) -> None:
    """Raise a SpecificationError naming collinear plain-column regressors, if any."""
    from ._panel import check_collinear

    cols = [t for t in terms if t in data.columns]
    if not cols:
        return
    X = data[cols].to_numpy(float)
    X = _demean_multi(X, data, fes) if fes else np.column_stack([np.ones(len(X)), X])
    names = cols if fes else ["(Intercept)", *cols]
    check_collinear(X, names, context="FE design")


def fe(data: pd.DataFrame, formula: str, cluster: str | None = None, *, vcov: VcovType = "iid",
       ssc: SSC = "stata", panel: tuple[str, str] | None = None,
       drop_singletons: bool = False) -> FEResult:
    """Fixed-effects OLS with fixest syntax and a selectable small-sample convention.

    Parameters
    ----------
    data : DataFrame
    formula : str
        ``"y ~ x1 + x2 | entity + year"`` (pyfixest/fixest syntax; ``i()`` and
        interactions ``x1:x2`` are passed through).
    cluster : str, optional
        Cluster variable (one-way CRV1).  Overrides ``vcov``.
    vcov : {"iid", "hetero"}
        Covariance when ``cluster`` is None.
    ssc : {"stata", "fixest"}
        Small-sample convention (see module docstring): Stata ``xtreg, fe`` /
        ``reghdfe`` or R ``fixest`` defaults.
    panel : (entity, time), optional
        Check that these keys are unique (duplicate rows are an error).
    drop_singletons : bool
        Drop singleton FE groups (reghdfe default) instead of keeping them (xtreg).

    Returns
    -------
    FEResult
    """
    check_option("ssc", ssc, ("stata", "fixest"))
    check_option("vcov", vcov, ("iid", "hetero"))
    y, terms, fes = parse_formula(formula)
    used = [c for c in dict.fromkeys(_identifiers(y) + [i for t in terms for i in _identifiers(t)])
            if c in data.columns]
    if y not in data.columns:
        raise SpecificationError(f"dependent variable {y!r} not found in data")
    plain = [t for t in terms if re.fullmatch(r"[\w.]+", t) and not re.fullmatch(r"[\d.]+", t)]
    check_columns(data, plain + fes + ([cluster] if cluster else []))
    if panel is not None:
        check_columns(data, list(panel))
        check_unique_keys(data, *panel)
    check_numeric(data, [c for c in used if c == y or c in plain])
    for c in used:
        miss = data[c].isna().to_numpy()
        if miss.any():
            raise DataError(f"missing value in {c!r} ({int(miss.sum())} cell(s)); drop or impute "
                            "these rows first", row=data.index[np.flatnonzero(miss)[0]], column=c)
    for c in fes + ([cluster] if cluster else []):
        if data[c].isna().any():
            raise DataError(f"missing value in fixed-effect/cluster variable {c!r}",
                            row=data.index[np.flatnonzero(data[c].isna().to_numpy())[0]], column=c)
    pf = require("pyfixest")
    vc = {"CRV1": cluster} if cluster else vcov
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = pf.feols(formula, data=data, vcov=vc, ssc=pf.ssc(k_adj=False, G_adj=False),
                           fixef_rm="singleton" if drop_singletons else "none")
        except np.linalg.LinAlgError as exc:
            _name_collinear(data, terms, fes)
            raise SpecificationError(f"singular design in {formula!r}: {exc}") from exc
        except Exception as exc:
            if type(exc).__module__.startswith("formulaic"):
                raise SpecificationError(f"cannot evaluate formula {formula!r}: {exc}") from exc
            if "demeaning failed" in str(exc).lower():
                raise ConvergenceError(
                    f"fixed-effect demeaning did not converge in pyfixest for {formula!r} ({exc}); "
                    "check for near-redundant or very unbalanced fixed effects") from exc
            raise
    collin = list(getattr(fit, "_collin_vars", []) or [])
    if collin:
        _name_collinear(data, terms, fes)          # the whole dependent set, when it is found
        raise SpecificationError(
            f"singular design: regressor(s) {', '.join(map(repr, collin))} are collinear with the "
            "other regressors or the fixed effects; drop them")
    for w in caught:
        if "singular" in str(w.message).lower() or "collinear" in str(w.message).lower():
            raise SpecificationError(f"singular design: {w.message}")
    for w in caught:       # pass on what pyfixest says about the model (not its own deprecations)
        if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    n = int(fit._N)
    kx = len(fit.coef())
    sample = data
    if drop_singletons and fes:          # degrees of freedom and clusters of the estimation sample
        sample = data[~_singletons(data, fes)]
        if len(sample) != n:
            raise SpecificationError(f"internal: {len(sample)} rows after dropping singletons, "
                                     f"pyfixest used {n}")
    k_full, k_nn, any_nested = _fe_dof(sample, fes, cluster)
    K = kx + k_full
    if n - K <= 0:
        raise SpecificationError(f"not enough observations: n={n} but {K} parameters (incl. fixed effects)")
    if cluster:
        G = int(sample[cluster].nunique())
        if G < 2:
            raise SpecificationError(f"cluster variable {cluster!r} has fewer than 2 clusters")
        Ks = kx + k_nn + (1 if any_nested else 0) if ssc == "stata" else kx + k_nn
        c = G / (G - 1) * (n - 1) / (n - Ks)
        df_t = G - 1
    else:
        c = (n - 1) / (n - K) if (vcov == "iid" or ssc == "fixest") else n / (n - K)
        df_t = n - K
    V0 = np.asarray(fit._vcov, dtype=float)
    V = c * V0
    names = list(fit.coef().index)
    params = pd.Series(np.asarray(fit.coef(), float), index=names)
    se = pd.Series(np.sqrt(np.diag(V)), index=names)
    if not np.isfinite(se).all():
        raise SpecificationError(f"non-finite standard errors for {list(se.index[~np.isfinite(se)])}")
    from scipy import stats

    pv = pd.Series(2 * stats.t.sf(np.abs(params / se), df_t), index=names)
    r2 = float(fit._r2) if getattr(fit, "_r2", None) is not None else None
    r2w = getattr(fit, "_r2_within", None)
    r2w = float(r2w) if r2w is not None and np.isfinite(r2w) else None
    fe_rows = {f"{f} FE": "Yes" for f in fes}
    extra = {"SE": f"cluster({cluster})" if cluster else vcov}
    if fes and r2w is not None:
        extra["Within R²"] = f"{r2w:.3f}"   # what Stata's xtreg/reghdfe users read as R²
    prov = Provenance(method="digitrace.econ.fe",
                      params=dict(formula=formula, cluster=cluster,
                                  vcov=f"CRV1({cluster})" if cluster else vcov, ssc=ssc,
                                  drop_singletons=drop_singletons,
                                  **({"entity": panel[0], "time": panel[1]} if panel else {})),
                      inputs=(("data", _frame_sha256(data[used + fes])),),
                      reference=REFERENCE)
    return FEResult(params=params, se=se, pvalues=pv,
                    vcov=pd.DataFrame(V, index=names, columns=names), nobs=n, r2=r2,
                    r2_within=r2w, dep_var=y, fixed_effects=tuple(fes), cluster=cluster,
                    df_resid=int(df_t), fe_rows=fe_rows, extra_rows=extra,
                    model_name="FE" if fes else "OLS",
                    resid=np.asarray(fit._u_hat, float).copy(), provenance=prov)


