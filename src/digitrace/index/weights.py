"""Objective indicator weights: entropy (incl. panel entropy), CRITIC, PCA, equal, combined.

Kernels (``*_kernel``) take ndarrays; the labelled functions take a DataFrame
(rows = units or unit-years, columns = indicators) and return a frozen
:class:`WeightResult`.  All weights are non-negative and sum to one (PCA can
produce a negative weight when an indicator loads against the others; that is
reported with a :class:`~digitrace.errors.DataQualityWarning`).
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from .._frozen import FrozenMapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256, check_option
from ..errors import DataError, DataQualityWarning, SpecificationError
from .normalise import (
    check_finite,
    minmax_kernel,
    numeric_matrix,
    parse_directions,
    zscore_kernel,
)

REF_ENTROPY = ("Shannon (1948); entropy weighting as in 郭显光 (1998) 系统工程理论与实践 18(12); "
               "panel (time-in-normalisation) entropy: 杨丽, 孙之淳 (2015) 基于熵值法的西部新型城镇化"
               "发展水平测评, 经济问题 2015(3): 115-119")
REF_CRITIC = ("Diakoulaki, Mavrotas & Papayannakis (1995) Determining objective weights in "
              "multiple criteria problems: the CRITIC method, Computers & OR 22(7): 763-770")
REF_PCA = ("Kaiser (1970, 1974) KMO measure of sampling adequacy; Bartlett (1950) test of "
           "sphericity; PCA weights as the variance-share-weighted component coefficients")


@dataclass(frozen=True, repr=False)
class WeightResult(Result):
    """Indicator weights with per-indicator diagnostics.

    Attributes
    ----------
    weights : pandas.Series
        One weight per indicator, summing to 1.
    method : str
        ``"entropy"``, ``"critic"``, ``"pca"``, ``"equal"`` or ``"combined"``.
    table : pandas.DataFrame
        Diagnostics per indicator (entropy ``e`` and divergence ``d``; CRITIC
        ``sigma``, ``conflict``, ``information``; PCA ``msa`` and coefficient).
    group_weights : pandas.DataFrame or None
        Year-by-year weights (rows = groups) when ``by`` was given.
    stats : Mapping
        Scalars: KMO, Bartlett χ², df and p, retained components, ...
    """

    weights: pd.Series
    method: str
    table: pd.DataFrame
    group_weights: pd.DataFrame | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stats", FrozenMapping(dict(self.stats)))

    def to_frame(self) -> pd.DataFrame:
        out = self.table.copy()
        out.insert(0, "weight", self.weights)
        out.index.name = "indicator"
        return out

    def _headline(self) -> str:
        top = self.weights.sort_values(ascending=False).head(3)
        return f"{self.method} weights, {len(self.weights)} indicators, top " + ", ".join(
            f"{k}={v:.3f}" for k, v in top.items())

    def __getattr__(self, name: str) -> Any:  # stats as attributes: res.kmo, res.bartlett_p
        stats = object.__getattribute__(self, "stats")
        if name in stats:
            return stats[name]
        raise AttributeError(name)


# ---------------------------------------------------------------- kernels
def entropy_kernel(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entropy weights of a non-negative normalised matrix ``Z`` (n × m).

    .. math::

        p_{ij} = z_{ij} / \\sum_i z_{ij}, \\quad
        e_j = -\\frac{1}{\\ln n}\\sum_i p_{ij}\\ln p_{ij}\\ (0\\ln 0 = 0), \\quad
        d_j = 1 - e_j, \\quad w_j = d_j / \\sum_k d_k .

    A column summing to zero is treated as uniform (``e = 1``, ``w = 0``).
    Returns ``(w, e, d)``.
    """
    Z = np.asarray(Z, dtype=float)
    n = Z.shape[0]
    if n < 2:
        raise SpecificationError("entropy weights need at least two rows")
    S = Z.sum(axis=0)
    zero = S <= 0
    P = np.where(zero, 1.0 / n, Z / np.where(zero, 1.0, S))
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    e = np.clip(e, 0.0, 1.0)
    d = 1.0 - e
    if d.sum() <= 0:
        raise SpecificationError("all indicators have maximal entropy (no variation): "
                                 "weights are undefined")
    return d / d.sum(), e, d


def critic_kernel(Z: np.ndarray, ddof: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CRITIC weights: :math:`C_j = \\sigma_j \\sum_k (1 - r_{jk})`, :math:`w_j = C_j/\\sum C`.

    ``Z`` is the direction-aware min–max normalised matrix. A constant column
    has :math:`\\sigma_j = 0` (so :math:`C_j = 0`); its undefined correlations are
    set to 0. Returns ``(w, sigma, conflict)`` with conflict :math:`\\sum_k(1-r_{jk})`.
    """
    Z = np.asarray(Z, dtype=float)
    sigma = Z.std(axis=0, ddof=ddof)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.corrcoef(Z, rowvar=False)
    R = np.atleast_2d(np.nan_to_num(R, nan=0.0))
    np.fill_diagonal(R, 1.0)
    conflict = (1.0 - R).sum(axis=1)
    C = sigma * conflict
    if C.sum() <= 0:
        raise SpecificationError(
            "CRITIC information is zero for every indicator: they are all constant or "
            "perfectly positively correlated (r = 1), so there is no contrast to weight")
    return C / C.sum(), sigma, conflict


def kmo_bartlett(X: np.ndarray) -> dict[str, Any]:
    """Kaiser–Meyer–Olkin measure and Bartlett's test of sphericity.

    .. math::

        KMO = \\frac{\\sum_{i\\ne j} r_{ij}^2}{\\sum_{i\\ne j} r_{ij}^2 + \\sum_{i\\ne j} a_{ij}^2},
        \\quad a_{ij} = -\\frac{(R^{-1})_{ij}}{\\sqrt{(R^{-1})_{ii}(R^{-1})_{jj}}}

        \\chi^2 = -\\left(n - 1 - \\frac{2p+5}{6}\\right)\\ln|R|, \\quad df = p(p-1)/2 .

    Returns a dict with ``kmo``, ``msa`` (per variable), ``bartlett_chi2``,
    ``bartlett_df``, ``bartlett_p``.
    """
    from scipy import stats

    X = np.asarray(X, dtype=float)
    n, p = X.shape
    R = np.corrcoef(X, rowvar=False)
    sign, logdet = np.linalg.slogdet(R)
    if sign <= 0:
        raise SpecificationError("the correlation matrix is singular (perfectly collinear "
                                 "indicators): KMO and Bartlett's test are undefined")
    Rinv = np.linalg.inv(R)
    dg = np.sqrt(np.diag(Rinv))
    A = -Rinv / np.outer(dg, dg)
    off = ~np.eye(p, dtype=bool)
    r2 = np.where(off, R ** 2, 0.0)
    a2 = np.where(off, A ** 2, 0.0)
    kmo = r2.sum() / (r2.sum() + a2.sum())
    msa = r2.sum(axis=0) / (r2.sum(axis=0) + a2.sum(axis=0))
    chi2 = -(n - 1 - (2 * p + 5) / 6.0) * logdet
    df = p * (p - 1) / 2
    return {"kmo": float(kmo), "msa": msa, "bartlett_chi2": float(chi2),
            "bartlett_df": int(df), "bartlett_p": float(stats.chi2.sf(chi2, df))}


def pca_kernel(Zs: np.ndarray, rule: str = "kaiser", threshold: float = 0.85
               ) -> dict[str, Any]:
    """PCA weights on z-scored data ``Zs`` (correlation-matrix PCA).

    Components kept: eigenvalue > 1 (``rule="kaiser"``) or the smallest number
    whose cumulative variance share reaches ``threshold`` (``rule="cumulative"``).
    Eigenvectors are signed so that their elements sum to a positive number.
    Indicator coefficient :math:`c_j = \\sum_k \\lambda_k u_{jk} / \\sum_k \\lambda_k`
    (kept components; :math:`u_{jk}` = loading / :math:`\\sqrt{\\lambda_k}`), and
    :math:`w_j = c_j / \\sum c`.
    """
    R = np.corrcoef(Zs, rowvar=False)
    lam, U = np.linalg.eigh(R)
    order = np.argsort(lam)[::-1]
    lam, U = lam[order], U[:, order]
    U = U * np.where(U.sum(axis=0) < 0, -1.0, 1.0)
    share = lam / lam.sum()
    if rule == "kaiser":
        k = max(1, int((lam > 1.0).sum()))
    else:
        k = int(np.searchsorted(np.cumsum(share), threshold - 1e-12) + 1)
    c = (U[:, :k] * lam[:k]).sum(axis=1) / lam[:k].sum()
    return {"weights": c / c.sum(), "coef": c, "eigenvalues": lam, "share": share,
            "n_components": k, "loadings": U[:, :k] * np.sqrt(lam[:k])}


# ---------------------------------------------------------------- labelled API
def _prepare(df, by):
    if not isinstance(df, pd.DataFrame):
        arr = np.asarray(df, dtype=float)
        df = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    groups = None
    if by is not None:
        if by in df.columns:
            groups = df[by].to_numpy()
            df = df.drop(columns=[by])
        elif by in (df.index.names or []):
            groups = df.index.get_level_values(by).to_numpy()
        else:
            raise SpecificationError(f"by={by!r} is neither a column nor an index level")
    X = numeric_matrix(df)
    check_finite(X, list(map(str, df.columns)), list(df.index))
    return df, X, groups


def _prov(method, params, X, ref) -> Provenance:
    return Provenance(method=f"digitrace.index.{method}", params=params,
                      inputs=(("indicators", array_sha256(X)),), reference=ref)


def entropy_weights(df, directions=None, *, shift: float = 0.0, normalise: bool = True,
                    by: str | None = None, constant: str = "raise") -> WeightResult:
    """Entropy weights in the Chinese-paper convention (熵值法).

    Steps: direction-aware min–max normalisation (+ optional ``shift``), then
    :math:`p_{ij}`, entropy :math:`e_j`, divergence :math:`d_j = 1-e_j`, and
    :math:`w_j = d_j/\\sum d` (see :func:`entropy_kernel`). Zeros are fine
    (:math:`0 \\ln 0 = 0`).

    Parameters
    ----------
    df : DataFrame or array (rows × indicators)
        For a panel pass the province-year rows: the default *pools* them, i.e.
        min–max and proportions run over all province-years and
        :math:`k = 1/\\ln(rn)` with r years and n provinces — the panel entropy
        method with time in the normalisation (杨丽 & 孙之淳 2015).
    directions : mapping, sequence or None
        ``"+"``/``"-"`` per indicator (default all ``+``).
    shift : float
        Added after min–max (e.g. ``0.0001``).
    normalise : bool
        ``False`` uses ``df`` as already normalised; it must then be non-negative.
    by : str, optional
        Column or index level (e.g. ``"year"``): the year-by-year variant, one
        cross-section entropy per group. ``weights`` is then the mean of the
        group weights and ``group_weights`` holds each group's weights.
    constant : {"raise", "zero"}
        Policy for constant indicators (see :func:`~digitrace.index.normalise.minmax_kernel`).
    """
    check_option("constant", constant, ("raise", "zero"))
    df, X, groups = _prepare(df, by)
    cols = list(map(str, df.columns))
    signs = parse_directions(directions, df.columns)

    def one(Xg):
        if normalise:
            Z = minmax_kernel(Xg, signs, shift=shift, constant=constant, columns=cols)
        else:
            Z = Xg
            if (Z < 0).any():
                j = int(np.argwhere(Z < 0)[0][1])
                raise DataError(
                    f"entropy needs non-negative values but indicator {cols[j]!r} has minimum "
                    f"{Z[:, j].min():.6g}; min–max normalise (normalise=True) or shift it by at "
                    f"least {-Z[:, j].min():.6g} first", column=cols[j])
        return entropy_kernel(Z)

    if groups is None:
        w, e, d = one(X)
        table = pd.DataFrame({"entropy": e, "divergence": d}, index=cols)
        gw = None
        variant = "pooled"
    else:
        rows = {}
        for g in pd.unique(groups):
            rows[g] = one(X[groups == g])[0]
        gw = pd.DataFrame(rows, index=cols).T
        gw.index.name = by
        w = gw.mean(axis=0).to_numpy()
        w = w / w.sum()
        table = pd.DataFrame({"weight_min": gw.min().to_numpy(),
                              "weight_max": gw.max().to_numpy()}, index=cols)
        variant = f"by {by}"
    params = {"directions": dict(zip(cols, np.where(signs > 0, "+", "-"))), "shift": shift,
              "normalise": normalise, "variant": variant, "n_rows": X.shape[0]}
    return WeightResult(weights=pd.Series(w, index=cols, name="weight"), method="entropy",
                        table=table, group_weights=gw, stats={"variant": variant},
                        provenance=_prov("entropy_weights", params, X, REF_ENTROPY))


def critic_weights(df, directions=None, *, ddof: int = 1, constant: str = "raise"
                   ) -> WeightResult:
    """CRITIC weights (Diakoulaki et al. 1995) on direction-aware min–max data.

    :math:`C_j = \\sigma_j \\sum_k (1 - r_{jk})`, :math:`w_j = C_j / \\sum C`, with
    :math:`\\sigma_j` the standard deviation (``ddof``) of the normalised column
    and :math:`r` the Pearson correlation matrix.
    """
    check_option("constant", constant, ("raise", "zero"))
    df, X, _ = _prepare(df, None)
    cols = list(map(str, df.columns))
    signs = parse_directions(directions, df.columns)
    Z = minmax_kernel(X, signs, constant=constant, columns=cols)
    w, sigma, conflict = critic_kernel(Z, ddof=ddof)
    table = pd.DataFrame({"sigma": sigma, "conflict": conflict,
                          "information": sigma * conflict}, index=cols)
    params = {"directions": dict(zip(cols, np.where(signs > 0, "+", "-"))), "ddof": ddof}
    return WeightResult(weights=pd.Series(w, index=cols, name="weight"), method="critic",
                        table=table, provenance=_prov("critic_weights", params, X, REF_CRITIC))


def pca_weights(df, directions=None, *, rule: Literal["kaiser", "cumulative"] = "kaiser",
                threshold: float = 0.85) -> WeightResult:
    """PCA weights with the KMO measure and Bartlett's sphericity test.

    Data are z-scored with the direction sign, then see :func:`pca_kernel`.
    ``stats`` holds ``kmo``, ``bartlett_chi2``, ``bartlett_df``, ``bartlett_p``,
    ``n_components`` and ``explained`` (cumulative share of the kept components);
    ``table`` holds each indicator's MSA and coefficient. Conventional reading:
    KMO ≥ 0.6 and Bartlett p < 0.05 support a PCA.
    """
    check_option("rule", rule, ("kaiser", "cumulative"))
    df, X, _ = _prepare(df, None)
    cols = list(map(str, df.columns))
    if X.shape[1] < 2:
        raise SpecificationError("PCA weights need at least two indicators")
    signs = parse_directions(directions, df.columns)
    Zs = zscore_kernel(X, signs, columns=cols)
    kb = kmo_bartlett(Zs)
    pc = pca_kernel(Zs, rule=rule, threshold=threshold)
    w = pc["weights"]
    if (w < 0).any():
        warnings.warn(f"PCA gives negative weight(s) to {[c for c, x in zip(cols, w) if x < 0]}: "
                      "these indicators load against the others", DataQualityWarning, stacklevel=2)
    table = pd.DataFrame({"msa": kb["msa"], "coefficient": pc["coef"]}, index=cols)
    k = pc["n_components"]
    stats = {"kmo": kb["kmo"], "bartlett_chi2": kb["bartlett_chi2"],
             "bartlett_df": kb["bartlett_df"], "bartlett_p": kb["bartlett_p"],
             "n_components": k, "explained": float(pc["share"][:k].sum()),
             "eigenvalues": tuple(float(x) for x in pc["eigenvalues"])}
    params = {"directions": dict(zip(cols, np.where(signs > 0, "+", "-"))), "rule": rule,
              "threshold": threshold}
    return WeightResult(weights=pd.Series(w, index=cols, name="weight"), method="pca",
                        table=table, stats=stats,
                        provenance=_prov("pca_weights", params, X, REF_PCA))


def equal_weights(columns: Sequence[str] | pd.DataFrame) -> WeightResult:
    """Equal weights 1/m."""
    cols = list(map(str, columns.columns if isinstance(columns, pd.DataFrame) else columns))
    if not cols:
        raise SpecificationError("no indicators")
    w = np.full(len(cols), 1.0 / len(cols))
    return WeightResult(weights=pd.Series(w, index=cols, name="weight"), method="equal",
                        table=pd.DataFrame(index=cols),
                        provenance=Provenance(method="digitrace.index.equal_weights",
                                              params={"m": len(cols)}))


def combined_weights(*results: WeightResult, how: Literal["mean", "product"] = "mean",
                     alpha: Sequence[float] | None = None) -> WeightResult:
    """Combine weight vectors (组合赋权), e.g. entropy and CRITIC.

    ``how="mean"``: :math:`w_j = \\sum_k \\alpha_k w_{kj}` (default equal α);
    ``how="product"``: :math:`w_j = \\prod_k w_{kj} / \\sum_i \\prod_k w_{ki}`
    (the multiplicative synthesis).
    """
    check_option("how", how, ("mean", "product"))
    if len(results) < 2:
        raise SpecificationError("combined_weights needs at least two weight results")
    idx = results[0].weights.index
    for r in results[1:]:
        if not r.weights.index.equals(idx):
            raise SpecificationError("weight results cover different indicators")
    W = np.column_stack([r.weights.to_numpy() for r in results])
    if how == "mean":
        a = np.full(len(results), 1.0 / len(results)) if alpha is None else np.asarray(alpha, float)
        if a.shape != (len(results),) or (a < 0).any() or abs(a.sum() - 1) > 1e-9:
            raise SpecificationError("alpha must be non-negative, one per result, summing to 1")
        w = W @ a
    else:
        w = W.prod(axis=1)
        w = w / w.sum()
    methods = [r.method for r in results]
    table = pd.DataFrame(W, index=idx, columns=[f"w_{m}" for m in methods])
    return WeightResult(weights=pd.Series(w, index=idx, name="weight"), method="combined",
                        table=table,
                        provenance=Provenance(method="digitrace.index.combined_weights",
                                              params={"how": how, "methods": methods,
                                                      "alpha": None if alpha is None else list(alpha)}))
