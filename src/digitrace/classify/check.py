"""Checks of the classification files in the data directory (for ``digitrace data check``).

:func:`check_files` returns one row per file with the number of rows, checks
passed and failed, and the defects found, e.g. the invalid GB/T code ``2017``
that the source lists under 050204.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["check_files"]

NBS = "classification/nbs_digital_economy_2021.csv"
LONG = "classification/nbs_digital_economy_2021_long_to_gbt4754.csv"
GBT = "classification/gbt4754_2017_industry_codes.csv"
EXPECTED = {"大类": 5, "中类": 32, "小类": 156}
CORE_COUNTS = (26, 68, 126)  # GB/T 大类/中类/小类 covered by 01–04 (NBS; textbook ch. 9)


def _split(s) -> list[str]:
    return [] if pd.isna(s) or s == "" else str(s).split(";")


def _row(file: Path, n: int, results: list[tuple[str, bool, str]]) -> dict:
    return {"file": str(file), "rows": n, "checks_passed": sum(ok for _, ok, _ in results),
            "checks_failed": sum(not ok for _, ok, _ in results),
            "defects": "; ".join(f"{name}: {msg}" for name, ok, msg in results if not ok)}


def check_files(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Check the NBS 2021 classification files against GB/T 4754-2017.

    Checks: level counts (5/32/156), parent codes exist, every GB/T code (as
    given and as expanded) exists in GB/T 4754-2017, the core (01–04) covers
    26 大类 / 68 中类 / 126 小类, the long form agrees with the main file.

    Returns
    -------
    DataFrame with columns ``file, rows, checks_passed, checks_failed, defects``.
    """
    from ..paths import data_dir as _resolve

    root = _resolve(data_dir)
    out = []
    gbt_path = root / GBT
    gbt = pd.read_csv(gbt_path, dtype=str)
    valid = set(gbt["code"])
    g_res = [("levels", set(gbt["level"]) == {"1", "2", "3", "4"}, f"levels {sorted(set(gbt['level']))}"),
             ("unique codes", gbt["code"].is_unique, "duplicate codes"),
             ("20 sections", int((gbt["level"] == "1").sum()) == 20, f"{int((gbt['level'] == '1').sum())} 门类")]
    out.append(_row(gbt_path, len(gbt), g_res))

    nbs_path = root / NBS
    nbs = pd.read_csv(nbs_path, dtype=str)
    res = []
    counts = nbs["level"].value_counts().to_dict()
    res.append(("level counts", all(counts.get(k) == v for k, v in EXPECTED.items()), f"{counts}"))
    parents = set(nbs["code"])
    orphans = [c for c, p in zip(nbs["code"], nbs["parent_code"]) if isinstance(p, str) and p not in parents]
    res.append(("parents exist", not orphans, f"orphans {orphans}"))
    bad = []
    for r in nbs.itertuples():
        for c in _split(r.gbt4754_codes) + [e.rstrip("*") for e in _split(r.gbt4754_expanded_4digit)]:
            if c not in valid:
                bad.append(f"{c} under {r.code}")
    bad = sorted(set(bad))
    res.append(("GB/T codes valid", not bad, "invalid GB/T 4754-2017 codes: " + ", ".join(bad)))
    sub = nbs[nbs["level"] == "小类"]
    nocode = sorted(sub.loc[sub["gbt4754_codes"].isna(), "code"])
    res.append(("every 小类 has a GB/T code", not nocode, "no GB/T code for " + ", ".join(nocode)))
    core = nbs[(nbs["level"] == "小类") & nbs["code"].str[:2].isin(["01", "02", "03", "04"])]
    cc = {c for x in core["gbt4754_codes"] for c in _split(x)}
    got = (len({c[:2] for c in cc}), len({c[:3] for c in cc}), len(cc))
    res.append(("core coverage 26/68/126", got == CORE_COUNTS, f"core covers {got}"))
    out.append(_row(nbs_path, len(nbs), res))

    long_path = root / LONG
    if long_path.exists():
        lg = pd.read_csv(long_path, dtype=str)
        lres = []
        badl = sorted({f"{c} under {x}" for c, x in zip(lg["gbt4754_code"], lg["xl_code"])
                       if isinstance(c, str) and c not in valid})
        nocode = sorted({x for c, x in zip(lg["gbt4754_code"], lg["xl_code"]) if not isinstance(c, str)})
        lres.append(("GB/T codes valid", not badl, "invalid GB/T 4754-2017 codes: " + ", ".join(badl)))
        lres.append(("every 小类 has a GB/T code", not nocode, "no GB/T code for " + ", ".join(nocode)))
        known = set(nbs.loc[nbs["level"] == "小类", "code"])
        unk = sorted(set(lg["xl_code"]) - known)
        lres.append(("小类 codes known", not unk, f"unknown {unk}"))
        out.append(_row(long_path, len(lg), lres))
    return pd.DataFrame(out, columns=["file", "rows", "checks_passed", "checks_failed", "defects"])
