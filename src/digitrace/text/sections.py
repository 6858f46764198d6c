"""Find the MD&A section (管理层讨论与分析) of a Chinese annual report.

The MD&A chapter carries different titles across years and exchanges.  All of
these occur in the project's real reports and are handled:

==============================================  =============================
heading (whole line, spaces ignored)            example
==============================================  =============================
``第X节 经营情况讨论与分析``                       SZSE reports 2016–2020
``第X节 管理层讨论与分析``                         SSE/SZSE from 2021
``第X章`` + line break + ``管理层讨论与分析``        平安银行 2024 (chapters)
``第X节 董事会报告`` (+ ``一、经营情况讨论与分析``)    万科 2018, 浦发 2007–2011
``八、董事会报告`` / ``四、董事会报告``              万科 2007–2014
``7.讨论与分析``                                  邮储银行 2019 (A+H layout)
==============================================  =============================

Algorithm (line based, on text folded by :func:`~digitrace.text.normalize`
with line breaks kept):

1. A *heading* is a whole line ``第<n>[节章]<title>``, ``<n>、<title>`` (Chinese
   numeral) or ``<n>.<title>`` (Arabic numeral, not ``7.1``).  A line holding
   only ``第<n>章`` is joined with the next line.  Cross-references inside
   sentences (…详见“第四节 经营情况讨论与分析”…) and running headers glued to
   the end of a line are never whole lines, so they are never starts.
2. Start candidates are tried in tiers: ``第n节/章`` with an MD&A title
   (管理层/经营情况讨论与分析); ``第n节/章 董事会报告``; ``n、`` with an MD&A or
   董事会报告 title; ``n.讨论与分析``.  (So ``11.董事会报告`` of an A+H bank,
   which is not its MD&A, is never taken.)
3. A candidate is a table-of-contents entry, and skipped, when one of the two
   following lines ends in a dot leader (``……23``) or when the section it
   opens is shorter than ``min_chars`` (default 2,000 characters).
4. The section ends at the next heading of the same family numbered
   n+1 … n+3 (``第五节 重要事项``, ``九、监事会报告``, ``8.股本变动…``).
   Repeated running headers carry the same number n and never end it.
5. If no candidate qualifies, the whole text is returned with
   ``found = False`` (the caller decides; the scorer records the flag).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import _LINE_TABLE

__all__ = ["MDA_TITLES", "Section", "extract_mda"]

_CN = "一二三四五六七八九十"
MDA_TITLES = ("管理层讨论与分析", "经营情况讨论与分析", "管理层讨论及分析", "经营情况讨论及分析")
BOARD_TITLES = ("董事会报告", "董事局报告", "董事会工作报告")
DISCUSSION_TITLES = MDA_TITLES + ("讨论与分析",)

_H_SECTION = re.compile(r"^第([一二三四五六七八九十]{1,3})([节章])(\S{2,24})$")
_H_SECTION_BARE = re.compile(r"^第([一二三四五六七八九十]{1,3})([节章])$")
_H_CNLIST = re.compile(r"^([一二三四五六七八九十]{1,3})[、.](\S{2,24})$")
_H_ARABIC = re.compile(r"^(\d{1,2})[.、](?!\d)(\S{2,24})$")
_DOT_LEADER = re.compile(r"(\.{4,}|…{2,}|·{4,}|-{6,})\s*\d*$")


def _cn_number(s: str) -> int:
    """Chinese numeral 一 … 九十九 to int."""
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN.index(a) + 1 if a else 1) * 10 + (_CN.index(b) + 1 if b else 0)
    return _CN.index(s) + 1


@dataclass(frozen=True)
class Section:
    """An extracted section.

    Attributes
    ----------
    text : str
        The section's original lines (or the whole text when ``found`` is False).
    found : bool
        False when no heading qualified and ``text`` is the full document.
    heading, end_heading : str
        The folded start heading and the heading that ended the section.
    start_line, end_line : int
        Line numbers (0-based, end exclusive) in the original text.
    variant : str
        ``"section"`` (第n节/章), ``"board"`` (第n节 董事会报告), ``"cnlist"``
        (n、…) or ``"arabic"`` (n.讨论与分析), or ``"fallback"``.
    """

    text: str
    found: bool
    heading: str = ""
    end_heading: str = ""
    start_line: int = 0
    end_line: int = 0
    variant: str = "fallback"


def _split_raw(text: str) -> list[str]:
    for sep in ("\r\n", "\r", "\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
        if sep in text:
            text = text.replace(sep, "\n")
    return text.split("\n")


def _headings(lines: list[str]) -> list[tuple[int, str, int, str]]:
    """All whole-line headings: (line, family, number, title)."""
    out = []
    n = len(lines)
    for i, ln in enumerate(lines):
        if not ln or len(ln) > 30:
            continue
        m = _H_SECTION.match(ln)
        if m:
            out.append((i, "sec" + m.group(2), _cn_number(m.group(1)), m.group(3)))
            continue
        m = _H_SECTION_BARE.match(ln)
        if m:
            j = i + 1
            while j < n and not lines[j]:
                j += 1
            title = lines[j] if j < n and len(lines[j]) <= 24 else ""
            out.append((i, "sec" + m.group(2), _cn_number(m.group(1)), title))
            continue
        m = _H_CNLIST.match(ln)
        if m:
            out.append((i, "cn", _cn_number(m.group(1)), m.group(2)))
            continue
        m = _H_ARABIC.match(ln)
        if m:
            out.append((i, "ar", int(m.group(1)), m.group(2)))
    return out


def _is_toc(lines: list[str], i: int) -> bool:
    seen = 0
    for j in range(i, min(i + 6, len(lines))):
        if lines[j]:
            if _DOT_LEADER.search(lines[j]):
                return True
            seen += 1
            if seen >= 3:
                break
    return False


def extract_mda(text: str, *, min_chars: int = 2000) -> Section:
    """Extract the MD&A section of an annual report (see the module docstring).

    Parameters
    ----------
    text : str
        The report's text with its line breaks (TXT or PDF extraction).
    min_chars : int, default 2000
        Shortest acceptable section, in folded characters; shorter spans are
        table-of-contents entries.

    Returns
    -------
    Section
        ``found=False`` and the whole text when no MD&A heading qualified.
    """
    raw = _split_raw(text)
    lines = [ln.translate(_LINE_TABLE) for ln in raw]
    heads = _headings(lines)
    cum = [0]
    for ln in lines:
        cum.append(cum[-1] + len(ln))

    tiers = (
        ("section", lambda f, t: f.startswith("sec") and t in MDA_TITLES),
        ("board", lambda f, t: f.startswith("sec") and t in BOARD_TITLES),
        ("cnlist", lambda f, t: f == "cn" and (t in MDA_TITLES or t in BOARD_TITLES)),
        ("arabic", lambda f, t: f == "ar" and t in DISCUSSION_TITLES),
    )
    for variant, accept in tiers:
        for k, (i, fam, num, title) in enumerate(heads):
            if not accept(fam, title) or _is_toc(lines, i):
                continue
            end = next(((j, t2) for (j, f2, n2, t2) in heads[k + 1:]
                        if f2 == fam and num < n2 <= num + 3), None)
            if end is None:
                continue
            j, t2 = end
            if cum[j] - cum[i] < min_chars:
                continue
            head = lines[i] if title in lines[i] else lines[i] + title
            return Section("\n".join(raw[i:j]), True, head, lines[j] if t2 in lines[j] else lines[j] + t2,
                           i, j, variant)
    return Section(text, False, end_line=len(raw))
