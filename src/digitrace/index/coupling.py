"""Coupling degree C, composite T and coupling coordination D for n subsystems.

Two formulas for C, named in every output:

``"standard"`` (the normative traditional model as restated by Wang et al. 2021, eq. 1):

.. math:: C = n\\left[\\frac{\\prod_{i=1}^n U_i}{\\left(\\sum_{i=1}^n U_i\\right)^n}\\right]^{1/n}

which for two subsystems is :math:`2\\sqrt{U_1U_2}/(U_1+U_2)`.

``"wang2021"`` (the modified model of 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 2021):

.. math::

    C = \\sqrt{\\left[1 - \\frac{\\sum_{i>j} \\sqrt{(U_i-U_j)^2}}{\\sum_{m=1}^{n-1} m}\\right]
              \\times \\left[\\prod_{i=1}^n \\frac{U_i}{\\max_k U_k}\\right]^{1/(n-1)}}

The product runs over the *ratios* :math:`U_i / \\max U` (for two subsystems
:math:`C = \\sqrt{(1-|U_1-U_2|)\\, U_{min}/U_{max}}`). This reading reproduces the
modified C of the paper's Table 8 from the original C; reading it as
:math:`\\prod U_i / \\max U` does not (see ``docs/index.md``).

Then :math:`T = \\sum_i \\alpha_i U_i` (default :math:`\\alpha_i = 1/n`) and
:math:`D = \\sqrt{C\\,T}`, classified into the ten usual 0.1-wide levels
极度失调 … 优质协调.

References
----------
王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021) 国内耦合协调度模型的误区及修正,
自然资源学报 36(3): 793–810 (Journal of Natural Resources; not 地理研究).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .._results import Provenance, Result, array_sha256, check_option
from ..errors import DataError, SpecificationError

Formula = Literal["standard", "wang2021"]

#: upper bounds (right-closed) of the ten D levels, with Chinese and English labels
#: (grade table as in 田深圳 et al. 2021, 地理学报 76(4), Table 1)
D_LEVELS: tuple[tuple[float, str, str], ...] = (
    (0.1, "极度失调", "extreme imbalance"),
    (0.2, "严重失调", "serious imbalance"),
    (0.3, "中度失调", "moderate imbalance"),
    (0.4, "轻度失调", "mild imbalance"),
    (0.5, "濒临失调", "verge of imbalance"),
    (0.6, "勉强协调", "barely coordinated"),
    (0.7, "初级协调", "primary coordination"),
    (0.8, "中级协调", "intermediate coordination"),
    (0.9, "良好协调", "good coordination"),
    (1.0, "优质协调", "high-quality coordination"),
)

#: coupling stages of C (right-closed)
C_STAGES: tuple[tuple[float, str, str], ...] = (
    (0.3, "低水平耦合", "low-level coupling"),
    (0.5, "拮抗", "antagonism"),
    (0.8, "磨合", "running-in"),
    (1.0, "高水平耦合", "high-level coupling"),
)

REFERENCE = ("王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021) 国内耦合协调度模型的误区及修正, "
             "自然资源学报 36(3): 793-810")


def coupling_standard(U: np.ndarray) -> np.ndarray:
    """Traditional coupling degree for rows of ``U`` (N × n); 0 when all U are 0."""
    U = np.asarray(U, float)
    n = U.shape[1]
    s = U.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # geometric mean / arithmetic mean, computed in logs for stability
        gm = np.exp(np.log(np.where(U > 0, U, 1.0)).mean(axis=1))
        gm = np.where((U > 0).all(axis=1), gm, 0.0)
        C = np.where(s > 0, gm / (s / n), 0.0)
    return C


def coupling_wang2021(U: np.ndarray) -> np.ndarray:
    """Modified coupling degree of Wang et al. (2021) for rows of ``U`` (N × n)."""
    U = np.asarray(U, float)
    n = U.shape[1]
    if n < 2:
        raise SpecificationError("coupling needs at least two subsystems")
    iu, ju = np.triu_indices(n, k=1)
    spread = np.abs(U[:, iu] - U[:, ju]).sum(axis=1) / (n * (n - 1) / 2)  # Σ_{m=1}^{n-1} m
    mx = U.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mx[:, None] > 0, U / np.where(mx > 0, mx, 1.0)[:, None], 0.0)
    prod = np.prod(ratio, axis=1) ** (1.0 / (n - 1))
    return np.sqrt(np.clip(1.0 - spread, 0.0, None) * prod)


def classify_d(D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chinese and English D-level labels (right-closed 0.1 bins; D = 0 is 极度失调)."""
    edges = np.array([b for b, _, _ in D_LEVELS])
    k = np.clip(np.searchsorted(edges, np.asarray(D, float) - 1e-12, side="left"), 0, 9)
    return (np.array([D_LEVELS[i][1] for i in k], dtype=object),
            np.array([D_LEVELS[i][2] for i in k], dtype=object))


def classify_c(C: np.ndarray) -> np.ndarray:
    edges = np.array([b for b, _, _ in C_STAGES])
    k = np.clip(np.searchsorted(edges, np.asarray(C, float) - 1e-12, side="left"), 0, 3)
    return np.array([C_STAGES[i][1] for i in k], dtype=object)


@dataclass(frozen=True, repr=False)
class CouplingResult(Result):
    """Per-row U_i, C, T, D and level labels; ``formula`` names the C formula used."""

    frame: pd.DataFrame
    formula: str
    subsystems: tuple[str, ...]

    @property
    def C(self) -> pd.Series:
        return self.frame["C"]

    @property
    def T(self) -> pd.Series:
        return self.frame["T"]

    @property
    def D(self) -> pd.Series:
        return self.frame["D"]

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _headline(self) -> str:
        return (f"formula={self.formula}, {len(self.frame)} rows, "
                f"D {self.frame['D'].min():.3f}–{self.frame['D'].max():.3f}")


def coupling_coordination(U, *, formula: Formula = "standard",
                          alpha: Sequence[float] | None = None) -> CouplingResult:
    """Coupling coordination degree model (耦合协调度模型) for n ≥ 2 subsystems.

    Parameters
    ----------
    U : DataFrame (rows = units, columns = subsystem scores in [0, 1]) or 2-D array
    formula : {"standard", "wang2021"}
        Coupling-degree formula (see module docstring); stored in the output
        column ``formula``.
    alpha : weights of the subsystems in :math:`T`; default equal, must sum to 1.

    Returns
    -------
    CouplingResult
        Columns: the U_i, ``C``, ``T``, ``D``, ``D_level`` (Chinese),
        ``D_level_en``, ``C_stage`` and ``formula``.
    """
    check_option("formula", formula, ("standard", "wang2021"))
    if not isinstance(U, pd.DataFrame):
        arr = np.asarray(U, float)
        if arr.ndim == 1:
            arr = arr[None, :]
        U = pd.DataFrame(arr, columns=[f"U{j + 1}" for j in range(arr.shape[1])])
    names = tuple(map(str, U.columns))
    n = len(names)
    if n < 2:
        raise SpecificationError("coupling coordination needs at least two subsystems")
    X = U.to_numpy(dtype=float)
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError("missing subsystem score", row=U.index[i], column=names[j])
    if (X < 0).any() or (X > 1 + 1e-12).any():
        i, j = np.argwhere((X < 0) | (X > 1 + 1e-12))[0]
        raise DataError(f"subsystem scores must lie in [0, 1] (got {X[i, j]:.6g}); "
                        "rescale them, e.g. with min–max", row=U.index[i], column=names[j])
    a = np.full(n, 1.0 / n) if alpha is None else np.asarray(alpha, float)
    if a.shape != (n,) or (a < 0).any() or abs(a.sum() - 1.0) > 1e-9:
        raise SpecificationError(f"alpha must be {n} non-negative numbers summing to 1")
    C = coupling_standard(X) if formula == "standard" else coupling_wang2021(X)
    T = X @ a
    D = np.sqrt(C * T)
    cn, en = classify_d(D)
    out = U.copy()
    out["C"], out["T"], out["D"] = C, T, D
    out["D_level"], out["D_level_en"] = cn, en
    out["C_stage"] = classify_c(C)
    out["formula"] = formula
    prov = Provenance(method="digitrace.index.coupling_coordination",
                      params={"formula": formula, "alpha": a.tolist(), "subsystems": list(names)},
                      inputs=(("U", array_sha256(X)),), reference=REFERENCE)
    return CouplingResult(frame=out, formula=formula, subsystems=names, provenance=prov)
