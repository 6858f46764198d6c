"""Section 7 — text evidence: digital attention in government work reports and annual reports."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..blocks import Figure, Note, Section, Table
from . import _plot

DICT = "wufei2021"
GROUPS = ("ai", "big_data", "cloud", "blockchain", "digital_application")


def _group_labels(t) -> dict[str, str]:
    return {"ai": t("人工智能", "artificial intelligence"), "big_data": t("大数据", "big data"),
            "cloud": t("云计算", "cloud computing"), "blockchain": t("区块链", "blockchain"),
            "digital_application": t("数字技术应用", "digital technology application")}


def _record_dir(ctx: Any, rel_dir: str | Path, patterns: tuple[str, ...], exclude: str = "") -> tuple[str, ...]:
    """Record every file of ``rel_dir`` matching ``patterns`` as an input (hashed in the
    manifest); return the patterns with their file counts for the figure's source line."""
    root = Path(ctx.data_dir) / rel_dir
    out = []
    for pat in patterns:
        files = sorted(p for p in root.glob(pat) if not (exclude and exclude in p.name))
        for p in files:
            _plot.rel(ctx, str(p.relative_to(ctx.data_dir)))
        out.append(f"{Path(rel_dir).as_posix()}/{pat} ({len(files)})")
    return tuple(out)


def build(ctx: Any) -> Section:
    from digitrace.text import corpora

    t = ctx.t
    labels = _group_labels(t)
    params = {"dictionary": DICT, "overlapping": False, "negation": True}
    blocks: list[Any] = []

    # --- 1. national government work reports 1954-2025 ------------------------------------------
    nat_src = _record_dir(ctx, corpora.NATIONAL_DIR, ("*.txt",))
    nat = corpora.gov_report_series(ctx.data_dir, DICT)
    first = corpora.first_appearances(None, ("互联网", "电子商务", "云计算", "大数据", "人工智能", "数字经济", "区块链"), data_dir=ctx.data_dir)
    grp = nat[list(GROUPS)].mul(1e4).div(nat["n_chars"], axis=0)

    def draw_nat(m: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(9, 3.9))
        bottom = None
        import numpy as np

        bottom = np.zeros(len(m))
        for i, g in enumerate(GROUPS):
            ax.bar(m.index, m[g], bottom=bottom, color=_plot.PALETTE[i], width=.85, label=labels[g])
            bottom += m[g].to_numpy()
        ax.set_ylabel(t("每万字命中数", "hits per 10,000 characters"))
        ax.set_xlim(1952, 2027)
        ax.legend(fontsize=8, frameon=False, loc="upper left")
        fig.tight_layout()
        return fig

    blocks.append(Figure("fig_text_national", t("国务院政府工作报告中的数字技术关注度（1954–2025，按技术组）",
                                                "Digital attention in the national government work reports (1954–2025, by group)"),
                         t("每万字命中数（吴非等 2021 词典）", "hits per 10,000 characters (Wu Fei et al. 2021 dictionary)"),
                         nat_src, "digitrace.text.gov_report_series", params,
                         _plot.fmt_table(grp.join(nat[["total", "n_chars", "per_10k", "negated"]]), 6), draw_nat,
                         note=t("缺少报告的年份为空。", "Years without a report are empty.")))
    fa = pd.DataFrame({"term": list(first), "first_year": pd.array([first[k] for k in first], dtype="Int64")}).set_index("term")
    blocks.append(Table("tab_text_first", t("关键词在国务院政府工作报告中的首次出现年份", "First appearance of key terms in the national reports"),
                        fa, nat_src, "digitrace.text.first_appearances", {"negation": False}))

    # --- 2. provincial cross-section 2026 (map) -----------------------------------------------------
    prov_src = _record_dir(ctx, corpora.PROVINCIAL_DIR, ("*.txt",))
    pv = corpora.provincial_cross_section(ctx.data_dir, DICT)
    import digitrace

    pv = pv.assign(adcode=[digitrace.resolve_province(p) for p in pv.index]).reset_index().set_index("adcode").sort_index()
    geo = ctx.src(_plot.GEOJSON)
    year = int(pv["year"].iloc[0])

    def draw_pv(m: pd.DataFrame):
        return _plot.province_map(m["per_10k"].to_dict(), geo, title=str(year),
                                  cbar_label=t("每万字命中数", "hits per 10,000 characters"), cmap="OrRd")

    blocks.append(Figure("fig_text_provincial_map", t(f"{year} 年省级政府工作报告的数字技术关注度", f"Digital attention in the {year} provincial government work reports"),
                         t("每万字命中数", "hits per 10,000 characters"), prov_src + (_plot.GEOJSON,),
                         "digitrace.text.provincial_cross_section", {**params, "keep_notes": False},
                         _plot.fmt_table(pv[["province", "year", *GROUPS, "total", "n_chars", "per_10k"]], 6), draw_pv,
                         note=t("河北、西藏的文本较短（可能为摘要版），故比较每万字命中数而非原始次数。",
                                "Hebei and Tibet texts are short (possibly abridged): compare per-10k rates, not raw counts.")))

    # --- 3. firm example: annual reports (full text vs MD&A) ------------------------------------------
    firm_src = (_record_dir(ctx, f"{corpora.ANNUAL_DIR}/txt", ("*.txt",))
                + _record_dir(ctx, f"{corpora.ANNUAL_DIR}/pdf", ("*.pdf",))
                + _record_dir(ctx, corpora.ANNUAL_DIR, ("*.txt",), exclude="MDA_extract"))
    fs = corpora.firm_scores(ctx.data_dir, DICT)
    wide = fs.pivot_table(index=["code", "name", "year", "format"], columns="section", values="ln1p", aggfunc="first")
    wide.columns = [f"ln1p_{c}" for c in wide.columns]
    wide = wide.join(fs[fs["section"] == "mda"].set_index(["code", "name", "year", "format"])["mda_found"])
    multi = wide.reset_index()
    multi = multi[multi.groupby("code")["year"].transform("nunique") >= 3].sort_values(["code", "year"])

    def draw_firm(m: pd.DataFrame):
        plt = _plot.plt()
        fig, ax = plt.subplots(figsize=(7.6, 3.7))
        m = m.reset_index()
        for i, ((code, name), g) in enumerate(m.groupby(["code", "name"])):
            g = g.drop_duplicates("year").sort_values("year")
            ax.plot(g["year"], g["ln1p_full"], "o-", color=_plot.PALETTE[i], label=f"{name} ({code}) {t('全文', 'full')}")
            ax.plot(g["year"], g["ln1p_mda"], "s--", color=_plot.PALETTE[i], alpha=.6, label=f"{name} MD&A")
        ax.set_ylabel("DT = ln(1 + n)")
        ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        fig.tight_layout()
        return fig

    blocks.append(Figure("fig_text_firms", t("企业示例：年报数字化转型指数 DT = ln(1+n)（全文与管理层讨论与分析）",
                                             "Firm example: annual-report digital transformation DT = ln(1+n) (full text and MD&A)"),
                         "ln(1 + hits)", firm_src, "digitrace.text.firm_scores", params, _plot.fmt_table(multi.set_index(["code", "year"]), 6),
                         draw_firm, note=t("仅显示有三个及以上年份的企业；全部企业见下表。", "Firms with three or more years; all firms in the table below.")))
    blocks.append(Table("tab_text_firms", t("全部年报：全文与 MD&A 的 DT", "All annual reports: DT for full text and MD&A"),
                        _plot.fmt_table(wide, 6), firm_src, "digitrace.text.firm_scores", params, max_rows=40))
    blocks.append(Note(t("<p>计数采用最左最长匹配、句内否定过滤与误报排除；词典与管线说明见 <code>docs/text.md</code>。"
                         "DT 指数仿照吴非、胡慧芷、林慧妍、任晓怡（2021，《管理世界》）。</p>",
                         "<p>Counting uses leftmost-longest matching, clause-local negation and false-positive exclusions; "
                         "dictionary and pipeline: <code>docs/text.md</code>. DT follows Wu, Hu, Lin and Ren (2021, Management World).</p>")))
    return Section("text", t("文本证据", "Text evidence"), tuple(blocks),
                   intro=t("用吴非等（2021）的数字技术词典统计政府工作报告与上市公司年报中的关键词。",
                           "Digital-technology keywords (Wu Fei et al. 2021 dictionary) counted in government work reports and annual reports."))
