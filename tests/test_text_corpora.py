"""The real corpora: government work reports and A-share annual reports (../shared/data/text)."""
from __future__ import annotations

import pandas as pd
import pytest

from digitrace.text import corpora
from digitrace.text.normalize import normalize
from digitrace.text.sections import extract_mda

ANNUAL = "text/annual_reports"


def test_first_appearances_in_national_reports(data_dir):
    first = corpora.first_appearances(data_dir=data_dir, terms=("大数据", "数字经济", "云计算", "区块链"))
    assert first["大数据"] == 2014
    assert first["数字经济"] == 2017
    # first years recorded for orientation (tests/reference/text/README.md)
    assert first["区块链"] is None or first["区块链"] >= 2018


def test_gov_digital_dictionary_first_mentions(data_dir):
    s = corpora.gov_report_series(data_dir, "gov_digital")
    assert list(s.columns[:4]) == ["digital_economy", "digital_technology", "digital_infrastructure",
                                   "digital_governance"]
    root = data_dir / corpora.NATIONAL_DIR
    t2016 = (root / "2016_国务院政府工作报告.txt").read_text(encoding="utf-8")
    t2017 = (root / "2017_国务院政府工作报告.txt").read_text(encoding="utf-8")
    from digitrace.text.count import get_matcher

    m = get_matcher("gov_digital")
    assert m.count(t2017).terms.get("数字经济") == 1 and "数字经济" not in m.count(t2016).terms
    assert s.loc[2014:, "total"].min() > s.loc[:1999, "total"].max()


def test_national_series(data_dir):
    s = corpora.gov_report_series(data_dir)
    assert s.index.min() == 1954 and s.index.max() == 2025 and len(s) == 52
    assert (s.loc[:1990, "total"] == 0).all()          # no digital-technology terms before 1990
    assert s.loc[2014:, "total"].min() > 0 or s.loc[2014:, "total"].eq(0).sum() <= 1
    assert (s["total"] == s[["ai", "big_data", "cloud", "blockchain", "digital_application"]].sum(axis=1)).all()
    assert s.loc[2024, "ai"] >= 3                     # 人工智能+ (manifest: 3× 人工智能 in 2024)
    prov = s.attrs["provenance"]
    assert prov["method"] == "digitrace.text.gov_report_series" and len(prov["inputs"]) == 52
    assert prov["params"]["dictionary"] == "wufei2021" and "管理世界" in prov["reference"]


def test_provincial_cross_section_strips_boilerplate(data_dir):
    p = corpora.provincial_cross_section(data_dir)
    assert len(p) == 31 and set(p["year"]) == {2026}
    assert p["adcode"].is_unique and p.loc["广西壮族自治区", "adcode"] == 450000
    root = data_dir / "text/gov_work_reports/provincial_2026_txt"
    for f in sorted(root.glob("*.txt")):
        body = corpora.strip_web_boilerplate(f.read_text(encoding="utf-8"))
        assert body.startswith("各位代表"), f.name
        tail = body[-60:]
        for chrome in ("相关报道", "打印本页", "关闭窗口", "扫一扫", "分享到"):
            assert chrome not in tail, (f.name, chrome)
        assert "【字号" not in body and "下载\n打印" not in body
        assert "\n附件" not in body and "名词解释" not in body[-200:], f.name
    assert (p["n_chars"] > 9000).all()


def test_shanghai_series(data_dir):
    s = corpora.shanghai_series(data_dir)
    assert list(s.index) == [2020, 2021, 2022, 2023, 2024]
    assert (s["n_chars"] > 14000).all() and (s["total"] > 0).all()
    p = corpora.provincial_cross_section(data_dir)
    assert p.loc["上海市", "total"] > 0  # 2026 continues the series


@pytest.fixture(scope="module")
def manifest(data_dir):
    return pd.read_csv(data_dir / ANNUAL / "manifest.csv")


@pytest.fixture(scope="module")
def firms(data_dir):
    return corpora.firm_scores(data_dir)


def test_mda_extraction_matches_manifest_on_all_33_reports(firms, manifest):
    mda = firms[firms.section == "mda"].set_index("file")
    checked = 0
    for _, r in manifest.iterrows():
        name = r.file.split("/")[-1]
        if r.file.startswith("pdf_extra"):  # not shipped in the data folder
            continue
        row = mda.loc[name]
        assert row.mda_found, r.file
        assert row.mda_heading == r.mda_heading, r.file
        assert row.mda_end_heading == r.mda_next_heading, r.file
        # n_chars of the MD&A row = folded length of the extracted section
        assert abs(row.n_chars / r.mda_chars_helper - 1) < 0.005, (r.file, row.n_chars, r.mda_chars_helper)
        checked += 1
    assert checked == 33


def test_mda_not_fooled_by_cross_references():
    body = "经营概述" * 800
    text = ("目录\n第一节 重要提示........1\n第四节 经营情况讨论与分析........10\n第五节 重要事项....30\n"
            "第一节 重要提示\n详见本报告“第四节 经营情况讨论与分析”中的相关内容。\n"
            "第四节 经营情况讨论与分析\n" + body + "\n第五节 重要事项\n其他内容\n")
    sec = extract_mda(text)
    assert sec.found and sec.variant == "section"
    assert normalize(sec.text) == "第四节经营情况讨论与分析" + body


def test_mda_fallback_sets_flag():
    sec = extract_mda("没有任何章节标题的文本。")
    assert not sec.found and sec.variant == "fallback" and sec.text == "没有任何章节标题的文本。"


def test_pingan_2024_pdf_equals_text(data_dir):
    a = corpora.pdf_text_agreement(data_dir)
    assert a.loc["full", "chars_pdf"] == a.loc["full", "chars_txt"] == 238056
    assert a.loc["full", "shingle_match"] == 1.0
    assert a.loc["mda", "shingle_match"] > 0.98
    for sec in ("full", "mda"):
        assert a.loc[sec, "total_pdf"] == a.loc[sec, "total_txt"]


def test_firm_scores_full_and_mda(firms):
    f = firms
    assert len(f.attrs["provenance"]["inputs"]) == 34
    assert len(f) == 2 * 34 and f["mda_found"].all()
    full = f[f.section == "full"].set_index("file")
    mda = f[f.section == "mda"].set_index("file")
    assert (mda["total"] <= full["total"]).all()
    assert (mda["n_chars"] < full["n_chars"]).all()
    assert full.loc["000001_2018_平安银行.txt", "year"] == 2018
    # banks and tech-leaning firms score high, property firms zero in the MD&A (manifest check 4)
    assert mda.loc["000001_2018_平安银行.txt", "total"] > 50
    assert mda.loc["000002_2018_万科A.txt", "total"] == 0


def test_mda_term_counts_match_manifest_substring_counts(data_dir, manifest):
    """Manifest check 4 counted plain substrings in the MD&A (spaces removed, line breaks kept).

    With overlapping matching and no negation/exclusions our counts must equal
    those, plus the occurrences broken across a line (大数\\n据), which we count on purpose.
    """
    import json
    import re

    from digitrace.text.count import get_matcher
    from digitrace.text.ingest import read_document

    m = get_matcher(overlapping=True, negation=False, exclusions=False)
    terms = {t.term for t in m.dictionary.terms}
    pairs = broken_total = 0
    for _, r in manifest[manifest.file.str.startswith("txt/")].iterrows():
        ref = json.loads(r.mda_keyword_counts) if isinstance(r.mda_keyword_counts, str) else {}
        sec = extract_mda(read_document(data_dir / ANNUAL / r.file)).text
        ours = m.count(sec).terms
        for term, n in ref.items():
            if term not in terms:
                continue
            broken = len([x for x in re.finditer(r"\s*".join(term), sec) if x.group() != term])
            assert ours.get(term, 0) == n + broken, (r.file, term, n, broken, ours.get(term))
            pairs += 1
            broken_total += broken
    assert pairs == 21 and broken_total == 3   # 平安银行 2018: 大\n数据, 大数\n据, 区块\n链


def test_cli_corpus_national(capsys):
    from digitrace.cli import main

    main(["text", "corpus", "national", "-f", "csv"])
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln]
    assert lines[0].startswith("year,ai,big_data,cloud,blockchain,digital_application,total,ln1p")
    assert len(lines) == 53
