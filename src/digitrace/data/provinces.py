"""Registry of the 31 provincial-level divisions of mainland China.

The registry (``digitrace/_pkgdata/provinces.csv``) holds, for each province:

* ``adcode`` -- the 6-digit GB/T 2260 administrative division code (110000 ... 650000),
  ``code2`` its first two digits (as used by the PKU-DFIIC ``prov_code``);
* ``name_cn`` / ``name_cn_long`` -- short (北京) and official (北京市) Chinese names, ``abbr`` the
  one-character 简称 (京);
* ``name_en`` / ``name_en_long`` -- English names; ``aliases`` -- semicolon-separated pinyin and
  older spellings (``Nei Mongol``, ``Xizang``, ``Shensi`` ...);
* ``region4`` -- NBS four-region grouping (East 10 / Central 6 / West 12 / Northeast 3), from
  国家统计局《东西中部和东北地区划分方法》(2011);
* ``belt`` -- the three-belt grouping 东部/中部/西部 used by most current empirical work
  (East 11 / Central 8 / West 12): the 12 western provinces are those covered by the Western
  Development policy, 国发〔2000〕33号 (Inner Mongolia and Guangxi in the West);
* ``belt_1986`` -- the original three belts of the 7th Five-Year Plan (1986--1990):
  East 12 (coastal, with Guangxi; Hainan from 1988) / Central 9 (with Inner Mongolia) /
  West 10 (Chongqing counted with Sichuan, from which it was split in 1997).

Hong Kong, Macao and Taiwan are not among the 31 and are not resolved.

:func:`resolve_province` turns any of these spellings, or a code, into the adcode.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..errors import DataError, UnknownProvinceError

__all__ = ["province_registry", "resolve_province", "resolve_provinces", "province_names",
           "is_aggregate_label", "AGGREGATE_LABELS"]

#: labels of national or regional aggregate rows found in province files (normalised form)
AGGREGATE_LABELS = frozenset({
    "全国", "中国", "全国合计", "合计", "总计", "national", "nationwide", "china", "total", "all",
    "东部", "中部", "西部", "东北", "东部地区", "中部地区", "西部地区", "东北地区",
    "east", "central", "west", "northeast", "eastern", "western",
    "easternregion", "centralregion", "westernregion", "northeastregion", "northeasternregion",
    "eastregion", "westregion",
})

_SUFFIX_CN = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_SUFFIX_EN = ("autonomousregion", "zizhiqu", "province", "municipality", "sheng", "shi", "city",
              "uygur", "uyghur", "uighur", "zhuang", "hui")
_OUTSIDE = {"香港": "Hong Kong", "hongkong": "Hong Kong", "澳门": "Macao", "macao": "Macao",
            "macau": "Macao", "台湾": "Taiwan", "taiwan": "Taiwan"}


def _norm(s: str) -> str:
    """NFKC, lower case, drop whitespace and punctuation (keeps CJK and letters)."""
    s = unicodedata.normalize("NFKC", s).strip().lower()
    return re.sub(r"[\s\-_'’.,()（）·]", "", s)


@lru_cache(maxsize=1)
def _registry() -> pd.DataFrame:
    path = resources.files("digitrace") / "_pkgdata" / "provinces.csv"
    with resources.as_file(path) as p:
        df = pd.read_csv(p, dtype={"adcode": "int64", "code2": "int64"}, keep_default_na=False)
    return df


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, int]:
    out: dict[str, int] = {}
    for row in _registry().itertuples(index=False):
        names = [row.name_cn, row.name_cn_long, row.abbr, row.name_en, row.name_en_long,
                 *[a for a in str(row.aliases).split(";") if a]]
        for n in names:
            key = _norm(n)
            if key in out and out[key] != row.adcode:  # pragma: no cover - registry invariant
                raise RuntimeError(f"alias {n!r} is ambiguous in the province registry")
            out[key] = int(row.adcode)
    return out


def province_registry() -> pd.DataFrame:
    """The 31-province registry as a new DataFrame (a copy; editing it changes nothing).

    Returns
    -------
    DataFrame
        Columns ``adcode, code2, name_cn, name_cn_long, abbr, name_en, name_en_long, aliases,
        region4, belt, belt_1986``, one row per province, ordered by adcode.
    """
    return _registry().copy()


def province_names(lang: str = "cn") -> dict[int, str]:
    """Map adcode to the short Chinese (``lang="cn"``) or English (``"en"``) name."""
    col = {"cn": "name_cn", "en": "name_en", "cn_long": "name_cn_long"}.get(lang)
    if col is None:
        raise ValueError(f"lang must be 'cn', 'en' or 'cn_long'; got {lang!r}")
    r = _registry()
    return dict(zip(r["adcode"].astype(int), r[col]))


def is_aggregate_label(x: Any) -> bool:
    """True for national/regional aggregate labels such as 全国, National, Eastern Region."""
    return isinstance(x, str) and _norm(x) in AGGREGATE_LABELS


def _from_code(v: int) -> int | None:
    codes = set(_registry()["adcode"].astype(int))
    for cand in (v, v * 10000, v * 100, v // 1000000 if v >= 10**11 else -1):
        if cand in codes:
            return cand
    return None


def _lookup(x: Any) -> int | None:
    """Adcode for ``x`` or None (no error)."""
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, float):
        if x != x or not x.is_integer():
            return None
        x = int(x)
    if hasattr(x, "item") and not isinstance(x, str):  # numpy scalars
        return _lookup(x.item())
    if isinstance(x, int):
        return _from_code(x) if x > 0 else None
    if not isinstance(x, str):
        return None
    s = x.strip()
    if re.fullmatch(r"\d+(\.0+)?", s):
        return _from_code(int(float(s)))
    key = _norm(s)
    amap = _alias_map()
    if key in amap:
        return amap[key]
    # strip official suffixes: 广西壮族自治区 -> 广西, "Hebei Province" -> hebei
    for suf in _SUFFIX_CN + _SUFFIX_EN:
        if key.endswith(suf) and len(key) > len(suf):
            stripped = key[: -len(suf)]
            if stripped in amap:
                return amap[stripped]
            for suf2 in _SUFFIX_CN + _SUFFIX_EN:  # e.g. "Xinjiang Uygur Autonomous Region"
                if stripped.endswith(suf2) and stripped[: -len(suf2)] in amap:
                    return amap[stripped[: -len(suf2)]]
    return None


def closest_provinces(x: Any, n: int = 3) -> list[str]:
    """The registry names closest to ``x`` (difflib ratio), as ``"陕西 (Shaanxi, 610000)"``."""
    reg = _registry()
    labels = {}
    for row in reg.itertuples(index=False):
        for name in (row.name_cn, row.name_cn_long, row.name_en, *str(row.aliases).split(";")):
            if name:
                labels.setdefault(_norm(name), row)
    hits = difflib.get_close_matches(_norm(str(x)), list(labels), n=n * 3, cutoff=0.6)
    out: list[str] = []
    for h in hits:
        row = labels[h]
        lab = f"{row.name_cn} ({row.name_en}, {row.adcode})"
        if lab not in out:
            out.append(lab)
    return out[:n]


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _unknown_message(x: Any) -> str:
    if _is_missing(x):
        return f"missing province label ({x!r}): fill or drop the row"
    key = _norm(str(x))
    if key in _OUTSIDE or key.removesuffix("特别行政区") in _OUTSIDE:
        return (f"{x!r} ({_OUTSIDE.get(key, _OUTSIDE.get(key.removesuffix('特别行政区')))}) is not one "
                "of the 31 mainland provinces covered by digitrace")
    if is_aggregate_label(x):
        return (f"{x!r} is a national or regional aggregate, not a province "
                "(load_panel drops such rows with aggregates='drop')")
    close = closest_provinces(x)
    hint = f"; closest matches: {', '.join(close)}" if close else ""
    return f"unknown province {x!r}{hint}"


def resolve_province(x: Any) -> int:
    """Return the 6-digit adcode of a province given any name or code.

    Accepts short or official Chinese names (``"北京"``, ``"北京市"``, ``"广西壮族自治区"``),
    the one-character 简称 (``"京"``), English and pinyin spellings in any case
    (``"Beijing"``, ``"Inner Mongolia"``, ``"Nei Mongol"``, ``"Xizang"``), and codes:
    6-digit adcodes (``110000``, ``"110000"``), 2-digit province codes (``11``) and 12-digit
    statistical division codes (``"110000000000"``).

    Raises
    ------
    UnknownProvinceError
        With the closest registry names (difflib), e.g. for ``"Shanxii"``.  Shaanxi (陕西,
        610000) and Shanxi (山西, 140000) are distinct and never guessed.
    """
    code = _lookup(x)
    if code is None:
        raise UnknownProvinceError(_unknown_message(x))
    return code


def resolve_provinces(values: Iterable[Any], *, file: Any = None, column: Any = None,
                      rows: Iterable[Any] | None = None) -> pd.Series:
    """Vectorised :func:`resolve_province`: every unknown is reported at once.

    Parameters
    ----------
    values : iterable
        Names or codes (a Series keeps its index).
    file, column : optional
        Named in the error message.
    rows : iterable, optional
        Row labels to report (default: file line numbers ``index + 2`` for a Series read from
        a CSV with a header, else positions).

    Returns
    -------
    Series of int64 adcodes, aligned with ``values``.

    Raises
    ------
    UnknownProvinceError
        Listing each distinct unknown label with its rows and closest matches.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values))
    uniq = pd.unique(s.astype(object))
    mapping = {u: _lookup(u) for u in uniq}
    out = s.astype(object).map(mapping)
    bad = out.isna()
    if bad.any():
        row_labels = list(rows) if rows is not None else [i + 2 for i in range(len(s))]
        msgs = []
        for u in pd.unique(s[bad].astype(object)):
            same = s.isna() if pd.isna(u) else (s.astype(object) == u)
            pos = [row_labels[i] for i in np.flatnonzero((bad & same).to_numpy())]
            shown = ", ".join(map(str, pos[:5])) + (f" (+{len(pos) - 5} more)" if len(pos) > 5 else "")
            msgs.append(f"{_unknown_message(u)} [rows {shown}]")
        where = []
        if file is not None:
            where.append(str(file))
        if column is not None:
            where.append(f"column {column}")
        prefix = (", ".join(where) + ": ") if where else ""
        raise UnknownProvinceError(prefix + f"{len(msgs)} unknown province label(s): " + "; ".join(msgs))
    return out.astype("int64")


def check_registry() -> None:
    """Internal consistency of the registry (used by ``digitrace data check``)."""
    r = _registry()
    problems = []
    if len(r) != 31 or r["adcode"].nunique() != 31:
        problems.append(f"{len(r)} rows / {r['adcode'].nunique()} adcodes, expected 31")
    if not (r["adcode"] == r["code2"] * 10000).all():
        problems.append("code2 does not match adcode")
    counts = r["region4"].value_counts().to_dict()
    if counts != {"East": 10, "Central": 6, "West": 12, "Northeast": 3}:
        problems.append(f"region4 counts {counts}")
    if problems:
        raise DataError("; ".join(problems), file="digitrace/_pkgdata/provinces.csv")
