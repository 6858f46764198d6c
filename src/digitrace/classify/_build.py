"""Write the classification package data from the shared data (run by maintainers).

    python -m digitrace.classify._build [DATA_DIR]

Outputs (``src/digitrace/_pkgdata/classification/``):

* ``nbs2021.csv`` – the NBS 2021 classification with English names, confidence
  grades and invalid GB/T codes flagged;
* ``vintages.csv`` – the sector lists of every IO vintage we have a list for;
* ``concordance.csv`` – NBS category → IO sector, one row per (vintage, sector,
  category) with ``share`` ∈ [0, 1], ``kind`` (core / scope), confidence and a
  written basis.

Method
------
153 sectors (and 149 by name): each sector is a set of GB/T 4754-2017 4-digit
classes (``_compositions.COMPOSITION_153``).  A class listed under an NBS core
sub-category counts 1, a partial (``*``) class counts ``CLASS_WEIGHT`` (default
½); the core share of a sector in a category is the weighted class count over
the number of classes of the sector ("class-count" basis).  The rest of each
class (1 − weight) is the *scope* of category 05 (the part of the sector where
industrial digitalization can occur), assigned to the 05 sub-categories whose
GB/T codes match the class most specifically (小类 > 大类 > 门类).

Coarse vintages (2002-122, 2005-42, 2010-41, 2015-42, 2017-42, OECD-45): each
sector is a set of 153-sector codes; its shares are the value-added-weighted
mean of the 153-sector shares, weights = 2020 153-sector table (TVA row).
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

from . import _compositions as C
from ._names_en import NAMES_EN

OUT = Path(__file__).resolve().parents[1] / "_pkgdata" / "classification"
NBS_FILE = "classification/nbs_digital_economy_2021.csv"
GBT_FILE = "classification/gbt4754_2017_industry_codes.csv"
LEVEL = {"大类": "major", "中类": "mid", "小类": "sub"}
CONF_ORDER = {"high": 2, "medium": 1, "low": 0}


def _split(s) -> list[str]:
    return [] if pd.isna(s) or s == "" else str(s).split(";")


def build_classification(data: Path) -> pd.DataFrame:
    nbs = pd.read_csv(data / NBS_FILE, dtype=str)
    gbt = pd.read_csv(data / GBT_FILE, dtype=str)
    valid = set(gbt["code"])
    rows = []
    for r in nbs.itertuples():
        exp = [e.rstrip("*") for e in _split(r.gbt4754_expanded_4digit)]
        bad = sorted({c for c in _split(r.gbt4754_codes) + exp if c not in valid})
        rows.append({
            "code": r.code, "level": LEVEL[r.level], "parent": "" if pd.isna(r.parent_code) else r.parent_code,
            "name_zh": r.name, "name_en": NAMES_EN[r.code],
            "gbt4754_codes": "" if pd.isna(r.gbt4754_codes) else r.gbt4754_codes,
            "gbt4754_code_level": "" if pd.isna(r.gbt4754_code_level) else r.gbt4754_code_level,
            "partial": "" if pd.isna(r.partial) else r.partial,
            "gbt4754_expanded_4digit": "" if pd.isna(r.gbt4754_expanded_4digit) else r.gbt4754_expanded_4digit,
            "confidence": "" if pd.isna(r.mapping_confidence) else r.mapping_confidence,
            "scope": "core" if r.code[:2] in ("01", "02", "03", "04") else "efficiency",
            "invalid_gbt_codes": ";".join(bad),
        })
    df = pd.DataFrame(rows)
    # mid/major confidence = weakest child
    for lvl, n in (("mid", 4), ("major", 2)):
        for i in df.index[df["level"] == lvl]:
            kids = df[(df["level"] == "sub") & df["code"].str.startswith(df.at[i, "code"])]["confidence"]
            kids = [k for k in kids if k]
            df.at[i, "confidence"] = min(kids, key=CONF_ORDER.get) if kids else "high"
    return df


def _classes(gbt: pd.DataFrame, codes: str) -> list[str]:
    four = gbt[gbt["level"] == "4"]
    out: list[str] = []
    for c in codes.split(";"):
        if len(c) == 2:
            out += list(four.loc[four["division"] == c, "code"])
        elif len(c) == 3:
            out += list(four.loc[four["group"] == c, "code"])
        else:
            out += [c]
    return sorted(set(out))


def _class_maps(cls: pd.DataFrame, gbt: pd.DataFrame):
    sect = dict(zip(gbt["code"], gbt["section"]))
    core: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    eff: list[tuple[str, list[tuple[str, str]], set[str], str]] = []
    for r in cls[cls["level"] == "sub"].itertuples():
        codes, parts, levels = _split(r.gbt4754_codes), _split(r.partial), _split(r.gbt4754_code_level)
        if r.scope == "core":
            for c, p in zip(codes, parts):
                core[c].append((r.code, p == "1"))
        else:
            exp = {e.rstrip("*") for e in _split(r.gbt4754_expanded_4digit)}
            eff.append((r.code, list(zip(codes, levels)), exp, r.confidence))
    return core, eff, sect


def _core_weight(c: str, listings: list[tuple[str, bool]]) -> tuple[float, str]:
    if any(not p for _, p in listings):
        return 1.0, "whole class"
    if c in C.CLASS_WEIGHT:
        return C.CLASS_WEIGHT[c]
    return C.PARTIAL_DEFAULT, f"partial (*) class counted {C.PARTIAL_DEFAULT:g}"


def _eff_match(c: str, eff, sect) -> list[tuple[str, str]]:
    best, found = 0, []
    for code, pairs, exp, conf in eff:
        spec = 0
        for g, _lvl in pairs:
            if g == c:
                spec = max(spec, 4)
            elif g == c[:2]:
                spec = max(spec, 2)
            elif g == sect.get(c) and c in exp:
                spec = max(spec, 1)
        if spec > best:
            best, found = spec, [(code, conf)]
        elif spec and spec == best:
            found.append((code, conf))
    return found


def division_employment(data: Path, gbt: pd.DataFrame, year: str = "2017") -> dict[str, float]:
    """GB/T division → employment (万人) from ``io/nbs/china_employment.csv``.

    The file lists divisions as ``<section><k>`` (``J01`` …) in GB/T order; the
    k-th row of a section is the k-th GB/T division of that section.
    """
    emp = pd.read_csv(data / "io" / "nbs" / "china_employment.csv", dtype={"Code": str})
    divs = gbt[gbt["level"] == "2"].groupby("section")["code"].apply(sorted).to_dict()
    out: dict[str, float] = {}
    for sec, dl in divs.items():
        rows = emp[emp["Code"].str.fullmatch(sec + r"\d\d")].sort_values("Code")
        if len(rows) != len(dl):
            continue  # e.g. T (one division, no sub-rows)
        out.update({d: float(v) for d, v in zip(dl, rows[year])})
    return out


def _class_weights(classes: list[str], emp: dict[str, float] | None) -> tuple[dict[str, float], str]:
    """Weight of each class in its IO sector: division employment share / classes of the division."""
    by_div: dict[str, list[str]] = defaultdict(list)
    for c in classes:
        by_div[c[:2]].append(c)
    if len(by_div) == 1 or not emp or any(emp.get(d, 0) <= 0 for d in by_div):
        return {c: 1 / len(classes) for c in classes}, "class-count"
    tot = sum(emp[d] for d in by_div)
    return ({c: emp[d] / tot / len(cs) for d, cs in by_div.items() for c in cs},
            "divisions weighted by 2017 employment (china_employment.csv), classes counted within division")


def fine_concordance(vintage: str, comp: dict[str, tuple[str, str]], cls, gbt,
                     emp: dict[str, float] | None = None) -> pd.DataFrame:
    core, eff, sect = _class_maps(cls, gbt)
    rows = []
    for code, (name, gcodes) in comp.items():
        classes = _classes(gbt, gcodes)
        n = len(classes)
        cw, wbasis = _class_weights(classes, emp)
        acc: dict[tuple[str, str], list] = {}
        for c in classes:
            w, why = (0.0, "")
            if c in core:
                w, why = _core_weight(c, core[c])
                for sub, _p in core[c]:
                    key = (sub[:4], "core")
                    a = acc.setdefault(key, [0.0, set(), set()])
                    a[0] += w / len(core[c]) * cw[c]
                    a[1].add(c + ("*" if _p else ""))
                    if why.startswith("assumed"):
                        a[2].add("low")
            rest = 1.0 - w
            if rest > 0:
                m = _eff_match(c, eff, sect) or [("050900", "low")]
                for sub, conf in m:
                    key = (sub[:4], "scope")
                    a = acc.setdefault(key, [0.0, set(), set()])
                    a[0] += rest / len(m) * cw[c]
                    a[1].add(c)
                    a[2].add(conf if sub != "050900" else "low")
        for (cat, kind), (share, members, confs) in sorted(acc.items()):
            if kind == "core":
                conf = "low" if "low" in confs else ("high" if abs(share - 1) < 1e-12 or len(members) == n else "medium")
                basis = (f"{wbasis}: {len(members)} of {n} GB/T 4754-2017 classes of this sector "
                         f"({gcodes}) are in NBS {cat}: {','.join(sorted(members)[:12])}"
                         f"{'…' if len(members) > 12 else ''}; partial (*) classes weighted per CLASS_WEIGHT")
            else:
                conf = min(confs, key=CONF_ORDER.get)
                basis = (f"scope of 05: non-core part of {len(members)} of {n} classes ({gcodes}) matched to "
                         f"NBS {cat} by GB/T code (most specific of 小类/大类/门类)")
                if cat == "0509" and "low" in confs:
                    basis += "; classes of GB/T 73-75/97 are in no 05 row of the source and are put in 0509"
            rows.append({"vintage": vintage, "sector": code, "sector_name_zh": name, "nbs_code": cat,
                         "kind": kind, "share": round(share, 10), "confidence": conf, "basis": basis})
    return pd.DataFrame(rows)


def coarse_concordance(vintage: str, xw: dict[str, list[str]], names: dict[str, str],
                       fine: pd.DataFrame, va: pd.Series, weight_label: str) -> pd.DataFrame:
    rows = []
    for code, members in xw.items():
        if not members:
            rows.append({"vintage": vintage, "sector": code, "sector_name_zh": names.get(code, ""),
                         "nbs_code": "none", "kind": "scope", "share": 0.0, "confidence": "high",
                         "basis": "no counterpart among NBS 153 sectors (households as employers); no digital part"})
            continue
        w = va.reindex(members).clip(lower=0).fillna(0.0)
        if w.sum() <= 0:
            w = pd.Series(1.0, index=members)
        w = w / w.sum()
        sub = fine[fine["sector"].isin(members)]
        for (cat, kind), g in sub.groupby(["nbs_code", "kind"]):
            share = float((g.set_index("sector")["share"].reindex(members).fillna(0.0) * w).sum())
            if share <= 0:
                continue
            confs = set(g["confidence"])
            conf = min(confs, key=CONF_ORDER.get)
            if len(members) > 1 and conf == "high" and abs(share - 1) > 1e-9:
                conf = "medium"
            rows.append({"vintage": vintage, "sector": code, "sector_name_zh": names.get(code, ""),
                         "nbs_code": cat, "kind": kind, "share": round(share, 10), "confidence": conf,
                         "basis": f"VA-weighted mean ({weight_label}) of 153-sector shares of "
                                  f"{','.join(members)}"})
    return pd.DataFrame(rows)


def _names(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    d = pd.read_csv(path, dtype={"Code": str})
    if "year" in d:
        d = d[d["year"] == d["year"].min()]
    d = d[d["Code"].str.fullmatch(r"\d+")].drop_duplicates("Code")
    zh = dict(zip(d["Code"], d["DescriptionInChinese"])) if "DescriptionInChinese" in d else {}
    en = dict(zip(d["Code"], d["Description"]))
    return zh, en


def main(data: Path, out: Path = OUT) -> None:
    from ..atomic import atomic_write_text

    gbt = pd.read_csv(data / GBT_FILE, dtype=str)
    cls = build_classification(data)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "nbs2021.csv", cls.to_csv(index=False))

    io = data / "io"
    emp = division_employment(data, gbt)
    f153 = fine_concordance("nbs153", C.COMPOSITION_153, cls, gbt, emp)
    zh149, _ = _names(io / "nbs" / "china_2017_149.csv")
    by_name = {name: g for name, g in C.COMPOSITION_153.values()}
    comp149 = {}
    for code, name in zh149.items():
        comp149[code] = (name, C.EXTRA_149.get(name) or by_name[name])
    f149 = fine_concordance("nbs149", comp149, cls, gbt, emp)

    t = pd.read_csv(io / "nbs" / "china_2020_153.csv", dtype={"Code": str})
    tva = t.loc[t["Code"] == "TVA"].iloc[0]
    va153 = pd.Series({c: float(tva[c]) for c in C.COMPOSITION_153})
    label = "2020 153-sector table"
    parts = [f153, f149]
    vint_rows = []
    specs = [("nbs122", "china_2002_122.csv", C.XW_2002_122), ("nbs42_2005", "china_2005_42.csv", C.XW_2005_42),
             ("nbs41", "china_2010_41.csv", C.XW_2010_41), ("nbs42_2015", "china_2015_42.csv", C.XW_2015_42),
             ("nbs42", "china_2017_42.csv", C.XW_2017_42)]
    for vint, fname, xw in specs:
        zh, en = _names(io / "nbs" / fname)
        assert set(zh) == set(xw), (vint, set(zh) ^ set(xw))
        parts.append(coarse_concordance(vint, xw, zh, f153, va153, label))
        vint_rows += [{"vintage": vint, "sector": c, "name_zh": zh[c], "name_en": en[c]} for c in zh]
    _, en45 = _names(io / "oecd" / "OECD2021ed_IOT_CHN_1995_2018_45sec.csv")
    assert set(en45) == set(C.XW_OECD45)
    parts.append(coarse_concordance("oecd45", C.XW_OECD45, en45, f153, va153, label))
    vint_rows += [{"vintage": "oecd45", "sector": c, "name_zh": "", "name_en": en45[c]} for c in en45]
    zh153, en153 = _names(io / "nbs" / "china_2020_153.csv")
    _, en149 = _names(io / "nbs" / "china_2017_149.csv")
    vint_rows += [{"vintage": "nbs153", "sector": c, "name_zh": zh153[c], "name_en": en153[c]} for c in zh153]
    vint_rows += [{"vintage": "nbs149", "sector": c, "name_zh": zh149[c], "name_en": en149[c]} for c in zh149]
    for c, (name, _g) in C.COMPOSITION_153.items():
        assert zh153[c] == name, (c, zh153[c], name)
    # sector group (1 primary, 2 secondary, 3 tertiary) from the 153 codes / GB/T sections
    def g153(c: str) -> int:
        return 1 if int(c) <= 5 else (2 if int(c) <= 108 else 3)
    xws = {v: xw for v, _f, xw in specs}
    xws["oecd45"] = C.XW_OECD45
    for r in vint_rows:
        v, c = r["vintage"], r["sector"]
        if v == "nbs153":
            r["sector_group"] = g153(c)
        elif v == "nbs149":
            r["sector_group"] = 1 if int(c) <= 5 else (2 if int(c) <= 104 else 3)
        else:
            m = xws[v][c]
            r["sector_group"] = g153(m[0]) if m else 3
    conc = pd.concat(parts, ignore_index=True)
    atomic_write_text(out / "concordance.csv", conc.to_csv(index=False))
    atomic_write_text(out / "vintages.csv", pd.DataFrame(vint_rows).to_csv(index=False))
    print(f"wrote {len(cls)} categories, {len(conc)} concordance cells, {len(vint_rows)} vintage sectors to {out}")


if __name__ == "__main__":  # pragma: no cover
    from ..paths import data_dir

    main(data_dir(sys.argv[1] if len(sys.argv) > 1 else None))
