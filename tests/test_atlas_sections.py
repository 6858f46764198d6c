"""Atlas sections on the real data: metadata of every figure, identities between the
numbers shown, determinism of the seeded sections, English labels, and that a
failing upstream API becomes an error box (never invented numbers).

The full atlas (all seven sections, in a real browser) is ``test_atlas_browser.py``.
"""
from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BUILT = ["concept", "scale", "modes", "regional", "effects", "text"]
SEEDED = ["modes", "regional", "effects"]  # permutations, bootstrap, Dirichlet/k-means draws


@pytest.fixture(scope="module")
def atlas(data_dir, tmp_path_factory):
    from digitrace.report.atlas import build_atlas

    out = tmp_path_factory.mktemp("sections") / "atlas"
    res = build_atlas(data_dir, out, sections=BUILT, lang="zh")
    assert res.failed == [], res.to_frame().to_string()
    return res


def _csv(atlas, kind: str, stem: str, **kw) -> pd.DataFrame:
    return pd.read_csv(atlas.out_dir / kind / f"{stem}.csv", **kw)


def test_every_figure_carries_metadata_and_its_sources_are_hashed(atlas, data_dir):
    man = json.loads((atlas.out_dir / "manifest.json").read_text(encoding="utf-8"))
    inputs = {i["path"] for i in man["inputs"]}
    html = atlas.index_html.read_text(encoding="utf-8")
    assert len(man["figures"]) >= 25
    for fig in man["figures"]:
        assert fig["title"] and fig["units"], fig["id"]
        assert fig["method"].startswith("digitrace."), fig["id"]
        assert fig["sources"], f"{fig['id']} lists no source file"
        for src in fig["sources"]:
            m = re.fullmatch(r"(.+) \((\d+)\)", src)
            if m:  # "dir/*.txt (52)": every matching file is an input
                pattern, n = m.group(1), int(m.group(2))
                hits = [p for p in inputs if fnmatch.fnmatch(p, pattern) and "/" not in p[len(pattern.rsplit("/", 1)[0]) + 1:]]
                assert len(hits) == n > 0, (fig["id"], src)
            else:
                assert src in inputs, (fig["id"], src)
        data = pd.read_csv(atlas.out_dir / fig["csv"])
        assert len(data) > 0, fig["id"]
        # the caption shows the parameters and links the CSV
        block = html[html.index(f'id="{fig["id"]}"'):]
        block = block[:block.index("</figure>")]
        assert fig["csv"] in block and "参数" in block, fig["id"]


def test_concept_core_mix_equals_accounts_di_share(atlas):
    # the VA-weighted 01-04 shares of the 153 sectors must add up to the accounts' DI/GDP of 2020
    mix = _csv(atlas, "figures", "fig_concept_core_mix_2020")
    tot = _csv(atlas, "tables", "tab_scale_totals")
    di = tot[(tot["table"] == "china_2020_153")]["di_share_gdp"].unique()
    assert len(di) == 1
    assert mix["pct_of_va"].sum() == pytest.approx(di[0], abs=2e-3)  # CSVs are rounded to 4 decimals
    assert di[0] == pytest.approx(8.42, abs=0.01)  # docs/accounts.md, 2020 153-sector table


def test_scale_band_and_levels_identities(atlas):
    lv = _csv(atlas, "figures", "fig_scale_levels", index_col=0)
    assert np.allclose(lv["de_lo"], lv["di"] + lv["id_lo"], atol=2e-4)
    assert (lv["id_lo"] <= lv["id_hi"]).all()
    sh = _csv(atlas, "figures", "fig_scale_shares_gdp", index_col=0)
    # 2020 band as stated in docs/accounts.md: 2.9-7.8 % of GDP; CAICT's 31.2 % outside
    assert sh.loc[2020, "id_lo_nbs"] == pytest.approx(2.92, abs=0.01)
    assert sh.loc[2020, "id_hi_nbs"] == pytest.approx(7.79, abs=0.01)
    assert sh.loc[2020, "caict_2020_id_gdp"] == pytest.approx(31.2)
    mix = _csv(atlas, "figures", "fig_scale_core_mix", index_col=0)
    parts = mix[["di_mix_01", "di_mix_02", "di_mix_03", "di_mix_04"]].sum(axis=1)
    assert np.allclose(parts, 100, atol=0.05)


def test_modes_counts_cover_every_province(atlas):
    counts = _csv(atlas, "figures", "fig_modes_counts", index_col=0)
    assert (counts.sum(axis=1) == 31).all()
    tr = _csv(atlas, "figures", "fig_modes_transitions", index_col=0)
    probs = tr.drop(columns="n")
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    n = _csv(atlas, "tables", "tab_modes_transition_counts", index_col=0)
    assert n.to_numpy().sum() == tr["n"].sum() == 31 * 6 - 6  # 6 year pairs; one province has no mode


def test_regional_identities(atlas):
    dag = _csv(atlas, "figures", "fig_regional_dagum", index_col=0)
    assert np.allclose(dag[["share_G_w", "share_G_nb", "share_G_t"]].sum(axis=1), 100, atol=1e-3)
    maps = sorted(p.stem for p in (atlas.out_dir / "figures").glob("fig_regional_index_map_*.svg"))
    assert [m[-4:] for m in maps] == [str(y) for y in range(2015, 2023)]
    html = atlas.index_html.read_text(encoding="utf-8")
    assert html.count('data-group="regional_index_map"') == 8
    lisa = _csv(atlas, "figures", "fig_regional_lisa_map")
    assert len(lisa) == 31 and set(lisa["label"]) <= {"HH", "LL", "HL", "LH", "ns"}
    kde = _csv(atlas, "figures", "fig_regional_kde", index_col=0)
    dx = np.diff(kde.index.to_numpy())
    assert np.allclose((kde.to_numpy()[1:] * dx[:, None]).sum(axis=0), 1, atol=0.02)  # densities integrate to 1


def test_effects_table_is_labelled_illustrative_and_matches_library(atlas, data_dir):
    import digitrace
    from digitrace.report.context import AtlasContext
    from digitrace.report.sections import effects

    html = atlas.index_html.read_text(encoding="utf-8")
    sec = html[html.index('id="effects"'):html.index('id="text"')]
    assert "示例性设定，非因果估计" in sec and "300" in sec  # bootstrap count stated on the page
    df, _ = effects._panel(AtlasContext(data_dir=Path(data_dir)))
    assert len(df) == 31 * 8 and df[["lngdppc", "tertiary_share"]].notna().all().all()
    m = digitrace.fe(df, "lngdppc ~ index + tertiary_share | adcode + year", cluster="adcode")
    reg = _csv(atlas, "tables", "tab_effects_regtable", index_col=0)
    cell = reg.loc["数字化指数", "双向固定效应"]
    cell = cell.iloc[0] if isinstance(cell, pd.Series) else cell
    assert cell.startswith(f"{m.params['index']:.3f}")
    # one FE row per dimension across FE, threshold and SDM (regtable's FE-row convention)
    assert [k for k in reg.index if "固定效应" in str(k) and k not in reg.columns] == ["省份固定效应", "年份固定效应"]
    assert reg.loc["省份固定效应"].tolist() == ["是"] * 4
    assert reg.loc["年份固定效应"].tolist() == ["否", "是", "是", "是"]


def test_text_groups_add_up_to_total(atlas):
    nat = _csv(atlas, "figures", "fig_text_national", index_col=0)
    groups = ["ai", "big_data", "cloud", "blockchain", "digital_application"]
    assert np.allclose(nat[groups].sum(axis=1), nat["per_10k"], atol=1e-4)
    assert len(nat) == 52 and nat.index.min() == 1954 and nat.index.max() == 2025
    first = _csv(atlas, "tables", "tab_text_first", index_col=0)
    assert first.loc["大数据", "first_year"] == 2014 and first.loc["数字经济", "first_year"] == 2017
    pv = _csv(atlas, "figures", "fig_text_provincial_map")
    assert len(pv) == 31 and pv["adcode"].is_unique


def test_seeded_sections_rebuild_byte_for_byte(atlas, data_dir, tmp_path):
    from digitrace.report.atlas import build_atlas

    again = build_atlas(data_dir, tmp_path / "again", sections=SEEDED, lang="zh")
    assert again.failed == []
    files = sorted(p.relative_to(again.out_dir) for p in again.out_dir.rglob("*.csv"))
    assert len(files) > 20
    for rel in files:
        assert (atlas.out_dir / rel).read_bytes() == (again.out_dir / rel).read_bytes(), rel
    for rel in sorted(p.relative_to(again.out_dir) for p in again.out_dir.rglob("*.svg")):
        assert (atlas.out_dir / rel).read_bytes() == (again.out_dir / rel).read_bytes(), rel


def test_english_labels(data_dir, tmp_path):
    from digitrace.report.atlas import build_atlas

    res = build_atlas(data_dir, tmp_path / "en", sections=["concept"], lang="en")
    assert res.failed == []
    man = json.loads((res.out_dir / "manifest.json").read_text(encoding="utf-8"))
    for fig in man["figures"]:
        assert not re.search(r"[\u4e00-\u9fff]", fig["title"] + fig["units"]), fig["title"]
    tree = pd.read_csv(res.out_dir / "tables" / "tab_concept_tree.csv", index_col=0, dtype={"code": str})
    assert tree.loc["01", "name"] == "Digital product manufacturing"


def test_broken_upstream_api_becomes_an_error_box(data_dir, tmp_path, monkeypatch):
    import digitrace.modes

    def broken(*a, **k):
        raise NotImplementedError("driving_modes is not available")

    monkeypatch.setattr(digitrace.modes, "driving_modes", broken)
    from digitrace.report.atlas import build_atlas

    res = build_atlas(data_dir, tmp_path / "err", sections=["modes"], lang="zh")
    assert res.failed == ["modes"]
    html = res.index_html.read_text(encoding="utf-8")
    assert "error-box" in html and "driving_modes is not available" in html
    assert not list((res.out_dir / "figures").glob("fig_modes_*"))


def test_english_units_in_mode_weights():
    from digitrace.report.sections._plot import unit_label

    assert unit_label("元/人 (nominal)", "en") == "yuan per person (nominal)"
    assert unit_label("户/百人", "en") == "households per 100 people"
    assert unit_label("户/百人", "zh") == "户/百人"
    assert unit_label("index", "en") == "index"
