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


def test_point_labels_never_overlap_and_stay_inside():
    """label_points drops a label rather than overlapping another or leaving the axes."""
    from digitrace.report.sections import _plot

    plt = _plot.plt()
    fig, ax = plt.subplots(figsize=(4, 3))
    xs = [0.0, 0.01, 0.02, 0.03, 0.5, 1.0]                   # four points on top of each other
    ys = [0.0, 0.01, 0.0, 0.01, 0.5, 1.0]
    ax.scatter(xs, ys)
    fig.tight_layout()
    n = _plot.label_points(ax, xs, ys, ["黑龙江省", "吉林省", "辽宁省", "内蒙古", "中间", "right edge label"])
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in ax.texts]
    assert len(boxes) == n and 3 <= n < 6
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    frame = ax.get_window_extent(r)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
    plt.close(fig)
    assert _plot.short("Manufacture of audio-visual equipment", 12) == "Manufacture…"
    assert _plot.short("电信", 9) == "电信"


def test_year_axes_have_whole_year_ticks():
    from digitrace.report.sections import _plot

    fig = _plot.lines(pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=pd.Index([2002.0, 2005.0, 2010.0])), ylabel="y")
    ticks = [t for t in fig.axes[0].get_xticks() if 2002 <= t <= 2010]
    assert ticks and all(float(t).is_integer() for t in ticks)
    _plot.plt().close(fig)


def test_missing_values_in_nullable_columns_show_as_dash(tmp_path):
    """Int64 <NA> (e.g. a term never found) renders as the same dash as float NaN; CSV stays empty."""
    from digitrace.report.atlas import _render_block

    df = pd.DataFrame({"first_year": pd.array([2014, None], dtype="Int64"), "x": [1.5, float("nan")]},
                      index=pd.Index(["大数据", "区块链"], name="term"))
    d = _render_block(Table("tab_na", "t", df, (), "m", {}), tmp_path, [])
    assert "&lt;NA&gt;" not in d["html"] and d["html"].count("—") == 2 and "2014" in d["html"]
    assert (tmp_path / "tables" / "tab_na.csv").read_text().splitlines()[2] == "区块链,,"
    # display labels rename columns and index on the page only; the CSV keeps machine names
    d = _render_block(Table("tab_lab", "t", df, (), "m", {}, labels={"first_year": "首次出现", "term": "词"}),
                      tmp_path, [])
    assert "首次出现" in d["html"] and "first_year" not in d["html"] and ">词<" in d["html"]
    assert (tmp_path / "tables" / "tab_lab.csv").read_text().splitlines()[0] == "term,first_year,x"


def test_interrupted_build_leaves_no_temporary_folder(monkeypatch, data_dir, tmp_path):
    from digitrace.report.atlas import build_atlas

    def interrupted(ctx):
        raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "digitrace.report.sections.concept", types.SimpleNamespace(build=interrupted))
    with pytest.raises(KeyboardInterrupt):
        build_atlas(data_dir, tmp_path / "a", sections=["concept"])
    assert list(tmp_path.iterdir()) == []
