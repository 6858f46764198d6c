"""digitrace io … commands (called in-process through main(), one subprocess check)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from digitrace.cli import main


def run(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_summary_file(capsys, data_dir):
    code, out, err = run(capsys, "io", "summary", str(data_dir / "io" / "nbs" / "china_2017_42.csv"))
    assert code == 0, err
    assert "| kind | noncompetitive |" in out and "| gross output | 2.25773e+10 |" in out
    assert "| check Z_imports>=0 | ok |" in out


def test_summary_shorthand_and_json(capsys, data_dir):
    code, out, err = run(capsys, "io", "summary", "2020", "--data", str(data_dir), "-f", "json")
    assert code == 0, err
    d = {r["item"]: r["value"] for r in json.loads(out)}
    assert d["sectors"] == 153 and d["value added"] == "1.01642e+10"


def test_linkages_csv_to_file(capsys, data_dir, tmp_path):
    out_file = tmp_path / "lk.csv"
    code, out, err = run(capsys, "io", "linkages", "2017:42", "--data", str(data_dir), "--format", "csv",
                         "--out", str(out_file), "--sort", "BL", "--top", "5")
    assert code == 0, err
    lines = out_file.read_text().splitlines()
    assert lines[0] == "code,name_en,name_zh,bl_total,fl_total,bl_direct,fl_direct,BL,FL,class"
    assert len(lines) == 6 and "wrote" in err


def test_linkages_md_leontief(capsys, data_dir):
    code, out, _ = run(capsys, "io", "linkages", str(data_dir / "io" / "nbs" / "china_2010_41.csv"),
                       "--forward", "leontief")
    assert code == 0 and out.startswith("| code | name_en |") and out.count("\n") == 43


def test_multipliers_with_employment(capsys, data_dir):
    code, out, err = run(capsys, "io", "multipliers", "2018", "--data", str(data_dir), "--employment", "-f", "csv")
    assert code == 0, err
    assert out.splitlines()[0].endswith("emp_coef,employment,employment_type1")


def test_extract(capsys, data_dir):
    code, out, err = run(capsys, "io", "extract", "2017:42", "--data", str(data_dir), "-s", "20,31",
                         "--method", "backward", "-f", "csv")
    assert code == 0 and "backward extraction of {20,31}" in err


def test_catalog(capsys, data_dir):
    code, out, _ = run(capsys, "io", "catalog", "--data", str(data_dir), "-f", "csv")
    assert code == 0 and "china_2020_153.csv,2020,153,competitive,nbs" in out


@pytest.mark.parametrize("args,needle", [
    (["io", "summary", "2012"], "no NBS IO table for 2012; tables exist for 2002, 2005"),
    (["io", "linkages", "{tmp}/nope.csv"], "nope.csv: file not found"),
    (["io", "multipliers", "2020:153", "--employment"], "employment concordance only for the NBS 42-sector"),
    (["io", "extract", "2017:42", "-s", "99"], "unknown sector code '99'"),
    (["io", "extract", "2017:42", "-s", "01", "--method", "sideways"],
     "--method must be one of total, backward, forward; got 'sideways'"),
    (["io", "linkages", "2017:42", "--forward", "up"], "--forward must be one of ghosh, leontief; got 'up'"),
    (["io", "linkages", "2017:42", "--sort", "nope"], "--sort must be one of name_en"),
    (["io", "summary", "2017:42", "--on-imbalance", "shrug"], "--on-imbalance must be one of raise, warn, ignore"),
])
def test_user_errors_one_line(capsys, data_dir, tmp_path, args, needle):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args] + ["--data", str(data_dir)]
    code, out, err = run(capsys, *args)
    assert code == 2 and needle in err and err.strip().count("\n") == 0


def test_unbalanced_file_exit_2(tmp_path):
    p = tmp_path / "bad_2019.csv"
    p.write_text("Code,Description,DescriptionInChinese,1,2,TIU,FU101,TFU,GO\n"
                 "1,A,甲,1,2,3,7,7,10\n2,B,乙,3,4,7,13,13,20\n"
                 "TII,t,中间投入合计,4,6,,,,\nTVA,v,增加值合计,6,15,,,,\nTI,x,总投入,10,20,,,,\n")
    r = subprocess.run([sys.executable, "-m", "digitrace", "io", "summary", str(p)], capture_output=True, text=True)
    assert r.returncode == 2
    assert "bad_2019.csv" in r.stderr and "column identity" in r.stderr and "worst sector 2: gap 1 10k CNY" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "digitrace", "io", "summary", str(p), "--on-imbalance", "warn"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "BalanceWarning" in r.stderr and "FAILED" in r.stdout


def test_domestic_flag(capsys, data_dir):
    code, out, err = run(capsys, "io", "multipliers", "2002", "--data", str(data_dir), "--domestic")
    assert code == 2 and "row 081: import share 1.69" in err and "--clip" in err
    code, out, err = run(capsys, "io", "multipliers", "2002", "--data", str(data_dir), "--domestic", "--clip",
                         "-f", "json")
    assert code == 0, err
    va = [r["va"] for r in json.loads(out)]
    assert len(va) == 122 and max(va) <= 1 + 1e-12 and sum(va) / 122 < 0.95  # 084 废品废料 has no inputs: 1
