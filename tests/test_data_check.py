"""``digitrace data check``: real data, known-defect registry, hooks, CLI exit codes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from digitrace.data.check import PANEL_FILES, known_defects, run_checks

EPS = "province/eps_population_retail_2006_2019_long.csv"


@pytest.fixture(scope="module")
def result(data_dir):
    return run_checks(data_dir)


def test_real_data_only_known_defects(result):
    t = result.to_frame()
    assert result.exit_code == 0, t[t.status == "FAIL"].to_string()
    assert set(t["status"]) <= {"ok", "known defects", "unavailable", "unregistered"}
    hebei = t.set_index("file").loc[EPS]
    assert hebei["status"] == "known defects" and hebei["known"] == 1 and hebei["rows"] == 868
    assert "Tianjin = Hebei" in hebei["defects"] and "MANIFEST-1 §2c" in hebei["defects"]


def test_every_registered_file_and_io_table_is_checked(result, data_dir):
    files = set(result.to_frame()["file"])
    assert set(PANEL_FILES) <= files
    assert {"io/nbs/china_2017_149.csv", "io/nbs/china_2020_42.csv",
            "geo/province_adjacency_rook_31.csv"} <= files
    io_rows = result.to_frame()[result.to_frame()["kind"].str.startswith("IO table")]
    assert len(io_rows) == len(list((data_dir / "io/nbs").glob("china_20*.csv"))) + 1
    assert (io_rows["status"] == "ok").all()


def test_every_known_defect_is_found(result):
    d = result.details
    found = set(zip(d.loc[d.known, "file"], d.loc[d.known, "check"], d.loc[d.known, "key"]))
    reg = known_defects()
    own = reg[~reg["file"].str.startswith(("classification/", "text/"))]  # hook-owned rows
    assert set(zip(own["file"], own["check"], own["key"])) <= found
    assert {"file", "check", "key", "status", "description", "source"} == set(reg.columns)


def _mini(data_dir, tmp_path, name):
    (tmp_path / "province").mkdir(exist_ok=True)
    shutil.copy(data_dir / name, tmp_path / name)
    return tmp_path


def test_fixed_known_defect_is_reported_as_not_detected(data_dir, tmp_path):
    root = _mini(data_dir, tmp_path, EPS)
    df = pd.read_csv(root / EPS)
    df.loc[(df.province == "河北省") & (df.year == 2012) & df.variable.str.startswith("社会"), "value"] = 10000.0
    df.to_csv(root / EPS, index=False)
    r = run_checks(root, hooks=[])
    row = r.to_frame().set_index("file").loc[EPS]
    assert row["status"] == "FAIL" and "not found" in row["defects"] and r.exit_code == 1


def test_new_copy_error_fails(data_dir, tmp_path):
    name = "province/dedi_meng_2013_2022.csv"
    root = _mini(data_dir, tmp_path, name)
    df = pd.read_csv(root / name)
    src = (df.id == 120000) & (df.year == 2016)
    df.loc[(df.id == 130000) & (df.year == 2016), "DEDI"] = df.loc[src, "DEDI"].to_numpy()
    df.to_csv(root / name, index=False)
    r = run_checks(root, hooks=[])
    row = r.to_frame().set_index("file").loc[name]
    assert row["status"] == "FAIL" and "Tianjin = Hebei DEDI 2016" in row["defects"]
    assert r.exit_code == 1


def test_empty_directory_fails(tmp_path):
    r = run_checks(tmp_path, hooks=[])
    assert r.exit_code == 1 and "none of the known data files" in r.to_frame()["defects"].iloc[-1]


def test_hooks_available_unavailable_and_failing(tmp_path, monkeypatch):
    pkg = tmp_path / "hookpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "good.py").write_text(textwrap.dedent("""
        def check_files(root):
            return [{"file": str(root / "x.csv"), "rows": 3, "checks_passed": 2, "checks_failed": 0}]
        def broken(root):
            raise RuntimeError("boom")
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    r = run_checks(tmp_path, hooks=["hookpkg.good:check_files", "hookpkg.good:broken",
                                    "hookpkg.missing:check_files"]).to_frame()
    good = r[r.file == "x.csv"].iloc[0]
    assert (good["status"], good["passed"], good["rows"]) == ("ok", 2, 3)
    assert r[r.file == "hookpkg.good:broken"].iloc[0]["status"] == "FAIL"
    assert "boom" in r[r.file == "hookpkg.good:broken"].iloc[0]["defects"]
    assert r[r.file == "hookpkg.missing:check_files"].iloc[0]["status"] == "unavailable"


def test_cli_json_and_exit_code(data_dir):
    r = subprocess.run([sys.executable, "-m", "digitrace", "data", "check", "--data", str(data_dir),
                        "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    eps = next(x for x in rows if x["file"] == EPS)
    assert "Hebei" in eps["defects"] and eps["status"] == "known defects"
    assert "exit 0" in r.stderr


def test_cli_exit_1_on_unexpected_failure(tmp_path):
    r = subprocess.run([sys.executable, "-m", "digitrace", "data", "check", "--data", str(tmp_path),
                        "--format", "csv"], capture_output=True, text=True)
    assert r.returncode == 1
    assert "FAIL" in r.stdout


def test_cli_panel_and_provinces(data_dir):
    r = subprocess.run([sys.executable, "-m", "digitrace", "data", "panel", str(data_dir / EPS),
                        "--variable", "variable", "--report", "suspicious", "--format", "csv"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Tianjin = Hebei" in r.stdout and "3921.4" in r.stdout
    r = subprocess.run([sys.executable, "-m", "digitrace", "data", "provinces", "--format", "csv"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and len(r.stdout.strip().splitlines()) == 32


def test_cli_unknown_province_is_one_line_exit_2(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("province,year,x\nAtlantis,2019,1\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "digitrace", "data", "panel", str(f)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "bad.csv" in r.stderr and "Atlantis" in r.stderr
