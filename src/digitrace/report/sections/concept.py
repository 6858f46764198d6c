"""Section 1 — concept and classification: the NBS 2021 01–05 tree and how IO sectors map to it."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..blocks import Figure, Note, Section, Table
from . import _plot

TABLE_2020 = "io/nbs/china_2020_153.csv"
NBS_FILE = "classification/nbs_digital_economy_2021.csv"


def build(ctx: Any) -> Section:
    import digitrace
    from digitrace import classify

    t = ctx.t
    ctx.src(NBS_FILE)
    tree = classify.classification()
    major = tree[tree["level"] == "major"]
    mid = tree[tree["level"] == "mid"]
    sub = tree[tree["level"] == "sub"]
    name = "name_zh" if ctx.lang == "zh" else "name_en"
    rows = []
    for code, m in major.iterrows():
        mids = mid[mid["parent"] == code]
        subs = sub[sub["parent"].isin(mids.index)]
        rows.append({"code": code, "name": m[name], "scope": m["scope"],
                     "n_mid": len(mids), "n_sub": len(subs),
                     "n_sub_partial": int(subs["partial"].astype(str).str.contains("1").sum()),
                     "confidence": m["confidence"]})
    tree_tab = pd.DataFrame(rows).set_index("code")
    mid_tab = mid[["parent", name, "confidence", "scope"]].rename(columns={name: "name"})
    mid_tab = mid_tab.assign(n_sub=[int((sub["parent"] == c).sum()) for c in mid_tab.index])

    # how each IO sector of the 2020 153-sector table maps to 01-04 (+ 05 scope)
    p = ctx.src(TABLE_2020)
    table = ctx.cached("io2020_153", lambda: digitrace.load_io_table(p))
    secs = classify.sectors(table)
    va = pd.Series(table.va, index=table.codes, dtype=float)
    secs = secs.assign(va=va.reindex(secs.index).to_numpy())
    shares = ["share_01", "share_02", "share_03", "share_04"]
    core = secs[secs["core_share"] > 0].sort_values("core_share", ascending=False)
    label = core["name_zh" if ctx.lang == "zh" else "name_en"]
    cat_labels = {f"share_0{i}": f"0{i} {major.loc[f'0{i}', name]}" for i in range(1, 5)}

    def draw_bars(d: pd.DataFrame):
        w = 16 if ctx.lang == "zh" else 34
        d = d.set_axis([f"{c} {_plot.short(n, w)}" for c, n in zip(d.index, d["sector_name"])], axis=0)
        return _plot.stacked_barh(d[shares], xlabel=t("数字经济核心产业占比（0–1）", "core digital share (0–1)"),
                                  labels=cat_labels, figsize=(8.5, 0.9 + 0.26 * len(d)))

    fig_bars = Figure(
        "fig_concept_core_shares_2020", t("2020 年 153 部门投入产出表：各部门的数字经济核心产业（01–04）份额",
                                          "2020 153-sector IO table: each sector's digital-core (01–04) share"),
        t("部门增加值中属于 01–04 的比例", "share of sector value added in 01–04"),
        (TABLE_2020, NBS_FILE), "digitrace.classify.sectors", {"vintage": "nbs153"},
        _plot.fmt_table(core[shares + ["core_share", "confidence"]].assign(sector_name=label)),
        draw_bars, note=t("仅列出核心份额大于 0 的部门；其余部门全部归入 05（数字化效率提升业）范围。",
                          "Only sectors with a positive core share; all others fall entirely in the 05 scope."))

    # VA-weighted core mix by category (what the accounts section builds on)
    w = secs[shares].mul(secs["va"], axis=0).sum() / secs["va"].sum() * 100
    mix = pd.DataFrame({"category": [cat_labels[s] for s in shares], "pct_of_va": w.to_numpy()}).set_index("category")

    def draw_mix(d: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(6.5, 2.8))
        ax.barh(range(len(d)), d["pct_of_va"], color=_plot.PALETTE[:len(d)])
        ax.set_yticks(range(len(d)), d.index, fontsize=9)
        ax.invert_yaxis()
        for i, v in enumerate(d["pct_of_va"]):
            ax.text(v, i, f" {v:.2f}", va="center", fontsize=8)
        ax.set_xlabel(t("占全部增加值 %", "% of total value added"))
        fig.tight_layout()
        return fig

    fig_mix = Figure(
        "fig_concept_core_mix_2020", t("2020 年核心产业各大类占增加值比重（按部门增加值加权的份额）",
                                       "2020 core categories as % of value added (sector shares weighted by VA)"),
        "%", (TABLE_2020, NBS_FILE), "digitrace.classify.sectors", {"vintage": "nbs153", "weights": "sector VA"},
        _plot.fmt_table(mix), draw_mix)

    # every IO sector list we hold: how many sectors carry a digital-core share
    vin = classify.vintages().drop_duplicates("vintage")["vintage"]
    vrows = []
    for v in vin:
        cs = classify.core_shares(v).sum(axis=1)
        vrows.append({"vintage": v, "n_sectors": len(cs), "n_core_share_gt0": int((cs > 0).sum()),
                      "n_core_share_ge_0.5": int((cs >= 0.5).sum()), "n_core_share_1": int((cs >= 1 - 1e-12).sum())})
    vin_tab = pd.DataFrame(vrows).set_index("vintage")

    mapping = secs[["name_zh" if ctx.lang == "zh" else "name_en", "major", "core_share"] + shares + ["scope_share", "core_categories",
                                                                               "scope_categories", "confidence"]]
    conf = secs["confidence"].value_counts().reindex(["high", "medium", "low"]).fillna(0).astype(int)
    intro = t(
        "国家统计局《数字经济及其核心产业统计分类（2021）》把数字经济分为 5 大类：01–04 为数字经济核心产业"
        "（数字产业化），05 数字化效率提升业为产业数字化的范围。下图与表把 2020 年 153 部门投入产出表的每个部门"
        "映射到这些大类（GB/T 4754-2017 小类对应，部门内按就业加权；置信度见表）。",
        "The NBS Classification of the Digital Economy and its Core Industries (2021) has 5 major categories: "
        "01–04 are the digital core (digital industrialization), 05 (digital efficiency improvement) is the scope "
        "of industrial digitalization. Below, each sector of the 2020 153-sector IO table is mapped to them "
        "(via GB/T 4754-2017 classes, employment-weighted within sectors; confidence in the table).")
    return Section("concept", t("概念与分类", "Concept and classification"), (
        Table("tab_concept_tree", t("NBS 2021 分类树：大类、中类与小类数", "NBS 2021 tree: major categories, mid and sub counts"),
              tree_tab, (NBS_FILE,), "digitrace.classify.classification", {"level": None},
              labels={"code": t("代码", "code"), "name": t("名称", "name"), "scope": t("范围", "scope"),
                      "n_mid": t("中类数", "mid classes"), "n_sub": t("小类数", "sub classes"),
                      "n_sub_partial": t("部分归属的小类", "partly digital sub classes"),
                      "confidence": t("置信度", "confidence")}),
        Table("tab_concept_mid", t("32 个中类", "The 32 mid categories"), mid_tab, (NBS_FILE,),
              "digitrace.classify.classification", {"level": "mid"}, max_rows=32),
        fig_bars, fig_mix,
        Table("tab_concept_mapping_2020", t("153 个部门到 01–05 的映射（含置信度）",
                                            "The 153 sectors mapped to 01–05 (with confidence)"),
              _plot.fmt_table(mapping), (TABLE_2020, NBS_FILE), "digitrace.classify.sectors", {"vintage": "nbs153"},
              note=t(f"置信度：高 {conf['high']}、中 {conf['medium']}、低 {conf['low']} 个部门。",
                     f"Confidence: high {conf['high']}, medium {conf['medium']}, low {conf['low']} sectors."),
              max_rows=40),
        Table("tab_concept_vintages", t("各投入产出表部门口径：含数字经济核心份额的部门数", "Every IO sector list: sectors with a digital-core share"),
              vin_tab, (NBS_FILE,), "digitrace.classify.core_shares", {},
              labels={"vintage": t("部门口径", "sector list"), "n_sectors": t("部门数", "sectors"),
                      "n_core_share_gt0": t("核心份额 > 0", "core share > 0"),
                      "n_core_share_ge_0.5": t("核心份额 ≥ 0.5", "core share ≥ 0.5"),
                      "n_core_share_1": t("核心份额 = 1", "core share = 1")},
              note=t("nbs122：2002 年 122 部门；nbs42_2005：2005 年 42 部门；nbs41：2010 年 41 部门；nbs42_2015：2015 年 42 部门；nbs42：2017/2018/2020 年 42 部门；nbs149：2017 年 149 部门；nbs153：2018/2020 年 153 部门；oecd45：OECD 45 部门。",
                     "nbs122: 2002, 122 sectors; nbs42_2005: 2005, 42; nbs41: 2010, 41; nbs42_2015: 2015, 42; nbs42: 2017/2018/2020, 42; nbs149: 2017, 149; nbs153: 2018/2020, 153; oecd45: OECD, 45 sectors.")),
        Note(t("<p>置信度规则与份额计算见 <code>docs/classification.md</code>。</p>",
               "<p>Confidence rules and share computation: <code>docs/classification.md</code>.</p>")),
    ), intro=intro)
