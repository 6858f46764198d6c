"""Atlas framework: error boxes, manifest, offline HTML, atomic swap (with stand-in sections)."""
from __future__ import annotations

import json
import re
import sys
import types

import pandas as pd
import pytest

from digitrace.report.blocks import Figure, Note, Section, Table


def _fake_sections(monkeypatch, data_dir):
    def good(ctx):
        ctx.src("reference/mexico_state_pcgdp_1940_2000.csv")
        df = pd.DataFrame({"year": [2000, 2001], "value": [1.0, 2.5]}).set_index("year")

        def draw(d):
            import matplotlib.pyplot as plt

            fig, ax = plt.subplots(figsize=(4, 3))
            ax.plot(d.index, d["value"])
            ax.set_title("测试 test")
            return fig

        return Section("concept", "t", (Note("<p>intro</p>"),
                                         Figure("fig_test", "Test", "units", ("reference/mexico_state_pcgdp_1940_2000.csv",),
                                                "digitrace.test", {"a": 1}, df, draw),
                                         Table("tab_test", "A table", df)))

    def bad(ctx):
        raise ValueError("boom: missing indicator")

    monkeypatch.setitem(sys.modules, "digitrace.report.sections.concept", types.SimpleNamespace(build=good))
    monkeypatch.setitem(sys.modules, "digitrace.report.sections.scale", types.SimpleNamespace(build=bad))


def test_failed_section_gets_error_box_and_rest_builds(monkeypatch, data_dir, tmp_path):
    from digitrace.report.atlas import build_atlas

    _fake_sections(monkeypatch, data_dir)
    res = build_atlas(data_dir, tmp_path / "atlas", sections=["concept", "scale"], lang="en")
    assert res.failed == ["scale"]
    html = (tmp_path / "atlas" / "index.html").read_text(encoding="utf-8")
    assert 'class="error-box"' in html and "boom: missing indicator" in html
    assert 'id="fig_test"' in html
    for ext in ("svg", "png", "csv"):
        assert (tmp_path / "atlas" / "figures" / f"fig_test.{ext}").stat().st_size > 0
    man = json.loads((tmp_path / "atlas" / "manifest.json").read_text(encoding="utf-8"))
    assert [s["status"] for s in man["sections"]] == ["ok", "failed"]
    assert man["inputs"][0]["path"] == "reference/mexico_state_pcgdp_1940_2000.csv"
    assert "1 failed" not in res.summary_line() and "failed: scale" in res.summary_line()


def test_offline_no_remote_urls(monkeypatch, data_dir, tmp_path):
    from digitrace.report.atlas import build_atlas

    _fake_sections(monkeypatch, data_dir)
    build_atlas(data_dir, tmp_path / "a", sections=["concept"], lang="zh")
    html = (tmp_path / "a" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'(src|href)\s*=\s*"https?://', html)


def test_rebuild_reproduces_tables_byte_for_byte(monkeypatch, data_dir, tmp_path):
    from digitrace.report.atlas import build_atlas

    _fake_sections(monkeypatch, data_dir)
    build_atlas(data_dir, tmp_path / "a", sections=["concept"])
    first = (tmp_path / "a" / "tables" / "tab_test.csv").read_bytes()
    svg1 = (tmp_path / "a" / "figures" / "fig_test.svg").read_bytes()
    build_atlas(data_dir, tmp_path / "a", sections=["concept"])
    assert (tmp_path / "a" / "tables" / "tab_test.csv").read_bytes() == first
    assert (tmp_path / "a" / "figures" / "fig_test.svg").read_bytes() == svg1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".a.")]


def test_unknown_section_is_a_clear_error(data_dir, tmp_path):
    from digitrace.errors import DigitraceError
    from digitrace.report.atlas import build_atlas

    with pytest.raises(DigitraceError, match="unknown section"):
        build_atlas(data_dir, tmp_path / "x", sections=["nope"])
