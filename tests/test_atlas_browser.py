"""The real atlas, opened in headless Chromium through file:// (runs in CI).

Builds every section from ../shared/data once, then checks: no console errors,
every image loaded (naturalWidth > 0), every section present and without an
error box, no remote URLs, manifest hashes match the inputs.  A screenshot is
saved to ``test-artifacts/atlas.png``.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from digitrace._results import file_sha256

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def atlas(data_dir, tmp_path_factory):
    from digitrace.report.atlas import build_atlas

    out = tmp_path_factory.mktemp("atlas") / "atlas"
    res = build_atlas(data_dir, out, lang="zh")
    return res


def test_every_section_built(atlas):
    from digitrace.report.atlas import SECTIONS

    assert [s for s, *_ in atlas.sections] == list(SECTIONS)
    assert atlas.failed == [], atlas.to_frame().to_string()


def test_offline_html(atlas):
    html = atlas.index_html.read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link|img)\b[^>]*>", html)
    assert not [t for t in tags if re.search(r"(src|href)\s*=\s*[\"']?https?://", t)]


def test_manifest_hashes_match_inputs(atlas, data_dir):
    man = json.loads((atlas.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert man["inputs"], "the manifest lists no inputs"
    for item in man["inputs"]:
        assert file_sha256(data_dir / item["path"]) == item["sha256"], item["path"]
    for fig in man["figures"]:
        for key in ("svg", "png", "csv"):
            assert (atlas.out_dir / fig[key]).stat().st_size > 0


def test_in_real_browser(atlas):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian chromium is not installed (.ci/run installs it)"
    from playwright.sync_api import sync_playwright

    from digitrace.report.atlas import SECTIONS

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(atlas.index_html.as_uri())
        page.wait_for_load_state("load")
        imgs = page.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('src'), e.complete, e.naturalWidth])")
        present = page.eval_on_selector_all("section[data-section]", "els => els.map(e => e.dataset.section)")
        boxes = page.eval_on_selector_all(".error-box", "els => els.map(e => e.textContent)")
        # year selectors: one figure of each group visible; choosing the first option shows the first figure
        groups = page.eval_on_selector_all("figure.grouped", "els => [...new Set(els.map(e => e.dataset.group))]")
        shown_before = {g: page.eval_on_selector_all(f'figure[data-group="{g}"]', "els => els.filter(e => e.offsetParent !== null).map(e => e.id)")
                        for g in groups}
        n_selects = page.eval_on_selector_all(".group-select select", "els => els.length")
        first = page.eval_on_selector_all("figure.grouped", "els => els.length ? els[0].id : null")
        if n_selects:
            page.select_option(".group-select select >> nth=0", index=0)
        first_visible = page.eval_on_selector_all(f"#{first}", "els => els[0].offsetParent !== null") if first else None
        page.screenshot(path=str(ARTIFACTS / "atlas.png"), full_page=False)
        page.screenshot(path=str(ARTIFACTS / "atlas-full.png"), full_page=True)
        browser.close()
    assert errors == []
    assert imgs, "no images in the atlas"
    assert [i for i in imgs if not (i[1] and i[2] > 0)] == []
    assert present == list(SECTIONS)
    assert boxes == []
    assert groups and n_selects == len(groups)
    assert all(len(v) == 1 for v in shown_before.values()), shown_before
    assert first_visible is True
