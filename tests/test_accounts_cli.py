"""CLI: ``digitrace accounts`` and ``digitrace classify``."""
from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd


def run(*args):
    return subprocess.run([sys.executable, "-m", "digitrace", *args], capture_output=True, text=True)


def test_accounts_csv_columns(data_dir, tmp_path):
    out = tmp_path / "tot.csv"
    r = run("accounts", "--data", str(data_dir), "--estimator", "io", "--source", "nbs", "--year", "2020",
            "--format", "csv", "--out", str(out))
    assert r.returncode == 0, r.stderr
    d = pd.read_csv(out)
    for c in ("year", "source", "estimator", "gdp", "di", "id", "de", "di_share_gdp", "id_share_gdp", "id_share_de"):
        assert c in d.columns
    assert set(d["estimator"]) == {"io_direct", "io_complete"}
    assert set(d["table"]) == {"china_2020_153", "china_2020_42"}


def test_accounts_missing_year_one_line_error(data_dir):
    r = run("accounts", "--data", str(data_dir), "--year", "2019")
    assert r.returncode == 2
    assert "no IO table for 2019" in r.stderr and "2020" in r.stderr
    assert r.stderr.strip().count("\n") == 0


def test_classify_codes():
    r = run("classify", "3911", "nbs153:127", "--format", "csv")
    assert r.returncode == 0, r.stderr
    d = pd.read_csv(io.StringIO(r.stdout), dtype=str)
    assert "010101" in set(d["nbs_code"]) and {"0303", "0401"} <= set(d["nbs_code"])
    bad = run("classify", "9999")
    assert bad.returncode == 2 and "9999" in bad.stderr


def test_accounts_unknown_source_is_a_user_error(data_dir):
    import pytest

    from digitrace.accounts import digital_accounts
    from digitrace.errors import SpecificationError

    with pytest.raises(SpecificationError, match="unknown source 'foo'; choose nbs, oecd or both"):
        digital_accounts(data_dir, sources=("nbs", "foo"))
    r = run("accounts", "--data", str(data_dir), "--source", "foo")
    assert r.returncode == 2 and r.stderr.strip() == "error: unknown source 'foo'; choose nbs, oecd or both"
    r = run("accounts", "--data", str(data_dir), "--reconcile", "--sectors")
    assert r.returncode == 2 and "give one of them" in r.stderr
