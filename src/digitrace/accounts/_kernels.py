"""Array kernels of the digital accounts (numpy only; symbols as in docs/accounts.md).

Notation: sector j, value added ``v_j``, core share ``s_j`` (Σ of the 01–04
concordance shares), intermediate flows ``Z`` (rows supply), gross output ``x``.
Partition of each sector's value added:

.. math::  v_j = DI_j + ID_j + R_j,\\qquad DI_j = s_j v_j,\\quad 0 \\le ID_j \\le (1-s_j) v_j .
"""
from __future__ import annotations

import numpy as np

__all__ = ["core_va", "direct_digital_share", "complete_digital_share", "increment_from_share",
           "pim", "user_cost", "tornqvist_growth", "calibrate_penetration", "check_partition"]


def core_va(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    """DI_j = s_j · max(v_j, 0): the digital part has the sector's own VA ratio (BEA; Xu & Zhang 2020)."""
    return np.asarray(s, float) * np.maximum(np.asarray(v, float), 0.0)


def direct_digital_share(Z: np.ndarray, s: np.ndarray, dep: np.ndarray | None = None,
                         kappa: float = 0.0) -> np.ndarray:
    """θ_j = (Σ_i s_i z_ij + κ·d_j) / (Σ_i z_ij + d_j).

    The digital share of sector j's purchased inputs: digital intermediate
    inputs (product i's digital share s_i) plus ICT capital services,
    approximated by the ICT share κ of gross fixed capital formation times the
    sector's depreciation d_j.  Zero-input sectors get θ = 0.
    """
    Z = np.asarray(Z, float)
    s = np.asarray(s, float)
    d = np.zeros(Z.shape[1]) if dep is None else np.maximum(np.nan_to_num(np.asarray(dep, float)), 0.0)
    num = s @ Z + kappa * d
    den = Z.sum(axis=0) + d
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def complete_digital_share(A: np.ndarray, s: np.ndarray) -> np.ndarray:
    """θ^L_j = Σ_i s_i b_ij / Σ_i b_ij with B = (I − A)⁻¹ − I (complete requirements).

    The digital share of all direct and indirect intermediate requirements per
    unit of final output of j (Leontief 1936; the 完全消耗系数 of Chinese IO
    practice).  ``L`` from :func:`digitrace.io.kernels.leontief` (LU solve, no ``inv``).
    """
    from ..io.kernels import leontief

    A = np.asarray(A, float)
    n = A.shape[0]
    B = leontief(A) - np.eye(n)
    num = np.asarray(s, float) @ B
    den = B.sum(axis=0)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def increment_from_share(v: np.ndarray, s: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """ID_j = θ_j · (1 − s_j) · max(v_j, 0): the increment comes out of the non-core part of own VA."""
    th = np.clip(np.asarray(theta, float), 0.0, 1.0)
    return th * (1.0 - np.asarray(s, float)) * np.maximum(np.asarray(v, float), 0.0)


def pim(investment: np.ndarray, delta: float, g0: float | None = None, n_init: int = 5) -> np.ndarray:
    """Perpetual inventory K_t = (1 − δ) K_{t−1} + I_t with K_0 = I_0 / (g + δ).

    ``g`` defaults to the mean log growth of I over the first ``n_init`` years,
    floored at 0 (Harberger 1978 steady-state start).
    """
    inv = np.asarray(investment, float)
    if g0 is None:
        k = min(n_init, len(inv) - 1)
        g0 = max(float(np.mean(np.diff(np.log(np.maximum(inv[: k + 1], 1e-12))))) if k > 0 else 0.0, 0.0)
    K = np.empty_like(inv)
    K[0] = inv[0] / (g0 + delta)
    for t in range(1, len(inv)):
        K[t] = (1 - delta) * K[t - 1] + inv[t]
    return K


def user_cost(price: np.ndarray, r: float, delta: float) -> np.ndarray:
    """p^K_t = p^I_{t−1} r + δ p^I_t − (p^I_t − p^I_{t−1}) (Jorgenson 1963; first year uses p_{t−1}=p_t)."""
    p = np.asarray(price, float)
    prev = np.concatenate([[p[0]], p[:-1]])
    return prev * r + delta * p - (p - prev)


def tornqvist_growth(levels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Δln X_t = Σ_a ½(w_{a,t} + w_{a,t−1}) Δln X_{a,t} (rows t, columns a); first entry NaN."""
    X = np.asarray(levels, float)
    W = np.asarray(weights, float)
    dl = np.diff(np.log(X), axis=0)
    wb = 0.5 * (W[1:] + W[:-1])
    return np.concatenate([[np.nan], (wb * dl).sum(axis=1)])


def calibrate_penetration(base: np.ndarray, p: np.ndarray, target: float, tol: float = 1e-10) -> tuple[float, np.ndarray]:
    """Scale k with Σ_j min(k p_j, 1) b_j = target, b_j = (1 − s_j) v_j the non-core VA.

    Returns ``k`` and the implied per-sector digital shares ``min(k p_j, 1)``.
    Raises ``ValueError`` when the target exceeds Σ b_j (it would need shares > 1).
    """
    b = np.maximum(np.asarray(base, float), 0.0)
    p = np.asarray(p, float)
    if target > b[p > 0].sum() * (1 + 1e-12):
        raise ValueError(f"target {target:.6g} exceeds the non-core value added {b[p > 0].sum():.6g}")
    lo, hi = 0.0, 1.0
    while (np.minimum(hi * p, 1) * b).sum() < target:
        hi *= 2
        if hi > 1e12:
            raise ValueError("calibration did not bracket the target")
    while hi - lo > tol * max(hi, 1):
        mid = 0.5 * (lo + hi)
        if (np.minimum(mid * p, 1) * b).sum() < target:
            lo = mid
        else:
            hi = mid
    k = 0.5 * (lo + hi)
    return k, np.minimum(k * p, 1.0)


def check_partition(v: np.ndarray, di: np.ndarray, idv: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Boolean mask of sectors violating 0 ≤ DI, 0 ≤ ID, DI + ID ≤ max(v, 0)."""
    v = np.maximum(np.asarray(v, float), 0.0)
    scale = tol * np.maximum(np.abs(v), 1.0)
    return (di < -scale) | (idv < -scale) | (di + idv > v + scale)
