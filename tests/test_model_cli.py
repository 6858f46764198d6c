"""`digitrace model SPEC.toml`: runs the spec, writes table + JSON atomically, clean errors."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from digitrace.cli import main

SPEC = """
[data]
path = "panel.csv"

[output]
table = ["out/table.md", "out/table.docx"]
json = "out/results.json"
lang = "zh"
fe_labels = { prov = "省份" }

[[model]]
type = "fe"
label = "Baseline"
formula = "y ~ dig + w | prov + year"
cluster = "prov"

[[model]]
type = "threshold"
label = "Threshold"
y = "y"
x = "dig"
q = "q"
entity = "prov"
time = "year"
controls = ["w"]
bootstrap = 19
seed = 1

[[model]]
type = "mediation"
y = "y"
x = "dig"
m = "w"
fixed_effects = ["prov", "year"]
cluster = "prov"
bootstrap = 20
seed = 2
"""


@pytest.fixture()
def spec_dir(tmp_path):
    rng = np.random.default_rng(0)
    N, T = 31, 8
    prov = np.repeat(np.arange(N), T)
    year = np.tile(np.arange(2013, 2013 + T), N)
    dig = rng.normal(size=N * T)
    q = rng.uniform(size=N * T)
    w = 0.5 * dig + rng.normal(size=N * T)
    y = np.where(q < 0.5, 1.0, 0.2) * dig + 0.3 * w + rng.normal(size=N * T)
    pd.DataFrame({"prov": prov, "year": year, "dig": dig, "q": q, "w": w, "y": y}).to_csv(
        tmp_path / "panel.csv", index=False)
    (tmp_path / "spec.toml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def test_model_cli_writes_table_and_json(spec_dir, capsys):
    try:
        main(["model", str(spec_dir / "spec.toml")])
    except SystemExit as e:  # pragma: no cover - success path returns normally
        assert e.code in (0, None)
    out = capsys.readouterr()
    assert "Baseline" in out.out and "观测值" in out.out
    payload = json.loads((spec_dir / "out" / "results.json").read_text(encoding="utf-8"))
    kinds = [m["type"] for m in payload["models"]]
    assert kinds == ["fe", "threshold", "mediation"]
    th = payload["models"][1]
    assert len(th["thresholds"]) == 1 and 0 <= th["p_values"][0] < 0.2
    fe_json = payload["models"][0]
    assert fe_json["fe_rows"] == {"prov FE": "Yes", "year FE": "Yes"}
    assert fe_json["provenance"]["method"] == "digitrace.econ.fe"
    md = (spec_dir / "out" / "table.md").read_text(encoding="utf-8")
    assert "门槛值 γ1" in md and "面板门槛（Hansen 1999）" in md      # lang = "zh"
    # one row per FE dimension across fe, threshold (no time effects) and mediation
    row = next(line for line in md.splitlines() if line.startswith("| 省份固定效应"))
    assert row.count("是") == 3
    row = next(line for line in md.splitlines() if line.startswith("| year固定效应"))
    assert row.count("是") == 2 and row.count("否") == 1
    assert (spec_dir / "out" / "table.docx").stat().st_size > 0
    assert not list((spec_dir / "out").glob(".*.tmp"))


def test_model_cli_bad_spec_is_one_line_error(spec_dir, capsys):
    (spec_dir / "bad.toml").write_text('[data]\npath = "panel.csv"\n[[model]]\ntype = "nope"\n')
    with pytest.raises(SystemExit) as e:
        main(["model", str(spec_dir / "bad.toml")])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "type must be one of" in err
    (spec_dir / "bad2.toml").write_text(
        '[data]\npath = "panel.csv"\n[[model]]\ntype = "fe"\nformula = "y ~ nosuch | prov"\n')
    with pytest.raises(SystemExit) as e:
        main(["model", str(spec_dir / "bad2.toml")])
    assert e.value.code == 2 and "nosuch" in capsys.readouterr().err


def test_docs_example_spec_runs(tmp_path):
    """The example spec in docs/econ.md parses and runs on a synthetic province panel."""
    import re
    from pathlib import Path

    from digitrace.econ.spec import run_spec

    doc = (Path(__file__).resolve().parents[1] / "docs" / "econ.md").read_text(encoding="utf-8")
    toml = re.search(r"```toml\n(# spec\.toml.*?)```", doc, re.S).group(1)
    rng = np.random.default_rng(1)
    N, T = 31, 10
    prov = np.repeat(np.arange(N), T)
    year = np.tile(np.arange(2011, 2011 + T), N)
    pilot = rng.choice([0, 2014, 2016], N)[prov]
    df = pd.DataFrame({"prov": prov, "year": year, "pilot_year": pilot,
                       "dig": rng.normal(size=N * T), "open": rng.normal(size=N * T),
                       "gov": rng.normal(size=N * T), "hc": rng.uniform(size=N * T)})
    df["innov"] = 0.5 * df["dig"] + rng.normal(size=N * T)
    df["hq"] = (np.where(df["hc"] < 0.5, 1.0, 0.3) * df["dig"] + 0.4 * df["innov"]
                + 0.5 * ((pilot > 0) & (year >= pilot)) + rng.normal(size=N * T))
    df.to_csv(tmp_path / "province_panel.csv", index=False)
    (tmp_path / "spec.toml").write_text(toml, encoding="utf-8")
    run = run_spec(tmp_path / "spec.toml")
    assert [m["type"] for m in run.payload["models"]] == ["fe", "mediation", "threshold", "event_study"]
    frame = run.table.to_frame()
    assert "数字化水平" in frame.index and "观测值" in frame.index
    assert "省份固定效应" in frame.index and "年份固定效应" in frame.index
    assert {p.name for p in run.written} == {"table.md", "table.docx", "table.xlsx", "results.json"}


def test_data_file_override_without_data_table(tmp_path):
    from digitrace.econ.spec import run_spec
    from digitrace.errors import SpecificationError

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"prov": np.repeat(np.arange(10), 5), "year": np.tile(np.arange(2010, 2015), 10)})
    df["x"] = rng.normal(size=len(df))
    df["y"] = 2 * df["x"] + rng.normal(size=len(df))
    df.to_csv(tmp_path / "panel.csv", index=False)
    spec = tmp_path / "s.toml"
    spec.write_text('[[model]]\ntype = "fe"\nformula = "y ~ x | prov + year"\n', encoding="utf-8")
    with pytest.raises(SpecificationError, match="--data-file"):
        run_spec(spec)
    run = run_spec(spec, data_path=tmp_path / "panel.csv", out_dir=tmp_path / "out")
    assert abs(run.payload["models"][0]["params"]["x"] - 2) < 0.3
