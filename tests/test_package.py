"""Package-level guarantees: light import, lazy API, optional gate, README/CI agree."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["matplotlib", "dask", "geopandas", "pyfixest", "duckdb", "jinja2", "distributed",
         "libpysal", "esda", "pypdfium2", "docx", "openpyxl"]


def test_import_is_light():
    code = ("import sys, json, digitrace; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_lazy_names_resolve_to_real_modules():
    import importlib

    import digitrace

    for name, mod in digitrace._LAZY.items():
        spec = importlib.util.find_spec(mod)
        assert spec is not None, f"{name} -> {mod} does not exist"


def test_optional_gate_names_the_extra(monkeypatch):
    from digitrace._optional import require
    from digitrace.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "jinja2", None)  # makes `import jinja2` fail
    with pytest.raises(MissingDependencyError, match=r"digitrace\[report\]"):
        require("jinja2")


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up")[1].split("\n## ")[0]
    blocks = re.findall(r"```bash\n(.*?)```", setup, flags=re.S)
    assert len(blocks) == 2
    cmds = [b.strip() for b in blocks]
    assert all("\n" not in c for c in cmds)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert cmds[1] in ci.splitlines()
    assert "pytest" in cmds[1] and "digitrace" in cmds[0]


def test_results_are_frozen_and_render():
    import dataclasses

    import pandas as pd

    from digitrace._results import Provenance, Result

    @dataclasses.dataclass(frozen=True, repr=False)
    class R(Result):
        value: float

        def to_frame(self):
            return pd.DataFrame({"value": [self.value]}, index=["a"])

    r = R(1.5, provenance=Provenance("test.method", {"k": 1}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.value = 2.0
    with pytest.raises(TypeError):
        r.provenance.params["k"] = 2
    assert repr(r).startswith("<R:")
    assert "| value |" in r.summary("markdown")
    assert "<table" in r._repr_html_()
    assert "1.5000" in r.summary("text")
    assert json.loads(r.provenance.to_json())["version"]


def test_atomic_write_leaves_no_partial_file(tmp_path):
    from digitrace.atomic import atomic_path

    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("partial")
            raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "dta", "json", "md", "html"])
def test_result_save_roundtrip(tmp_path, suffix):
    import dataclasses

    import pandas as pd

    from digitrace._results import Provenance, Result

    @dataclasses.dataclass(frozen=True, repr=False)
    class R(Result):
        def to_frame(self):
            return pd.DataFrame({"省份": ["北京", "上海"], "value": [1.25, 2.5]}, index=pd.Index([2020, 2021], name="year"))

    r = R(provenance=Provenance("test.save", {"seed": 1}))
    out = r.save(tmp_path / f"r.{suffix}")
    if suffix == "csv":
        back = pd.read_csv(out)
        assert back["value"].tolist() == [1.25, 2.5] and back["省份"].tolist() == ["北京", "上海"]
    elif suffix == "xlsx":
        back = pd.read_excel(out, sheet_name=None)
        assert back["data"]["value"].tolist() == [1.25, 2.5]
        assert "test.save" in back["provenance"]["value"].tolist()
    elif suffix == "dta":
        back = pd.read_stata(out)
        assert back["value"].tolist() == [1.25, 2.5] and list(back["year"]) == [2020, 2021]
        assert back["省份"].tolist() == ["北京", "上海"]
    elif suffix == "json":
        d = json.loads(out.read_text(encoding="utf-8"))
        assert d["provenance"]["params"] == {"seed": 1} and d["data"][1]["value"] == 2.5
    else:
        assert "北京" in out.read_text(encoding="utf-8")


def test_public_econ_names_are_functions_in_any_import_order():
    import importlib
    import inspect

    import digitrace
    import digitrace.econ as econ

    for mod in ("fixed_effects", "mechanism", "panel_threshold", "diff_in_diff", "tables", "spatial_ml"):
        importlib.import_module(f"digitrace.econ.{mod}")
    for name in ("fe", "mediation", "moderation", "threshold", "did", "event_study", "placebo_did",
                 "regtable", "spatial_regression"):
        assert inspect.isfunction(getattr(econ, name)), name
        assert inspect.isfunction(getattr(digitrace, name)), name


def _series_result_class():
    import dataclasses

    import pandas as pd

    from digitrace._results import Result

    @dataclasses.dataclass(frozen=True, repr=False)
    class SeriesResult(Result):
        params: pd.Series

        def to_frame(self):
            return self.params.to_frame("value")

    SeriesResult.__qualname__ = "SeriesResult"
    return SeriesResult


SeriesResult = _series_result_class()


def test_results_are_immutable_and_picklable():
    import pickle

    import pandas as pd

    from digitrace._results import Provenance

    r = SeriesResult(pd.Series({"rho": 0.4, "x": 1.0}), provenance=Provenance("t", {"seed": 3}))
    p = r.params
    p["rho"] = 0.0                       # changes a copy only (copy-on-write)
    assert r.params["rho"] == 0.4 and r.to_frame().loc["rho", "value"] == 0.4
    back = pickle.loads(pickle.dumps(r))
    assert back.params.equals(r.params) and back.provenance.params["seed"] == 3
