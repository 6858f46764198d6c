"""``digitrace atlas``: an auditable, self-contained offline HTML report.

The atlas is built into a temporary folder next to ``out`` and swapped in only
when complete, so an interrupted build never leaves a half-written report.  A
section that fails is replaced by an error box; the rest is still built.
"""
from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from .. import __version__
from .._results import file_sha256
from ..errors import DigitraceError
from ..paths import data_dir as _resolve_data_dir
from .blocks import Figure, Note, Section, Table
from .context import AtlasContext

#: section id -> (Chinese title, English title), in report order
SECTIONS: dict[str, tuple[str, str]] = {
    "concept": ("概念与分类", "Concept and classification"),
    "scale": ("规模与结构", "Scale and structure"),
    "modes": ("驱动模式", "Driving modes"),
    "chain": ("产业链重塑", "Chain reshaping"),
    "regional": ("区域异质性", "Regional heterogeneity"),
    "effects": ("效应（示例性设定）", "Effects (illustrative specification)"),
    "text": ("文本证据", "Text evidence"),
}


@dataclass(frozen=True)
class AtlasResult:
    """What was built: the output folder, per-section status and timings."""

    out_dir: Path
    sections: tuple[tuple[str, str, float, str | None], ...]  # id, status, seconds, error
    total_seconds: float
    manifest: dict[str, Any] = field(repr=False, compare=False)

    @property
    def failed(self) -> list[str]:
        return [s for s, status, _, _ in self.sections if status != "ok"]

    @property
    def index_html(self) -> Path:
        return self.out_dir / "index.html"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.sections), columns=["section", "status", "seconds", "error"]).set_index("section")

    def summary_line(self) -> str:
        ok = len(self.sections) - len(self.failed)
        s = f"atlas: {ok}/{len(self.sections)} sections built in {self.total_seconds:.1f} s -> {self.index_html}"
        if self.failed:
            s += f"; failed: {', '.join(self.failed)}"
        return s


def _render_block(block: Any, out: Path, figures_done: list[dict[str, Any]]) -> dict[str, Any]:
    from .figures import save_figure

    if isinstance(block, Figure):
        fig = block.draw(block.data)
        svg, png = save_figure(fig, out / "figures" / block.id)
        csv = out / "figures" / f"{block.id}.csv"
        block.data.to_csv(csv, index=True, lineterminator="\n", float_format="%.10g")
        d = {"kind": "figure", "id": block.id, "title": block.title, "units": block.units,
             "sources": list(block.sources), "method": block.method,
             "params": json.dumps(block.params, ensure_ascii=False, sort_keys=True, default=str),
             "svg": f"figures/{svg.name}", "png": f"figures/{png.name}", "csv": f"figures/{csv.name}",
             "note": block.note, "group": block.group, "label": block.label}
        figures_done.append({k: d[k] for k in ("id", "title", "units", "sources", "method", "svg", "png", "csv")})
        return d
    if isinstance(block, Table):
        csv = out / "tables" / f"{block.id}.csv"
        csv.parent.mkdir(parents=True, exist_ok=True)
        block.data.to_csv(csv, index=True, lineterminator="\n", float_format="%.10g")
        shown = block.data.head(block.max_rows).copy()
        for c in shown.columns:    # nullable (Int64, string ...) columns: to_html ignores na_rep for pd.NA
            if isinstance(shown[c].dtype, pd.api.extensions.ExtensionDtype) and shown[c].isna().any():
                shown[c] = shown[c].astype(object).fillna("—")
        if block.labels:
            shown = shown.rename(columns=block.labels)
            shown.index = shown.index.set_names([block.labels.get(n, n) for n in shown.index.names])
        html = shown.to_html(border=0, classes="tbl", float_format=lambda v: f"{v:,.4g}", na_rep="—")
        return {"kind": "table", "id": block.id, "caption": block.caption, "html": html,
                "csv": f"tables/{csv.name}", "sources": list(block.sources), "method": block.method,
                "params": json.dumps(block.params, ensure_ascii=False, sort_keys=True, default=str),
                "note": block.note, "truncated": len(block.data) > block.max_rows, "nrows": len(block.data),
                "collapsed": len(block.data) > 12 if block.collapsed is None else block.collapsed}
    if isinstance(block, Note):
        return {"kind": "note", "html": block.html}
    raise TypeError(f"unknown block {type(block).__name__}")


def build_atlas(data: str | Path | None = None, out: str | Path = "atlas", *,
                sections: Sequence[str] | None = None, lang: str = "zh",
                progress: Callable[[str, int, int], None] | None = None) -> AtlasResult:
    """Build the atlas.

    Parameters
    ----------
    data : path, optional
        Data directory (``--data``; default ``$DIGITRACE_DATA`` or ``../shared/data``).
    out : path
        Output folder; replaced atomically when the build completes.
    sections : sequence of str, optional
        Subset of :data:`SECTIONS` (default: all, in order).
    lang : {"zh", "en"}
    progress : callable(section_id, i, n), optional
        Called before each section (the CLI drives a progress bar with it).
    """
    jinja2 = __import__("digitrace._optional", fromlist=["require"]).require("jinja2")
    if lang not in ("zh", "en"):
        raise DigitraceError(f"--lang must be zh or en, got {lang!r}")
    wanted = list(sections) if sections else list(SECTIONS)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise DigitraceError(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    root = _resolve_data_dir(data)
    out = Path(out).resolve()
    tmp = out.parent / f".{out.name}.building-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:  # an interrupted or failed build leaves no temporary folder behind
        (tmp / "figures").mkdir(parents=True)
        (tmp / "tables").mkdir(parents=True)
        ctx = AtlasContext(data_dir=root, lang=lang)
        t_all = time.perf_counter()
        rendered, status, figures_done = [], [], []
        for i, sid in enumerate(wanted):
            if progress is not None:
                progress(sid, i, len(wanted))
            title = SECTIONS[sid][0 if lang == "zh" else 1]
            t0 = time.perf_counter()
            try:
                mod = importlib.import_module(f"digitrace.report.sections.{sid}")
                sec: Section = mod.build(ctx)
                blocks = [_render_block(b, tmp, figures_done) for b in sec.blocks]
                rendered.append({"id": sid, "title": title, "intro": sec.intro, "blocks": blocks, "error": None})
                status.append((sid, "ok", time.perf_counter() - t0, None))
            except Exception as exc:  # one failing section must not sink the atlas
                msg = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
                rendered.append({"id": sid, "title": title, "intro": "", "blocks": [], "error": msg})
                status.append((sid, "failed", time.perf_counter() - t0, msg))
        env = jinja2.Environment(loader=jinja2.PackageLoader("digitrace.report", "templates"),
                                 autoescape=jinja2.select_autoescape(["html", "j2"]))
        total = time.perf_counter() - t_all
        html = env.get_template("atlas.html.j2").render(
            sections=rendered, lang=lang, version=__version__, data_dir=str(root),
            ui=_UI[lang], n_failed=sum(1 for s in status if s[1] != "ok"))
        (tmp / "index.html").write_text(html, encoding="utf-8")
        manifest = {
            "digitrace_version": __version__,
            "python": platform.python_version(),
            "parameters": {"lang": lang, "sections": wanted, "data_dir": str(root)},
            "inputs": [{"path": p, "sha256": file_sha256(root / p), "bytes": (root / p).stat().st_size}
                       for p in sorted(ctx.inputs)],
            "sections": [{"id": s, "status": st, "seconds": round(sec, 3), "error": err}
                         for s, st, sec, err in status],
            "figures": figures_done,
            "total_seconds": round(total, 3),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old.exists():
        shutil.rmtree(old)
    return AtlasResult(out_dir=out, sections=tuple(status), total_seconds=total, manifest=manifest)


_UI = {
    "zh": {"title": "中国产业数字化图集", "subtitle": "digitrace 自动生成：每个数字均可追溯到输入、参数与方法",
           "units": "单位", "sources": "数据来源", "method": "方法", "params": "参数", "data": "数据 (CSV)",
           "failed": "本节生成失败", "contents": "目录", "manifest": "清单 manifest.json",
           "truncated": "仅显示前若干行；完整数据见 CSV", "select": "选择", "rows": "行，点击展开"},
    "en": {"title": "Atlas of China's industrial digitalization",
           "subtitle": "Generated by digitrace: every number traces to its inputs, parameters and method",
           "units": "Units", "sources": "Sources", "method": "Method", "params": "Parameters", "data": "Data (CSV)",
           "failed": "This section failed to build", "contents": "Contents", "manifest": "manifest.json",
           "truncated": "First rows only; full data in the CSV", "select": "Select", "rows": "rows, click to expand"},
}
