"""Keyword dictionaries: built-in data files and user YAML/CSV.

Built-in dictionaries live in ``digitrace/_pkgdata/dictionaries/<name>.csv``
with columns ``group, group_label, term, note`` (``wufei2021`` adds
``verified``).  Every term carries its group and a note.

=======================  =====================================================
name                     content
=======================  =====================================================
``wufei2021``            Wu Fei, Hu Huizhi, Lin Huiyan and Ren Xiaoyi (2021),
                         企业数字化转型与资本市场表现——来自股票流动性的经验证据,
                         管理世界 37(7): 130–144, Figure 1: 5 groups, 76 terms.
                         Four terms (自动驾驶, 自然语言处理, 混合现实, 虚拟现实)
                         are flagged ``verified = 0``.
``seed_characteristics`` the four core characteristics of industrial
                         digitalization in the project's literature review (§2.2)
``chain_channels``       the four industrial-chain reshaping channels (§4)
``driving_modes``        the three driving modes (§3)
``gov_digital``          government digital attention: digital economy,
                         technology, infrastructure, governance (constructed;
                         includes 数字经济, absent from Wu Fei's list)
=======================  =====================================================

User dictionaries: a CSV with at least ``group`` and ``term`` columns (``note``
optional), or a YAML file::

    name: my_dict
    groups:
      ai: [人工智能, 机器学习]
      platform:
        - {term: 平台经济, note: "..."}
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import DataError
from .normalize import normalize

__all__ = ["BUILTIN_DICTIONARIES", "Dictionary", "Term", "load_dictionary"]

BUILTIN_DICTIONARIES: dict[str, str] = {
    "wufei2021": ("Wu Fei, Hu Huizhi, Lin Huiyan, Ren Xiaoyi (2021). 企业数字化转型与资本市场表现"
                  "——来自股票流动性的经验证据. 管理世界 37(7), 130-144, Figure 1."),
    "seed_characteristics": ("digitrace literature review §2.2: data as a factor of production; "
                             "supply-demand matching; industrial internet; blockchain + supply chain."),
    "chain_channels": ("digitrace literature review §4: R&D, production, consumption and "
                       "collaboration reshaping of the industrial chain."),
    "driving_modes": ("digitrace literature review §3: social/demand backward-forcing, technology "
                      "integration, innovation/platform value-added services."),
    "gov_digital": ("digitrace-constructed government digital-attention dictionary: digital economy, "
                    "digital technology, digital infrastructure, digital governance."),
}


@dataclass(frozen=True)
class Term:
    """One dictionary entry: the term as written, its normalised form, group and note."""

    term: str
    key: str
    group: str
    note: str = ""
    verified: bool = True


@dataclass(frozen=True)
class Dictionary:
    """An immutable keyword dictionary.

    Attributes
    ----------
    name : str
    terms : tuple of Term
    groups : tuple of str
        Group ids in file order (the output column order).
    labels : tuple of str
        Group labels (e.g. Chinese names), aligned with ``groups``.
    reference : str
    source : str
        ``"builtin"`` or the file path.
    """

    name: str
    terms: tuple[Term, ...]
    groups: tuple[str, ...]
    labels: tuple[str, ...]
    reference: str = ""
    source: str = "builtin"

    def __len__(self) -> int:
        return len(self.terms)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"group": t.group, "term": t.term, "key": t.key, "note": t.note,
                              "verified": t.verified} for t in self.terms])


def _from_rows(name: str, rows: list[dict], source: str, reference: str = "") -> Dictionary:
    terms: list[Term] = []
    groups: list[str] = []
    labels: list[str] = []
    seen: dict[str, tuple[str, int]] = {}
    for i, r in enumerate(rows, start=2):
        g = (r.get("group") or "").strip()
        t = (r.get("term") or r.get("keyword") or "").strip()
        if not g:
            raise DataError("empty group", file=source, row=i, column="group")
        if not t:
            raise DataError("empty term", file=source, row=i, column="term")
        key = normalize(t)
        if key in seen:
            if seen[key][0] == g:
                continue  # exact duplicate in the same group: harmless
            raise DataError(f"term {t!r} is in groups {seen[key][0]!r} (row {seen[key][1]}) and {g!r}",
                            file=source, row=i, column="term")
        seen[key] = (g, i)
        if g not in groups:
            groups.append(g)
            labels.append((r.get("group_label") or g).strip())
        v = str(r.get("verified", "1")).strip()
        terms.append(Term(t, key, g, (r.get("note") or "").strip(), v not in ("0", "false", "False")))
    if not terms:
        raise DataError("dictionary has no terms", file=source)
    return Dictionary(name, tuple(terms), tuple(groups), tuple(labels), reference, source)


def _read_csv_text(text: str, source: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    cols = set(reader.fieldnames or [])
    if "group" not in cols or not ({"term", "keyword"} & cols):
        raise DataError(f"a dictionary CSV needs columns 'group' and 'term'; found {sorted(cols)}",
                        file=source)
    return list(reader)


def _read_yaml(path: Path) -> tuple[str, list[dict]]:
    from .._optional import require

    yaml = require("yaml")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", file=path) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), dict):
        raise DataError("a dictionary YAML needs a mapping 'groups: {group: [terms]}'", file=path)
    rows: list[dict] = []
    for g, items in doc["groups"].items():
        if not isinstance(items, list):
            raise DataError(f"group {g!r} must be a list of terms", file=path, row=g)
        for it in items:
            if isinstance(it, dict):
                rows.append({"group": str(g), "term": str(it.get("term", "")),
                             "note": str(it.get("note", ""))})
            else:
                rows.append({"group": str(g), "term": str(it)})
    return str(doc.get("name", path.stem)), rows


def load_dictionary(dictionary: str | Path | Dictionary = "wufei2021") -> Dictionary:
    """Load a built-in dictionary by name, or a user CSV/YAML file.

    Parameters
    ----------
    dictionary : str, Path or Dictionary
        A name from :data:`BUILTIN_DICTIONARIES`, a path to ``.csv`` /
        ``.yaml`` / ``.yml``, or an already loaded :class:`Dictionary`.

    Raises
    ------
    DataError
        Unknown name, unreadable file, missing columns, empty terms or a term
        listed in two groups (the message names file, row and column).
    """
    if isinstance(dictionary, Dictionary):
        return dictionary
    name = str(dictionary)
    if name in BUILTIN_DICTIONARIES:
        text = (resources.files("digitrace") / "_pkgdata" / "dictionaries" / f"{name}.csv"
                ).read_text(encoding="utf-8")
        return _from_rows(name, _read_csv_text(text, f"builtin:{name}"), "builtin",
                          BUILTIN_DICTIONARIES[name])
    path = Path(name)
    if not path.exists():
        raise DataError(f"unknown dictionary {name!r}: use one of {', '.join(BUILTIN_DICTIONARIES)} "
                        "or a path to a .csv/.yaml file")
    if path.suffix.lower() in (".yaml", ".yml"):
        dname, rows = _read_yaml(path)
        return _from_rows(dname, rows, str(path))
    from .ingest import decode_bytes

    return _from_rows(path.stem, _read_csv_text(decode_bytes(path.read_bytes(), path), str(path)),
                      str(path))
