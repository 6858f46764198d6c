"""The project's real text corpora as DataFrames.

* :func:`gov_report_series` – national government work reports 1954–2025:
  a yearly digital-attention series by dictionary group.
* :func:`provincial_cross_section` – the 31 provincial reports of 2026, with
  the web-page chrome stripped (:func:`strip_web_boilerplate`).
* :func:`shanghai_series` – Shanghai's reports 2020–2024.
* :func:`firm_scores` – firm-year scores of the real annual reports, from the
  full text and from the MD&A (:func:`~digitrace.text.sections.extract_mda`).
* :func:`first_appearances` – first year each term occurs.
* :func:`pdf_text_agreement` – the 平安银行 2024 PDF against its text version.

All take the data directory (``../shared/data`` layout) and a dictionary
name or path, and return plain DataFrames whose count columns are named by the
dictionary's group ids, plus ``total``, ``ln1p`` (= ln(1 + total)) and
``per_10k`` (hits per 10,000 folded characters).
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from ..paths import data_dir as _data_dir
from .count import get_matcher
from .dictionaries import Dictionary, load_dictionary
from .ingest import read_document
from .normalize import normalize
from .sections import extract_mda

__all__ = [
    "firm_scores",
    "first_appearances",
    "gov_report_series",
    "parse_doc_name",
    "pdf_text_agreement",
    "provincial_cross_section",
    "read_corpus_dir",
    "strip_web_boilerplate",
]

NATIONAL_DIR = Path("text/gov_work_reports/national_1954_2025_txt")
PROVINCIAL_DIR = Path("text/gov_work_reports/provincial_2026_txt")
SHANGHAI_DIR = Path("text/gov_work_reports/shanghai_2020_2024_txt")
ANNUAL_DIR = Path("text/annual_reports")

_END_CHROME = re.compile(r"^(相关报道[:：]?|相关文档[:：]?|扫一扫在手机打开当前页|【?打印本页】?|【?关闭窗口】?|"
                         r"》》点击.*|分享到.*|编辑[:：].*|[（(]来源[:：].*[）)])$")
_NOTES = re.compile(r"^(名词解释|注释|名词注释|.{0,16}名词注释|附件[0-9一二三四五六七八九十]*[:：]?(名词解释)?)$")


def strip_web_boilerplate(text: str, *, keep_notes: bool = False) -> str:
    """Cut web-page chrome from a scraped government work report.

    The report starts at the first line that begins with 各位代表 (in the first
    60 lines; otherwise the text is kept from the top) and ends before the
    first trailing chrome line after it (相关报道：, 打印本页, 关闭窗口,
    扫一扫在手机打开当前页, 分享到…, 编辑：…, （来源：…）).  Unless
    ``keep_notes`` is True, appendices (a line 附件, 附件1 …) and an appended
    glossary (名词解释 / 注释) are cut too, so that lists of tasks and
    definitions of terms do not count as attention (广东, 江西, 内蒙古, 四川,
    海南 append them).
    """
    lines = text.replace("\r\n", "\n").split("\n")
    start = 0
    for i, ln in enumerate(lines[:60]):
        if ln.strip().startswith("各位代表"):
            start = i
            break
    end = len(lines)
    for j in range(start + 1, len(lines)):
        s = re.sub(r"\s+", "", lines[j])
        if _END_CHROME.match(s) or (not keep_notes and _NOTES.match(s)):
            end = j
            break
    return "\n".join(lines[start:end]).strip()


def parse_doc_name(stem: str) -> tuple[str, int | None]:
    """Entity and year from a file name stem.

    ``000001_2018_平安银行`` → (``000001``, 2018); ``2026_北京市_政府工作报告`` →
    (``北京市``, 2026); ``1954_国务院政府工作报告`` → (``国务院政府工作报告``, 1954).
    A six-digit stock code wins as entity; otherwise the first token that is
    not the year.  Year is the first token 1900–2099 (None if absent).
    """
    toks = [t for t in re.split(r"[_\-\s]+", stem) if t]
    year = next((int(t) for t in toks if re.fullmatch(r"(19|20)\d\d", t)), None)
    code = next((t for t in toks if re.fullmatch(r"\d{6}", t)), None)
    if code:
        return code, year
    rest = [t for t in toks if not (year is not None and t == str(year))]
    return (rest[0] if rest else stem), year


def _row(matcher, text: str) -> dict:
    c = matcher.count(text)
    n = c.total
    d = dict(c.groups)
    d.update(total=n, ln1p=math.log1p(n), n_chars=c.n_chars,
             per_10k=(1e4 * n / c.n_chars) if c.n_chars else float("nan"), negated=c.negated)
    return d


def _dict(dictionary) -> Dictionary:
    return load_dictionary(dictionary)


def _with_provenance(df: pd.DataFrame, method: str, d: Dictionary, files, **params) -> pd.DataFrame:
    """Attach ``df.attrs["provenance"]`` (method, params, input sha256s, reference)."""
    from .._results import Provenance, file_sha256

    prov = Provenance(f"digitrace.text.{method}", {"dictionary": d.name, **params},
                      tuple((Path(f).name, file_sha256(f)) for f in files),
                      d.reference or "user dictionary " + d.source)
    df.attrs["provenance"] = prov.to_dict()
    return df


def read_corpus_dir(path: str | Path, pattern: str = "*.txt") -> dict[str, str]:
    """Read every matching file of a folder: {file stem: text}, sorted by name."""
    return {p.stem: read_document(p) for p in sorted(Path(path).glob(pattern))}


def gov_report_series(data_dir: str | Path | None = None, dictionary="wufei2021", *,
                      overlapping: bool = False, negation: bool = True) -> pd.DataFrame:
    """Yearly digital-attention series from the national government work reports.

    Returns
    -------
    DataFrame indexed by ``year`` (1954–2025, years without a report absent)
    with one column per group, ``total``, ``ln1p``, ``n_chars``, ``per_10k``
    and ``negated``.
    """
    root = _data_dir(data_dir) / NATIONAL_DIR
    m = get_matcher(_dict(dictionary), overlapping=overlapping, negation=negation)
    rows = []
    for stem, text in read_corpus_dir(root).items():
        _, year = parse_doc_name(stem)
        rows.append({"year": year, **_row(m, text)})
    df = pd.DataFrame(rows).set_index("year").sort_index()
    return _with_provenance(df, "gov_report_series", m.dictionary, sorted(root.glob("*.txt")),
                            overlapping=overlapping, negation=negation)


def provincial_cross_section(data_dir: str | Path | None = None, dictionary="wufei2021", *,
                             keep_notes: bool = False, overlapping: bool = False,
                             negation: bool = True) -> pd.DataFrame:
    """Cross-section of the 31 provincial government work reports of 2026.

    Web chrome is stripped with :func:`strip_web_boilerplate`.  Indexed by
    ``province`` (full name as in the file name), with ``adcode`` (6-digit,
    via :func:`digitrace.resolve_province`), ``year`` and the count columns.  Hebei and Tibet's texts are short and may be abridged (data
    manifest); compare ``per_10k`` rather than raw counts.
    """
    root = _data_dir(data_dir) / PROVINCIAL_DIR
    m = get_matcher(_dict(dictionary), overlapping=overlapping, negation=negation)
    from ..data.provinces import resolve_province

    rows = []
    for stem, text in read_corpus_dir(root).items():
        prov, year = parse_doc_name(stem)
        body = strip_web_boilerplate(text, keep_notes=keep_notes)
        rows.append({"province": prov, "adcode": resolve_province(prov), "year": year,
                     **_row(m, body)})
    df = pd.DataFrame(rows).set_index("province")
    return _with_provenance(df, "provincial_cross_section", m.dictionary, sorted(root.glob("*.txt")),
                            keep_notes=keep_notes, overlapping=overlapping, negation=negation)


def shanghai_series(data_dir: str | Path | None = None, dictionary="wufei2021", *,
                    overlapping: bool = False, negation: bool = True) -> pd.DataFrame:
    """Shanghai's government work reports 2020–2024 (the one provincial time series in the data).

    Indexed by ``year``; same columns as :func:`gov_report_series`.  These
    texts carry no web chrome (they open with the mayor's name and 各位代表).
    """
    root = _data_dir(data_dir) / SHANGHAI_DIR
    m = get_matcher(_dict(dictionary), overlapping=overlapping, negation=negation)
    rows = []
    for stem, text in read_corpus_dir(root).items():
        _, year = parse_doc_name(stem)
        rows.append({"year": year, **_row(m, strip_web_boilerplate(text))})
    df = pd.DataFrame(rows).set_index("year").sort_index()
    return _with_provenance(df, "shanghai_series", m.dictionary, sorted(root.glob("*.txt")),
                            overlapping=overlapping, negation=negation)


def firm_scores(data_dir: str | Path | None = None, dictionary="wufei2021", *,
                overlapping: bool = False, negation: bool = True) -> pd.DataFrame:
    """Firm-year scores of the real annual reports, full text and MD&A.

    One row per document and section (``full``/``mda``): ``code``, ``year``,
    ``name``, ``format`` (pdf/txt), ``mda_found``, ``mda_heading`` and
    ``mda_end_heading``, the
    group counts, ``total``, ``ln1p``, ``n_chars``, ``per_10k``.  The 平安银行
    2024 text version (top level of the folder) is included with format
    ``txt``; its PDF is the same report.
    """
    root = _data_dir(data_dir) / ANNUAL_DIR
    m = get_matcher(_dict(dictionary), overlapping=overlapping, negation=negation)
    files = sorted((root / "txt").glob("*.txt")) + sorted((root / "pdf").glob("*.pdf"))
    files += sorted(p for p in root.glob("*.txt") if "MDA_extract" not in p.name)
    rows = []
    for p in files:
        text = read_document(p)
        code, year = parse_doc_name(p.stem)
        name = p.stem.split("_")[2] if p.stem.count("_") >= 2 else ""
        sec = extract_mda(text)
        base = {"code": code, "year": year, "name": name, "format": p.suffix[1:], "file": p.name,
                "mda_found": sec.found, "mda_heading": sec.heading, "mda_end_heading": sec.end_heading}
        rows.append({**base, "section": "full", **_row(m, text)})
        rows.append({**base, "section": "mda", **_row(m, sec.text)})
    return _with_provenance(pd.DataFrame(rows), "firm_scores", m.dictionary, files,
                            overlapping=overlapping, negation=negation)


def first_appearances(texts: dict[int, str] | pd.Series | None = None, terms=("大数据", "数字经济"), *,
                      data_dir: str | Path | None = None, negation: bool = False) -> dict[str, int | None]:
    """First year in which each term is found.

    Parameters
    ----------
    texts : mapping year → text, optional
        Defaults to the national government work reports.
    terms : iterable of str
    negation : bool, default False
        Apply the negation rule (off by default: a first mention is a mention).
    """
    if texts is None:
        root = _data_dir(data_dir) / NATIONAL_DIR
        texts = {parse_doc_name(s)[1]: t for s, t in read_corpus_dir(root).items()}
    from .dictionaries import _from_rows

    d = _from_rows("terms", [{"group": t, "term": t} for t in terms], "<terms>")
    m = get_matcher(d, negation=negation, exclusions=False)
    out: dict[str, int | None] = {t: None for t in terms}
    for year in sorted(texts):
        c = m.count(texts[year]).groups
        for t in terms:
            if out[t] is None and c[t] > 0:
                out[t] = year
    return out


def pdf_text_agreement(data_dir: str | Path | None = None, dictionary="wufei2021",
                       *, n_shingles: int = 500, seed: int = 0) -> pd.DataFrame:
    """Compare the 平安银行 2024 PDF extraction with the text version of the same report.

    Returns one row per (section, measure): folded length of each, the share
    of ``n_shingles`` random 20-character shingles of the text version found
    in the PDF extraction, and the per-group counts of both.
    """
    import numpy as np

    root = _data_dir(data_dir) / ANNUAL_DIR
    pdf = read_document(root / "pdf" / "000001_2024_平安银行.pdf")
    txt = read_document(next(p for p in root.glob("000001_2024_*年度报告*.txt")))
    m = get_matcher(_dict(dictionary))
    rng = np.random.default_rng(seed)
    rows = []
    for section in ("full", "mda"):
        a = pdf if section == "full" else extract_mda(pdf).text
        b = txt if section == "full" else extract_mda(txt).text
        na, nb = normalize(a), normalize(b)
        starts = rng.integers(0, max(1, len(nb) - 20), size=n_shingles)
        share = float(np.mean([nb[s:s + 20] in na for s in starts]))
        ca, cb = m.count(na, normalized=True), m.count(nb, normalized=True)
        row = {"section": section, "chars_pdf": len(na), "chars_txt": len(nb),
               "shingle_match": share, "total_pdf": ca.total, "total_txt": cb.total}
        for g in m.dictionary.groups:
            row[f"{g}_pdf"] = ca.groups[g]
            row[f"{g}_txt"] = cb.groups[g]
        rows.append(row)
    return pd.DataFrame(rows).set_index("section")
