"""digitrace.index kernels: hand-computed references, identities, bad input.

Provenance of every reference number: tests/reference/index/README.md.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.errors import DataError, DataQualityWarning, SpecificationError
from digitrace.index import (
    combined_weights,
    coupling_coordination,
    critic_weights,
    entropy_weights,
    equal_weights,
    geometric_index,
    kmo_bartlett,
    linear_index,
    minmax,
    obstacle_degree,
    pca_weights,
    rank_uncertainty,
    topsis,
    zscore,
)

# 4 × 3 hand example (README §1): x1, x2 benefit, x3 cost
HAND = pd.DataFrame({"x1": [2.0, 4, 6, 8], "x2": [10.0, 20, 10, 40], "x3": [5.0, 3, 1, 3]},
                    index=["A", "B", "C", "D"])
HAND_DIR = {"x1": "+", "x2": "+", "x3": "-"}
# closed forms: e_j = -(1/ln 4) Σ p ln p
E1 = ((1 / 6) * math.log(6) + (1 / 3) * math.log(3) + 0.5 * math.log(2)) / math.log(4)
E2 = 0.25 + 0.375 * math.log2(4 / 3)
E3 = 0.75


def test_entropy_hand_example_chinese_convention():
    r = entropy_weights(HAND, HAND_DIR)
    assert r.table["entropy"].to_numpy() == pytest.approx([E1, E2, E3], abs=1e-12)
    # decimals as written in the README (hand-computed)
    assert r.table["entropy"].to_numpy() == pytest.approx([0.729574, 0.405639, 0.75], abs=1e-6)
    d = np.array([1 - E1, 1 - E2, 1 - E3])
    assert r.weights.to_numpy() == pytest.approx(d / d.sum(), abs=1e-12)
    assert r.weights.to_numpy() == pytest.approx([0.242581, 0.533161, 0.224258], abs=1e-6)
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-15)
    # via the lazy top-level name
    assert digitrace.entropy_weights(HAND, HAND_DIR).weights.equals(r.weights)


def test_minmax_direction_and_shift():
    z = minmax(HAND, HAND_DIR)
    assert z["x1"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert z["x3"].tolist() == pytest.approx([0, 0.5, 1, 0.5])     # cost: (max - x)/(max - min)
    z2 = minmax(HAND, HAND_DIR, shift=0.0001)
    assert (z2 - z).to_numpy() == pytest.approx(np.full((4, 3), 0.0001))


def test_negative_shift_is_rejected():
    for f in (lambda: minmax(HAND, HAND_DIR, shift=-1.0), lambda: entropy_weights(HAND, HAND_DIR, shift=-0.5),
              lambda: topsis(HAND, HAND_DIR, shift=float("nan"))):
        with pytest.raises(SpecificationError, match="shift must be a non-negative number"):
            f()


def test_zscore_flips_cost_sign():
    z = zscore(HAND, HAND_DIR)
    x3 = HAND["x3"]
    assert z["x3"].to_numpy() == pytest.approx((-(x3 - x3.mean()) / x3.std()).to_numpy())


def test_entropy_zeros_do_not_raise_and_shift_is_small():
    r0 = entropy_weights(HAND, HAND_DIR)          # normalised matrix has zeros
    r1 = entropy_weights(HAND, HAND_DIR, shift=0.0001)
    assert np.isfinite(r0.weights).all()
    assert np.abs(r0.weights - r1.weights).max() < 1e-3


def test_entropy_invariant_to_indicator_order_and_scale():
    r = entropy_weights(HAND, HAND_DIR)
    perm = HAND[["x3", "x1", "x2"]] * [7.0, 0.01, 3.0]
    r2 = entropy_weights(perm, HAND_DIR)
    assert r2.weights.reindex(r.weights.index).to_numpy() == pytest.approx(r.weights.to_numpy())


def test_entropy_unnormalised_negative_says_what_to_shift():
    df = pd.DataFrame({"a": [1.0, -2.0, 3.0], "b": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match=r"indicator 'a'.*shift it by at least 2"):
        entropy_weights(df, normalise=False)


def test_nan_error_names_indicator_and_row():
    df = HAND.copy()
    df.loc["C", "x2"] = np.nan
    with pytest.raises(DataError) as exc:
        entropy_weights(df, HAND_DIR)
    msg = str(exc.value)
    assert "row C" in msg and "column x2" in msg


def test_constant_indicator_raise_or_zero_weight():
    df = HAND.assign(k=5.0)
    with pytest.raises(SpecificationError, match="constant indicator.*'k'"):
        entropy_weights(df, HAND_DIR)
    r = entropy_weights(df, HAND_DIR, constant="zero")
    assert r.weights["k"] == 0.0
    assert r.weights.drop("k").to_numpy() == pytest.approx(
        entropy_weights(HAND, HAND_DIR).weights.to_numpy())


def test_panel_entropy_pooled_vs_by_year():
    rng = np.random.default_rng(0)
    panel = pd.DataFrame(rng.gamma(2.0, size=(40, 3)), columns=["a", "b", "c"])
    panel["year"] = np.repeat([2020, 2021], 20)
    pooled = entropy_weights(panel.drop(columns="year"))
    by = entropy_weights(panel, by="year")
    assert by.group_weights.shape == (2, 3)
    assert by.group_weights.sum(axis=1).to_numpy() == pytest.approx([1, 1])
    # each year's weights equal a cross-section entropy of that year alone
    y20 = entropy_weights(panel[panel.year == 2020].drop(columns="year"))
    assert by.group_weights.loc[2020].to_numpy() == pytest.approx(y20.weights.to_numpy())
    assert not np.allclose(pooled.weights, y20.weights)


def _critic_bruteforce(X, signs):
    n, m = X.shape
    Z = np.empty_like(X)
    for j in range(m):
        lo, hi = X[:, j].min(), X[:, j].max()
        Z[:, j] = (X[:, j] - lo) / (hi - lo) if signs[j] > 0 else (hi - X[:, j]) / (hi - lo)
    C = []
    for j in range(m):
        sd = math.sqrt(sum((Z[i, j] - Z[:, j].mean()) ** 2 for i in range(n)) / (n - 1))
        conflict = sum(1 - np.corrcoef(Z[:, j], Z[:, k])[0, 1] for k in range(m))
        C.append(sd * conflict)
    C = np.array(C)
    return C / C.sum()


def test_critic_matches_bruteforce():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(25, 4)) + 5
    r = critic_weights(X, ["+", "-", "+", "-"])
    assert r.weights.to_numpy() == pytest.approx(_critic_bruteforce(X, [1, -1, 1, -1]), abs=1e-12)
    assert r.weights.sum() == pytest.approx(1.0)


IRIS = Path(__file__).parent / "reference" / "index" / "iris.csv"


def test_kmo_bartlett_iris_matches_factor_analyzer_and_psych():
    X = pd.read_csv(IRIS).to_numpy()
    assert X.shape == (150, 4)
    kb = kmo_bartlett(X)
    # factor_analyzer 0.5.1 calculate_kmo / calculate_bartlett_sphericity (README §3)
    assert kb["kmo"] == pytest.approx(0.5400766750097237, abs=1e-10)
    assert kb["msa"] == pytest.approx([0.58406029, 0.26957462, 0.53074842, 0.63420655], abs=1e-8)
    assert kb["bartlett_chi2"] == pytest.approx(706.9592430234751, rel=1e-10)
    assert kb["bartlett_df"] == 6


def test_kmo_two_variables_is_one_half():
    rng = np.random.default_rng(2)
    x = rng.normal(size=50)
    X = np.column_stack([x, x + rng.normal(size=50)])
    assert kmo_bartlett(X)["kmo"] == pytest.approx(0.5, abs=1e-12)   # partial r = r when p = 2


def test_pca_weights_report_kmo_and_sum_to_one():
    X = pd.read_csv(IRIS)
    X.columns = ["sl", "sw", "pl", "pw"]
    with pytest.warns(DataQualityWarning, match="negative weight"):
        r = pca_weights(X)                       # sepal width loads against the others
    assert r.kmo == pytest.approx(0.5400766750097237, abs=1e-10)
    assert r.weights.sum() == pytest.approx(1.0)
    assert r.stats["n_components"] == 1          # Kaiser: one eigenvalue > 1 on iris
    r2 = pca_weights(X, {"sw": "-"})             # flip the odd one: all weights positive
    assert (r2.weights > 0).all()


def test_equal_and_combined():
    e = entropy_weights(HAND, HAND_DIR)
    c = critic_weights(HAND, HAND_DIR)
    m = combined_weights(e, c)
    assert m.weights.to_numpy() == pytest.approx((e.weights + c.weights).to_numpy() / 2)
    p = combined_weights(e, c, how="product")
    prod = e.weights * c.weights
    assert p.weights.to_numpy() == pytest.approx((prod / prod.sum()).to_numpy())
    assert equal_weights(HAND).weights.tolist() == pytest.approx([1 / 3] * 3)


def test_topsis_hand_example():
    X = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 2]})
    r = topsis(X, weights=[0.5, 0.5])
    phi = (1 + math.sqrt(5)) / 2
    assert r.closeness.to_numpy() == pytest.approx([0.5, 1 / (2 * phi), 1 - 1 / (2 * phi)],
                                                   abs=1e-12)
    assert r.d_plus.to_numpy() == pytest.approx([0.5, math.sqrt(0.3125), 0.25])
    assert r.rank.tolist() == [2, 3, 1]


def test_topsis_identities():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.lognormal(size=(30, 5)), columns=list("abcde"))
    dirs = {"b": "-", "e": "-"}
    r = topsis(X, dirs)                                   # entropy-TOPSIS
    assert ((r.closeness >= 0) & (r.closeness <= 1)).all()
    r2 = topsis(X[list("ecadb")], dirs)
    assert r2.closeness.to_numpy() == pytest.approx(r.closeness.to_numpy())
    dom = X.iloc[[0]].copy()
    dom[["a", "c", "d"]] = X[["a", "c", "d"]].max().to_numpy() + 1
    dom[["b", "e"]] = X[["b", "e"]].min().to_numpy() - 0.01
    r3 = topsis(pd.concat([X, dom], ignore_index=True), dirs)
    assert r3.closeness.iloc[-1] == pytest.approx(1.0)
    rv = topsis(X, dirs, normalisation="vector")
    assert ((rv.closeness >= 0) & (rv.closeness <= 1)).all()


def test_linear_geometric_and_geometric_needs_positive():
    z = minmax(HAND, HAND_DIR)
    w = entropy_weights(HAND, HAND_DIR)
    assert linear_index(z, w).to_numpy() == pytest.approx(z.to_numpy() @ w.weights.to_numpy())
    with pytest.raises(DataError, match="shift"):
        geometric_index(z, w)
    zs = minmax(HAND, HAND_DIR, shift=0.01)
    g = geometric_index(zs, w)
    assert g["D"] == pytest.approx(np.prod(zs.loc["D"].to_numpy() ** w.weights.to_numpy()))


def test_coupling_hand_two_subsystems():
    r = coupling_coordination([[0.8, 0.4]])
    assert r.C.iloc[0] == pytest.approx(2 * math.sqrt(0.32) / 1.2, abs=1e-12)     # 0.942809
    assert r.C.iloc[0] == pytest.approx(0.942809, abs=1e-6)
    assert r.T.iloc[0] == pytest.approx(0.6)
    assert r.D.iloc[0] == pytest.approx(0.752121, abs=1e-6)
    assert r.frame["D_level"].iloc[0] == "中级协调"
    assert r.frame["formula"].iloc[0] == "standard"
    w = coupling_coordination([[0.8, 0.4]], formula="wang2021")
    assert w.C.iloc[0] == pytest.approx(math.sqrt(0.6 * 0.5), abs=1e-12)            # 0.547723
    assert w.D.iloc[0] == pytest.approx(0.573266, abs=1e-6)
    assert w.frame["D_level"].iloc[0] == "勉强协调"
    assert w.frame["formula"].iloc[0] == "wang2021"


def test_coupling_hand_three_subsystems():
    U = pd.DataFrame({"digital": [0.6], "industry": [0.3], "finance": [0.9]})
    s = coupling_coordination(U)
    assert s.C.iloc[0] == pytest.approx(3 * (0.162 / 1.8 ** 3) ** (1 / 3), abs=1e-12)  # 0.908560
    assert s.C.iloc[0] == pytest.approx(0.908560, abs=1e-6)
    assert s.D.iloc[0] == pytest.approx(0.738333, abs=1e-6)
    w = coupling_coordination(U, formula="wang2021")
    # 1 - (0.3+0.3+0.6)/3 = 0.6 ; (2/3 · 1/3 · 1)^(1/2) = sqrt(2/9)
    assert w.C.iloc[0] == pytest.approx(math.sqrt(0.6 * math.sqrt(2 / 9)), abs=1e-12)
    assert w.C.iloc[0] == pytest.approx(0.531830, abs=1e-6)
    assert w.D.iloc[0] == pytest.approx(0.564888, abs=1e-6)


def test_wang2021_reading_reproduces_table8():
    """Wang et al. (2021) Table 8, Beijing–Hebei 2008: original C and modified C.

    With two subsystems, the original C fixes r = U_min/U_max, and the ratio
    reading of the modified formula, C² = (1 − U_max(1 − r))·r, then gives one
    U_max. It must lie in (0, 1] for every city (scores are min–max normalised);
    the literal Π U_i / max U reading (= U_min) gives U_max > 1 for Beijing.
    """
    orig = [0.9989, 0.9935, 0.8868, 0.9073, 0.6821, 0.8328, 0.6816, 0.7789, 0.6871, 0.6101,
            0.8017, 0.7867, 0.7191]
    mod = [0.9404, 0.8660, 0.5440, 0.5769, 0.3006, 0.4780, 0.3344, 0.4171, 0.3278, 0.2700,
           0.4374, 0.4196, 0.3738]
    for c0, c1 in zip(orig, mod):
        # 2 s/(1+s²) = C0 with s = sqrt(r) ≤ 1
        s = (2 / c0 - math.sqrt(4 / c0 ** 2 - 4)) / 2
        r = s * s
        umax = (1 - c1 ** 2 / r) / (1 - r)
        assert 0 < umax <= 1, (c0, c1, umax)
        # round trip through our implementation
        res = coupling_coordination([[umax, r * umax]], formula="wang2021")
        assert res.C.iloc[0] == pytest.approx(c1, abs=1e-9)
        assert coupling_coordination([[umax, r * umax]]).C.iloc[0] == pytest.approx(c0, abs=1e-9)
    # literal reading for Beijing: C² = (1 − U_max(1 − r)) · r · U_max  →  U_max > 1
    s = (2 / orig[0] - math.sqrt(4 / orig[0] ** 2 - 4)) / 2
    r = s * s
    a, b, c = -(1 - r) * r, r, -mod[0] ** 2
    roots = [(-b + sg * math.sqrt(b * b - 4 * a * c)) / (2 * a) for sg in (1, -1)]
    assert min(x for x in roots if x > 0) > 1


def test_coupling_identities_and_errors():
    rng = np.random.default_rng(4)
    U = rng.uniform(0.01, 1, size=(200, 4))
    for f in ("standard", "wang2021"):
        r = coupling_coordination(U, formula=f)
        assert ((r.C >= 0) & (r.C <= 1 + 1e-12)).all()
        assert ((r.D >= 0) & (r.D <= 1 + 1e-12)).all()
        eq = coupling_coordination([[0.5, 0.5, 0.5, 0.5]], formula=f)
        assert eq.C.iloc[0] == pytest.approx(1.0)
        # invariant to subsystem order
        r2 = coupling_coordination(U[:, ::-1], formula=f)
        assert r2.C.to_numpy() == pytest.approx(r.C.to_numpy())
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        coupling_coordination([[1.5, 0.2]])
    with pytest.raises(ValueError, match="formula"):
        coupling_coordination([[0.5, 0.2]], formula="wang")
    lv = coupling_coordination([[0.0, 0.0], [1.0, 1.0]])
    assert lv.frame["D_level"].tolist() == ["极度失调", "优质协调"]
    assert lv.frame["D_level_en"].tolist() == ["extreme imbalance", "high-quality coordination"]


def test_obstacle_degree_hand_and_rows_sum_to_one():
    z = pd.DataFrame({"a": [1.0, 0.0], "b": [0.5, 0.0]}, index=["p", "q"])
    r = obstacle_degree(z, [0.25, 0.75])
    # p: I = (0, 0.5) → O = (0, 1); q: I = (1, 1) → O = (0.25, 0.75)
    assert r.degrees.to_numpy().ravel() == pytest.approx([0, 1, 0.25, 0.75])
    assert r.top.loc["q", "obstacle_1"] == "b"
    big = obstacle_degree(minmax(HAND, HAND_DIR), entropy_weights(HAND, HAND_DIR))
    s = big.degrees.sum(axis=1)
    assert s[s > 0].to_numpy() == pytest.approx(np.ones((s > 0).sum()))


def test_rank_uncertainty_seeded_and_concentration():
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.uniform(size=(20, 4)), columns=list("abcd"))
    w = entropy_weights(X)
    z = minmax(X)
    a = rank_uncertainty(z, w, draws=200, seed=7)
    b = rank_uncertainty(z, w, draws=200, seed=7)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert (a.frame["rank_lo"] <= a.frame["rank_hi"]).all()
    tight = rank_uncertainty(z, w, draws=100, concentration=1e9, seed=1)
    assert (tight.frame["rank_lo"] == tight.frame["rank"]).all()
    assert (tight.frame["rank_hi"] == tight.frame["rank"]).all()
    g = rank_uncertainty(z, w, groups=np.repeat([1, 2], 10), draws=50, seed=1, how="topsis")
    assert g.frame["rank"].max() == 10


def test_by_accepts_index_level():
    rng = np.random.default_rng(8)
    idx = pd.MultiIndex.from_product([range(10), [2021, 2022]], names=["adcode", "year"])
    df = pd.DataFrame(rng.uniform(size=(20, 3)), index=idx, columns=list("abc"))
    r = entropy_weights(df, by="year")
    assert list(r.group_weights.index) == [2021, 2022]
    with pytest.raises(SpecificationError, match="neither a column nor an index level"):
        entropy_weights(df, by="month")


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    given = None

if given is not None:
    _mat = arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(2, 5)),
                  elements=st.floats(0, 1e6, allow_nan=False, allow_infinity=False))

    @settings(max_examples=60, deadline=None)
    @given(_mat)
    def test_property_weights_and_closeness(X):
        if (np.ptp(X, axis=0) <= 1e-9 * np.maximum(1.0, np.abs(X).max(axis=0))).any():
            return                                   # constant columns are a separate policy
        w = entropy_weights(X).weights
        assert w.sum() == pytest.approx(1.0) and (w >= -1e-15).all()
        try:
            w = critic_weights(X).weights
        except SpecificationError:
            # only when every pair of columns is perfectly positively correlated
            assert np.allclose(np.corrcoef(X, rowvar=False), 1.0)
        else:
            assert w.sum() == pytest.approx(1.0) and (w >= -1e-15).all()
        c = topsis(X).closeness
        assert ((c >= -1e-12) & (c <= 1 + 1e-12)).all()
