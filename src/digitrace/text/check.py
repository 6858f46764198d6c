"""Checks of the text corpora in the data directory (for ``digitrace data check``).

:func:`check_files` returns one row per corpus or file: the keyword dictionary
(76 terms in 5 groups; 4 terms not yet verified in a public source), the
national and provincial government work reports (every file decodes, names a
year, and the 31 provincial files resolve to 31 distinct provinces), and the
annual reports (every manifest row exists with the recorded SHA-256 and every
PDF opens).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .._results import file_sha256

__all__ = ["check_files"]

DICT = "text/dictionaries/wu2021_digital_transformation_keywords.csv"
NATIONAL = "text/gov_work_reports/national_1954_2025_txt"
PROVINCIAL = "text/gov_work_reports/provincial_2026_txt"
SHANGHAI = "text/gov_work_reports/shanghai_2020_2024_txt"
REPORTS = "text/annual_reports"
#: manifest rows in these folders describe files that are not shipped (MANIFEST.md, "In this folder")
NOT_SHIPPED = ("pdf_extra_over4MB/", "pdf_text_pdfium/", "original_formats/")


def _row(file: str, kind: str, n: int, results: list[tuple[str, bool, str]]) -> dict:
    return {"file": file, "kind": kind, "rows": n,
            "checks_passed": sum(ok for _, ok, _ in results),
            "checks_failed": sum(not ok for _, ok, _ in results),
            "defects": "; ".join(f"{name}: {msg}" for name, ok, msg in results if not ok)}


def _decode_all(files: list[Path]) -> list[str]:
    from .ingest import read_text_file

    bad = []
    for f in files:
        try:
            if not read_text_file(f).strip():
                bad.append(f"{f.name} (empty)")
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            bad.append(f"{f.name} ({type(exc).__name__})")
    return bad


def _years(files: list[Path]) -> list[int]:
    return sorted(int(m.group(1)) for f in files if (m := re.match(r"(\d{4})_", f.name)))


def check_files(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Check the text corpora.

    Returns
    -------
    DataFrame with columns ``file, kind, rows, checks_passed, checks_failed, defects``.
    """
    from ..data.provinces import resolve_province
    from ..paths import data_dir as _resolve

    root = _resolve(data_dir)
    rows = []

    d = pd.read_csv(root / DICT, dtype=str)
    unverified = d.loc[d["verified_in_public_source"].astype(str) != "1", "keyword"].tolist()
    rows.append(_row(DICT, "keyword dictionary", len(d), [
        ("76 terms", len(d) == 76, f"{len(d)} terms"),
        ("5 groups", d["group"].nunique() == 5, f"{d['group'].nunique()} groups"),
        ("unique terms", d["keyword"].is_unique, "duplicate terms"),
        ("terms verified", not unverified, f"{len(unverified)} unverified: {', '.join(unverified)}"),
    ]))

    nat = sorted((root / NATIONAL).glob("*.txt"))
    years = _years(nat)
    bad = _decode_all(nat)
    rows.append(_row(NATIONAL, "government work reports", len(nat), [
        ("decodes", not bad, ", ".join(bad)),
        ("year in every name", len(years) == len(nat), "file without a year"),
        ("one report a year", len(set(years)) == len(years), "duplicate years"),
    ]))

    prov = sorted((root / PROVINCIAL).glob("*.txt"))
    codes, unknown = set(), []
    for f in prov:
        try:
            codes.add(resolve_province(f.stem.split("_")[1]))
        except Exception:  # noqa: BLE001
            unknown.append(f.name)
    bad = _decode_all(prov)
    rows.append(_row(PROVINCIAL, "government work reports", len(prov), [
        ("decodes", not bad, ", ".join(bad)),
        ("provinces resolve", not unknown, ", ".join(unknown)),
        ("31 provinces", len(codes) == 31, f"{len(codes)} distinct provinces"),
    ]))

    sh = sorted((root / SHANGHAI).glob("*.txt"))
    bad = _decode_all(sh)
    rows.append(_row(SHANGHAI, "government work reports", len(sh), [
        ("decodes", not bad, ", ".join(bad)),
        ("2020–2024", _years(sh) == list(range(2020, 2025)), f"years {_years(sh)}"),
    ]))

    man = pd.read_csv(root / REPORTS / "manifest.csv", dtype=str)
    man = man[~man["file"].str.startswith(NOT_SHIPPED)]
    missing, mismatch, unreadable = [], [], []
    pdfium = None
    for rec in man.itertuples(index=False):
        p = root / REPORTS / rec.file
        if not p.exists():
            missing.append(rec.file)
            continue
        if isinstance(rec.sha256, str) and rec.sha256 and file_sha256(p) != rec.sha256:
            mismatch.append(rec.file)
        if p.suffix.lower() == ".pdf":
            if pdfium is None:
                from .._optional import require

                pdfium = require("pypdfium2", extra="text")
            try:
                doc = pdfium.PdfDocument(str(p))
                ok = len(doc) > 0
                doc.close()
            except Exception:  # noqa: BLE001
                ok = False
            if not ok:
                unreadable.append(rec.file)
    rows.append(_row(f"{REPORTS}/manifest.csv", "annual reports", len(man), [
        ("files exist", not missing, ", ".join(missing)),
        ("sha256 as recorded", not mismatch, ", ".join(mismatch)),
        ("PDFs open", not unreadable, ", ".join(unreadable)),
    ]))
    return pd.DataFrame(rows)
