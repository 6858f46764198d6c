"""The text-corpus checks used by `digitrace data check`."""
from __future__ import annotations

import hashlib

import pandas as pd


def test_real_corpora_only_the_known_unverified_terms(data_dir):
    from digitrace.text.check import check_files

    rows = check_files(data_dir).set_index("file")
    assert rows["checks_failed"].sum() == 1
    assert "4 unverified" in rows.loc["text/dictionaries/wu2021_digital_transformation_keywords.csv", "defects"]
    assert rows.loc["text/gov_work_reports/provincial_2026_txt", "rows"] == 31
    assert rows.loc["text/annual_reports/manifest.csv", "rows"] == 33


def test_corrupt_pdf_and_wrong_hash_are_reported(data_dir, tmp_path):
    from digitrace.text.check import check_files

    root = tmp_path / "data"
    (root / "text" / "annual_reports" / "pdf").mkdir(parents=True)
    for sub in ("dictionaries", "gov_work_reports"):
        (root / "text" / sub).symlink_to(data_dir / "text" / sub)
    bad = root / "text" / "annual_reports" / "pdf" / "999999_2020_坏.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis is not a pdf body")
    man = pd.DataFrame({"file": ["pdf/999999_2020_坏.pdf", "pdf/missing.pdf"],
                        "sha256": [hashlib.sha256(b"other").hexdigest(), ""]})
    man.to_csv(root / "text" / "annual_reports" / "manifest.csv", index=False)
    rows = check_files(root).set_index("file")
    d = rows.loc["text/annual_reports/manifest.csv", "defects"]
    assert "files exist: pdf/missing.pdf" in d
    assert "sha256 as recorded: pdf/999999_2020_坏.pdf" in d
    assert "PDFs open: pdf/999999_2020_坏.pdf" in d
