"""Dictionary keyword counting: leftmost-longest matching, negation, exclusions.

Matching
--------
Terms are matched on the folded text (:func:`~digitrace.text.normalize`) with
one Aho–Corasick automaton (``pyahocorasick``).

* ``overlapping=False`` (default): **leftmost-longest**, the POSIX rule.
  Scanning left to right, the match that starts first wins; among those, the
  longest.  Matched text is consumed, so ``移动互联网`` counts once (as
  移动互联网), never also as its prefix ``移动互联``, and ``移动互联网金融``
  counts 移动互联网 only.
* ``overlapping=True``: every occurrence of every term, so ``移动互联网``
  counts both 移动互联网 and 移动互联 (+2).  This is what naive
  ``str.count`` loops over a dictionary give.

Latin terms (``B2B``, ``O2O``, ``Fintech``) match case-insensitively and only
where the neighbouring characters are not ASCII letters or digits.

Negation (``negation=True``)
----------------------------
A hit is dropped when a negator occurs *earlier in the same clause*: between
the last clause delimiter (。，；：！？ and their ASCII forms) and the hit,
looking back at most ``NEGATION_WINDOW`` = 20 characters (the cap keeps
table rows, which have no punctuation once line breaks are removed, from
negating a term through an unrelated 未确认/未决 cell far to the left).  Negators:
:data:`NEGATORS` (没有, 尚未, 未, 不, 无, 暂无, 不存在, 并未, 从未, 未曾 …).
Words that contain a negator character but do not negate are exceptions and
are skipped first: :data:`NEGATION_EXCEPTIONS` (无锡, 无线, 不仅, 不但, 不断,
无论, 未来, 不同, 不少, 无人, 不良, 不低于 …).  The 4-character-window rule of
public scripts drops 无锡物联网 and 不仅在云计算; this rule keeps both.

False-positive exclusions (``exclusions=True``)
-----------------------------------------------
:data:`EXCLUSIONS` lists contexts in which a term is not meant: 特征信息 is
not 征信, 现金流计算 is not 流计算, 试图计算 is not 图计算, and 互联网联/
物联网联/电网联… are not 网联, and 开放银行卡(清算市场) is not 开放银行.  Each context is added to the automaton; when it
wins the leftmost-longest match it emits the dictionary terms inside it
except the excluded one.  In overlapping mode, hits of the excluded term
inside a context occurrence are dropped.

The result for a document is the count per group, the total n and
ln(1 + n) (Wu Fei et al. 2021 use ln(1 + n) of the total count).

Everything here is a pure function of (text, dictionary, options): no
tokenizer state changes between calls (unlike ``jieba.add_word``), so counts
do not depend on which documents were processed before or in which order.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .._optional import require
from .dictionaries import Dictionary, load_dictionary
from .normalize import normalize

__all__ = [
    "CLAUSE_DELIMITERS",
    "EXCLUSIONS",
    "NEGATION_EXCEPTIONS",
    "NEGATION_WINDOW",
    "NEGATORS",
    "DocumentCounts",
    "KeywordMatcher",
    "count_keywords",
    "get_matcher",
]

NEGATORS: tuple[str, ...] = ("没有", "尚未", "未曾", "并未", "从未", "暂无", "不存在", "并无",
                             "毫无", "未", "不", "无", "没")
NEGATION_EXCEPTIONS: tuple[str, ...] = (
    "无锡", "无线", "无人", "无缝", "无形", "无纸", "无疑", "无论", "无不", "无限", "无感",
    "无接触", "毫无疑问", "无损", "无障碍", "无偿", "无息", "无锈",
    "不仅", "不但", "不断", "不同", "不少", "不管", "不论", "不光", "不只", "不止", "不乏",
    "不懈", "不良", "不确定", "不可或缺", "不限于", "不局限于", "不停", "不久", "不动产", "不变",
    "不低于", "不少于", "不超过", "不高于", "不亚于", "不一而足", "不失为",
    "未来", "未分配", "未决", "未确认", "未经审计", "未成年", "未雨绸缪", "未到期", "未上市",
    "不锈", "不定期", "不特定",
)
#: (context, excluded term): the term inside the context is not counted
EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("特征信息", "征信"),
    ("现金流计算", "流计算"),
    ("试图计算", "图计算"),
    ("互联网联", "网联"),
    ("物联网联", "网联"),
    ("电网联", "网联"),
    ("管网联", "网联"),
    ("路网联", "网联"),
    ("水网联", "网联"),
    ("开放银行卡", "开放银行"),
)
CLAUSE_DELIMITERS = "。，；：！？,;:!?"
NEGATION_WINDOW = 20

_NEG_RE = re.compile("|".join(re.escape(w) for w in sorted(NEGATION_EXCEPTIONS, key=len, reverse=True))
                     + "|(" + "|".join(re.escape(w) for w in NEGATORS) + ")")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _negated(text: str, start: int) -> bool:
    lo = max(0, start - NEGATION_WINDOW)
    cut = lo
    for d in CLAUSE_DELIMITERS:
        k = text.rfind(d, lo, start)
        if k >= cut:
            cut = k + 1
    if cut >= start:
        return False
    for m in _NEG_RE.finditer(text, cut, start):
        if m.group(1) is not None:
            return True
    return False


@dataclass(frozen=True)
class DocumentCounts:
    """Counts for one document.

    Attributes
    ----------
    groups : Mapping[str, int]
        Hits per group, in dictionary order.
    terms : Mapping[str, int]
        Hits per term (terms with zero hits omitted).
    negated, excluded : int
        Hits dropped by the negation rule and by the exclusion list.
    n_chars : int
        Length of the folded text.
    """

    groups: Mapping[str, int]
    terms: Mapping[str, int] = field(default_factory=dict)
    negated: int = 0
    excluded: int = 0
    n_chars: int = 0

    @property
    def total(self) -> int:
        return sum(self.groups.values())

    @property
    def ln1p(self) -> float:
        """ln(1 + total), the Wu Fei et al. (2021) index."""
        return math.log1p(self.total)


class KeywordMatcher:
    """A compiled, immutable matcher for one dictionary and one set of options.

    Parameters
    ----------
    dictionary : str, Path or Dictionary
    overlapping : bool, default False
        Count every occurrence (True) or leftmost-longest non-overlapping (False).
    negation : bool, default True
    exclusions : bool, default True

    Notes
    -----
    The automaton is built once and only read afterwards, so one matcher can
    be shared by threads and pickled to worker processes.
    """

    def __init__(self, dictionary: str | Path | Dictionary = "wufei2021", *,
                 overlapping: bool = False, negation: bool = True, exclusions: bool = True) -> None:
        ahocorasick = require("ahocorasick")
        self.dictionary = load_dictionary(dictionary)
        self.overlapping = bool(overlapping)
        self.negation = bool(negation)
        self.exclusions = bool(exclusions)
        d = self.dictionary
        self._keys = tuple(t.key for t in d.terms)
        self._group_of = tuple(d.groups.index(t.group) for t in d.terms)
        self._latin = tuple((t.key[0] in _ALNUM, t.key[-1] in _ALNUM) for t in d.terms)
        index = {k: i for i, k in enumerate(self._keys)}
        A = ahocorasick.Automaton()
        for i, k in enumerate(self._keys):
            A.add_word(k, (0, i, len(k)))
        self._ctx_excluded: dict[str, int] = {}
        if self.exclusions:
            plain = ahocorasick.Automaton()
            for i, k in enumerate(self._keys):
                plain.add_word(k, i)
            plain.make_automaton()
            for ctx, term in EXCLUSIONS:
                ctx_k, term_k = normalize(ctx), normalize(term)
                if term_k not in index or ctx_k in index:
                    continue
                payload = tuple((i, end - len(self._keys[i]) + 1, len(self._keys[i]))
                                for end, i in plain.iter_long(ctx_k) if self._keys[i] != term_k)
                A.add_word(ctx_k, (1, payload, len(ctx_k)))
                self._ctx_excluded[ctx_k] = index[term_k]
        A.make_automaton()
        self._A = A

    def __repr__(self) -> str:
        return (f"KeywordMatcher({self.dictionary.name!r}, overlapping={self.overlapping}, "
                f"negation={self.negation}, exclusions={self.exclusions})")

    def __reduce__(self):
        return (_rebuild, (self.dictionary, self.overlapping, self.negation, self.exclusions))

    # ------------------------------------------------------------------
    def _boundary_ok(self, text: str, i: int, s: int, e: int) -> bool:
        left, right = self._latin[i]
        if left and s > 0 and text[s - 1] in _ALNUM:
            return False
        if right and e < len(text) and text[e] in _ALNUM:
            return False
        return True

    def _hits(self, text: str):
        """Yield (term index, start) of raw hits and a count of excluded hits."""
        if not self.overlapping:
            for end, (kind, payload, n) in self._A.iter_long(text):
                s = end - n + 1
                if kind == 0:
                    yield payload, s, 0
                else:
                    yield -1, s, 1
                    for i, off, _ in payload:
                        yield i, s + off, 0
            return
        spans: list[tuple[int, int, int]] = []
        raw: list[tuple[int, int, int]] = []
        for end, (kind, payload, n) in self._A.iter(text):
            s = end - n + 1
            if kind == 0:
                raw.append((payload, s, end + 1))
            else:
                spans.append((s, end + 1, self._ctx_excluded[text[s:end + 1]]))
        for i, s, e in raw:
            if spans and any(a <= s and e <= b and i == t for a, b, t in spans):
                yield -1, s, 1
            else:
                yield i, s, 0

    def count(self, text: str, *, normalized: bool = False) -> DocumentCounts:
        """Count the dictionary's terms in ``text``.

        Parameters
        ----------
        text : str
        normalized : bool, default False
            Set True when ``text`` is already the output of
            :func:`~digitrace.text.normalize`.
        """
        t = text if normalized else normalize(text)
        g = [0] * len(self.dictionary.groups)
        terms: dict[str, int] = {}
        negated = excluded = 0
        for i, s, exc in self._hits(t):
            if exc:
                excluded += 1
                continue
            key = self._keys[i]
            if not self._boundary_ok(t, i, s, s + len(key)):
                continue
            if self.negation and _negated(t, s):
                negated += 1
                continue
            g[self._group_of[i]] += 1
            term = self.dictionary.terms[i].term
            terms[term] = terms.get(term, 0) + 1
        return DocumentCounts(dict(zip(self.dictionary.groups, g)), terms, negated, excluded, len(t))


def _rebuild(dictionary, overlapping, negation, exclusions):
    return get_matcher(dictionary, overlapping=overlapping, negation=negation, exclusions=exclusions)


@lru_cache(maxsize=32)
def _cached_matcher(dictionary: Dictionary, overlapping: bool, negation: bool,
                    exclusions: bool) -> KeywordMatcher:
    return KeywordMatcher(dictionary, overlapping=overlapping, negation=negation,
                          exclusions=exclusions)


@lru_cache(maxsize=16)
def _cached_builtin(name: str) -> Dictionary:
    return load_dictionary(name)


def get_matcher(dictionary: str | Path | Dictionary = "wufei2021", *, overlapping: bool = False,
                negation: bool = True, exclusions: bool = True) -> KeywordMatcher:
    """Return a compiled matcher (memoised by value: same inputs, same immutable matcher)."""
    from .dictionaries import BUILTIN_DICTIONARIES

    if isinstance(dictionary, str) and dictionary in BUILTIN_DICTIONARIES:
        d = _cached_builtin(dictionary)
    else:
        d = load_dictionary(dictionary)
    return _cached_matcher(d, bool(overlapping), bool(negation), bool(exclusions))


def count_keywords(text: str, dictionary: str | Path | Dictionary = "wufei2021", *,
                   overlapping: bool = False, negation: bool = True,
                   exclusions: bool = True) -> dict[str, int]:
    """Count dictionary keywords in a text, by group.

    The text is folded (:func:`~digitrace.text.normalize`), matched
    leftmost-longest, hits negated earlier in their clause are dropped, and
    listed false-positive contexts are excluded (see :mod:`digitrace.text.count`).

    Parameters
    ----------
    text : str
    dictionary : str, Path or Dictionary, default "wufei2021"
        Built-in name (``wufei2021``, ``seed_characteristics``,
        ``chain_channels``, ``driving_modes``) or a CSV/YAML path.
    overlapping, negation, exclusions : bool
        See :class:`KeywordMatcher`.

    Returns
    -------
    dict
        group → count, in dictionary order.  The Wu Fei et al. (2021) index
        is ``math.log1p(sum(result.values()))``.

    References
    ----------
    Wu Fei, Hu Huizhi, Lin Huiyan, Ren Xiaoyi (2021). 企业数字化转型与资本市场表现.
    管理世界 37(7): 130–144.

    Examples
    --------
    >>> count_keywords("公司运用大数据和云计算，尚未涉足区块链。")
    {'ai': 0, 'big_data': 1, 'cloud': 1, 'blockchain': 0, 'digital_application': 0}
    """
    m = get_matcher(dictionary, overlapping=overlapping, negation=negation, exclusions=exclusions)
    return dict(m.count(text).groups)
