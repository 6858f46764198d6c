"""CLI: digitrace disparity dagum|theil|convergence and digitrace spatial moran|weights."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from digitrace.cli import main


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory):
    from digitrace.data.provinces import province_registry
    reg = province_registry()
    rng = np.random.default_rng(0)
    rows = []
    for a, name in zip(reg["adcode"], reg["name_cn"]):
        base = rng.lognormal(-2, 0.5)
        for t in range(2015, 2021):
            rows.append({"province": name, "year": t, "index": base * 1.1 ** (t - 2015) * rng.lognormal(0, 0.05)})
    p = tmp_path_factory.mktemp("cli") / "panel.csv"
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def _run(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def _ok(capsys, args):
    try:
        main(args)
    except SystemExit as exc:  # pragma: no cover - a failure shows the message
        raise AssertionError(capsys.readouterr().err) from exc
    return capsys.readouterr().out


def test_dagum_cli_matches_library(capsys, panel_csv):
    out = _ok(capsys, ["disparity", "dagum", str(panel_csv), "-u", "province", "-f", "json"])
    rows = json.loads(out)
    assert [r["period"] for r in rows] == list(range(2015, 2021))
    import digitrace as dt
    from digitrace.data.provinces import province_registry, resolve_provinces
    df = pd.read_csv(panel_csv)
    df["region4"] = resolve_provinces(df["province"]).map(province_registry().set_index("adcode")["region4"]).to_numpy()
    ref = dt.dagum_gini(df, value="index", group="region4", time="year")
    assert rows[0]["G"] == pytest.approx(ref.total.iloc[0], abs=1e-10)  # to_json: 10 digits
    assert rows[0]["G_nb"] == pytest.approx(ref.between.iloc[0], abs=1e-10)


def test_dagum_cli_bootstrap_csv(capsys, panel_csv, tmp_path):
    out = tmp_path / "d.csv"
    _ok(capsys, ["disparity", "dagum", str(panel_csv), "-u", "province", "-b", "20", "--seed", "1",
                 "-f", "csv", "-o", str(out)])
    d = pd.read_csv(out)
    assert {"ci_low", "ci_high"} <= set(d.columns) and set(d.term) >= {"G", "G_w", "G_nb", "G_t", "D_jh"}


def test_theil_and_convergence_cli(capsys, panel_csv):
    out = _ok(capsys, ["disparity", "theil", str(panel_csv), "-u", "province", "-f", "csv"])
    assert "between region4" in out
    out = _ok(capsys, ["disparity", "convergence", str(panel_csv), "-u", "province", "-k", "sigma"])
    assert "sd_log" in out
    out = _ok(capsys, ["disparity", "convergence", str(panel_csv), "-u", "province", "-k", "beta",
                       "-f", "json"])
    r = json.loads(out)[0]
    assert r["term"] == "lny" and "half_life" in r


def test_spatial_moran_cli(capsys, panel_csv, data_dir):
    out = _ok(capsys, ["spatial", "moran", str(panel_csv), "-u", "province", "--seed", "1",
                       "-p", "99", "-f", "json", "--data", str(data_dir)])
    rows = json.loads(out)
    assert len(rows) == 6 and {"I", "E[I]", "z", "p_value", "p_sim", "C"} <= set(rows[0])
    out = _ok(capsys, ["spatial", "moran", str(panel_csv), "-u", "province", "--local", "--year", "2016",
                       "-w", "knn:4", "-p", "99", "--seed", "2", "-f", "csv", "--data", str(data_dir)])
    assert "quadrant" in out.splitlines()[0]


def test_cli_user_errors(capsys, panel_csv, data_dir):
    code, _, err = _run(capsys, ["disparity", "dagum", str(panel_csv), "-u", "province", "-v", "nope"])
    assert code == 2 and "column 'nope' not found" in err
    code, _, err = _run(capsys, ["spatial", "moran", str(panel_csv), "-u", "province", "-w", "queen",
                                 "--data", str(data_dir)])
    assert code == 2 and "unknown weights spec" in err


def _click_command(path):
    import typer.main

    from digitrace.cli import build_app

    cmd = typer.main.get_command(build_app())
    for name in path:
        cmd = cmd.commands[name]
    return cmd


DOC_COMMANDS = {"docs/data.md": [("data", "check"), ("data", "panel"), ("data", "provinces")],
                "docs/disparity.md": [("disparity", "dagum"), ("disparity", "theil"),
                                      ("disparity", "convergence")],
                "docs/spatial.md": [("spatial", "moran"), ("spatial", "weights")],
                "docs/framework.md": [("modes",)]}


@pytest.mark.parametrize("doc", sorted(DOC_COMMANDS))
def test_docs_cli_lines_use_only_existing_options_and_every_option_has_help(doc):
    """Docs kept in sync with --help: every option a documented command line uses exists,
    and every option of these commands has a help text."""
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    lines = [ln.split("#")[0] for b in blocks for ln in b.splitlines() if ln.startswith("digitrace ")]
    seen = 0
    for path in DOC_COMMANDS[doc]:
        cmd = _click_command(path)
        opts = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
        for p in cmd.params:
            if p.param_type_name == "option" and p.name != "help":
                assert (p.help or "").strip(), f"{' '.join(path)} {p.opts[0]} has no help text"
        prefix = "digitrace " + " ".join(path)
        for ln in lines:
            rest = ln[len(prefix):]
            if not ln.startswith(prefix) or (rest and not rest.startswith(" ")):
                continue
            seen += 1
            used = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", rest))
            assert used <= opts, f"{doc}: `{ln.strip()}` uses {sorted(used - opts)}"
    assert seen, f"{doc} documents none of {DOC_COMMANDS[doc]}"
