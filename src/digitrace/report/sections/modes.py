"""Section 3 — driving modes: dominant mode per province-year, transitions, dimension scores."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..blocks import Figure, Note, Section, Table
from . import _plot

SPEC = "province_modes_2016_2022"
COLORS = {"social": "#e07b39", "technology": "#1f5f8b", "innovation": "#3a9a5b", "mixed": "#c9c3a6", "none": "#dddddd"}


def build(ctx: Any) -> Section:
    from digitrace.modes import driving_modes

    t = ctx.t
    names = {"social": t("社会需求驱动", "social / demand-forced"), "technology": t("技术融合驱动", "technology integration"),
             "innovation": t("创新与增值服务驱动", "innovation / value-added services"), "mixed": t("混合", "mixed"),
             "none": t("缺数据", "no data")}
    res = driving_modes(ctx.data_dir, SPEC)
    srcs = _plot.record_inputs(ctx, [n for n, _ in res.provenance.inputs])
    params = dict(res.provenance.params)
    method = "digitrace.modes.driving_modes"
    f = res.to_frame()
    geo = ctx.src(_plot.GEOJSON)
    pname = "province" if ctx.lang == "zh" else "province_en"
    blocks: list[Any] = []

    # --- 1. map of the dominant mode, one per year -------------------------------------------------
    for y in sorted(f["year"].unique()):
        d = f[f["year"] == y].set_index("adcode")[[pname, "mode", "mode_top", "gap", "p_same_mode", "kmeans_mode", "reason"]]
        d = d.assign(mode=d["mode"].fillna("none"))

        def draw(m: pd.DataFrame, y=y):
            return _plot.province_map(None, geo, title=str(y), categorical={int(k): v for k, v in m["mode"].items()},
                                      colors=COLORS, legend_labels=names)

        blocks.append(Figure(f"fig_modes_map_{y}", t(f"主导驱动模式（{y} 年）", f"Dominant driving mode ({y})"), t("类别", "category"),
                             srcs + (_plot.GEOJSON,), method, params, _plot.fmt_table(d, 4), draw, group="modes_map", label=str(int(y)),
                             note=t(f"前两名标准化得分之差小于 {params['margin']} 个标准差时记为“混合”；p_same_mode 为 Dirichlet 权重扰动下保持同一模式的比例。",
                                    f"'Mixed' when the top two standardised scores differ by less than {params['margin']} SD; "
                                    "p_same_mode is the share of Dirichlet weight draws giving the same mode.")))

    # --- 2. counts by year and transitions -------------------------------------------------------
    sh = res.shares()

    def draw_sh(m: pd.DataFrame):
        plt = _plot.plt()
        import numpy as np

        fig, ax = plt.subplots(figsize=(7.6, 3.6))
        bottom = np.zeros(len(m))
        for c in m.columns:
            ax.bar(m.index, m[c], bottom=bottom, color=COLORS[c], label=names[c], width=.7)
            bottom += m[c].to_numpy(dtype=float)
        ax.set_ylabel(t("省份数", "provinces"))
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.grid(False)
        fig.tight_layout()
        return fig

    blocks.append(Figure("fig_modes_counts", t("各驱动模式的省份数（逐年）", "Provinces in each driving mode by year"), t("省份数", "number of provinces"),
                         srcs, f"{method}(...).shares", params, sh, draw_sh))
    tr = res.transitions("probability")
    cnt = res.transitions("count")

    def draw_tr(m: pd.DataFrame):
        mm = m.drop(columns="n")
        mm.index = [names[i] for i in mm.index]
        mm.columns = [names[c] for c in mm.columns]
        return _plot.heatmap(mm, title="", cbar_label=t("转移概率", "transition probability"), cmap="Blues",
                             figsize=(6.4, 3.6), fmt=".2f")

    blocks.append(Figure("fig_modes_transitions", t("驱动模式的年度转移概率（马尔可夫矩阵，行：起始模式）",
                                                    "Year-to-year transition probabilities of the modes (Markov matrix, rows: from)"),
                         t("概率", "probability"), srcs, f"{method}(...).transitions", {**params, "kind": "probability"},
                         _plot.fmt_table(tr, 6), draw_tr))
    cnt = cnt.rename(index=lambda i: names.get(i, i), columns=lambda c: names.get(c, t("合计", "total") if c == "n" else c))
    cnt.index.name, cnt.columns.name = t("起始模式", "from"), t("目标模式", "to")
    blocks.append(Table("tab_modes_transition_counts", t("转移次数", "Transition counts"), cnt, srcs,
                        f"{method}(...).transitions", {"kind": "count"}))

    # --- 3. dimension scores by region -------------------------------------------------------------
    sc = f.groupby(["region4", "year"])[["score_social", "score_technology", "score_innovation"]].mean()

    def draw_sc(m: pd.DataFrame):
        plt = _plot.plt()
        fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4), sharey=True)
        m = m.reset_index()
        for ax, k in zip(axes, ("social", "technology", "innovation")):
            for i, (r, g) in enumerate(m.groupby("region4", sort=True)):
                ax.plot(g["year"], g[f"score_{k}"], "o-", ms=3, color=_plot.PALETTE[i], label=_plot.region_label(ctx, r))
            ax.set_title(names[k], fontsize=10)
        axes[0].set_ylabel(t("综合得分（0–1）", "composite score (0–1)"))
        axes[-1].legend(fontsize=8, frameon=False)
        fig.tight_layout()
        return fig

    blocks.append(Figure("fig_modes_scores", t("三个维度得分：四大区域均值", "The three dimension scores: mean by region"),
                         t("综合得分，0–1（熵值法）", "composite score, 0–1 (entropy)"), srcs, method, params,
                         _plot.fmt_table(sc, 6), draw_sc))

    measures = {"share": t("一致比例", "agreement share"), "kappa": t("Cohen κ", "Cohen's κ"),
                "share_nonmixed": t("一致比例（不含混合）", "agreement share (non-mixed)"),
                "kappa_nonmixed": t("Cohen κ（不含混合）", "Cohen's κ (non-mixed)"),
                "kmeans_inertia": t("k-means 组内平方和", "k-means inertia"), "n": t("省份-年份数", "province-years"),
                "n_nonmixed": t("非混合省份-年份数", "non-mixed province-years")}
    agr = pd.DataFrame({t("数值", "value"): {measures.get(k, k): v for k, v in dict(res.agreement).items()}})
    agr.index.name = t("指标", "measure")
    blocks.append(Table("tab_modes_agreement", t("稳健性：规则分类与 k-means 的一致性", "Robustness: rule vs k-means agreement"),
                        _plot.fmt_table(agr, 4), srcs, method, params))
    blocks.append(Table("tab_modes_paths", t("各省的模式路径", "Mode path of each province"), res.paths(), srcs,
                        f"{method}(...).paths", params, max_rows=31))
    wf = res.weights_frame()
    if "unit" in wf.columns:
        wf = wf.assign(unit=[_plot.unit_label(u, ctx.lang) for u in wf["unit"]])
    keep = [c for c in ("dimension", "name_cn" if ctx.lang == "zh" else "name_en", "weight", "unit", "direction") if c in wf.columns]
    blocks.append(Table("tab_modes_weights", t("各维度指标与熵值权重", "Indicators of each dimension and their entropy weights"),
                        _plot.fmt_table(wf[keep], 4), srcs, f"{method}(...).weights_frame", params))
    blocks.append(Note(t("<p>三种驱动模式（社会需求、技术融合、创新增值）的指标、标准化（按年正态得分）与局限见 <code>docs/framework.md</code>。"
                         "缺数据的省年（“缺数据”）不被插补，原因列在 CSV 中。</p>",
                         "<p>Indicators of the three modes, standardisation (normal scores within year) and limitations: "
                         "<code>docs/framework.md</code>. Province-years with missing indicators are not imputed (\"no data\"); the reason is in the CSV.</p>")))
    return Section("modes", t("驱动模式", "Driving modes"), tuple(blocks),
                   intro=t("每个省年在三种驱动模式（社会需求驱动、技术融合驱动、创新与增值服务驱动）上的得分与主导模式。",
                           "Scores of every province-year on the three driving modes (social / demand-forced, technology "
                           "integration, innovation / value-added services) and the dominant mode."))
