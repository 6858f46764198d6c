"""Section 2 — scale and structure: DI, ID and DE over time, the estimator band vs published figures."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..blocks import Figure, Note, Section, Table
from . import _plot

ESTIMATORS = ("growth_lb", "growth_pz", "io_direct", "io_complete")  # the band; "caict" is calibrated


def _main_nbs(tot: pd.DataFrame) -> pd.DataFrame:
    """One NBS table per year: the finest sector list (2017: 149, 2020: 153)."""
    nbs = tot[tot["source"] == "nbs"].copy()
    nbs["n_sectors"] = nbs["table"].str.rsplit("_", n=1).str[-1].astype(int)
    keep = nbs.groupby("year")["n_sectors"].transform("max") == nbs["n_sectors"]
    return nbs[keep]


def build(ctx: Any) -> Section:
    t = ctx.t
    acc, srcs = _plot.accounts(ctx)
    tot = acc.totals()
    nbs = _main_nbs(tot)
    oecd = tot[tot["source"] == "oecd"]
    rec = acc.reconcile()
    method = "digitrace.digital_accounts"
    params = {"estimator": "all", "band": list(ESTIMATORS)}

    # --- 1. shares of GDP: DI line, ID band, published points -------------------------------
    def band(df: pd.DataFrame, col: str) -> pd.DataFrame:
        b = df[df["estimator"].isin(ESTIMATORS)].groupby("year")[col]
        return pd.DataFrame({"lo": b.min(), "hi": b.max()})

    di_n = nbs.groupby("year")["di_share_gdp"].first()
    di_o = oecd.groupby("year")["di_share_gdp"].first()
    idb_n, idb_o = band(nbs, "id_share_gdp"), band(oecd, "id_share_gdp")
    pub = rec.drop_duplicates("figure")
    pub = pub[pub["metric"].isin(["di_share_gdp", "id_share_gdp", "de_share_gdp"]) & (pub["publisher"] != "BEA")]
    shares = pd.concat({
        "di_nbs": di_n, "di_oecd": di_o,
        "id_lo_nbs": idb_n["lo"], "id_hi_nbs": idb_n["hi"],
        "id_lo_oecd": idb_o["lo"], "id_hi_oecd": idb_o["hi"],
    }, axis=1).sort_index()
    pubw = pub.pivot_table(index="year", columns="figure", values="published", aggfunc="first")
    fig1_data = shares.join(pubw, how="outer")
    fig1_data.index.name = "year"

    def draw_shares(d: pd.DataFrame):
        plt = _plot.plt()
        P = _plot.PALETTE
        fig, ax = plt.subplots(figsize=(8.2, 4.3))
        ax.plot(d["di_nbs"].dropna(), "o-", color=P[0], label=t("DI/GDP（NBS 投入产出表）", "DI/GDP (NBS IO tables)"))
        ax.plot(d["di_oecd"].dropna(), "--", color=P[0], alpha=.6, label=t("DI/GDP（OECD 表）", "DI/GDP (OECD tables)"))
        b = d[["id_lo_nbs", "id_hi_nbs"]].dropna()
        ax.fill_between(b.index, b["id_lo_nbs"], b["id_hi_nbs"], color=P[1], alpha=.35,
                        label=t("ID/GDP 估计区间（NBS 表）", "ID/GDP estimator band (NBS tables)"))
        b = d[["id_lo_oecd", "id_hi_oecd"]].dropna()
        ax.fill_between(b.index, b["id_lo_oecd"], b["id_hi_oecd"], color=P[1], alpha=.15, hatch="//",
                        label=t("ID/GDP 估计区间（OECD 表）", "ID/GDP estimator band (OECD tables)"))
        marks = {"NBS": ("s", P[2]), "CAICT": ("^", P[3]), "Xu & Zhang": ("D", P[4]), "Cai & Niu": ("v", P[5])}
        done = set()
        for fig_id in [c for c in d.columns if c in set(pub["figure"])]:
            row = pub[pub["figure"] == fig_id].iloc[0]
            m, c = marks.get(row["publisher"], ("x", "k"))
            kind = row["metric"][:2].upper()
            lab = f"{row['publisher']} ({kind}/GDP)"
            ax.plot(d[fig_id].dropna(), m, color=c, ms=6, mfc="none" if kind == "DI" else c,
                    label=lab if lab not in done else None)
            done.add(lab)
        ax.set_ylabel(t("占 GDP %", "% of GDP"))
        _plot.year_axis(ax)
        ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        fig.tight_layout()
        return fig

    fig1 = Figure("fig_scale_shares_gdp", t("数字产业化（DI）与产业数字化（ID）占 GDP 比重：估计区间与公开数字",
                                            "DI and ID as % of GDP: estimator band vs published figures"),
                  t("占 GDP %", "% of GDP"), srcs, method, params, _plot.fmt_table(fig1_data), draw_shares,
                  note=t("ID 区间为 growth_lb、growth_pz、io_direct、io_complete 四个估计量的最小–最大值；"
                         "CAICT 估计量按 CAICT 数字校准，不计入区间。空心标记为公开的 DI，实心为公开的 ID 或 DE（见图例）。",
                         "The ID band is the min–max of growth_lb, growth_pz, io_direct and io_complete; the caict "
                         "estimator is calibrated to CAICT and left out. Hollow markers: published DI; filled: published ID or DE (as labelled)."))

    # --- 2. levels (NBS tables, trillion CNY) -----------------------------------------------
    lv = nbs.pivot_table(index="year", columns="estimator", values="id", aggfunc="first") / 1e8
    levels = pd.DataFrame({"di": nbs.groupby("year")["di"].first() / 1e8,
                           "id_lo": lv[list(ESTIMATORS)].min(axis=1), "id_hi": lv[list(ESTIMATORS)].max(axis=1),
                           "id_caict": lv["caict"], "gdp": nbs.groupby("year")["gdp"].first() / 1e8})
    levels["de_lo"], levels["de_hi"] = levels["di"] + levels["id_lo"], levels["di"] + levels["id_hi"]

    def draw_levels(d: pd.DataFrame):
        plt = _plot.plt()
        P = _plot.PALETTE
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        ax.plot(d["di"], "o-", color=P[0], label="DI")
        ax.fill_between(d.index, d["id_lo"], d["id_hi"], color=P[1], alpha=.35, label=t("ID 区间", "ID band"))
        ax.fill_between(d.index, d["de_lo"], d["de_hi"], color=P[2], alpha=.25, label=t("DE = DI + ID 区间", "DE = DI + ID band"))
        ax.plot(d["id_caict"], "^:", color=P[3], label=t("ID（CAICT 校准）", "ID (caict-calibrated)"))
        ax.set_ylabel(t("万亿元（现价）", "trillion CNY (current prices)"))
        _plot.year_axis(ax)
        ax.legend(fontsize=8, frameon=False, loc="upper left")
        fig.tight_layout()
        return fig

    fig2 = Figure("fig_scale_levels", t("DI、ID 与 DE 的规模（NBS 投入产出表年份）", "DI, ID and DE levels (NBS IO table years)"),
                  t("万亿元，现价（投入产出表增加值口径）", "trillion CNY, current prices (IO-table value added)"),
                  srcs, method, params, _plot.fmt_table(levels), draw_levels,
                  note=t("2017 年用 149 部门表、2020 年用 153 部门表。", "2017 uses the 149-sector, 2020 the 153-sector table."))

    # --- 3. ID share of DE by estimator vs CAICT ----------------------------------------------
    sde = nbs.pivot_table(index="year", columns="estimator", values="id_share_de", aggfunc="first")
    cde = rec[(rec["metric"] == "id_share_de") & (rec["publisher"] == "CAICT")].drop_duplicates("figure")
    cde = cde[~cde["figure"].str.contains("global")]  # China only
    sde["caict_published"] = cde.set_index("year")["published"].reindex(sde.index)

    def draw_de(d: pd.DataFrame):
        fig = _plot.lines(d[[c for c in d.columns if c != "caict_published"]], ylabel=t("占 DE %", "% of DE"),
                          legend_out=True, styles={"growth_lb": "--"})   # growth_lb ≈ growth_pz: keep both visible
        ax = fig.axes[0]
        ax.plot(d["caict_published"].dropna(), "*", color="k", ms=11, label=t("CAICT 公开数", "CAICT published"))
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        return fig

    fig3 = Figure("fig_scale_id_share_de", t("产业数字化占数字经济比重：各估计量与 CAICT", "ID as % of DE by estimator vs CAICT"),
                  t("占 DE %", "% of DE"), srcs, method, params, _plot.fmt_table(sde), draw_de)

    # --- 4. structure of the core: DI mix 01-04 -------------------------------------------------
    mix = acc.core_mix()
    mixn = mix[mix["table"].isin(nbs["table"].unique())].set_index("year")[
        ["di_mix_01", "di_mix_02", "di_mix_03", "di_mix_04"]]
    pubmix = rec[rec["metric"].str.startswith("di_mix_")].drop_duplicates("figure")
    for _, r in pubmix.iterrows():
        mixn.loc[int(r["year"]), r["metric"]] = r["published"]
    mixn = mixn.sort_index()
    mixn["kind"] = np.where(mixn.index.isin(pubmix["year"].astype(int)), "NBS census (published)", "ours (IO table)")
    cats = {"di_mix_01": t("01 数字产品制造业", "01 digital product manufacturing"),
            "di_mix_02": t("02 数字产品服务业", "02 digital product services"),
            "di_mix_03": t("03 数字技术应用业", "03 digital technology application"),
            "di_mix_04": t("04 数字要素驱动业", "04 digital factor-driven")}

    def draw_mix(d: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(7.8, 3.6))
        lab = [f"{y}*" if k.startswith("NBS") else str(y) for y, k in zip(d.index, d["kind"])]
        left = np.zeros(len(d))
        for i, c in enumerate(cats):
            ax.bar(range(len(d)), d[c], bottom=left, color=_plot.PALETTE[i], label=cats[c], width=.7)
            left += d[c].to_numpy(dtype=float)
        ax.set_xticks(range(len(d)), lab)
        ax.set_ylabel(t("占 DI %", "% of DI"))
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.grid(False)
        fig.tight_layout()
        return fig

    fig4 = Figure("fig_scale_core_mix", t("数字经济核心产业结构（01–04 占 DI 比重）", "Structure of the core industries (01–04 as % of DI)"),
                  t("占 DI %", "% of DI"), srcs, "digitrace.digital_accounts(...).core_mix", {},
                  _plot.fmt_table(mixn), draw_mix,
                  note=t("带 * 的年份为国家统计局经济普查公布的结构（2023）。", "Years marked * are the NBS census structure (2023, published)."))

    rec_cols = ["figure", "publisher", "year", "metric", "unit", "published", "status", "table", "estimator",
                "ours", "comparable", "deviation_pp", "deviation_pct", "reason", "source"]
    band20 = acc.band(2020)
    return Section("scale", t("规模与结构", "Scale and structure"), (
        fig1, fig2, fig3,
        Table("tab_scale_reconcile", t("公开数字与本估计的对账表（reconcile）", "Reconciliation of published figures with our estimates"),
              _plot.fmt_table(rec[rec_cols]), srcs, "digitrace.digital_accounts(...).reconcile", {}, max_rows=90,
              note=t("comparable = False 的行说明原因（口径、无同年投入产出表、校准恒等式等）。",
                     "Rows with comparable = False give the reason (definition, no IO table that year, calibration identity…).")),
        Table("tab_scale_band_2020", t("2020 年 ID/GDP：各估计量", "2020 ID/GDP by estimator"),
              _plot.fmt_table(band20.reset_index(drop=True)), srcs, "digitrace.digital_accounts(...).band", {"year": 2020},
              labels={"table": t("投入产出表", "IO table"), "estimator": t("估计量", "estimator"),
                      "id_share_gdp": t("ID 占 GDP %", "ID, % of GDP")}),
        fig4,
        Table("tab_scale_totals", t("全部总量（每张表 × 估计量）", "All totals (every table × estimator)"),
              _plot.fmt_table(tot), srcs, "digitrace.digital_accounts(...).totals", {}, max_rows=20),
        Note(t("<p>估计量定义、参数（折旧率、收益率）与假设见 <code>docs/accounts.md</code>；"
               "OECD 表单位为百万美元，只比较比重。</p>",
               "<p>Estimator definitions, parameters (depreciation, return) and assumptions: <code>docs/accounts.md</code>; "
               "OECD tables are in USD million, so only shares are compared.</p>")),
    ), intro=t("数字经济 DE = 数字产业化 DI（核心产业 01–04 的增加值）+ 产业数字化 ID（非核心部门增加值中归因于数字投入的部分）。"
               "ID 没有唯一口径，这里给出五个估计量的区间，并与 CAICT、国家统计局和蔡跃洲–牛新星的公开数字逐一对账。",
               "Digital economy DE = digital industrialization DI (value added of core industries 01–04) + industrial "
               "digitalization ID (the part of non-core value added attributed to digital inputs). ID has no single "
               "definition: we show the band of estimators and reconcile each published CAICT, NBS and Cai–Niu figure."))
