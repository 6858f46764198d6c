"""ICT capital by perpetual inventory and growth accounting (``growth`` estimators).

Series (one row per year of the OECD 2021-edition IOTs for China, 1995–2018):

1. ICT investment by asset a ∈ {hardware, software}: I_{a,t} = Σ_i s^a_i GFCF_{i,t},
   s^hw_i = share of product i in NBS category 01 (digital product
   manufacturing), s^sw_i = share in 03 (digital technology application:
   software and IT services), from the ``oecd45`` concordance.
2. Deflator: none is in the shared data.  ``price_growth`` (default 0) is the
   annual change of ICT investment prices relative to the unit; with the
   default, current-price USD are cumulated as if real (states the limitation:
   with falling ICT prices this understates real ICT capital growth).
3. Perpetual inventory (``_kernels.pim``): K_t = (1 − δ_a) K_{t−1} + I_t,
   K_0 = I_0 / (g + δ_a), g = mean growth of I over 1995–2000.
   δ_hw = 0.215 (mean of EU KLEMS IT 0.315 and CT 0.115: OECD sector 17 mixes
   both), δ_sw = 0.315 (EU KLEMS software).
4. User cost p^K = p_{t−1} r + δ p_t − Δp, r = 0.05; ICT capital compensation
   C_t = Σ_a p^K_{a,t} K_{a,t}; share v_t = C_t / VA_t.
5. Törnqvist: Δln K^ICT_t = Σ_a w̄_a Δln K_a (w = compensation shares);
   contribution to VA growth v̄_t Δln K^ICT_t.

Level estimators (of industrial digitalization in the non-core economy, VA^nc):

* ``growth_lb`` (lower bound, Cai & Niu 2021 substitution effect):
  ID_t = C_t · VA^nc_t / VA_t (ICT capital income of the non-core sectors).
* ``growth_pz`` (Peng & Zhao 2020, contribution → increment → total):
  CR_t = v̄_t Δln K^ICT_t / Δln VA^nc_t; ΔID_t = CR_t ΔVA^nc_t;
  ID_t = ID_{t0} + Σ_{τ ≤ t} ΔID_τ with ID_{t0} = ``growth_lb`` at 1995.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _kernels as K

__all__ = ["GrowthParams", "ict_capital_series"]


@dataclass(frozen=True)
class GrowthParams:
    delta_hw: float = 0.215
    delta_sw: float = 0.315
    r: float = 0.05
    price_growth: float = 0.0
    n_init: int = 5


def ict_capital_series(tables: dict[int, "object"], shares: pd.DataFrame,
                       params: GrowthParams = GrowthParams()) -> pd.DataFrame:
    """Build the annual ICT capital series from OECD tables.

    Parameters
    ----------
    tables : {year: IOTable}
        OECD 45-sector tables (consecutive years).
    shares : DataFrame
        Sector × major category (``01``…``04``) core shares of the vintage.

    Returns
    -------
    DataFrame indexed by year with ``I_hw, I_sw, K_hw, K_sw, C_ict, va, va_noncore,
    v_ict, dlnK_ict, contribution, id_lb, id_pz, id_lb_share_noncore,
    id_pz_share_noncore``.
    """
    years = sorted(tables)
    if len(years) < 2 or years != list(range(years[0], years[-1] + 1)):
        raise ValueError(f"growth accounting needs consecutive years, got {years}")
    rows = []
    for y in years:
        t = tables[y]
        gf = [c for c, role in t.final_demand_labels.items() if role == "gfcf"]
        g = t.final_demand[gf].sum(axis=1).reindex(shares.index).fillna(0.0).to_numpy(float)
        if t.final_demand_imports is not None:
            g = g + t.final_demand_imports[gf].sum(axis=1).reindex(shares.index).fillna(0.0).to_numpy(float)
        va = t.va.reindex(shares.index).to_numpy(float)
        s = shares.sum(axis=1).to_numpy(float)
        rows.append({"year": y, "I_hw": float(shares["01"].to_numpy() @ g),
                     "I_sw": float(shares["03"].to_numpy() @ g),
                     "va": float(np.maximum(va, 0).sum()),
                     "va_noncore": float(((1 - s) * np.maximum(va, 0)).sum())})
    d = pd.DataFrame(rows).set_index("year")
    n = len(d)
    price = (1 + params.price_growth) ** np.arange(n)
    comp = {}
    for a, delta in (("hw", params.delta_hw), ("sw", params.delta_sw)):
        real = d[f"I_{a}"].to_numpy() / price
        d[f"K_{a}"] = K.pim(real, delta, n_init=params.n_init)
        comp[a] = K.user_cost(price, params.r, delta) * d[f"K_{a}"].to_numpy()
    d["C_ict"] = comp["hw"] + comp["sw"]
    d["v_ict"] = d["C_ict"] / d["va"]
    W = np.column_stack([comp["hw"], comp["sw"]]) / d["C_ict"].to_numpy()[:, None]
    d["dlnK_ict"] = K.tornqvist_growth(d[["K_hw", "K_sw"]].to_numpy(), W)
    vbar = 0.5 * (d["v_ict"] + d["v_ict"].shift(1))
    d["contribution"] = vbar * d["dlnK_ict"]
    d["id_lb"] = d["C_ict"] * d["va_noncore"] / d["va"]
    dln_va = np.log(d["va_noncore"]).diff()
    cr = d["contribution"] / dln_va
    d["contribution_rate"] = cr
    inc = (cr * d["va_noncore"].diff()).fillna(0.0)
    d["id_pz"] = d["id_lb"].iloc[0] + inc.cumsum()
    d["id_lb_share_noncore"] = d["id_lb"] / d["va_noncore"]
    d["id_pz_share_noncore"] = d["id_pz"] / d["va_noncore"]
    return d
