"""Section 5 — regional heterogeneity of the provincial digitalization index."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..blocks import Figure, Note, Section, Table
from . import _plot

PERMUTATIONS = 999
SEED = 0
LISA_COLORS = {"HH": "#b23a48", "LL": "#1f5f8b", "HL": "#f0a6a6", "LH": "#9cc3e6", "ns": "#e8e8e8", "island": "#bbbbbb"}


def build(ctx: Any) -> Section:
    from digitrace.disparity import (
        beta_convergence,
        kde_dynamics,
        sigma_convergence,
        theil_panel,
    )
    from digitrace.index.analysis import regional_analysis
    from digitrace.spatial import local_moran

    t = ctx.t
    res, srcs = _plot.index_result(ctx)
    geo = ctx.src(_plot.GEOJSON)
    s = res.scores
    years = sorted(s["year"].unique())
    idx_params = {"spec": _plot.INDEX_SPEC, "method": "entropy", "panel": "pooled"}
    blocks: list[Any] = []
    name = "province" if ctx.lang == "zh" else "province_en"

    # --- 1. map of the index, one per year (selectable) -----------------------------------------
    vmax = float(s["index"].max())
    for y in years:
        d = s[s["year"] == y].set_index("adcode")[[name, "region4", "index", "rank"]]

        def draw_map(m: pd.DataFrame, y=y):
            return _plot.province_map(m["index"].to_dict(), geo, title=f"{y}", cbar_label=t("指数（0–1）", "index (0–1)"),
                                      vmin=0.0, vmax=vmax)

        blocks.append(Figure(f"fig_regional_index_map_{y}", t(f"省级数字化指数（熵值法，{y} 年）", f"Provincial digitalization index (entropy, {y})"),
                             t("综合指数，0–1（混合面板熵值法，年份间可比）", "composite index, 0–1 (pooled panel entropy, comparable across years)"),
                             srcs, "digitrace.build_index", idx_params, _plot.fmt_table(d, 6), draw_map,
                             group="regional_index_map", label=str(y)))

    wide = s.pivot(index=name, columns="year", values="index").sort_values(years[-1], ascending=False)
    blocks.append(Table("tab_regional_index", t("各省指数（按最新年份排序）", "Index by province (sorted by the latest year)"),
                        _plot.fmt_table(wide, 6), srcs, "digitrace.build_index", idx_params, max_rows=31))

    # --- 2. Dagum decomposition over time ---------------------------------------------------------
    ra = regional_analysis(res, ctx.data_dir, permutations=PERMUTATIONS, seed=SEED)
    if len(ra.benchmark):
        ctx.src("province/dedi_meng_2013_2022.csv")
    rf = ra.to_frame()
    dag = rf[["G", "share_G_w", "share_G_nb", "share_G_t"]].copy()
    dag[["share_G_w", "share_G_nb", "share_G_t"]] *= 100
    ra_params = dict(ra.provenance.params)

    def draw_dag(m: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(7.8, 3.8))
        bottom = 0
        labs = {"share_G_w": t("区域内 G_w", "within G_w"), "share_G_nb": t("区域间 G_nb", "between G_nb"),
                "share_G_t": t("超变密度 G_t", "transvariation G_t")}
        import numpy as np

        bottom = np.zeros(len(m))
        for i, c in enumerate(labs):
            ax.bar(m.index, m[c], bottom=bottom, color=_plot.PALETTE[i], label=labs[c], width=.7)
            bottom += m[c].to_numpy()
        ax.set_ylabel(t("贡献率 %", "contribution %"))
        ax2 = ax.twinx()
        ax2.plot(m.index, m["G"], "ko-", ms=4, label=t("总体基尼 G（右轴）", "overall Gini G (right)"))
        ax2.set_ylabel("G")
        ax2.grid(False)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.08, 1))
        ax.grid(False)
        fig.tight_layout()
        return fig

    blocks.append(Figure("fig_regional_dagum", t("Dagum 基尼系数分解（东部、中部、西部、东北四大区域）",
                                                 "Dagum Gini decomposition (East, Central, West, Northeast)"),
                         t("贡献率 %；G 无量纲", "contribution %; G unitless"), srcs,
                         "digitrace.index.analysis.regional_analysis", ra_params, _plot.fmt_table(dag, 6), draw_dag))
    tp = theil_panel(s, value="index", time="year", group="region4")
    blocks.append(Table("tab_regional_theil", t("Theil 指数分解（四大区域）", "Theil decomposition (four regions)"),
                        _plot.fmt_table(tp.set_index(["period", "component"]), 6), srcs,
                        "digitrace.disparity.theil_panel", {"value": "index", "group": "region4", "index": "T"}, max_rows=30))

    # --- 3. kernel density dynamics ---------------------------------------------------------------
    kde = kde_dynamics(s, value="index", time="year")
    surf = kde.surface()

    def draw_kde(m: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(7.6, 3.8))
        cmap = plt.get_cmap("viridis")
        for i, c in enumerate(m.columns):
            ax.plot(m.index, m[c], color=cmap(i / max(len(m.columns) - 1, 1)), lw=1.5, label=str(c))
        ax.set_xlabel(t("指数", "index"))
        ax.set_ylabel(t("密度", "density"))
        ax.legend(fontsize=8, frameon=False, ncol=2)
        fig.tight_layout()
        return fig

    blocks.append(Figure("fig_regional_kde", t("指数分布的核密度动态（高斯核，Silverman 带宽）",
                                               "Kernel-density dynamics of the index (Gaussian, Silverman bandwidth)"),
                         t("密度（x 轴为指数）", "density (x axis: index)"), srcs, "digitrace.disparity.kde_dynamics",
                         dict(kde.provenance.params), _plot.fmt_table(surf, 6), draw_kde))

    # --- 4. Moran scatter and LISA map (latest year) ----------------------------------------------
    W = _plot.rook(ctx)
    last = years[-1]
    y_last = s[s["year"] == last].set_index("adcode")["index"]
    lisa = local_moran(y_last, W, permutations=PERMUTATIONS, seed=SEED)
    sc = lisa.scatter().set_index("id")
    sc.index.name = "adcode"
    sc[name] = s[s["year"] == last].set_index("adcode")[name].reindex(sc.index)
    lm_params = {"year": int(last), "permutations": PERMUTATIONS, "seed": SEED, "alpha": 0.05,
                 "weights": "rook, Hainan–Guangdong linked"}

    def draw_scatter(m: pd.DataFrame):
        import numpy as np

        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(6.2, 5))
        col = [LISA_COLORS.get(lab, "#999") if lab != "ns" else "#aaaaaa" for lab in m["label"]]
        ax.scatter(m["z"], m["lag"], c=col, s=28, edgecolor="k", lw=.3)
        xs = np.linspace(m["z"].min(), m["z"].max(), 2)
        ax.plot(xs, lisa.global_I * xs, color="k", lw=1)
        ax.axhline(0, color="grey", lw=.7)
        ax.axvline(0, color="grey", lw=.7)
        ax.set_xlabel(t("标准化指数 z", "standardised index z"))
        ax.set_ylabel(t("空间滞后 Wz", "spatial lag Wz"))
        ax.set_title(f"Moran's I = {lisa.global_I:.3f}", fontsize=10)
        fig.tight_layout()
        # significant clusters and outliers, farthest from the origin first; no overlapping labels
        lab = m[(m["label"] != "ns") | (m["z"].abs() > 1.5)]
        lab = lab.assign(_d=np.hypot(lab["z"], lab["lag"])).sort_values("_d", ascending=False)
        _plot.label_points(ax, lab["z"], lab["lag"], [str(v) for v in lab[name]])
        return fig

    blocks.append(Figure("fig_regional_moran_scatter", t(f"Moran 散点图（{last} 年，rook 邻接）", f"Moran scatter plot ({last}, rook contiguity)"),
                         t("标准化值", "standardised values"), srcs + (_plot.GEOJSON,), "digitrace.spatial.local_moran",
                         lm_params, _plot.fmt_table(sc, 6), draw_scatter))
    lab_names = {"HH": t("高–高", "high–high"), "LL": t("低–低", "low–low"), "HL": t("高–低", "high–low"),
                 "LH": t("低–高", "low–high"), "ns": t("不显著", "not significant"), "island": t("孤岛", "island")}

    def draw_lisa(m: pd.DataFrame):
        return _plot.province_map(None, geo, title=f"LISA {last} (p ≤ 0.05, {PERMUTATIONS} perm.)",
                                  categorical={int(k): v for k, v in m["label"].items()}, colors=LISA_COLORS,
                                  legend_labels=lab_names)

    blocks.append(Figure("fig_regional_lisa_map", t(f"LISA 聚类图（{last} 年）", f"LISA cluster map ({last})"),
                         t("类别", "category"), srcs + (_plot.GEOJSON,), "digitrace.spatial.local_moran", lm_params,
                         sc[[name, "label", "quadrant"]], draw_lisa))
    mor = rf[["moran_I", "moran_z", "moran_p", "moran_p_sim"]]
    blocks.append(Table("tab_regional_moran", t("全局 Moran's I（逐年）", "Global Moran's I by year"), _plot.fmt_table(mor, 6),
                        srcs, "digitrace.index.analysis.regional_analysis", ra_params,
                        labels={"year": t("年份", "year"), "moran_I": "Moran's I", "moran_z": "z",
                                "moran_p": t("p 值（正态近似）", "p (normal approximation)"),
                                "moran_p_sim": t("p 值（999 次置换）", "p (999 permutations)")}))

    # --- 5. convergence ---------------------------------------------------------------------------
    sig = sigma_convergence(s, value="index", time="year")
    beta_y = beta_convergence(s, value="index", unit="adcode", time="year", fe="twoway")
    beta_x = beta_convergence(s, value="index", unit="adcode", time="year", fe="none", horizon=len(years) - 1)
    sigt = sig.to_frame().set_index("year")[["mean", "sd", "cv", "sd_log"]]

    def draw_sigma(m: pd.DataFrame):
        return _plot.lines(m[["cv", "sd_log"]], ylabel=t("离散度", "dispersion"),
                           labels={"cv": t("变异系数 CV", "coefficient of variation"), "sd_log": t("对数标准差", "sd of logs")})

    blocks.append(Figure("fig_regional_sigma", t("σ 收敛：指数的离散度", "σ-convergence: dispersion of the index"),
                         t("CV、对数标准差（无量纲）", "CV, sd of logs (unitless)"), srcs, "digitrace.disparity.sigma_convergence",
                         dict(sig.provenance.params), _plot.fmt_table(sigt, 6), draw_sigma))
    conv = []
    for lab, b in ((t("绝对 β（年度，双向固定效应）", "absolute β (annual, two-way FE)"), beta_y),
                   (t(f"绝对 β（截面，{years[0]}–{years[-1]}）", f"absolute β (cross-section {years[0]}–{years[-1]})"), beta_x)):
        conv.append({"model": lab, "beta": b.beta, "se": float(b.se["lny"]), "p_value": float(b.pvalues["lny"]),
                     "speed": b.speed, "half_life": b.half_life, "nobs": b.nobs, "fe": b.fe, "horizon": b.horizon})
    tr = sig.trend.set_index("measure")
    for m in ("cv", "sd_log"):
        conv.append({"model": f"σ trend ({m})", "beta": tr.loc[m, "slope"], "se": float("nan"),
                     "p_value": tr.loc[m, "p_value"], "speed": float("nan"), "half_life": float("nan"),
                     "nobs": len(sigt), "fe": "none", "horizon": 1})
    blocks.append(Table("tab_regional_convergence", t("收敛检验", "Convergence tests"),
                        _plot.fmt_table(pd.DataFrame(conv).set_index("model"), 6), srcs,
                        "digitrace.disparity.beta_convergence", {"value": "index", "cluster": "adcode"},
                        labels={"model": t("模型", "model"), "beta": "β", "se": t("标准误", "SE"),
                                "p_value": t("p 值", "p"), "speed": t("收敛速度", "speed"),
                                "half_life": t("半衰期（年）", "half-life (years)"), "nobs": t("观测值", "N"),
                                "fe": t("固定效应", "fixed effects"), "horizon": t("间隔（年）", "horizon (years)")},
                        note=t("β < 0 表示落后省份增长更快；速度 = −ln(1+β)/h，半衰期 = ln2/速度。",
                               "β < 0: lagging provinces grow faster; speed = −ln(1+β)/h, half-life = ln 2/speed.")))
    blocks.append(Note(t(f"<p>指数规格 <code>{_plot.INDEX_SPEC}</code>（18 个指标、5 个维度），熵值法混合面板权重。"
                         f"Moran 与 LISA 使用 {PERMUTATIONS} 次置换（种子 {SEED}）。方法说明见 <code>docs/index.md</code>、"
                         "<code>docs/disparity.md</code>、<code>docs/spatial.md</code>。</p>",
                         f"<p>Index spec <code>{_plot.INDEX_SPEC}</code> (18 indicators, 5 dimensions), pooled panel entropy weights. "
                         f"Moran and LISA use {PERMUTATIONS} permutations (seed {SEED}). Methods: <code>docs/index.md</code>, "
                         "<code>docs/disparity.md</code>, <code>docs/spatial.md</code>.</p>")))
    return Section("regional", t("区域异质性", "Regional heterogeneity"), tuple(blocks),
                   intro=t("省级数字化综合指数的空间分布、区域差距（Dagum 基尼、Theil）、分布动态、空间相关与收敛。",
                           "Spatial distribution of the provincial digitalization index, regional gaps (Dagum Gini, Theil), "
                           "distribution dynamics, spatial autocorrelation and convergence."))
