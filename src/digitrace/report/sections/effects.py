"""Section 6 — effects: an ILLUSTRATIVE specification on the province panel.

ln GDP per capita (a rough high-quality-development proxy) on the digitalization
index: two-way FE, a Hansen threshold model and a spatial Durbin model, side by
side in one ``regtable``.  This is a demonstration of the toolbox on real data,
not a causal estimate.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..blocks import Figure, Note, Section, Table
from . import _plot

GDP_FILE = "province/huangwt_gdp_three_sectors_2010_2022_ORIGINAL.csv"
POP_FILE = "province/population_yearend_2000_2024.csv"
THRESHOLD_BOOTSTRAP = 300
THRESHOLD_SEED = 1
SDM_DRAWS = 500
SDM_SEED = 0


def _panel(ctx: Any) -> tuple[pd.DataFrame, tuple[str, ...]]:
    from digitrace.data.panel import load_panel

    res, srcs = _plot.index_result(ctx)
    gdp = load_panel(ctx.src(GDP_FILE)).data
    pop = load_panel(ctx.src(POP_FILE), value_vars=["pop_yearend_10k"]).data
    df = (res.scores[["adcode", "province", "province_en", "year", "index"]]
          .merge(gdp[["adcode", "year", "Gross Regional Product", "Tertiary Industry"]], on=["adcode", "year"], how="left")
          .merge(pop[["adcode", "year", "pop_yearend_10k"]], on=["adcode", "year"], how="left"))
    miss = df[df[["Gross Regional Product", "Tertiary Industry", "pop_yearend_10k"]].isna().any(axis=1)]
    if len(miss):
        from digitrace.errors import DataError

        r = miss.iloc[0]
        raise DataError(f"no GDP or population for {r['province']} {r['year']}", file=GDP_FILE)
    # GRP in 100 million CNY, population in 10 thousand persons -> CNY per person
    df["gdp_pc"] = df["Gross Regional Product"] * 1e4 / df["pop_yearend_10k"]
    df["lngdppc"] = np.log(df["gdp_pc"])
    df["tertiary_share"] = df["Tertiary Industry"] / df["Gross Regional Product"]
    return df.sort_values(["adcode", "year"]).reset_index(drop=True), tuple(sorted(set(srcs) | {GDP_FILE, POP_FILE}))


def _effects_long(eff: pd.DataFrame, names: dict[str, str], t) -> pd.DataFrame:
    """LeSage–Pace effects as one row per (variable, effect): estimate, SE, 95% CI, p."""
    kinds = {"direct": t("直接效应", "direct"), "indirect": t("间接效应（溢出）", "indirect (spillover)"),
             "total": t("总效应", "total")}
    rows = []
    for var in eff.index:
        for k, lab in kinds.items():
            rows.append({t("变量", "variable"): names.get(var, var), t("效应", "effect"): lab,
                         t("估计值", "estimate"): eff.loc[var, k], t("标准误", "SE"): eff.loc[var, f"{k}_se"],
                         t("95% 置信区间下限", "95% CI low"): eff.loc[var, f"{k}_ci_low"],
                         t("95% 置信区间上限", "95% CI high"): eff.loc[var, f"{k}_ci_high"],
                         t("p 值", "p"): eff.loc[var, f"{k}_p"]})
    return pd.DataFrame(rows).set_index([t("变量", "variable"), t("效应", "effect")])


def build(ctx: Any) -> Section:
    import digitrace

    t = ctx.t
    df, srcs = _panel(ctx)
    W = _plot.rook(ctx)
    srcs = tuple(sorted(set(srcs) | {_plot.GEOJSON}))
    spec = {"y": "lngdppc", "x": "index", "controls": ["tertiary_share"], "entity": "adcode", "time": "year",
            "years": [int(df["year"].min()), int(df["year"].max())], "n_provinces": int(df["adcode"].nunique())}

    m1 = digitrace.fe(df, "lngdppc ~ index + tertiary_share | adcode", cluster="adcode")
    m2 = digitrace.fe(df, "lngdppc ~ index + tertiary_share | adcode + year", cluster="adcode")
    thr = digitrace.threshold(df, y="lngdppc", x="index", q="index", entity="adcode", time="year",
                              controls=["tertiary_share"], n_thresholds=1, bootstrap=THRESHOLD_BOOTSTRAP,
                              seed=THRESHOLD_SEED, time_effects=True)
    sdm = digitrace.spatial_panel(df, "lngdppc", ["index", "tertiary_share"], W.full(), "adcode", "year",
                                  model="sdm", fe="twoways", draws=SDM_DRAWS, seed=SDM_SEED)
    coefs = [c for c in ("index", "tertiary_share") + tuple(k for k in thr.params.index if k.startswith("index ("))
             + ("W_index", "W_tertiary_share", "rho")]
    lab_x, lab_c = t("数字化指数", "digitalization index"), t("第三产业占比", "tertiary share")
    coef_labels = {"index": lab_x, "tertiary_share": lab_c, "W_index": f"W × {lab_x}",
                   "W_tertiary_share": f"W × {lab_c}", "rho": "ρ",
                   "lngdppc": t("人均 GDP 对数", "ln GDP per capita")}
    coef_labels.update({k: k.replace("index", lab_x) for k in coefs if k.startswith("index (")})
    labels = [t("个体固定效应", "entity FE"), t("双向固定效应", "two-way FE"), t("门槛模型", "threshold"), "SDM"]
    # regtable gives one row per FE dimension across model types (the spatial panel's
    # "Entity"/"Time" rows are mapped to panel=(adcode, year)); fe_labels names them
    tab = digitrace.regtable([m1, m2, thr, sdm], labels=labels, lang=ctx.lang, coef_labels=coef_labels,
                             keep=coefs, panel=("adcode", "year"),
                             fe_labels={"adcode": t("省份", "Province"), "year": t("年份", "Year")})
    params_all = {**spec, "cluster": "adcode", "ssc": "stata", "threshold_bootstrap": THRESHOLD_BOOTSTRAP,
                  "threshold_seed": THRESHOLD_SEED, "sdm_draws": SDM_DRAWS, "sdm_seed": SDM_SEED,
                  "W": "rook, Hainan–Guangdong linked, row-standardised"}

    # --- scatter of the data ------------------------------------------------------------------------
    sc = df.set_index(["adcode", "year"])[["province", "index", "gdp_pc", "lngdppc", "tertiary_share"]]

    def draw_sc(m: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(6.8, 4.2))
        m = m.reset_index()
        cmap = plt.get_cmap("viridis")
        ys = sorted(m["year"].unique())
        for i, y in enumerate(ys):
            g = m[m["year"] == y]
            ax.scatter(g["index"], g["lngdppc"], s=16, color=cmap(i / max(len(ys) - 1, 1)), label=str(y))
        ax.set_xlabel(t("数字化指数", "digitalization index"))
        ax.set_ylabel(t("人均 GDP 对数（元）", "ln GDP per capita (CNY)"))
        ax.legend(fontsize=7.5, frameon=False, ncol=2, loc="lower right")
        fig.tight_layout()
        return fig

    fig_sc = Figure("fig_effects_scatter", t("数字化指数与人均 GDP（省份-年份）", "Digitalization index and GDP per capita (province-years)"),
                    t("x：指数 0–1；y：ln(元/人)", "x: index 0–1; y: ln(CNY per person)"), srcs, "digitrace.build_index",
                    {"spec": _plot.INDEX_SPEC, "method": "entropy"}, _plot.fmt_table(sc, 6), draw_sc)

    # --- threshold LR path ----------------------------------------------------------------------
    gam, lr = thr.lr_paths[0]
    lrf = pd.DataFrame({"gamma": np.asarray(gam, dtype=float), "LR": np.asarray(lr, dtype=float)}).set_index("gamma")
    crit = -2 * np.log(1 - np.sqrt(1 - 0.05))

    def draw_lr(m: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(6.8, 3.4))
        ax.plot(m.index, m["LR"], color=_plot.PALETTE[0], lw=1.4)
        ax.axhline(crit, color=_plot.PALETTE[3], ls="--", lw=1, label=f"c(0.05) = {crit:.2f}")
        ax.axvline(float(thr.thresholds[0]), color="grey", lw=.8)
        ax.set_xlabel(t("门槛值 γ（数字化指数）", "threshold γ (digitalization index)"))
        ax.set_ylabel("LR(γ)")
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        return fig

    fig_lr = Figure("fig_effects_threshold_lr", t("门槛模型：似然比统计量 LR(γ)", "Threshold model: likelihood-ratio path LR(γ)"),
                    t("LR 统计量", "LR statistic"), srcs, "digitrace.threshold",
                    {"bootstrap": THRESHOLD_BOOTSTRAP, "seed": THRESHOLD_SEED, "trim": 0.01, "time_effects": True},
                    _plot.fmt_table(lrf, 6), draw_lr)

    tests = thr.tests_frame().rename(columns={"F": "F", "p": t("自助法 p 值", "bootstrap p"),
                                              "crit10": t("10% 临界值", "10% critical value"),
                                              "crit5": t("5% 临界值", "5% critical value"),
                                              "crit1": t("1% 临界值", "1% critical value")})
    tests.index = [t(f"{i.split(' vs ')[0]} 对 {i.split(' vs ')[1]} 个门槛", f"{i} thresholds") for i in tests.index]
    tests.index.name = t("检验", "test")
    eff = _effects_long(sdm.effects, {"index": lab_x, "tertiary_share": lab_c}, t)
    warn = t("<p><strong>示例性设定，非因果估计。</strong>被解释变量为人均 GDP 对数（高质量发展的粗略代理），"
             "解释变量为第 5 节的数字化指数，控制第三产业占比。指数本身包含以 GDP 或人口为分母的指标，二者存在机械相关；"
             "没有工具变量或外生冲击，系数只描述条件相关。"
             f"门槛检验的自助法重复 {THRESHOLD_BOOTSTRAP} 次（种子 {THRESHOLD_SEED}），SDM 效应的模拟标准误用 {SDM_DRAWS} 次抽样"
             f"（种子 {SDM_SEED}），以控制图集构建时间；正式研究应增大次数。方法见 <code>docs/econ.md</code>、<code>docs/spatial_econ.md</code>。</p>",
             "<p><strong>Illustrative specification, not a causal estimate.</strong> The outcome is ln GDP per capita (a rough "
             "high-quality-development proxy), the regressor the digitalization index of section 5, with the tertiary share as a "
             "control. The index itself contains indicators divided by GDP or population, so the two are mechanically related; "
             "with no instrument or exogenous shock, coefficients describe conditional associations only. "
             f"The threshold test uses {THRESHOLD_BOOTSTRAP} bootstrap replications (seed {THRESHOLD_SEED}) and the SDM effect SEs "
             f"{SDM_DRAWS} simulation draws (seed {SDM_SEED}) to keep the atlas build fast; raise them for research use. "
             "Methods: <code>docs/econ.md</code>, <code>docs/spatial_econ.md</code>.</p>")
    return Section("effects", t("效应（示例性设定）", "Effects (illustrative specification)"), (
        Note(warn), fig_sc,
        Table("tab_effects_regtable", t("回归结果：个体 FE、双向 FE、门槛模型与 SDM", "Estimates: entity FE, two-way FE, threshold model and SDM"),
              tab.to_frame(), srcs, "digitrace.regtable", params_all, max_rows=60, collapsed=False,
              note=t("括号内为标准误（FE：按省聚类）；* p<0.1，** p<0.05，*** p<0.01。",
                     "Standard errors in parentheses (FE: clustered by province); * p<0.1, ** p<0.05, *** p<0.01.")),
        Table("tab_effects_threshold_tests", t("门槛效应检验（自助法）", "Threshold-effect test (bootstrap)"),
              _plot.fmt_table(tests, 6), srcs, "digitrace.threshold", {"bootstrap": THRESHOLD_BOOTSTRAP, "seed": THRESHOLD_SEED}),
        fig_lr,
        Table("tab_effects_sdm", t("空间杜宾模型（SDM）的直接、间接与总效应", "Spatial Durbin model: direct, indirect and total effects"),
              _plot.fmt_table(eff, 6), srcs, "digitrace.spatial_panel",
              {"model": "sdm", "fe": "twoways", "lee_yu": True, "draws": SDM_DRAWS, "seed": SDM_SEED}),
    ), intro=t("在省级面板上演示效应模型工具箱：数字化指数与人均 GDP 的关系。", "The effects toolbox demonstrated on the province panel: "
               "the digitalization index and GDP per capita."))
