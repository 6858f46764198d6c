"""Acceptance pass as a new user: each test pins a problem found by running the docs' commands."""
from __future__ import annotations

import os
import stat
import warnings

import pandas as pd
import pytest

from digitrace.cli import main


def _run(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_bad_format_is_rejected_before_any_work(capsys, monkeypatch):
    # `data check -f xlsx` used to run every check (seconds) before failing on the format
    import digitrace.data.check as check

    def boom(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("the checks ran before --format was validated")

    monkeypatch.setattr(check, "run_checks", boom)
    code, out, err = _run(capsys, ["data", "check", "-f", "xlsx"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "csv, json or md" in err and "'xlsx'" in err


def test_directory_instead_of_file_is_a_plain_message(capsys, tmp_path):
    code, _, err = _run(capsys, ["data", "panel", str(tmp_path)])
    assert code == 2
    assert err == f"error: {tmp_path}: is a directory\n"   # not "[Errno 21] Is a directory: ..."


def test_text_cell_in_a_numeric_column_names_line_and_column(capsys, tmp_path):
    # one stray text cell used to make the whole column "non-numeric": silently ignored, rc 0
    p = tmp_path / "p.csv"
    p.write_text("province,year,gdp\nBeijing,2019,1\nTianjin,2019,abc\nHebei,2019,3\n", encoding="utf-8")
    code, _, err = _run(capsys, ["data", "panel", str(p)])
    assert code == 2
    assert "p.csv" in err and "line 3" in err and "column gdp" in err and "'abc'" in err


def test_all_text_column_is_still_ignored(tmp_path):
    import digitrace as dt

    p = tmp_path / "p.csv"
    p.write_text("province,year,note,gdp\nBeijing,2019,a,1\nTianjin,2019,b,2\n", encoding="utf-8")
    panel = dt.load_panel(p)
    assert panel.ignored_columns == ("note",)
    assert list(panel.long()["variable"].unique()) == ["gdp"]


def test_load_panel_closes_its_files(tmp_path):
    import digitrace as dt

    p = tmp_path / "p.csv"
    p.write_text("province,year,gdp\nBeijing,2019,1\nTianjin,2019,2\n", encoding="utf-8")
    import gc

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        dt.load_panel(p)
        gc.collect()   # an unclosed handle warns when it is collected
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_outputs_get_normal_file_permissions(capsys, tmp_path):
    # mkstemp's 0600 used to leak into every output file (index.csv unreadable by co-authors)
    out = tmp_path / "prov.csv"
    old = os.umask(0o022)
    try:
        main(["data", "provinces", "-f", "csv", "-o", str(out)])
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert len(pd.read_csv(out)) == 31


def test_atomic_write_keeps_an_existing_files_mode(tmp_path):
    from digitrace.atomic import atomic_write_text

    p = tmp_path / "x.txt"
    p.write_text("old")
    p.chmod(0o640)
    atomic_write_text(p, "new")
    assert p.read_text() == "new" and stat.S_IMODE(p.stat().st_mode) == 0o640
