"""NBS 2021 digital-economy classification and its concordances to IO tables.

*Statistical Classification of the Digital Economy and its Core Industries
(2021)* (国家统计局令第33号): 5 major categories — 01 digital product
manufacturing, 02 digital product services, 03 digital technology application,
04 digital factor-driven industries (together the *core*, 数字产业化) and 05
digital efficiency improvement (产业数字化) — 32 mid and 156 sub-categories, each
sub-category defined by GB/T 4754-2017 industry classes.

Package data (written by :mod:`digitrace.classify._build` from
``classification/nbs_digital_economy_2021.csv`` and the IO table headers):

* :func:`classification` – the 193 categories with English names and the
  confidence of their GB/T mapping (high for 01–04, medium for 05, low for
  050904–050907);
* :func:`concordance` – NBS mid-category → sector of every IO vintage we hold a
  sector list for (``nbs122`` 2002, ``nbs42_2005``, ``nbs41`` 2010,
  ``nbs42_2015``, ``nbs42`` 2017/2018/2020, ``nbs149`` 2017, ``nbs153``
  2018/2020, ``oecd45``).  Each cell has a share s ∈ [0, 1], ``kind`` = ``core``
  (the part of the sector that *is* category 01–04) or ``scope`` (the part of the
  sector inside the 05 scope, where digital increments can occur), a confidence
  grade and a written basis.  The 2007 (135) and 2012 (139) sector lists were
  not available, so those vintages have no concordance.
* :func:`sectors` – for a loaded :class:`~digitrace.io.table.IOTable`, each
  sector's NBS categories and core share.

Reference: 国家统计局 (2021) 数字经济及其核心产业统计分类(2021); GB/T 4754-2017.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ..errors import DataError, SpecificationError

if TYPE_CHECKING:  # pragma: no cover
    from ..io.table import IOTable

__all__ = ["classification", "concordance", "vintages", "detect_vintage", "sectors",
           "core_shares", "lookup", "CORE_MAJORS"]

CORE_MAJORS = ("01", "02", "03", "04")
_PKG = "digitrace._pkgdata.classification"


def _read(name: str) -> pd.DataFrame:
    with resources.files("digitrace").joinpath("_pkgdata", "classification", name).open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _classification() -> pd.DataFrame:
    return _read("nbs2021.csv")


@lru_cache(maxsize=1)
def _concordance() -> pd.DataFrame:
    d = _read("concordance.csv")
    d["share"] = d["share"].astype(float)
    return d


@lru_cache(maxsize=1)
def _vintages() -> pd.DataFrame:
    return _read("vintages.csv")


def classification(level: str | None = None) -> pd.DataFrame:
    """The NBS 2021 classification (copy).

    Columns: ``code, level (major/mid/sub), parent, name_zh, name_en,
    gbt4754_codes, gbt4754_code_level, partial, gbt4754_expanded_4digit,
    confidence, scope (core/efficiency), invalid_gbt_codes``.
    """
    d = _classification().copy()
    if level is not None:
        if level not in ("major", "mid", "sub"):
            raise SpecificationError(f"level must be 'major', 'mid' or 'sub', got {level!r}")
        d = d[d["level"] == level]
    return d.set_index("code")


def vintages() -> pd.DataFrame:
    """Sector lists of the IO vintages with a concordance (vintage, sector, name_zh, name_en)."""
    return _vintages().copy()


def _check_vintage(vintage: str) -> None:
    known = sorted(set(_concordance()["vintage"]))
    if vintage not in known:
        raise SpecificationError(f"unknown vintage {vintage!r}; known: {', '.join(known)}")


def concordance(vintage: str | None = None) -> pd.DataFrame:
    """Concordance cells (vintage, sector, sector_name_zh, nbs_code, kind, share, confidence, basis)."""
    d = _concordance()
    if vintage is not None:
        _check_vintage(vintage)
        d = d[d["vintage"] == vintage]
    return d.copy()


def _norm(s: str) -> str:
    return "".join(str(s).split())


def detect_vintage(table: "IOTable") -> str:
    """Which concordance vintage a table belongs to (by sector codes and Chinese names).

    Raises
    ------
    DataError
        When no vintage covers every sector; the message lists the unmapped sectors.
    """
    codes = [str(c) for c in table.sectors.index]
    zh = table.sectors["name_zh"].astype(str).map(_norm) if "name_zh" in table.sectors else None
    v = _vintages()
    best, best_missing = None, None
    for vint, g in v.groupby("vintage", sort=False):
        if len(g) != len(codes):
            continue
        ref = dict(zip(g["sector"], g["name_zh"].map(_norm)))
        if vint == "oecd45":
            missing = [c for c in codes if c not in ref]
            if not missing and "USD" in str(table.unit):
                return vint
        else:
            missing = [c for c in codes if c not in ref or (zh is not None and ref[c] != zh[c])]
            if not missing:
                return vint
        if best_missing is None or len(missing) < len(best_missing):
            best, best_missing = vint, missing
    if best_missing is None:
        sizes = sorted({len(g) for _, g in v.groupby("vintage")})
        best_missing = codes
        note = (f"no concordance vintage has {len(codes)} sectors (known sizes: {sizes}; the 2007 135- and "
                f"2012 139-sector lists were not available to write one)")
    else:
        note = f"closest vintage {best!r} does not match"
    lab = [f"{c} {table.sectors.loc[c, 'name_zh'] if 'name_zh' in table.sectors else ''}".strip()
           for c in best_missing]
    raise DataError(f"sectors in no concordance ({note}); unmapped sectors: {'; '.join(lab[:40])}"
                    f"{' …' if len(lab) > 40 else ''}", file=table.source or None)


def core_shares(vintage: str) -> pd.DataFrame:
    """Sector × core major category (01–04) shares of a vintage (wide, sectors in vintage order)."""
    _check_vintage(vintage)
    return _core_shares(vintage).copy()


@lru_cache(maxsize=None)
def _core_shares(vintage: str) -> pd.DataFrame:
    d = _concordance()
    d = d[d["vintage"] == vintage]
    order = list(_vintages().query("vintage == @vintage")["sector"])
    core = d[d["kind"] == "core"].assign(major=lambda x: x["nbs_code"].str[:2])
    w = core.pivot_table(index="sector", columns="major", values="share", aggfunc="sum")
    w = w.reindex(index=order, columns=list(CORE_MAJORS)).fillna(0.0)
    total = w.sum(axis=1)
    bad = total[total > 1 + 1e-9]
    if len(bad):
        raise DataError(f"concordance shares above 1 for sectors {', '.join(bad.index)} of {vintage}")
    return w.div(total.clip(lower=1.0), axis=0)  # rounding of stored cells: Σ ≤ 1 exactly


_CONF_RANK = {"high": 2, "medium": 1, "low": 0}


@lru_cache(maxsize=None)
def _sector_summary(vintage: str) -> pd.DataFrame:
    """Per-sector strings and sums of a vintage's concordance cells (cached; see :func:`sectors`)."""
    d = _concordance()
    d = d[d["vintage"] == vintage]
    inv = {v: k for k, v in _CONF_RANK.items()}
    d = d.assign(cell=d["nbs_code"] + ":" + d["share"].map("{:.3f}".format),
                 rank=d["confidence"].map(_CONF_RANK).fillna(2))
    scope_d = d[(d["kind"] == "scope") & (d["nbs_code"] != "none")]
    return pd.DataFrame({
        "core_categories": d[d["kind"] == "core"].groupby("sector")["cell"].agg(";".join),
        "scope_share": scope_d.groupby("sector")["share"].sum(),
        "scope_categories": scope_d.groupby("sector")["cell"].agg(";".join),
        "confidence": d.groupby("sector")["rank"].min().map(inv)})


def sectors(table: "IOTable", vintage: str | None = None) -> pd.DataFrame:
    """Each sector's NBS categories and digital-core share.

    Returns a DataFrame indexed by sector code with ``name_zh, name_en, vintage,
    core_share`` (Σ of the 01–04 shares), ``share_01 … share_04``,
    ``core_categories`` (``"0101:1.000;…"``), ``scope_share`` and
    ``scope_categories`` (the 05 mid-categories the non-core part falls in),
    ``major`` (the category with the largest share; ``05`` when the sector is
    not core at all) and ``confidence`` (weakest grade of the sector's cells;
    ``low`` when any share rests on a low-confidence mapping).
    """
    vint = vintage or detect_vintage(table)
    idx = pd.Index([str(c) for c in table.sectors.index], name="sector")
    w = core_shares(vint).reindex(idx).fillna(0.0)
    summ = _sector_summary(vint).reindex(idx)
    core, scope, scope_share, conf = (summ["core_categories"], summ["scope_categories"],
                                      summ["scope_share"], summ["confidence"])
    cs = w.sum(axis=1)
    names = table.sectors.set_axis(idx)
    out = pd.DataFrame({
        "name_zh": names["name_zh"] if "name_zh" in names else "",
        "name_en": names["name_en"] if "name_en" in names else "",
        "vintage": vint, "core_share": cs,
        **{f"share_{m}": w[m] for m in CORE_MAJORS},
        "core_categories": core.reindex(idx).fillna(""),
        "scope_share": scope_share.reindex(idx).fillna(0.0),
        "scope_categories": scope.reindex(idx).fillna(""),
        "major": np.where((cs > 0) & (w.max(axis=1) >= 1 - cs), w.idxmax(axis=1), "05"),
        "confidence": conf.reindex(idx).fillna("high"),
    }, index=idx)
    return out


def lookup(codes: Iterable[str], vintage: str | None = None) -> pd.DataFrame:
    """NBS categories for GB/T 4754-2017 codes or IO sector codes.

    A code is read as a GB/T code when it is a letter (门类) or a 2–4 digit code
    that exists in GB/T 4754-2017 and no ``vintage`` is given; otherwise as a
    sector code of ``vintage`` (``"nbs153:125"`` selects the vintage inline).

    Returns one row per (code, NBS sub- or mid-category) with ``kind``, ``share``
    (IO sectors) or ``partial`` (GB/T classes), ``confidence`` and ``basis``.
    """
    cls = _classification()
    subs = cls[cls["level"] == "sub"]
    rows: list[dict] = []
    for raw in codes:
        raw = str(raw).strip()
        vint, code = (raw.split(":", 1) if ":" in raw else (vintage, raw))
        if vint:
            d = concordance(vint)
            g = d[d["sector"] == code]
            if g.empty:
                raise SpecificationError(f"sector {code!r} is not in vintage {vint!r}")
            for r in g.itertuples():
                rows.append({"query": raw, "kind": r.kind, "nbs_code": r.nbs_code,
                             "nbs_name_en": _name(r.nbs_code), "nbs_name_zh": _name(r.nbs_code, "name_zh"),
                             "share": r.share, "partial": "",
                             "confidence": r.confidence, "basis": r.basis})
            continue
        hits = 0
        for s in subs.itertuples():
            gcodes = s.gbt4754_codes.split(";") if s.gbt4754_codes else []
            parts = s.partial.split(";") if s.partial else []
            exp = {e.rstrip("*") for e in s.gbt4754_expanded_4digit.split(";") if e}
            for gc, p in zip(gcodes, parts):
                match = gc == code or (len(code) == 4 and (gc == code[:2] and len(gc) == 2)) \
                    or (len(gc) == 1 and code in exp) or (len(code) < 4 and gc.startswith(code) and len(gc) > len(code)) \
                    or (len(gc) == 1 and len(code) in (2, 3) and any(e.startswith(code) for e in exp))
                if match:
                    hits += 1
                    rows.append({"query": raw, "kind": s.scope, "nbs_code": s.code, "nbs_name_en": s.name_en,
                                 "nbs_name_zh": s.name_zh, "share": float("nan"), "partial": p, "confidence": s.confidence,
                                 "basis": f"NBS 2021 lists GB/T {gc}{'*' if p == '1' else ''} under {s.code}"})
                    break
        if not hits:
            raise SpecificationError(
                f"{raw!r}: no NBS 2021 category lists this GB/T 4754-2017 code; for an IO sector code "
                f"give the vintage, e.g. 'nbs153:{raw}'")
    return pd.DataFrame(rows)


def _name(code: str, column: str = "name_en") -> str:
    cls = _classification().set_index("code")
    return cls.loc[code, column] if code in cls.index else ""
