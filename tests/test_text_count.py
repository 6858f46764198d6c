"""Counting kernel: hand-labelled hard cases, normalisation, matching rule, dictionaries."""
from __future__ import annotations

import math
import random
import unicodedata

import pytest

import digitrace
from digitrace.errors import DataError
from digitrace.text.count import KeywordMatcher, count_keywords, get_matcher
from digitrace.text.dictionaries import BUILTIN_DICTIONARIES, load_dictionary
from digitrace.text.normalize import MAPPED_RANGES, normalize

# (text, expected {term: count} under the defaults: leftmost-longest, negation, exclusions).
# Labelled by hand; the reason is in the id.
HARD_CASES = [
    ("fullwidth_latin", "发展ＦＩＮＴＥＣＨ与Ｏ２Ｏ业务", {"Fintech": 1, "O2O": 1}),
    ("fullwidth_mixed_case", "开展ｂ２Ｃ电商", {"B2C": 1}),
    ("compat_glyph_jin", "发展\uf90a融科技", {"金融科技": 1}),      # U+F90A → 金
    ("compat_glyph_liu", "\ufa97计算与\uf9ca计算", {"流计算": 2}),   # U+FA97, U+F9CA → 流
    ("compat_glyph_hang", "开放银\ufa08。", {"开放银行": 1}),        # U+FA08 → 行
    ("compat_glyph_nian_not_a_term", "\uf98e度报告", {}),             # U+F98E → 年, no keyword
    ("kangxi_radical_in_term", "发展\u2f24数据", {"大数据": 1}),  # ⼤ KANGXI RADICAL BIG → 大
    ("split_across_lines", "运用大数\n据和云\r\n计算", {"大数据": 1, "云计算": 1}),
    ("split_by_ideographic_space", "人工\u3000智能", {"人工智能": 1}),
    ("split_by_page_break", "区块\f链", {"区块链": 1}),
    ("negated_meiyou", "公司没有开展大数据业务。", {}),
    ("negated_shangwei", "本行尚未应用区块链技术；", {}),
    ("negated_then_new_clause", "尚未涉足区块链，但已布局人工智能。", {"人工智能": 1}),
    ("negation_scope_list", "暂无云计算、大数据相关收入", {}),
    ("exception_wuxi", "无锡物联网产业园", {"物联网": 1}),
    ("exception_buzhi", "不仅在云计算领域", {"云计算": 1}),
    ("exception_buduan", "不断加大人工智能投入", {"人工智能": 1}),
    ("exception_wuxian", "无线通信与物联网", {"物联网": 1}),
    ("exception_weilai", "未来将发展数字金融", {"数字金融": 1}),
    ("exception_wulun", "无论是电子商务还是移动支付", {"电子商务": 1, "移动支付": 1}),
    ("exception_then_real_negator", "不断投入但未形成大数据能力", {}),
    ("negator_after_keyword_keeps", "大数据业务尚未盈利", {"大数据": 1}),
    ("exception_wusun", "超声无损检测智能机器人", {"智能机器人": 1}),
    ("exception_table_cell", "本期末累积未确认的损失常州电子商务有限公司", {"电子商务": 1}),
    ("negator_19_chars_back", "尚未" + "甲" * 19 + "大数据", {}),
    ("negator_21_chars_back", "尚未" + "甲" * 20 + "大数据", {"大数据": 1}),
    ("nested_longest", "移动互联网快速发展", {"移动互联网": 1}),
    ("nested_prefix_alone", "移动互联时代", {"移动互联": 1}),
    ("nested_then_next", "移动互联网金融", {"移动互联网": 1}),
    ("fp_tezhengxinxi", "提取客户特征信息", {}),
    ("fp_tezheng_and_real", "特征信息与征信系统", {"征信": 1}),
    ("fp_cashflow", "按现金流计算的回报", {}),
    ("fp_shitu", "试图计算风险敞口", {}),
    ("fp_wanglian_internet_alliance", "加入互联网联盟", {}),
    ("fp_wanglian_grid", "国家电网联合研发", {}),
    ("real_wanglian", "接入网联平台", {"网联": 1}),
    ("fp_open_bank_card_market", "有序开放银行卡清算等市场", {}),
    ("real_open_banking", "打造开放银行。", {"开放银行": 1}),
    ("latin_boundary", "xb2bx与b2b", {"B2B": 1}),
    ("latin_b2b2c_not_split", "b2b2c模式", {}),
    ("unmanned_retail_self_negator", "无人零售门店", {"无人零售": 1}),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in HARD_CASES], ids=[c[0] for c in HARD_CASES])
def test_hand_labelled_cases(text, expected):
    c = get_matcher().count(text)
    assert dict(c.terms) == expected
    assert c.total == sum(expected.values())
    assert c.ln1p == pytest.approx(math.log1p(sum(expected.values())))


def test_negation_and_exclusion_counters():
    c = get_matcher().count("公司没有大数据业务。特征信息。")
    assert (c.negated, c.excluded, c.total) == (1, 1, 0)
    off = get_matcher(negation=False, exclusions=False).count("公司没有大数据业务。特征信息。")
    assert dict(off.terms) == {"大数据": 1, "征信": 1}


def test_public_function_returns_group_mapping():
    out = digitrace.count_keywords("公司运用大数据和云计算，尚未涉足区块链。移动互联网")
    assert out == {"ai": 0, "big_data": 1, "cloud": 1, "blockchain": 0, "digital_application": 1}
    assert list(out) == list(load_dictionary("wufei2021").groups)


# ----------------------------------------------------------------- normalisation
def test_translate_table_equals_nfkc_on_mapped_ranges():
    for lo, hi in MAPPED_RANGES:
        chars = "".join(chr(c) for c in range(lo, hi + 1))
        assert normalize(chars) == unicodedata.normalize("NFKC", chars).lower()


def test_numpy_path_equals_translate_path():
    from digitrace.text.normalize import TRANSLATION_TABLE, _normalize_numpy

    rng = random.Random(3)
    pool = ([chr(c) for lo, hi in MAPPED_RANGES for c in range(lo, hi + 1)]
            + list(" \t\n\r\f\u3000\u200b\xa0") + list("大数据云计算区块链，。ABCxyz019")
            + ["\U00020000", "\U0002F81F", "\U0001F600"])
    for n in (0, 1, 50, 5000, 20000):
        s = "".join(rng.choice(pool) for _ in range(n))
        assert _normalize_numpy(s) == s.translate(TRANSLATION_TABLE)
    lone = "大数据\ud800" * 2000  # lone surrogate: falls back to str.translate
    assert _normalize_numpy(lone) == lone.translate(TRANSLATION_TABLE)
    for lo, hi in MAPPED_RANGES:
        chars = "".join(chr(c) for c in range(lo, hi + 1)) * 10
        assert _normalize_numpy(chars) == unicodedata.normalize("NFKC", chars).lower()


def test_known_compatibility_glyphs():
    assert normalize("\uf98e") == "年"        # CJK COMPATIBILITY IDEOGRAPH-F98E
    assert normalize("\u2f24") == "大"        # KANGXI RADICAL BIG
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("大数\n据 ａ\u3000b\u200b") == "大数据ab"


def test_normalize_leaves_other_characters():
    s = "数字经济，「平台」《报告》—年"
    assert normalize(s) == s.replace("，", ",")


# ----------------------------------------------------------------- matching rule
def _brute_leftmost_longest(text, keys):
    out, i = [], 0
    while i < len(text):
        best = max((k for k in keys if text.startswith(k, i)), key=len, default=None)
        if best:
            out.append(best)
            i += len(best)
        else:
            i += 1
    return out


def test_leftmost_longest_matches_brute_force():
    rng = random.Random(7)
    tr = str.maketrans("abcdx", "甲乙丙丁戊")  # CJK letters: the Latin word-boundary rule stays out
    keys = [k.translate(tr) for k in ["ab", "abc", "bcd", "b", "cd", "abcd", "dab", "ca"]]
    d = digitrace.text.dictionaries._from_rows("t", [{"group": "g", "term": k} for k in keys], "<t>")
    m = KeywordMatcher(d, negation=False, exclusions=False)
    for _ in range(400):
        text = "".join(rng.choice("甲乙丙丁戊") for _ in range(rng.randint(0, 30)))
        expected = _brute_leftmost_longest(text, keys)
        c = m.count(text)
        assert c.total == len(expected), text
        for k in set(expected):
            assert c.terms.get(k, 0) == expected.count(k), text


def test_overlapping_differs_on_nested_terms():
    text = "移动互联网"
    assert get_matcher().count(text).terms == {"移动互联网": 1}
    assert get_matcher(overlapping=True).count(text).terms == {"移动互联网": 1, "移动互联": 1}
    assert count_keywords(text, overlapping=True)["digital_application"] == 2


def test_no_state_carried_between_calls():
    docs = ["大数据和人工智能", "无锡物联网", "没有区块链", "移动互联网金融"] * 3
    m = get_matcher()
    first = [m.count(d).groups for d in docs]
    rng = random.Random(1)
    order = list(range(len(docs)))
    rng.shuffle(order)
    again = {i: KeywordMatcher("wufei2021").count(docs[i]).groups for i in order}
    assert [again[i] for i in range(len(docs))] == first


def test_matcher_pickles():
    import pickle

    m = pickle.loads(pickle.dumps(get_matcher()))
    assert m.count("云计算").total == 1


# ----------------------------------------------------------------- dictionaries
def test_wufei_dictionary_against_shared_list(data_dir):
    import pandas as pd

    d = load_dictionary("wufei2021")
    assert len(d) == 76 and len(d.groups) == 5
    sizes = d.to_frame().groupby("group", sort=False).size().to_dict()
    assert sizes == {"ai": 15, "big_data": 9, "cloud": 13, "blockchain": 5, "digital_application": 34}
    ref = pd.read_csv(data_dir / "text/dictionaries/wu2021_digital_transformation_keywords.csv")
    assert sorted(ref.keyword) == sorted(t.term for t in d.terms)
    unverified = {t.term for t in d.terms if not t.verified}
    assert unverified == set(ref.keyword[ref.verified_in_public_source == 0])
    assert unverified == {"自动驾驶", "自然语言处理", "混合现实", "虚拟现实"}
    assert all("UNVERIFIED" in t.note for t in d.terms if not t.verified)
    # same group assignment as the shared list (by the group's Chinese label)
    lab = dict(zip(d.groups, d.labels))
    mine = {t.term: lab[t.group] for t in d.terms}
    assert all(mine[k] == g.split(" ")[0] for k, g in zip(ref.keyword, ref.group))


@pytest.mark.parametrize("name,n_groups", [("seed_characteristics", 4), ("chain_channels", 4),
                                           ("driving_modes", 3), ("gov_digital", 4)])
def test_framework_dictionaries(name, n_groups):
    d = load_dictionary(name)
    assert len(d.groups) == n_groups
    assert all(t.note for t in d.terms) and len(d) >= 10 * n_groups
    assert name in BUILTIN_DICTIONARIES


def test_user_yaml_and_csv(tmp_path):
    y = tmp_path / "d.yaml"
    y.write_text("name: mine\ngroups:\n  tech: [大数据, {term: 算力, note: compute}]\n  plat: [平台经济]\n",
                 encoding="utf-8")
    assert count_keywords("算力与大数据支撑平台经济", y) == {"tech": 2, "plat": 1}
    c = tmp_path / "d.csv"
    c.write_bytes("group,term,note\ntech,大数据,x\nplat,平台经济,y\n".encode("gbk"))
    assert count_keywords("大数据平台经济", c) == {"tech": 1, "plat": 1}


def test_bad_dictionaries_name_file_row_column(tmp_path):
    with pytest.raises(DataError, match="unknown dictionary"):
        load_dictionary("nope")
    c = tmp_path / "bad.csv"
    c.write_text("group,term\na,大数据\nb,大数据\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.csv, row 3, column term"):
        load_dictionary(c)
    c.write_text("grp,word\na,x\n", encoding="utf-8")
    with pytest.raises(DataError, match="needs columns"):
        load_dictionary(c)
    c.write_text("group,term\na,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2, column term"):
        load_dictionary(c)
