"""IO kernels and labelled layer: Miller & Blair reference numbers and identities.

Provenance of every reference number: tests/reference/io/README.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace.io as dio
from digitrace.data.io_tables import load_io_table
from digitrace.errors import DataError
from digitrace.io import kernels as K
from digitrace.io.table import IOTable

# Miller & Blair (2009), ch. 2, two-sector example (Table 2.3)
Z2 = np.array([[150.0, 500.0], [200.0, 100.0]])
X2 = np.array([1000.0, 2000.0])
L_MB = np.array([[1.2541, 0.3300], [0.2640, 1.1221]])
G_MB = np.array([[1.2541, 0.6601], [0.1320, 1.1221]])
OM_MB = np.array([1.5182, 1.4521])


def mb_table() -> IOTable:
    idx = pd.Index(["1", "2"], name="code")
    f = X2 - Z2.sum(1)
    va = X2 - Z2.sum(0)
    return IOTable(Z=pd.DataFrame(Z2, index=idx, columns=idx), final_demand=pd.DataFrame({"FU101": f}, index=idx),
                   va=pd.Series(va, index=idx), va_components=pd.DataFrame({"compensation": va}, index=idx),
                   x=pd.Series(X2, index=idx), exports=pd.Series(0.0, index=idx),
                   imports=pd.Series(0.0, index=idx),
                   sectors=pd.DataFrame({"name_en": ["Agriculture", "Manufacturing"],
                                         "name_zh": ["农业", "制造业"]}, index=idx),
                   year=2009, unit="$", source="Miller & Blair (2009) Table 2.3",
                   errors=pd.Series(0.0, index=idx), final_demand_labels={"FU101": "household"})


@pytest.fixture(scope="module")
def t153(data_dir):
    return load_io_table(data_dir / "io" / "nbs" / "china_2020_153.csv")


@pytest.fixture(scope="module")
def t42nc(data_dir):
    return load_io_table(data_dir / "io" / "nbs" / "china_2017_42.csv")


# --- Miller & Blair reference numbers (arrays) ------------------------------------

def test_mb_A_B():
    np.testing.assert_allclose(K.calc_A(Z2, X2), [[0.15, 0.25], [0.20, 0.05]])
    np.testing.assert_allclose(K.calc_B(Z2, X2), [[0.15, 0.50], [0.10, 0.05]])


def test_mb_leontief_ghosh_multipliers():
    L = K.leontief(K.calc_A(Z2, X2))
    G = K.ghosh(K.calc_B(Z2, X2))
    np.testing.assert_allclose(L, L_MB, atol=5e-5)
    np.testing.assert_allclose(G, G_MB, atol=5e-5)
    np.testing.assert_allclose(K.output_multipliers(L), OM_MB, atol=5e-5)
    # closed form: det(I-A) = 0.7575
    np.testing.assert_allclose(L, np.array([[0.95, 0.25], [0.20, 0.85]]) / 0.7575, rtol=1e-12)


def test_mb_identities():
    A = K.calc_A(Z2, X2)
    L = K.leontief(A)
    G = K.ghosh(K.calc_B(Z2, X2))
    f = X2 - Z2.sum(1)          # (350, 1700)
    v = X2 - Z2.sum(0)          # (650, 1400)
    np.testing.assert_allclose(L @ (np.eye(2) - A), np.eye(2), atol=1e-12)
    np.testing.assert_allclose(K.calc_x_from_L(L, f), X2, rtol=1e-12)
    np.testing.assert_allclose(K.solve_leontief(A, f), X2, rtol=1e-12)
    np.testing.assert_allclose(v @ G, X2, rtol=1e-12)                          # x' = v'G
    np.testing.assert_allclose(G, np.diag(1 / X2) @ L @ np.diag(X2), rtol=1e-12)  # G = x̂⁻¹Lx̂
    w = K.primary_input_coefficients(Z2, X2)
    np.testing.assert_allclose(w @ L, [1, 1], rtol=1e-12)
    np.testing.assert_allclose(K.va_multipliers(L, w), [1, 1], rtol=1e-12)


def test_employment_multiplier_hand_computed():
    L = K.leontief(K.calc_A(Z2, X2))
    e = K.coefficients(np.array([100.0, 100.0]), X2)      # (0.1, 0.05) jobs per $
    me = K.employment_multipliers(L, e)
    np.testing.assert_allclose(me, [0.1 * L[0, 0] + 0.05 * L[1, 0], 0.1 * L[0, 1] + 0.05 * L[1, 1]])


def test_zero_output_sector_and_bad_shapes():
    Z = np.array([[1.0, 0.0], [0.0, 0.0]])
    A = K.calc_A(Z, np.array([10.0, 0.0]))
    assert np.isfinite(A).all() and A[0, 1] == 0
    with pytest.raises(ValueError, match="square"):
        K.leontief(np.ones((2, 3)))
    with pytest.raises(ValueError, match="length 3, expected 2"):
        K.calc_A(Z, np.ones(3))
    with pytest.raises(np.linalg.LinAlgError):
        K.leontief(np.array([[1.0, 0.0], [0.0, 0.5]]))


def test_rasmussen_index_mean_one():
    L = K.leontief(K.calc_A(Z2, X2))
    bl = K.rasmussen_index(L, axis=0)
    assert bl.mean() == pytest.approx(1.0)
    np.testing.assert_allclose(bl, OM_MB / OM_MB.mean(), atol=1e-4)


# --- labelled layer on IOTable -----------------------------------------------------

def test_labelled_equals_kernels_on_mb_table():
    t = mb_table()
    lk = dio.linkages(t).to_frame()
    np.testing.assert_allclose(lk["bl_total"], OM_MB, atol=5e-5)
    np.testing.assert_allclose(lk["fl_total"], G_MB.sum(1), atol=5e-5)
    np.testing.assert_allclose(dio.linkages(t, forward="leontief").to_frame()["fl_total"], L_MB.sum(1), atol=1e-4)
    m = dio.multipliers(t, employment=pd.Series({"1": 100.0, "2": 100.0})).to_frame()
    np.testing.assert_allclose(m["output"], OM_MB, atol=5e-5)
    np.testing.assert_allclose(m["va"], [1.0, 1.0])


def test_linkages_real_table(t153):
    res = dio.linkages(t153)
    df = res.to_frame()
    assert len(df) == 153 and df["BL"].mean() == pytest.approx(1) and df["FL"].mean() == pytest.approx(1)
    assert set(df["class"]) <= {"key", "backward", "forward", "weak"}
    cls = np.where(df.BL > 1, np.where(df.FL > 1, "key", "backward"), np.where(df.FL > 1, "forward", "weak"))
    assert (df["class"].to_numpy() == cls).all()
    # BL total = output multiplier; x = L f on the real table
    L = K.leontief(t153.A())
    np.testing.assert_allclose(df["bl_total"], L.sum(0))
    f = t153.x.to_numpy() - t153.Z.to_numpy().sum(1)
    np.testing.assert_allclose(L @ f, t153.x.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(L @ (np.eye(153) - t153.A()), np.eye(153), atol=1e-9)
    assert res.provenance.inputs[0][0].endswith("china_2020_153.csv")
    assert len(res.provenance.inputs[0][1]) == 64
    assert "forward=ghosh" in repr(res)
    assert res.summary("markdown").startswith("**Linkages")


def test_noncompetitive_domestic_multipliers(t42nc):
    m = dio.multipliers(t42nc).to_frame()
    # domestic VA per unit of final demand + imported inputs per unit = 1 (w'L = 1')
    Zm = t42nc.Z_imports.to_numpy()
    L = K.leontief(t42nc.A())
    mm = K.coefficients(Zm.sum(0), t42nc.x.to_numpy()) @ L
    np.testing.assert_allclose(m["va"].to_numpy() + mm, 1.0, rtol=1e-9)
    assert (m["va"] < 1).all() and (m["va"] > 0.5).all()


def test_extraction_identities():
    t = mb_table()
    x = X2.sum()
    # backward extraction of every sector changes nothing; total extraction of all leaves x̄ = f
    assert dio.extraction(t, ["1", "2"], method="backward").total_loss == pytest.approx(0, abs=1e-9)
    tot = dio.extraction(t, ["1", "2"], method="total")
    np.testing.assert_allclose(tot.to_frame()["x_bar"], X2 - Z2.sum(1))
    assert tot.total_loss == pytest.approx(Z2.sum())
    # single-sector backward extraction, hand computed: sector 1 stops buying from 2
    A = K.calc_A(Z2, X2)
    Ab = A.copy()
    Ab[1, 0] = 0
    xb = np.linalg.solve(np.eye(2) - Ab, X2 - Z2.sum(1))
    e = dio.extraction(t, "1", method="backward")
    assert e.total_loss == pytest.approx(x - xb.sum())
    # forward extraction: sector 1 stops selling to 2 (Ghosh)
    B = K.calc_B(Z2, X2)
    B[0, 1] = 0
    xf = np.linalg.solve((np.eye(2) - B).T, X2 - Z2.sum(0))
    assert dio.extraction(t, "1", method="forward").total_loss == pytest.approx(x - xf.sum())
    assert "% of output" in repr(e)


def test_extraction_real_and_errors(t153):
    e = dio.extraction(t153, ["090", "091", "092"], method="total")
    df = e.to_frame()
    assert df.loc["090", "extracted"] and 0 < e.total_loss_pct < 100
    assert (df.loc[~df.extracted, "loss"] >= -1e-6).all()
    with pytest.raises(DataError, match="unknown sector code '999'"):
        dio.extraction(t153, ["999"])
    with pytest.raises(ValueError, match="method must be"):
        dio.extraction(t153, ["090"], method="sideways")


def test_extraction_all_matches_single(t42nc):
    allx = dio.extraction_all(t42nc)
    for m in ("total", "backward", "forward"):
        assert allx.loc["20", m] == pytest.approx(dio.extraction(t42nc, "20", method=m).total_loss, rel=1e-9)


def test_aggregate_preserves_balance_and_totals(t153):
    conc = {c: ("M" if 13 <= int(c) <= 120 else ("S" if int(c) > 120 else "P")) for c in t153.codes}
    a = dio.aggregate(t153, conc, names={"P": ("Primary", "第一"), "M": ("Industry", "工业"), "S": ("Services", "服务")})
    assert a.codes == ["P", "M", "S"] and a.meta["balance"].passed
    assert a.x.sum() == pytest.approx(t153.x.sum()) and a.va.sum() == pytest.approx(t153.va.sum())
    assert a.Z.to_numpy().sum() == pytest.approx(t153.Z.to_numpy().sum())
    assert a.sectors.loc["M", "name_zh"] == "工业"
    with pytest.raises(DataError, match="no group for 1 sector"):
        dio.aggregate(t153, {c: "X" for c in t153.codes[:-1]})


def test_aggregate_noncompetitive(t42nc):
    a = dio.aggregate(t42nc, {c: ("G" if int(c) <= 26 else "S") for c in t42nc.codes})
    assert a.kind == "noncompetitive" and a.Z_imports.shape == (2, 2) and a.meta["balance"].passed
    assert a.meta["import_totals"].sum() == pytest.approx(t42nc.meta["import_totals"].sum())


# --- peer package: pymrio 0.7.0 (numbers stored; pymrio is not needed to run) ------

@pytest.mark.parametrize("fname,ref", [
    ("china_2017_42.csv", {"01": (1.909092, 2.740038), "20": (2.33867, 2.04386), "31": (1.999892, 1.995233)}),
    ("china_2020_153.csv", {"001": (1.845675, 3.119882), "094": (3.789933, 5.359712), "123": (2.441338, 3.266481)}),
])
def test_against_pymrio(data_dir, fname, ref):
    df = dio.linkages(load_io_table(data_dir / "io" / "nbs" / fname)).to_frame()
    for code, (om, grow) in ref.items():
        assert df.loc[code, "bl_total"] == pytest.approx(om, abs=1e-6)    # pymrio calc_L column sums
        assert df.loc[code, "fl_total"] == pytest.approx(grow, abs=1e-6)  # pymrio calc_G row sums


# --- competitive -> domestic split -------------------------------------------------

def test_domestic_table_proportional_imports(t153):
    from digitrace.io.imports import domestic_table, import_shares

    d = dio.domestic_table(t153)
    assert d.kind == "noncompetitive" and d.meta["balance"].passed
    m = import_shares(t153)
    np.testing.assert_allclose(d.Z.to_numpy() + d.Z_imports.to_numpy(), t153.Z.to_numpy())
    np.testing.assert_allclose(d.Z_imports.to_numpy(), m.to_numpy()[:, None] * t153.Z.to_numpy())
    np.testing.assert_allclose(d.Z_imports.sum(axis=1) + d.final_demand_imports.sum(axis=1), t153.imports,
                               rtol=1e-9, atol=1e-6)
    va = dio.multipliers(d).to_frame()["va"]
    assert (va < 1).all() and 0.5 < va.mean() < 1
    assert domestic_table(d) is d


def test_domestic_table_processing_trade(data_dir):
    from digitrace.io.imports import domestic_table

    t = load_io_table(data_dir / "io" / "nbs" / "china_2002_122.csv")
    with pytest.raises(DataError, match=r"row 081: import share 1.69 outside \[0, 1\]"):
        domestic_table(t)
    d = domestic_table(t, clip=True)
    assert d.meta["balance"].passed and d.Z.loc["081"].sum() == 0
    assert d.final_demand_imports.loc["081", "EX"] > 0


def test_kernels_accept_dataframes():
    Zdf = pd.DataFrame(Z2, index=["a", "b"], columns=["a", "b"])
    xs = pd.Series(X2, index=["a", "b"])
    A = K.calc_A(Zdf, xs)
    assert isinstance(A, np.ndarray)
    np.testing.assert_allclose(K.leontief(pd.DataFrame(A)), L_MB, atol=5e-5)
    np.testing.assert_allclose(K.ghosh(K.calc_B(Zdf, xs.to_frame())), G_MB, atol=5e-5)


def test_extraction_keep_within_variants():
    t = mb_table()
    f = X2 - Z2.sum(1)
    A = K.calc_A(Z2, X2)
    Ab = A.copy()
    Ab[:, 0] = 0                                    # column 1 entirely (own use too)
    xb = np.linalg.solve(np.eye(2) - Ab, f)
    assert dio.extraction(t, "1", method="backward", keep_within=False).total_loss == pytest.approx(X2.sum() - xb.sum())
    At = A.copy()
    At[1, 0] = At[0, 1] = 0                         # Cella: keep a_11, cut links with the rest
    xc = np.linalg.solve(np.eye(2) - At, f)
    e = dio.extraction(t, "1", method="total", keep_within=True)
    assert e.total_loss == pytest.approx(X2.sum() - xc.sum())
    assert e.provenance.params["keep_within"] is True
    assert dio.extraction(t, "1", method="backward").provenance.params["keep_within"] is True
