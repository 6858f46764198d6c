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
    code, out, err = _run(capsys, ["data", "check", "-f", "xls"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "csv, json or md" in err and "'xls'" in err


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


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory):
    import numpy as np

    from digitrace.data.provinces import province_registry

    rng = np.random.default_rng(0)
    rows = []   # converging: ln y moves 30 % of the way to the common mean each year
    for name in province_registry()["name_cn"]:
        ln_y = rng.normal(-2, 0.5)
        for t in range(2015, 2021):
            rows.append({"province": name, "year": t, "index": float(np.exp(ln_y))})
            ln_y = ln_y + 0.3 * (-2 - ln_y) + 0.05 + rng.normal(0, 0.02)
    p = tmp_path_factory.mktemp("acc") / "panel.csv"
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def test_convergence_side_outputs_are_labelled(capsys, panel_csv, data_dir):
    base = ["disparity", "convergence", str(panel_csv), "-u", "province", "--data", str(data_dir)]
    main(base + ["-k", "sigma"])
    assert "σ trend (OLS of each measure on year" in capsys.readouterr().err
    main(base + ["-k", "markov"])
    err = capsys.readouterr().err
    assert err.startswith("classes (pooled quantiles): C1: index ≤ ") and "C4: index > " in err
    main(base + ["-k", "spatial-markov"])
    err = capsys.readouterr().err
    assert "homogeneity test (Rey 2001" in err and "chi2" in err


def test_spatial_beta_speed_only_on_lny(capsys, panel_csv, data_dir):
    import json

    main(["disparity", "convergence", str(panel_csv), "-u", "province", "-k", "spatial-beta",
          "--data", str(data_dir), "-f", "json"])
    rows = {r["term"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["lny"]["half_life"] > 0 and rows["lny"]["speed"] > 0
    assert rows["rho"]["half_life"] is None and rows["W_lny"]["speed"] is None


def test_lisa_table_names_provinces_and_islands_have_no_p(capsys, panel_csv, data_dir):
    import json

    args = ["spatial", "moran", str(panel_csv), "-u", "province", "--local", "-w", "rook",
            "-p", "99", "--data", str(data_dir), "-f", "json"]
    main(args)
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[110000]["province"] == "北京"
    hainan = rows[460000]
    assert hainan["label"] == "island" and hainan["p_sim"] is None and hainan["p_analytic"] is None
    main(args)   # default seed: the same p_sim on every run
    again = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert [r["p_sim"] for r in again.values()] == [r["p_sim"] for r in rows.values()]


def test_dagum_bootstrap_is_reproducible_by_default(capsys, panel_csv):
    args = ["disparity", "dagum", str(panel_csv), "-u", "province", "-b", "49", "-f", "csv"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first and "ci_low" in first


def test_beta_speed_only_on_lny_with_controls(capsys, panel_csv, tmp_path):
    import json

    d = pd.read_csv(panel_csv)
    import numpy as np

    d["x"] = np.random.default_rng(3).normal(size=len(d))
    p = tmp_path / "c.csv"
    d.to_csv(p, index=False)
    main(["disparity", "convergence", str(p), "-u", "province", "-k", "beta", "--controls", "x",
          "-f", "json"])
    rows = {r["term"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["lny"]["half_life"] > 0 and rows["x"]["half_life"] is None


def test_out_suffix_picks_the_format(capsys, tmp_path):
    # `--out x.csv` without -f used to write a Markdown table into x.csv
    main(["data", "provinces", "-o", str(tmp_path / "p.csv")])
    d = pd.read_csv(tmp_path / "p.csv")
    assert len(d) == 31 and "adcode" in d.columns
    main(["data", "provinces", "-o", str(tmp_path / "p.json")])
    assert len(pd.read_json(tmp_path / "p.json")) == 31
    main(["data", "provinces", "-o", str(tmp_path / "p.txt")])
    assert (tmp_path / "p.txt").read_text(encoding="utf-8").startswith("| adcode |")
    main(["data", "provinces", "-f", "csv", "-o", str(tmp_path / "p.md")])   # -f wins
    assert (tmp_path / "p.md").read_text(encoding="utf-8").startswith("adcode,")


def test_stata_and_excel_outputs(capsys, tmp_path, panel_csv):
    main(["disparity", "dagum", str(panel_csv), "-u", "province", "-o", str(tmp_path / "g.dta")])
    main(["disparity", "dagum", str(panel_csv), "-u", "province", "-o", str(tmp_path / "g.xlsx")])
    main(["disparity", "dagum", str(panel_csv), "-u", "province", "-o", str(tmp_path / "g.csv")])
    ref = pd.read_csv(tmp_path / "g.csv")
    dta = pd.read_stata(tmp_path / "g.dta")
    xl = pd.read_excel(tmp_path / "g.xlsx")
    assert list(dta.columns) == list(ref.columns) == list(xl.columns)
    assert dta["G"].to_numpy() == pytest.approx(ref["G"].to_numpy(), rel=1e-12)
    assert xl["G_nb"].to_numpy() == pytest.approx(ref["G_nb"].to_numpy(), rel=1e-12)
    code, out, err = _run(capsys, ["data", "provinces", "-f", "dta"])
    assert code == 2 and out == "" and "--out" in err


def test_chain_both_tables_on_stdout(capsys):
    import json

    code, _, err = _run(capsys, ["chain", "--sources", "nbs", "-f", "csv"])
    assert code == 2 and "--what long" in err and err.startswith("error:")
    main(["chain", "--sources", "nbs", "--no-text", "-f", "json"])
    d = json.loads(capsys.readouterr().out)        # one JSON document, not two
    assert set(d) == {"long", "channels"} and d["long"] and d["channels"]


def test_version_and_debug_anywhere(capsys, tmp_path):
    main(["--version"])
    from digitrace import __version__

    assert capsys.readouterr().out == f"digitrace {__version__}\n"
    missing = str(tmp_path / "missing.csv")
    with pytest.raises(Exception) as exc:       # --debug after the command: the real error, raised
        main(["io", "summary", missing, "--debug"])
    assert "missing.csv" in str(exc.value) and "No such option" not in str(exc.value)


def test_short_options_are_consistent():
    import typer.main

    from digitrace.cli import build_app

    root = typer.main.get_command(build_app())

    def commands(cmd, path=()):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from commands(sub, (*path, name))
        else:
            yield path, cmd

    for path, cmd in commands(root):
        for p in cmd.params:
            opts = set(p.opts)
            if "--out" in opts:
                assert "-o" in opts, f"digitrace {' '.join(path)}: --out without -o"
            if "--format" in opts:
                assert "-f" in opts, f"digitrace {' '.join(path)}: --format without -f"
            if "--what" in opts:
                assert "-w" in opts, f"digitrace {' '.join(path)}: --what without -w"


def test_user_index_spec_with_own_gbk_and_xlsx_files(capsys, tmp_path):
    import numpy as np

    from digitrace.data.provinces import province_registry

    reg = province_registry()
    rng = np.random.default_rng(1)
    labels = [[str(a), c, e, str(a)[:2]][i % 4]                       # adcodes, 中文, English, 2-digit
              for i, (a, c, e) in enumerate(zip(reg.adcode, reg.name_cn, reg.name_en))]
    rows = [{"省份": lab, "年份": y, "指数": float(rng.uniform(1, 2)), "infra": float(rng.uniform(1, 2))}
            for lab in labels for y in (2020, 2021)]
    d = pd.DataFrame(rows)
    d[["省份", "年份", "指数"]].to_csv(tmp_path / "a.csv", index=False, encoding="gbk")
    d[["省份", "年份", "infra"]].to_excel(tmp_path / "b.xlsx", index=False)
    spec = tmp_path / "my.toml"
    spec.write_text(f"""[index]
name = "my"
years = [2020, 2021]
[[dimension]]
id = "d"
name_cn = "维度"
name_en = "Dim"
[[indicator]]
id = "x"
name_cn = "指数"
name_en = "X"
dimension = "d"
direction = "+"
source = "{(tmp_path / 'a.csv').as_posix()}"
column = "指数"
[[indicator]]
id = "y"
name_cn = "设施"
name_en = "Y"
dimension = "d"
direction = "+"
source = "{(tmp_path / 'b.xlsx').as_posix()}"
column = "infra"
""", encoding="utf-8")
    main(["index", "build", "--spec", str(spec), "-f", "csv"])
    out = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert len(out) == 62 and out["adcode"].nunique() == 31
    (tmp_path / "rel.toml").write_text(spec.read_text(encoding="utf-8").replace(
        (tmp_path / "a.csv").as_posix(), "a.csv"), encoding="utf-8")
    code, _, err = _run(capsys, ["index", "build", "--spec", str(tmp_path / "rel.toml")])
    assert code == 2 and "absolute paths" in err


def test_national_rows_are_dropped_with_a_note(capsys, panel_csv, tmp_path):
    d = pd.read_csv(panel_csv)
    nat = pd.DataFrame({"province": "全国", "year": sorted(d.year.unique()), "index": 1.0})
    p = tmp_path / "with_nat.csv"
    pd.concat([d, nat]).to_csv(p, index=False)
    main(["disparity", "dagum", str(panel_csv), "-u", "province", "-f", "csv"])
    ref = capsys.readouterr().out
    main(["disparity", "dagum", str(p), "-u", "province", "-f", "csv"])
    out, err = capsys.readouterr()
    assert out == ref and "dropped 6 aggregate row(s) (全国)" in err


def test_own_io_table_file_year_and_imbalance(tmp_path, data_dir):
    import subprocess
    import sys

    from digitrace.data.io_tables import load_io_year
    from digitrace.data.io_writer import write_io_table

    p = tmp_path / "my_table.csv"
    write_io_table(load_io_year(data_dir, 2018, n_sectors=42), p)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "digitrace", *args], capture_output=True, text=True)

    r = run("io", "summary", str(p))
    assert r.returncode == 2 and "--year" in r.stderr
    r = run("io", "multipliers", str(p), "--year", "2018", "-f", "csv")
    assert r.returncode == 0 and len(pd.read_csv(__import__("io").StringIO(r.stdout))) == 42
    lines = p.read_text(encoding="utf-8").splitlines()      # break one row identity
    cells = lines[5].split(",")
    i = next(k for k in range(4, len(cells)) if cells[k].replace(".", "", 1).isdigit() and float(cells[k]) > 0)
    cells[i] = str(float(cells[i]) * 1.5)
    lines[5] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run("io", "linkages", str(p), "--year", "2018")
    assert r.returncode == 2 and "row identity" in r.stderr
    r = run("io", "linkages", str(p), "--year", "2018", "--on-imbalance", "warn", "--top", "3")
    assert r.returncode == 0 and r.stderr.startswith("BalanceWarning: ") and "py:" not in r.stderr


def test_spatial_panel_takes_digitrace_weights(data_dir):
    # README tour: W from digitrace.spatial used to fail with "float() argument must be ... not
    # 'SpatialWeights'"; now it is matched by label like a libpysal W or a labelled DataFrame
    import numpy as np

    import digitrace as dt
    from digitrace.spatial import rook_weights

    df = pd.read_csv(data_dir / "province" / "province_panel_2013_2022_merged.csv")
    df["lnpat"] = np.log(df["patents_granted"])
    df["dig"] = df["DEDI"] / 100
    W = rook_weights(link_hainan=True)
    a = dt.spatial_panel(df, "lnpat", ["dig"], W, "adcode", "year", model="sar", fe="twoways")
    b = dt.spatial_panel(df, "lnpat", ["dig"], W.full(), "adcode", "year", model="sar", fe="twoways")
    c = dt.spatial_panel(df.sample(frac=1, random_state=0), "lnpat", ["dig"], W, "adcode", "year",
                         model="sar", fe="twoways")
    assert np.allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-10)
    assert np.allclose(a.params.to_numpy(), c.params.to_numpy(), rtol=1e-8)


def _doc_cli_lines():
    import re
    from pathlib import Path

    root = Path(__file__).parents[1]
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
            joined = re.sub(r"\\\n\s*", " ", block)          # continuation lines
            for ln in joined.splitlines():
                if ln.startswith("digitrace "):
                    yield doc.name, ln.split("  #")[0].split(" # ")[0].strip()


@pytest.mark.parametrize("doc,line", list(_doc_cli_lines()))
def test_every_documented_command_line_parses(doc, line):
    """Every `digitrace ...` line in README.md and docs/ names an existing command and options."""
    import re

    import typer.main

    from digitrace.cli import build_app

    cmd = typer.main.get_command(build_app())
    words = line.split()[1:]
    opts = {"--debug", "--version", "--help", "-h"}
    path = []
    while getattr(cmd, "commands", None) and words and not words[0].startswith("-"):
        name = words.pop(0)
        assert name in cmd.commands, f"{doc}: `{line}`: no command {' '.join(path + [name])!r}"
        cmd = cmd.commands[name]
        path.append(name)
    if getattr(cmd, "commands", None):   # a group: only --help makes sense
        assert words and words[0] in ("--help", "-h"), f"{doc}: `{line}` names a group, not a command"
        return
    opts |= {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    used = set(re.findall(r"(?<![\w./-])(--?[a-zA-Z][\w-]*)", " ".join(words)))
    assert used <= opts, f"{doc}: `{line}` uses {sorted(used - opts)}"


def test_excel_workbook_with_several_sheets(capsys, tmp_path, panel_csv):
    p = tmp_path / "book.xlsx"
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame({"说明": ["数据来源：自行整理"]}).to_excel(xw, sheet_name="说明", index=False)
        pd.read_csv(panel_csv).to_excel(xw, sheet_name="面板", index=False)
    code, _, err = _run(capsys, ["data", "panel", str(p)])
    assert code == 2 and "['说明', '面板']" in err and "--sheet" in err
    for sheet in ("面板", "1"):
        main(["data", "panel", str(p), "--sheet", sheet, "-r", "data", "-f", "csv"])
        assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 31 * 6
    code, _, err = _run(capsys, ["data", "panel", str(p), "--sheet", "nope"])
    assert code == 2 and err.startswith("error: ") and "no sheet 'nope'" in err


def test_duplicated_province_year_rows_are_an_error(capsys, panel_csv, tmp_path):
    # used to be counted twice without a word (Dagum G changed)
    d = pd.read_csv(panel_csv)
    nat = pd.DataFrame({"province": ["全国"], "year": [2015], "index": [1.0]})
    p = tmp_path / "dup.csv"
    pd.concat([nat, d, d.iloc[[0]]]).to_csv(p, index=False)
    for cmd in (["disparity", "dagum"], ["spatial", "moran"]):
        code, _, err = _run(capsys, [*cmd, str(p), "-u", "province"])
        assert code == 2 and f"on lines 3, {len(d) + 3}" in err and "(province, year)" in err
    main(["disparity", "dagum", str(panel_csv), "-u", "province", "-t", ""])   # pooled: allowed
    assert "| G |" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["spatial", "moran", "{f}", "-u", "province", "-p", "-5"],
                                  ["index", "regional", "--permutations", "-1"],
                                  ["io", "linkages", "2020", "--top", "0"],
                                  ["disparity", "convergence", "{f}", "-u", "province", "-k", "markov",
                                   "--classes", "1"],
                                  ["disparity", "dagum", "{f}", "-u", "province", "-b", "-1"]])
def test_out_of_range_numbers_are_usage_errors(capsys, panel_csv, args):
    code, out, err = _run(capsys, [a.replace("{f}", str(panel_csv)) for a in args])
    assert code == 2 and out == "" and err.startswith("error: Invalid value for '")


def test_negative_permutations_in_python_is_a_data_error():
    import numpy as np

    import digitrace as dt
    from digitrace.errors import DataError
    from digitrace.spatial import rook_weights

    w = rook_weights(link_hainan=True)
    y = pd.Series(np.arange(31.0), index=list(w.ids))
    for f in (dt.moran, dt.local_moran):
        with pytest.raises(DataError, match="permutations must be a whole number >= 0"):
            f(y, w, permutations=-5)


def test_text_report_gives_the_document_scores(capsys, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "600000_2021_甲.txt").write_bytes("公司运用大数据和云计算。".encode("gbk"))
    (corpus / "600001_2021_乙.txt").write_bytes(b"")
    out = tmp_path / "o"
    main(["text", "score", str(corpus), "-o", str(out), "--engine", "local", "-q"])
    capsys.readouterr()
    main(["text", "report", str(out), "-w", "documents", "-o", str(tmp_path / "s.dta")])
    d = pd.read_stata(tmp_path / "s.dta")
    assert list(d["entity"]) == ["600000"] and int(d["total"].iloc[0]) == 2
    main(["text", "report", str(out), "-w", "errors", "-f", "csv"])
    assert "empty file" in capsys.readouterr().out


def test_index_wide_table_in_yearbook_order(capsys):
    main(["index", "build", "-w", "wide", "-f", "csv"])
    rows = capsys.readouterr().out.strip().splitlines()[1:]
    assert [r.split(",")[0] for r in rows[:3]] == ["Beijing", "Tianjin", "Hebei"]
    assert rows[-1].startswith("Xinjiang")


def test_extract_table_has_english_names_like_linkages(capsys, data_dir):
    for args in (["io", "extract", "2020", "-s", "090"], ["io", "linkages", "2020"]):
        main([*args, "--data", str(data_dir), "-f", "csv"])
        header = capsys.readouterr().out.splitlines()[0].split(",")
        assert header[:3] == ["code", "name_en", "name_zh"]


def test_classify_gives_chinese_category_names(capsys):
    main(["classify", "3911", "nbs153:127", "-f", "json"])
    import json

    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["nbs_name_zh"] == "计算机整机制造" and rows[-1]["nbs_name_zh"] == "互联网平台"


def test_help_lists_commands_in_topic_order():
    import typer.main

    from digitrace.cli import TOPICS, build_app

    root = typer.main.get_command(build_app())
    names = root.list_commands(None)
    assert names == [t for t in TOPICS if t in names] and names[0] == "data"


def test_ctrl_c_says_interrupted_and_leaves_no_file(tmp_path, data_dir):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "check.csv"
    p = subprocess.Popen([sys.executable, "-m", "digitrace", "data", "check", "--data", str(data_dir),
                          "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)                     # imports done, checks running
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and err.strip().splitlines()[-1].startswith("error: interrupted")
    assert list(tmp_path.iterdir()) == []    # no partial output, no temporary file


def test_unwritable_out_names_the_users_path(capsys, tmp_path):
    code, _, err = _run(capsys, ["data", "provinces", "-o", str(tmp_path)])
    assert code == 2 and err == f"error: {tmp_path}: is a directory\n"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = _run(capsys, ["data", "provinces", "-o", str(blocker / "x.csv")])
    assert code == 2 and err == f"error: {blocker}: not a directory\n"


def test_stata_file_with_value_labelled_prov_column(capsys, tmp_path, panel_csv):
    d = pd.read_csv(panel_csv)
    d["prov"] = pd.Categorical(d.pop("province"))          # Stata: encode province, gen(prov)
    p = tmp_path / "p.dta"
    d.to_stata(p, write_index=False, version=118)
    main(["data", "panel", str(p), "-f", "csv"])
    assert "31 of 31" in capsys.readouterr().out
    main(["disparity", "dagum", str(p), "-u", "prov", "-f", "csv"])
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 6


def test_province_and_year_columns_are_found_without_options(capsys, panel_csv, tmp_path):
    d = pd.read_csv(panel_csv).rename(columns={"province": "省份", "year": "年份"})
    p = tmp_path / "cn.csv"
    d.to_csv(p, index=False, encoding="gbk")
    main(["disparity", "dagum", str(panel_csv), "-u", "province", "-f", "csv"])
    ref = capsys.readouterr().out
    main(["disparity", "dagum", str(p), "-f", "csv"])
    out, err = capsys.readouterr()
    assert out == ref and "province column '省份'" in err and "period column '年份'" in err
    code, _, err = _run(capsys, ["disparity", "dagum", str(p), "-u", "adcode2"])
    assert code == 2 and "'adcode2' not found" in err


def test_econ_doc_example_spec_runs_on_the_reference_data(tmp_path, data_dir):
    import re
    import subprocess
    import sys
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "econ.md").read_text(encoding="utf-8")
    spec = next(b for b in re.findall(r"```toml\n(.*?)```", text, flags=re.S)
                if "province_panel_2013_2022_merged.csv" in b)
    spec = spec.replace("../../shared/data", data_dir.resolve().as_posix())
    (tmp_path / "spec.toml").write_text(spec, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "digitrace", "model", str(tmp_path / "spec.toml")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    # numbers only (the table layout belongs to digitrace.econ.tables)
    assert "54.70" in r.stdout and "18.48" in r.stdout and "数字经济发展指数" in r.stdout


def test_nbs_export_straight_into_dagum(capsys, tmp_path):
    # data.stats.gov.cn 分省年度数据 export (GBK, preamble, years as columns, footnotes)
    import numpy as np

    from digitrace.data.provinces import province_registry

    rng = np.random.default_rng(0)
    lines = ["数据库：分省年度数据", "指标：地区生产总值(亿元)", "时间：最近2年", "地区,2022年,2021年"]
    lines += [",".join([n, *(f"{v:.1f}" for v in rng.uniform(1000, 9000, 2))])
              for n in province_registry()["name_cn_long"]]
    lines += ["注：2022年数据为初步核算数。", "数据来源：国家统计局"]
    p = tmp_path / "export.csv"
    p.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    main(["data", "panel", str(p), "-r", "data", "-o", str(tmp_path / "long.csv")])
    main(["disparity", "dagum", str(tmp_path / "long.csv"), "-v", "地区生产总值(亿元)", "-f", "csv"])
    ref = capsys.readouterr().out
    main(["disparity", "dagum", str(p), "-f", "csv"])
    out, err = capsys.readouterr()
    assert out == ref and len(out.strip().splitlines()) == 3 and "地区生产总值(亿元)" in err
