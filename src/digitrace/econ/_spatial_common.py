r"""Labelled layer shared by :mod:`spatial_ml` and :mod:`spatial_panel`.

* :func:`prepare_weights` turns a dense array, a SciPy sparse matrix, a libpysal
  ``W`` or a labelled DataFrame into a CSR matrix ordered like the data;
* :func:`simulate_effects` computes LeSage–Pace direct, indirect and total
  effects with standard errors and confidence intervals by simulating the
  asymptotic normal distribution of the ML estimates (LeSage & Pace 2009, §5.6);
* :func:`sdm_tests` gives the LR and Wald tests of SDM against SAR
  (:math:`\theta=0`) and against SEM (:math:`\theta=-\rho\beta`, Elhorst 2014, §2.x);
* :class:`SpatialMLResult` is the frozen result with the table protocol.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from .._frozen import FrozenMapping
from .._results import Result
from ..errors import DataError, SpecificationError
from ._panel import plain_list
from ._spatial_kernels import effect_moments, stack_lag

MODELS = ("sar", "sem", "sdm", "sdem")
RHO_NAME = {"sar": "rho", "sdm": "rho", "sem": "lambda", "sdem": "lambda"}


def prepare_weights(W: Any, ids: Sequence[Any] | None, *, row_standardize: bool,
                    require_rowstd: bool = False, positional_order: str = "data") -> sp.csr_matrix:
    """Return ``W`` as CSR in the order of ``ids``.

    Parameters
    ----------
    W : ndarray, scipy.sparse matrix, libpysal ``W`` or DataFrame
        A DataFrame must be square with identical index and column labels; a
        libpysal ``W`` carries its ``id_order``.  Both are matched to ``ids``
        (every id must be present, extra ids are an error).  Arrays and sparse
        matrices are taken to be in the order of ``ids`` already
        (``positional_order`` says which order that is, for messages).
    ids : sequence
        Unit labels in the order of the data.
    row_standardize : bool
        Divide each row by its sum.
    require_rowstd : bool
        Raise :class:`SpecificationError` when the (final) matrix is not row-standardised.
    """
    labels = None
    if isinstance(W, pd.DataFrame):
        # compare labels as strings: a W read from CSV has int index but str columns
        rows, cols = [str(v) for v in W.index], [str(v) for v in W.columns]
        if rows != cols:
            if set(rows) != set(cols) or len(set(cols)) != len(cols):
                raise SpecificationError("W DataFrame: index and columns must carry the same unit ids")
            W = W.iloc[:, [cols.index(r) for r in rows]]
        labels = list(W.index)
        M = sp.csr_matrix(W.to_numpy(dtype=float))
    elif hasattr(W, "sparse") and hasattr(W, "id_order"):  # libpysal W
        labels = list(W.id_order)
        M = sp.csr_matrix(W.sparse, dtype=float, copy=True)
    elif sp.issparse(W):
        M = sp.csr_matrix(W, dtype=float, copy=True)
    else:
        arr = np.asarray(W, dtype=float)
        if arr.ndim != 2:
            raise SpecificationError(f"W must be a 2-D matrix, got shape {arr.shape}")
        M = sp.csr_matrix(arr)
    if M.shape[0] != M.shape[1]:
        raise SpecificationError(f"W must be square, got shape {M.shape}")
    if ids is not None:
        ids = list(ids)
        if labels is not None:
            pos = {str(k): i for i, k in enumerate(labels)}
            if len(pos) != len(labels):
                raise SpecificationError("W has duplicate unit ids")
            missing = [u for u in ids if str(u) not in pos]
            extra = sorted(set(pos) - {str(u) for u in ids})
            if missing or extra:
                raise SpecificationError(
                    "W does not match the units of the data: "
                    + (f"missing from W: {plain_list(missing)}" if missing else "")
                    + ("; " if missing and extra else "")
                    + (f"in W but not in the data: {plain_list(extra)}" if extra else "")
                    + " (labelled weights are matched to the unit ids: the entity column of a "
                    "panel, or ids=COLUMN / the index of a cross-section)")
            order = np.array([pos[str(u)] for u in ids])
            M = M[order][:, order]
        elif M.shape[0] != len(ids):
            raise SpecificationError(
                f"W is {M.shape[0]}x{M.shape[0]} but the data have {len(ids)} units "
                f"(an unlabelled W must follow the {positional_order} order)")
    M = M.tocsr()
    M.eliminate_zeros()
    if np.isnan(M.data).any() or np.isinf(M.data).any():
        raise SpecificationError("W contains NaN or infinite weights")
    if (M.data < 0).any():
        raise SpecificationError("W contains negative weights")
    if np.any(M.diagonal() != 0):
        bad = np.flatnonzero(M.diagonal())
        raise SpecificationError(f"W has non-zero diagonal entries (self-neighbours) for units {_name(bad, ids)}")
    rs = np.asarray(M.sum(axis=1)).ravel()
    islands = np.flatnonzero(rs == 0)
    if islands.size:
        raise SpecificationError(
            f"W has {islands.size} island(s) with no neighbours: {_name(islands, ids)}; "
            "drop them or use a distance/kNN W")
    if row_standardize:
        M = sp.diags(1.0 / rs) @ M
    elif require_rowstd and not np.allclose(rs, 1.0, atol=1e-8):
        raise SpecificationError("W must be row-standardised here (row sums differ from 1); "
                                 "pass row_standardize=True")
    return sp.csr_matrix(M)


def _name(idx: np.ndarray, ids: Sequence[Any] | None) -> str:
    """Unit ids (plain Python values, at most 10) of positions ``idx`` for messages."""
    return plain_list([ids[i] if ids is not None else int(i) for i in idx])


def check_design(X: np.ndarray, names: Sequence[str], what: str = "design") -> None:
    """Raise :class:`SpecificationError` naming regressors that are constant or collinear."""
    if not np.isfinite(X).all():
        bad = [names[j] for j in range(X.shape[1]) if not np.isfinite(X[:, j]).all()]
        raise DataError(f"missing or infinite values in {what}", column=", ".join(bad))
    from ._panel import check_collinear

    check_collinear(X, names, context=what)   # names every linearly dependent set in full


def check_dependent(y: np.ndarray, name: str, absorbed: bool = False) -> None:
    """Raise :class:`SpecificationError` when ``y`` has no variation left to explain."""
    scale = max(1.0, float(np.abs(y).max())) if y.size else 1.0
    dev = y - (0.0 if absorbed else y.mean())
    if float(dev @ dev) <= 1e-20 * scale * scale * max(len(y), 1):
        what = "is fully absorbed by the fixed effects" if absorbed else "is constant"
        raise SpecificationError(f"the dependent variable {name!r} {what}; nothing to estimate")


def simulate_effects(model: str, xnames: Sequence[str], b_idx: Sequence[int],
                     t_idx: Sequence[int | None], rho_idx: int | None, params: np.ndarray,
                     vcov: np.ndarray, W: sp.csr_matrix, eigs: np.ndarray | None,
                     draws: int, seed: int | None, level: float = 0.95) -> pd.DataFrame:
    r"""LeSage–Pace effects with simulated SEs.

    For SAR/SDM the :math:`N\times N` effect matrix of regressor :math:`k` is
    :math:`S_k = (I-\rho W)^{-1}(\beta_k I + \theta_k W)`; the direct effect is
    :math:`\mathrm{tr}(S_k)/N`, the total effect :math:`\iota'S_k\iota/N`, the
    indirect effect their difference.  ``draws`` parameter vectors are drawn
    from :math:`N(\hat\vartheta, \hat V)` with ``np.random.default_rng(seed)``;
    SEs are the draws' standard deviations and the CI their percentiles.
    The point estimate is evaluated at :math:`\hat\vartheta` (as Stata's
    ``estat impact``).  For SEM/SDEM the effects are linear
    (:math:`\beta_k`, :math:`\theta_k`, :math:`\beta_k+\theta_k`) and the same
    simulation is used for a uniform output.
    """
    rng = np.random.default_rng(seed)
    D = rng.multivariate_normal(params, vcov, size=draws, method="cholesky")
    thetas = np.vstack([params[None, :], D])
    cols: dict[str, list] = {c: [] for c in ("direct", "indirect", "total")}
    sims: dict[str, list] = {c: [] for c in cols}
    if model in ("sar", "sdm"):
        mom = effect_moments(W, thetas[:, rho_idx], eigs=eigs)
    for bi, ti in zip(b_idx, t_idx):
        b = thetas[:, bi]
        t = thetas[:, ti] if ti is not None else np.zeros(len(thetas))
        if model in ("sar", "sdm"):
            direct = b * mom[:, 0] + t * mom[:, 1]
            total = b * mom[:, 2] + t * mom[:, 3]
        else:
            direct, total = b, b + t
        for c, v in (("direct", direct), ("indirect", total - direct), ("total", total)):
            cols[c].append(v[0])
            sims[c].append(v[1:])
    out = pd.DataFrame(index=pd.Index(list(xnames), name="variable"))
    a = (1 - level) / 2
    for c in ("direct", "indirect", "total"):
        s = np.array(sims[c])
        out[c] = cols[c]
        out[f"{c}_se"] = s.std(axis=1, ddof=1)
        out[f"{c}_ci_low"] = np.quantile(s, a, axis=1)
        out[f"{c}_ci_high"] = np.quantile(s, 1 - a, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{c}_p"] = 2 * stats.norm.sf(np.abs(out[c] / out[f"{c}_se"]))
    return out


def lm_tests(y: np.ndarray, X: np.ndarray, W, T: int) -> pd.DataFrame:
    r"""Classic and robust LM-lag / LM-error on the (demeaned) non-spatial panel.

    With :math:`e` the OLS residuals, :math:`\hat\sigma^2=e'e/NT`,
    :math:`T_W = T\,\mathrm{tr}(W'W+WW)` and
    :math:`J = [(\tilde WX\hat\beta)'M(\tilde WX\hat\beta) + T_W\hat\sigma^2]/\hat\sigma^2`:
    LM-lag :math:`=(e'\tilde Wy/\hat\sigma^2)^2/J`, LM-error
    :math:`=(e'\tilde We/\hat\sigma^2)^2/T_W` and the robust versions of
    Anselin et al. (1996) (Elhorst 2014, eq. 3.7–3.10).
    """
    nt = len(y)
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ b
    s2 = e @ e / nt
    trw = float((W.T @ W + W @ W).diagonal().sum())
    Ttr = T * trw
    wxb = stack_lag(W, X @ b, T)
    mwxb = wxb - X @ np.linalg.lstsq(X, wxb, rcond=None)[0]
    J = (wxb @ mwxb + Ttr * s2) / s2
    ewe = e @ stack_lag(W, e, T)
    ewy = e @ stack_lag(W, y, T)
    out = {
        "LM lag": (ewy / s2) ** 2 / J,
        "robust LM lag": (ewy - ewe) ** 2 / (s2 ** 2 * (J - Ttr)),
        "LM error": (ewe / s2) ** 2 / Ttr,
        "robust LM error": (ewe - (Ttr / J) * ewy) ** 2 / (s2 ** 2 * Ttr * (1 - Ttr / J)),
    }
    return pd.DataFrame([{"test": k, "statistic": float(v), "df": 1,
                          "p_value": float(stats.chi2.sf(v, 1))} for k, v in out.items()]).set_index("test")


def wald(g: np.ndarray, G: np.ndarray, V: np.ndarray) -> float:
    """Wald statistic :math:`g'(GVG')^{-1}g`."""
    return float(g @ np.linalg.solve(G @ V @ G.T, g))


def sdm_tests(params: np.ndarray, vcov: np.ndarray, b_idx: Sequence[int], t_idx: Sequence[int],
              rho_idx: int, ll_sdm: float, ll_sar: float | None, ll_sem: float | None) -> pd.DataFrame:
    r"""Wald and LR tests of SDM :math:`\to` SAR (:math:`H_0:\theta=0`) and SDM :math:`\to` SEM
    (:math:`H_0:\theta+\rho\beta=0`, the common-factor restriction; Burridge 1981,
    Elhorst 2014 §2.7/§3.5)."""
    k = len(t_idx)
    p = len(params)
    G1 = np.zeros((k, p))
    G1[np.arange(k), list(t_idx)] = 1.0
    g1 = params[list(t_idx)]
    rho = params[rho_idx]
    g2 = params[list(t_idx)] + rho * params[list(b_idx)]
    G2 = np.zeros((k, p))
    for r, (bi, ti) in enumerate(zip(b_idx, t_idx)):
        G2[r, ti] = 1.0
        G2[r, bi] = rho
        G2[r, rho_idx] = params[bi]
    rows = []
    for name, stat in (("Wald SDM vs SAR", wald(g1, G1, vcov)),
                       ("LR SDM vs SAR", None if ll_sar is None else 2 * (ll_sdm - ll_sar)),
                       ("Wald SDM vs SEM", wald(g2, G2, vcov)),
                       ("LR SDM vs SEM", None if ll_sem is None else 2 * (ll_sdm - ll_sem))):
        if stat is None:
            continue
        rows.append({"test": name, "statistic": stat, "df": k, "p_value": float(stats.chi2.sf(stat, k))})
    return pd.DataFrame(rows).set_index("test")


@dataclass(frozen=True, repr=False, eq=False)
class SpatialMLResult(Result):
    """Result of a spatial ML regression (cross-section or panel).

    Attributes follow the econ table protocol: ``params``, ``se``, ``pvalues``,
    ``nobs``, ``r2``, ``dep_var``, ``fe_rows``, ``extra_rows``, ``model_name``;
    ``r2`` is 1 − SSR/Σ(y − ȳ)² (for panels: with the fixed effects, as the
    R² of fe()), ``r2_within`` (panels) 1 − SSR/Σ ỹ² on the demeaned y; plus ``loglik``, ``sigma2``, ``vcov``, ``effects`` (LeSage–Pace, with SEs)
    and ``tests`` (LR/Wald/LM as applicable).
    """

    model: str
    params: pd.Series
    se: pd.Series
    vcov: pd.DataFrame
    loglik: float
    sigma2: float
    nobs: int
    r2: float | None
    dep_var: str
    effects: pd.DataFrame | None
    tests: pd.DataFrame
    fe: str = "none"
    lee_yu: str = "none"
    n_units: int = 0
    n_periods: int = 1
    info: Mapping[str, Any] = field(default_factory=dict)
    r2_within: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "info", FrozenMapping(self.info))

    @property
    def spatial_param(self) -> str:
        return RHO_NAME[self.model]

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * stats.norm.sf(np.abs(self.params / self.se)), index=self.params.index)

    @property
    def tvalues(self) -> pd.Series:
        return self.params / self.se

    @property
    def model_name(self) -> str:
        kind = "panel " if self.n_periods > 1 else ""
        return f"{self.model.upper()} {kind}(ML)"

    @property
    def fe_rows(self) -> dict[str, str]:
        if self.n_periods == 1 and self.fe == "none":
            return {}
        ent = self.provenance.params.get("entity")
        tim = self.provenance.params.get("time")
        # named after the user's columns (as fe() and threshold() do) when known
        return {f"{ent} FE" if ent else "Entity FE": "Yes" if self.fe in ("entity", "twoways") else "No",
                f"{tim} FE" if tim else "Time FE": "Yes" if self.fe in ("time", "twoways") else "No"}

    @property
    def extra_rows(self) -> dict[str, str]:
        info = self.info.get("information")
        rows = {"SE": f"ML ({info} information)" if info else "ML",
                "Log-likelihood": f"{self.loglik:.3f}"}  # rho/lambda is a coefficient row
        if self.n_periods > 1:
            rows["Lee-Yu correction"] = self.lee_yu
        if self.r2_within is not None:
            rows["Within R²"] = f"{self.r2_within:.3f}"
        return rows

    def to_frame(self) -> pd.DataFrame:
        z = self.tvalues
        return pd.DataFrame({"coef": self.params, "se": self.se, "z": z, "p_value": self.pvalues})

    def _headline(self) -> str:
        p = self.spatial_param
        return (f"{self.model_name}, n={self.nobs}, {p}={self.params[p]:.4f}, "
                f"logL={self.loglik:.3f}")
