"""Section 4 — chain reshaping: digital-input intensity, linkages, extraction and the four channels."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..blocks import Figure, Note, Section, Table
from . import _plot

OECD_FILE = "io/oecd/OECD2021ed_IOT_CHN_1995_2018_45sec.csv"
METHOD = "digitrace.chain.chain_panel"


def _panel(ctx: Any):
    def run():
        from digitrace.chain import chain_panel
        from digitrace.data.io_tables import io_catalog

        cat = io_catalog(ctx.data_dir)
        srcs = tuple(sorted({_plot.rel(ctx, p) for p in cat[cat["source"].isin(("nbs", "oecd"))]["path"]}))
        return chain_panel(ctx.data_dir), srcs
    return ctx.cached("chain_panel", run)


def build(ctx: Any) -> Section:
    import digitrace

    t = ctx.t
    panel, srcs = _panel(ctx)
    long = panel.to_frame()
    params = dict(panel.provenance.params)
    name_col = "name_zh" if ctx.lang == "zh" else "name_en"
    oecd_tab = ctx.cached("oecd_2018", lambda: digitrace.load_oecd_iot(ctx.src(OECD_FILE), 2018))
    oecd_names = oecd_tab.sectors[name_col]

    # --- 1. heat map: direct digital-input intensity, OECD-45 sector x year --------------------
    d = long[(long["source"] == "OECD-45") & (long["indicator"] == "direct")]
    heat = d.pivot(index="sector", columns="year", values="value")
    w = 18 if ctx.lang == "zh" else 32
    heat.index = [f"{c} {_plot.short(oecd_names.get(c, ''), w)}" for c in heat.index]
    heat.index.name = "sector"

    def draw_heat(m: pd.DataFrame):
        return _plot.heatmap(m * 100, title="", cbar_label=t("每单位产出的数字投入（%）", "digital inputs per unit output (%)"),
                             cmap="magma_r", figsize=(10, 10.5))

    fig_heat = Figure("fig_chain_heatmap_direct", t("直接数字投入强度 δ_j：OECD 45 部门 × 年份（1995–2018）",
                                                    "Direct digital-input intensity δ_j: OECD 45 sectors × year (1995–2018)"),
                      t("每单位产出的数字（核心 01–04）中间投入，%", "core-digital (01–04) intermediate inputs per unit of output, %"),
                      (OECD_FILE,), METHOD, {**params, "indicator": "direct", "source": "OECD-45"},
                      _plot.fmt_table(heat, 6), draw_heat,
                      note=t("δ_j = Σ_i s_i a_ij；s 为 NBS 2021 核心份额。", "δ_j = Σ_i s_i a_ij; s = NBS 2021 core shares."))

    # --- 2. linkages: backward vs forward, latest NBS 153-sector table ------------------------
    n153 = long[(long["source"] == "NBS-153") & (long["indicator"].isin(["backward", "forward", "digital_share", "direct", "output"]))]
    lk = n153.pivot(index="sector", columns="indicator", values="value")
    io153 = ctx.cached("io2020_153", lambda: digitrace.load_io_table(ctx.src("io/nbs/china_2020_153.csv")))
    nm = io153.sectors[name_col] if name_col in io153.sectors else pd.Series(dtype=str)
    lk["name"] = [str(nm.get(c, "")) for c in lk.index]

    def draw_link(m: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(7.4, 5.2))
        dig = m["digital_share"] >= params.get("threshold", 0.5)
        sz = 8 + 60 * np.sqrt(m["output"] / m["output"].max())
        ax.scatter(m.loc[~dig, "backward"], m.loc[~dig, "forward"], s=sz[~dig], c=_plot.PALETTE[5], alpha=.5,
                   label=t("其他部门", "other sectors"))
        ax.scatter(m.loc[dig, "backward"], m.loc[dig, "forward"], s=sz[dig], c=_plot.PALETTE[1], alpha=.9,
                   edgecolor="k", lw=.5, label=t("数字部门（核心份额 ≥ 0.5）", "digital sectors (core share ≥ 0.5)"))
        ax.axhline(1, color="grey", lw=.8)
        ax.axvline(1, color="grey", lw=.8)
        ax.set_xlabel(t("后向关联（影响力系数）", "backward linkage (power of dispersion)"))
        ax.set_ylabel(t("前向关联（感应度系数，Ghosh）", "forward linkage (sensitivity, Ghosh)"))
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        # digital sectors, largest output first; labels that would overlap are left out
        lab = m[dig].sort_values("output", ascending=False)
        names = [_plot.short(n.replace("Manufacture of ", ""), 9 if ctx.lang == "zh" else 22) for n in lab["name"]]
        _plot.label_points(ax, lab["backward"], lab["forward"], names)
        return fig

    fig_link = Figure("fig_chain_linkages_2020", t("2020 年 153 部门表：后向与前向关联（点大小 = 产出）",
                                                   "2020 153-sector table: backward vs forward linkages (size = output)"),
                      t("指数（全部门均值 = 1）", "index (mean over sectors = 1)"), ("io/nbs/china_2020_153.csv",),
                      METHOD, {**params, "source": "NBS-153", "year": 2020}, _plot.fmt_table(lk, 6), draw_link)

    # --- 3. extraction: output loss of D as a share of total output -----------------------------
    ex = long[long["indicator"] == "extraction_output_loss_share"].pivot_table(
        index="year", columns="source", values="value", aggfunc="first") * 100

    def draw_ex(m: pd.DataFrame):
        fig = _plot.lines(m, ylabel=t("占总产出 %", "% of total output"), legend_out=True)
        return fig

    fig_ex = Figure("fig_chain_extraction", t("假设抽取法：抽取数字部门后的总产出损失", "Hypothetical extraction: output lost without the digital sectors"),
                    t("占总产出 %", "% of total output"), srcs, METHOD, {**params, "indicator": "extraction_output_loss_share"},
                    _plot.fmt_table(ex, 6), draw_ex,
                    note=t("不同部门口径（来源）之间的水平不可直接比较，比较同一来源内的变化。",
                           "Levels differ by sector granularity (source); compare changes within a source."))

    # --- 4. the four channels over time ----------------------------------------------------------
    ch = panel.channels()
    chw = ch.pivot_table(index=["channel", "indicator", "year"], columns="source", values="value", aggfunc="first")
    names = {"rnd": t("研发", "R&D"), "production": t("生产", "production"),
             "consumption": t("消费", "consumption"), "collaboration": t("协同", "collaboration")}

    ind_names = {
        "digital_input_share_rnd": t("研发投入中的数字投入份额", "digital share of R&D inputs"),
        "direct_intensity_rnd": t("研发部门直接数字投入强度", "direct digital intensity, R&D"),
        "complete_intensity_manufacturing": t("制造业完全数字投入强度", "complete digital intensity, manufacturing"),
        "direct_intensity_manufacturing": t("制造业直接数字投入强度", "direct digital intensity, manufacturing"),
        "direct_intensity_trade_logistics": t("商贸物流直接数字投入强度", "direct digital intensity, trade & logistics"),
        "fd_digital_content_consumption": t("最终消费的数字增加值含量", "digital VA content of consumption"),
        "digital_linkage_density": t("数字关联密度", "digital linkage density"),
        "downstream_reach": t("下游覆盖率", "downstream reach"),
        "upstream_reach": t("上游覆盖率", "upstream reach"),
        "extraction_output_loss_share": t("抽取法产出损失", "extraction output loss")}

    def draw_ch(m: pd.DataFrame):
        plt = _plot.plt()
        fig, axes = plt.subplots(2, 2, figsize=(10, 6.6))
        m = m.reset_index()
        for ax, c in zip(axes.ravel(), names):
            sub = m[m["channel"] == c]
            for k, (ind, g) in enumerate(sub.groupby("indicator", sort=True)):
                col = _plot.PALETTE[k % len(_plot.PALETTE)]
                g = g.set_index("year")
                if "OECD-45" in g:
                    s = g["OECD-45"].dropna()
                    ax.plot(s.index, s.values, "-", color=col, lw=1.5, label=ind_names.get(ind, ind))
                nbs = [c2 for c2 in g.columns if str(c2).startswith("NBS")]
                vals = g[nbs].stack().reset_index()
                if len(vals):
                    ax.plot(vals["year"], vals[0], "o", color=col, ms=4, mfc="none")
            ax.set_title(names[c], fontsize=10)
            ax.legend(fontsize=6.5, frameon=False)
        fig.text(0.5, 0.005, t("线：OECD 45 部门年度序列；空心点：NBS 基准年份表", "lines: OECD-45 annual series; hollow dots: NBS benchmark tables"),
                 ha="center", fontsize=8)
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        return fig

    fig_ch = Figure("fig_chain_channels", t("产业链重塑的四个渠道：指标随时间变化", "The four chain-reshaping channels over time"),
                    t("比例（0–1）", "ratio (0–1)"), srcs, "digitrace.chain.chain_panel(...).channels", params,
                    _plot.fmt_table(chw, 6), draw_ch)

    # --- 5. final-demand digital content --------------------------------------------------------
    fd = long[long["indicator"] == "fd_digital_content_consumption"].pivot_table(
        index="year", columns="source", values="value", aggfunc="first") * 100
    fig_fd = Figure("fig_chain_fd_consumption", t("最终消费中的数字增加值含量", "Digital value-added content of final consumption"),
                    t("%", "%"), srcs, METHOD, {**params, "indicator": "fd_digital_content_consumption"},
                    _plot.fmt_table(fd, 6), lambda m: _plot.lines(m, ylabel="%", legend_out=True))

    tab = ch.pivot_table(index=["year", "source"], columns="indicator", values="value", aggfunc="first")
    return Section("chain", t("产业链重塑", "Chain reshaping"), (
        fig_heat, fig_link, fig_ex, fig_ch, fig_fd,
        Table("tab_chain_channels", t("四渠道指标（每张表一行）", "Channel indicators (one row per table)"),
              _plot.fmt_table(tab, 6), srcs, "digitrace.chain.chain_panel(...).channels", params, max_rows=40),
        Note(t("<p>公式与局限见 <code>docs/chain.md</code>。来源标签：NBS-149 等为国家统计局竞争型表，NBS-42nc 为非竞争型 42 部门表，"
               "OECD-45 为 OECD 2021 版年度表。</p>",
               "<p>Formulas and limitations: <code>docs/chain.md</code>. Source labels: NBS-149 etc. are NBS competitive tables, "
               "NBS-42nc the non-competitive 42-sector tables, OECD-45 the OECD 2021-edition annual tables.</p>")),
    ), intro=t("数字投入如何沿投入产出网络流动：各部门的直接数字投入强度、关联、抽取损失与四个重塑渠道（研发、生产、消费、协同）。",
               "How digital inputs flow through the IO network: direct digital-input intensity, linkages, extraction losses and "
               "the four reshaping channels (R&D, production, consumption, collaboration)."))
