r"""Global Moran's I, Geary's C and local Moran (LISA), matching PySAL esda.

Global Moran (Moran 1950; Cliff & Ord 1981), with :math:`z = y - \bar y`:

.. math::

    I = \frac{n}{S_0}\frac{z^\top W z}{z^\top z},\qquad E[I] = -\frac{1}{n-1},

variance under normality and under randomisation as in Cliff & Ord (1981, eqs. 1.35–1.36),
:math:`z = (I - E[I])/\sqrt{V[I]}`.  Geary's C:
:math:`C = (n-1)\sum_{ij} w_{ij}(y_i-y_j)^2 / (2 S_0 \sum_i z_i^2)`, :math:`E[C]=1`.

Local Moran (Anselin 1995): with :math:`z_i = (y_i-\bar y)/s_y` (:math:`s_y` the population
standard deviation), :math:`I_i = (n-1) z_i \sum_j w_{ij} z_j / \sum_k z_k^2`; analytic
moments under total randomisation (Sokal et al. 1998, eqs. A3–A4) and conditional
randomisation (A7–A8); pseudo p-values by conditional permutation (see ``_perm``).

Quadrants follow esda: 1 = HH, 2 = LH, 3 = LL, 4 = HL.  ``W`` is used row-standardised.

All analytic quantities equal esda 2.8 to floating-point precision (tests on Columbus);
permutation p-values use NumPy's ``default_rng(seed)`` and agree with esda in distribution.

References: Moran, P. A. P. (1950) *Biometrika* 37: 17–23; Geary, R. C. (1954) *The
Incorporated Statistician* 5: 115–145; Cliff, A. D. & Ord, J. K. (1981) *Spatial
Processes*; Anselin, L. (1995) Local indicators of spatial association — LISA,
*Geographical Analysis* 27: 93–115; Sokal, Oden & Thomson (1998) *Geographical Analysis* 30.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import ndtr

from .._results import Provenance, Result, array_sha256, check_option, freeze_array
from ..errors import DataError, DataQualityWarning, SpecificationError
from . import _perm
from .weights import SpatialWeights, as_spatial_weights, sparse_sha256

__all__ = ["moran", "geary", "local_moran", "MoranResult", "GearyResult", "LocalMoranResult",
           "align"]

Alternative = Literal["directed", "two-sided"]
QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
REFERENCE = "Moran (1950); Cliff & Ord (1981); Anselin (1995); Sokal, Oden & Thomson (1998)"


def align(y: Any, w: Any, name: str = "y") -> tuple[np.ndarray, SpatialWeights]:
    """Order ``y`` like the ids of ``w``; error when ids do not match.

    A Series is matched on its index (adcodes, or province names resolved to adcodes); an
    array must already be in the weights' order and have the same length.
    """
    W = as_spatial_weights(w)
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise DataError(f"{name} must be one column")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series) and not isinstance(y.index, pd.RangeIndex):
        idx = list(y.index)
        if not set(W.ids) <= set(idx):
            try:  # province names or codes -> adcode
                from ..data.provinces import resolve_province

                conv = [resolve_province(v) for v in idx]
                if set(W.ids) <= set(conv):
                    y = pd.Series(y.to_numpy(), index=conv, name=y.name)
                    idx = conv
            except Exception:  # noqa: BLE001 - fall through to the id error below
                pass
        missing = [i for i in W.ids if i not in set(idx)]
        extra = [i for i in idx if i not in set(W.ids)]
        if missing or extra:
            raise SpecificationError(
                f"ids of {name} do not match the weights: missing {missing[:5]}"
                f"{' …' if len(missing) > 5 else ''}, not in W {extra[:5]}{' …' if len(extra) > 5 else ''}")
        if pd.Index(idx).duplicated().any():
            raise SpecificationError(f"{name} has duplicate ids, e.g. {pd.Index(idx)[pd.Index(idx).duplicated()][0]!r}")
        y = y.loc[list(W.ids)]
        labels = list(W.ids)
    else:
        labels = list(W.ids)
    arr = np.asarray(y, dtype=float).ravel()
    if arr.size != W.n:
        raise SpecificationError(f"{name} has {arr.size} values, the weights have {W.n} units")
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{int(bad.sum())} missing value(s); spatial statistics need a complete "
                        "cross-section (drop the unit from y and W, or impute)",
                        row=labels[i], column=getattr(y, "name", name))
    if np.ptp(arr) == 0:
        raise DataError(f"{name} is constant: spatial autocorrelation is undefined", column=name)
    return arr, W


def _check_permutations(permutations: int) -> None:
    if int(permutations) != permutations or permutations < 0:
        raise DataError(f"permutations must be a whole number >= 0 (0 = none), got {permutations!r}")


def _warn_islands(W: SpatialWeights) -> None:
    if W.islands:
        warnings.warn(f"island(s) {list(W.islands)} have no neighbours: their spatial lag is 0 "
                      "and they enter only the denominator (rook_weights(link_hainan=True) links "
                      "Hainan to Guangdong)", DataQualityWarning, stacklevel=3)


def _p_analytic(z: float) -> float:
    return float(2 * ndtr(-abs(z)))


@dataclass(frozen=True, repr=False)
class MoranResult(Result):
    """Global Moran's I.  ``z`` and ``p_value`` are under randomisation; ``*_norm`` under
    normality; ``p_sim`` is the permutation p-value (``alternative``)."""

    I: float
    EI: float
    VI_norm: float
    VI_rand: float
    z_norm: float
    z_rand: float
    p_norm: float
    p_rand: float
    p_sim: float
    EI_sim: float
    z_sim: float
    n: int
    permutations: int
    islands: tuple

    @property
    def z(self) -> float:
        return self.z_rand

    @property
    def p_value(self) -> float:
        return self.p_rand

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"I": self.I, "E[I]": self.EI, "V[I]_rand": self.VI_rand,
                              "z_rand": self.z_rand, "p_rand": self.p_rand,
                              "V[I]_norm": self.VI_norm, "z_norm": self.z_norm, "p_norm": self.p_norm,
                              "p_sim": self.p_sim, "permutations": self.permutations,
                              "n": self.n, "islands": len(self.islands)}])

    def _headline(self) -> str:
        return f"I={self.I:.4f}, E[I]={self.EI:.4f}, z={self.z_rand:.3f}, p={self.p_rand:.4g}, p_sim={self.p_sim:.4g}"


def _moran_moments(z: np.ndarray, W: SpatialWeights) -> tuple[float, float, float]:
    n = z.size
    s0, s1, s2 = W.s0, W.s1, W.s2
    EI = -1.0 / (n - 1)
    n2, s02 = n * n, s0 * s0
    VI_norm = (n2 * s1 - n * s2 + 3 * s02) / ((n - 1) * (n + 1) * s02) - EI * EI
    k = (z**4).sum() / n / ((z**2).sum() / n) ** 2
    A = n * ((n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02)
    B = k * ((n2 - n) * s1 - 2 * n * s2 + 6 * s02)
    VI_rand = (A - B) / ((n - 1) * (n - 2) * (n - 3) * s02) - EI * EI
    return EI, VI_norm, VI_rand


def moran(y: Any, w: Any, permutations: int = 999, seed: int | None = None, *,
          alternative: Alternative = "directed") -> MoranResult:
    """Global Moran's I with analytic and permutation inference.

    Parameters
    ----------
    y : Series (indexed by the weights' ids or province names) or array in ``w`` order
    w : SpatialWeights, libpysal W or square labelled DataFrame (used row-standardised)
    permutations : int
        Random permutations of ``y`` for the pseudo p-value (0 = none).
    seed : int, optional
    alternative : {"directed", "two-sided"}
        Pseudo p-value: esda's default ``directed`` (one-sided, in the direction of the
        observed I) or two-sided.  Analytic p-values are always two-sided (esda
        ``two_tailed=True``).
    """
    check_option("alternative", alternative, ("directed", "two-sided"))
    arr, W = align(y, w)
    n = arr.size
    if n < 4:
        raise DataError(f"Moran's I needs at least 4 units, got {n}")
    _warn_islands(W)
    z = arr - arr.mean()
    Wm = W._w
    I = n / W.s0 * float(z @ (Wm @ z)) / float(z @ z)
    EI, VI_norm, VI_rand = _moran_moments(z, W)
    z_norm, z_rand = (I - EI) / np.sqrt(VI_norm), (I - EI) / np.sqrt(VI_rand)
    p_sim = EI_sim = z_sim = float("nan")
    _check_permutations(permutations)
    if permutations:
        rng = np.random.default_rng(seed)
        Z = rng.permuted(np.broadcast_to(z, (permutations, n)), axis=1)
        sims = n / W.s0 * np.einsum("pn,pn->p", Z, (Wm @ Z.T).T) / float(z @ z)
        pf = _perm.directed_p if alternative == "directed" else _perm.two_sided_p
        p_sim = float(pf(np.array([I]), sims[None, :])[0])
        EI_sim = float(sims.mean())
        z_sim = float((I - EI_sim) / sims.std())
    prov = Provenance(method="digitrace.spatial.moran",
                      params={"permutations": permutations, "seed": seed, "alternative": alternative,
                              "weights": W.kind},
                      inputs=(("y", array_sha256(arr)), ("W", sparse_sha256(W._w))), reference=REFERENCE)
    return MoranResult(I=I, EI=EI, VI_norm=VI_norm, VI_rand=VI_rand, z_norm=float(z_norm),
                       z_rand=float(z_rand), p_norm=_p_analytic(z_norm), p_rand=_p_analytic(z_rand),
                       p_sim=p_sim, EI_sim=EI_sim, z_sim=z_sim, n=n, permutations=permutations,
                       islands=W.islands, provenance=prov)


@dataclass(frozen=True, repr=False)
class GearyResult(Result):
    """Geary's C; ``z_rand``/``p_rand`` under randomisation, two-sided analytic p."""

    C: float
    EC: float
    VC_norm: float
    VC_rand: float
    z_norm: float
    z_rand: float
    p_norm: float
    p_rand: float
    p_sim: float
    n: int
    permutations: int

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"C": self.C, "E[C]": self.EC, "V[C]_rand": self.VC_rand,
                              "z_rand": self.z_rand, "p_rand": self.p_rand,
                              "V[C]_norm": self.VC_norm, "z_norm": self.z_norm, "p_norm": self.p_norm,
                              "p_sim": self.p_sim, "permutations": self.permutations, "n": self.n}])

    def _headline(self) -> str:
        return f"C={self.C:.4f}, z={self.z_rand:.3f}, p={self.p_rand:.4g}"


def geary(y: Any, w: Any, permutations: int = 999, seed: int | None = None, *,
          alternative: Alternative = "directed") -> GearyResult:
    """Geary's C with analytic (normality, randomisation) and permutation inference."""
    check_option("alternative", alternative, ("directed", "two-sided"))
    arr, W = align(y, w)
    n = arr.size
    _warn_islands(W)
    coo = W._w.tocoo()
    s0, s1, s2 = W.s0, W.s1, W.s2
    z = arr - arr.mean()
    den = 2.0 * s0 * float(z @ z)

    def calc(v: np.ndarray) -> np.ndarray:
        d = v[..., coo.row] - v[..., coo.col]
        return (n - 1) * (d * d * coo.data).sum(axis=-1) / den

    C = float(calc(arr))
    n2, s02 = n * n, s0 * s0
    k = (z**4).sum() / n / ((z**2).sum() / n) ** 2
    A = (n - 1) * s1 * (n2 - 3 * n + 3 - (n - 1) * k)
    B = 0.25 * ((n - 1) * s2 * (n2 + 3 * n - 6 - (n2 - n + 2) * k))
    Cc = s02 * (n2 - 3 - (n - 1) ** 2 * k)
    VC_rand = (A - B + Cc) / (n * (n - 2) * (n - 3) * s02)
    VC_norm = (1 / (2 * (n + 1) * s02)) * ((2 * s1 + s2) * (n - 1) - 4 * s02)
    zn, zr = (C - 1) / np.sqrt(VC_norm), (C - 1) / np.sqrt(VC_rand)
    p_sim = float("nan")
    _check_permutations(permutations)
    if permutations:
        rng = np.random.default_rng(seed)
        sims = calc(rng.permuted(np.broadcast_to(arr, (permutations, n)), axis=1))
        pf = _perm.directed_p if alternative == "directed" else _perm.two_sided_p
        p_sim = float(pf(np.array([C]), sims[None, :])[0])
    prov = Provenance(method="digitrace.spatial.geary",
                      params={"permutations": permutations, "seed": seed, "alternative": alternative},
                      inputs=(("y", array_sha256(arr)), ("W", sparse_sha256(W._w))),
                      reference="Geary (1954); Cliff & Ord (1981)")
    return GearyResult(C=C, EC=1.0, VC_norm=VC_norm, VC_rand=VC_rand, z_norm=float(zn),
                       z_rand=float(zr), p_norm=_p_analytic(zn), p_rand=_p_analytic(zr),
                       p_sim=p_sim, n=n, permutations=permutations, provenance=prov)


@dataclass(frozen=True, repr=False)
class LocalMoranResult(Result):
    """Local Moran's I per unit, with quadrants, LISA labels and Moran-scatter data.

    Attributes
    ----------
    ids : tuple
    Is, q : ndarray
        Local statistics and esda quadrant codes (1 HH, 2 LH, 3 LL, 4 HL).
    z, lag : ndarray
        Standardised values and their spatial lag (the Moran scatter plot's x and y).
    EI, VI : ndarray
        Analytic moments under total randomisation (esda ``EI``, ``VI``).
    EIc, VIc : ndarray
        Analytic moments under conditional randomisation (esda ``EIc``, ``VIc``).
    p_sim : ndarray
        Permutation pseudo p-values (NaN without permutations).
    alpha : float
        Significance level of ``labels``.
    """

    ids: tuple
    Is: np.ndarray
    q: np.ndarray
    z: np.ndarray
    lag: np.ndarray
    EI: np.ndarray
    VI: np.ndarray
    EIc: np.ndarray
    VIc: np.ndarray
    p_sim: np.ndarray
    EI_sim: np.ndarray
    z_sim: np.ndarray
    alpha: float
    permutations: int
    global_I: float
    islands: tuple

    @property
    def p_analytic(self) -> np.ndarray:
        """Two-sided normal p-value of :math:`(I_i - E[I_i])/\\sqrt{V[I_i]}` (total randomisation)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return 2 * ndtr(-np.abs((self.Is - self.EI) / np.sqrt(self.VI)))

    @property
    def labels(self) -> np.ndarray:
        """``HH``/``LL``/``HL``/``LH`` where ``p <= alpha``, else ``ns``; islands ``island``.

        ``p`` is the permutation p-value, or the analytic one without permutations."""
        p = self.p_sim if self.permutations else self.p_analytic
        lab = np.array([QUADRANTS[int(c)] for c in self.q], dtype=object)
        lab[~(p <= self.alpha)] = "ns"
        if self.islands:
            isl = np.isin(np.asarray(self.ids, dtype=object), np.asarray(self.islands, dtype=object))
            lab[isl] = "island"
        return lab

    def scatter(self) -> pd.DataFrame:
        """Moran scatter-plot data: ``z``, ``lag`` (Wz), quadrant, label; the slope of the
        fitted line is ``global_I`` (for row-standardised W without islands)."""
        return pd.DataFrame({"id": list(self.ids), "z": self.z, "lag": self.lag,
                             "quadrant": [QUADRANTS[int(c)] for c in self.q], "label": self.labels})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"id": list(self.ids), "I": self.Is, "z": self.z, "lag": self.lag,
                             "quadrant": [QUADRANTS[int(c)] for c in self.q], "q": self.q,
                             "E[I]": self.EI, "V[I]": self.VI, "p_analytic": self.p_analytic,
                             "p_sim": self.p_sim, "z_sim": self.z_sim, "label": self.labels})

    def _headline(self) -> str:
        lab = pd.Series(self.labels).value_counts().to_dict()
        return f"n={len(self.ids)}, alpha={self.alpha}, " + ", ".join(f"{k} {v}" for k, v in sorted(lab.items()))


def local_moran(y: Any, w: Any, permutations: int = 999, seed: int | None = None, *,
                alpha: float = 0.05, alternative: Alternative = "directed") -> LocalMoranResult:
    """Local Moran's I (LISA) with conditional-permutation inference, in NumPy.

    Matches ``esda.Moran_Local(y, w, transformation="r")`` exactly in ``Is``, ``q``,
    ``EI``, ``VI``, ``EIc``, ``VIc`` and the scatter data; ``p_sim`` uses the same
    conditional-randomisation scheme and p-value rule (``directed``) with NumPy's RNG.

    Parameters
    ----------
    alpha : float
        Significance level for the HH/LL/HL/LH labels.
    """
    check_option("alternative", alternative, ("directed", "two-sided"))
    if not 0 < alpha < 1:
        raise DataError(f"alpha must be in (0, 1), got {alpha}")
    arr, W = align(y, w)
    n = arr.size
    if n < 3:
        raise DataError(f"local Moran needs at least 3 units, got {n}")
    _warn_islands(W)
    z = arr - arr.mean()
    z = z / arr.std()
    Wm = W._w
    lag = Wm @ z
    den = float(z @ z)
    Is = (n - 1) * z * lag / den
    zp, lp = z > 0, lag > 0
    q = np.where(zp & lp, 1, np.where(~zp & lp, 2, np.where(~zp & ~lp, 3, 4)))
    # analytic moments (Sokal et al. 1998), as in esda
    m2 = den / n
    wi = np.asarray(Wm.sum(axis=1)).ravel()
    wi2 = np.asarray(Wm.multiply(Wm).sum(axis=1)).ravel()
    EIc = -(z**2 * wi) / ((n - 1) * m2)
    VIc = (z / m2) ** 2 * (n / (n - 2)) * (wi2 - wi**2 / (n - 1)) * (m2 - z**2 / (n - 1))
    b2 = ((z**4).sum() / n) / m2**2
    n1 = n - 1
    EI = -wi / n1
    VI = wi2 * (n - b2) / n1 + (wi**2 - wi2) * (2 * b2 - n) / (n1 * (n - 2)) - (-wi / n1) ** 2
    p_sim = EI_sim = z_sim = np.full(n, np.nan)
    _check_permutations(permutations)
    if permutations:
        rng = np.random.default_rng(seed)
        sims = _perm.local_moran_sims(z, Wm, permutations, rng, scaling=(n - 1) / den)
        pf = _perm.directed_p if alternative == "directed" else _perm.two_sided_p
        p_sim = pf(Is, sims)
        EI_sim = sims.mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = (Is - EI_sim) / sims.std(axis=1)
    gI = n / W.s0 * float(z @ lag) / den
    prov = Provenance(method="digitrace.spatial.local_moran",
                      params={"permutations": permutations, "seed": seed, "alpha": alpha,
                              "alternative": alternative, "weights": W.kind},
                      inputs=(("y", array_sha256(arr)), ("W", sparse_sha256(W._w))), reference=REFERENCE)
    f = freeze_array
    return LocalMoranResult(ids=W.ids, Is=f(Is), q=f(q), z=f(z), lag=f(lag), EI=f(EI), VI=f(VI),
                            EIc=f(EIc), VIc=f(VIc), p_sim=f(p_sim), EI_sim=f(EI_sim),
                            z_sim=f(z_sim), alpha=alpha, permutations=permutations,
                            global_I=gI, islands=W.islands, provenance=prov)
