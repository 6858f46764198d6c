"""``digitrace data check``: validate every known file of the data directory.

Each file gets a row: ``file, kind, rows, passed, failed, known, defects, status``.

* ``passed`` / ``failed`` count checks; a failed check whose key is in the registry of
  **known defects** (``digitrace/_pkgdata/known_defects.csv``, built from the data
  manifests) counts under ``known`` instead of ``failed``.
* ``status`` is ``ok``, ``known defects``, ``FAIL`` (an unexpected failure, or a known
  defect that is no longer detected), ``absent`` (file not in this data directory) or
  ``unavailable`` (a hook or optional dependency is not installed).

:func:`run_checks` returns a :class:`DataCheck`; its ``exit_code`` is 0 when only known,
reported defects are found and 1 otherwise.

Hooks
-----
Other topics add checkers through :data:`HOOKS`, a list of ``"module:function"`` paths.
Each function takes the data directory (a :class:`~pathlib.Path`) and returns an iterable of
dicts (or a DataFrame) with the columns above; missing columns are filled, ``checks_passed`` /
``checks_failed`` are accepted for ``passed`` / ``failed``, and ``defects`` written as
``"check: detail; ..."`` are matched against the known-defect registry (an item counts as known
when its file and check are registered and its detail contains the registered key).  A hook whose
module does not exist is shown as ``unavailable``; one that raises is a ``FAIL`` row.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from .._results import Provenance, Result
from .checkers import _check_city, _check_geo, _check_io, _check_national, _check_panel, _Checks

__all__ = ["DataCheck", "run_checks", "known_defects", "HOOKS", "PANEL_FILES", "CHECK_COLUMNS"]

CHECK_COLUMNS = ["file", "kind", "rows", "passed", "failed", "known", "defects", "status"]

#: checker hooks of other topics, ``"module:function"``; called only if the module exists
HOOKS: list[str] = [
    "digitrace.classify.check:check_files",
    "digitrace.text.check:check_files",
]

#: province files of the reference layout: loader arguments and facts from the manifests
PANEL_FILES: dict[str, dict[str, Any]] = {
    "province/dedi_meng_2013_2022.csv": {"rows": 310},
    "province/eps_population_retail_2006_2019_long.csv": {"rows": 868, "load": {"variable": "variable"}},
    # 6 winsorised cells per column set to NA (MANIFEST-3 §4)
    "province/green_mobile_penetration_it_employment_share_2016_2024.csv": {"rows": 279, "missing_cells": 12},
    "province/huangwt_digital_subset_31prov_2013_2022.csv": {"rows": 310},
    "province/huangwt_gdp_three_sectors_2010_2022_ORIGINAL.csv": {
        "rows": 403, "identity": ("GDP = primary + secondary + tertiary", "Gross Regional Product",
                                  ["Primary Industry", "Secondary Industry", "Tertiary Industry"], 1e-4)},
    "province/huangwt_indicators_2013_2022_ORIGINAL.csv": {"rows": 350},
    "province/nbs_province_ecommerce_internet_2015_2024.csv": {"rows": 310},
    "province/nbs_secondary_industry_va_2000_2023_long.csv": {"rows": 744, "missing_cells": 0},
    "province/nqp127ww_ecommerce_software_product_telecom_2011_2023.csv": {"rows": 403},
    "province/pku_dfiic_province_2011_2023.csv": {"rows": 403},
    "province/population_yearend_2000_2024.csv": {"rows": 775},
    # tech_market_outflow 4 + population 93 + retail 93 (MANIFEST-1 §2d)
    "province/province_panel_2013_2022_merged.csv": {"rows": 310, "missing_cells": 190},
    "province/techme_st_yearbook_province_long.csv": {
        "rows": 19764, "load": {"variable": ["dataset", "variables"], "province": "province"}},
    # e-commerce enterprise share empty for all of 2024 (MANIFEST-3 §2a)
    "province/tongjimodule_nbs_enterprise_informatization_ecommerce_2016_2024.csv": {"rows": 279, "missing_cells": 31},
    "province/tongjimodule_nbs_internet_indicators_2016_2024.csv": {"rows": 279},
    "province/tongjimodule_nbs_software_it_services_2016_2024.csv": {"rows": 279},
    "province/tongjimodule_nbs_telecom_capacity_2016_2024.csv": {"rows": 279},
}
OTHER_FILES = {
    "province/pku_dfiic_city_2011_2023.csv": "city",
    "province/nbs_national_monthly_telecom_2019m05_2022m03_ORIGINAL.csv": "national",
}


def known_defects() -> pd.DataFrame:
    """The registry of known defects: ``file, check, key, status, description, source``."""
    path = resources.files("digitrace") / "_pkgdata" / "known_defects.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p, dtype=str, keep_default_na=False)


@dataclass(frozen=True, repr=False)
class DataCheck(Result):
    """Outcome of :func:`run_checks`: one row per file (``to_frame``) and every check (``details``)."""

    _table: pd.DataFrame = field(repr=False, compare=False)
    _details: pd.DataFrame = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return self._table.copy()

    @property
    def details(self) -> pd.DataFrame:
        """Every check: ``file, check, ok, known, key, detail``."""
        return self._details.copy()

    @property
    def ok(self) -> bool:
        return not (self._table["status"] == "FAIL").any()

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def _headline(self) -> str:
        counts = self._table["status"].value_counts().to_dict()
        return f"{len(self._table)} files: " + ", ".join(f"{v} {k}" for k, v in counts.items())


def _normalise_hook_row(r: dict[str, Any], spec: str, root: Path, known: pd.DataFrame) -> dict[str, Any]:
    """Fill a hook row to :data:`CHECK_COLUMNS` and match its defects to the registry.

    Accepted aliases: ``checks_passed``/``checks_failed`` for ``passed``/``failed``.  ``defects``
    is ``"check: detail; check: detail"``; an item whose (file, check) is in the registry and
    whose detail contains the registry ``key`` counts as known, not failed.
    """
    f = str(r.get("file", spec))
    try:
        f = str(Path(f).resolve().relative_to(root.resolve()))
    except ValueError:
        pass
    passed = int(r.get("passed", r.get("checks_passed", 0)) or 0)
    failed = int(r.get("failed", r.get("checks_failed", 0)) or 0)
    n_known = int(r.get("known", 0) or 0)
    text = str(r.get("defects", "") or "")
    kn = known[known["file"] == f]
    items = [s for s in text.split("; ") if s] if len(kn) else []
    notes = []
    for item in items:
        chk, _, detail = item.partition(": ")
        hit = kn[(kn["check"] == chk) & kn["key"].map(lambda k: k in detail)]
        if len(hit) and failed > 0:
            failed -= 1
            n_known += 1
            notes.append(f"{item} [known {hit.iloc[0]['status']}: {hit.iloc[0]['source']}]")
        else:
            notes.append(item)
    status = r.get("status") if isinstance(r.get("status"), str) and r.get("status") else (
        "FAIL" if failed else ("known defects" if n_known else "ok"))
    return {"file": f, "kind": r.get("kind") or f"hook {spec.split(':')[0]}", "rows": r.get("rows"),
            "passed": passed, "failed": failed, "known": n_known,
            "defects": "; ".join(notes) if notes else text, "status": status}


def _call_hook(spec: str, root: Path, known: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    known = known_defects() if known is None else known
    mod_name, _, fn_name = spec.partition(":")
    try:
        mod = importlib.import_module(mod_name)
    except ModuleNotFoundError as exc:
        if exc.name and mod_name.startswith(exc.name):
            return [{"file": spec, "kind": "hook", "rows": None, "passed": 0, "failed": 0,
                     "known": 0, "defects": f"module {mod_name} not available", "status": "unavailable"}]
        raise
    try:
        out = getattr(mod, fn_name)(root)
        recs = out.to_dict("records") if isinstance(out, pd.DataFrame) else list(out)
    except Exception as exc:  # noqa: BLE001
        return [{"file": spec, "kind": "hook", "rows": None, "passed": 0, "failed": 1, "known": 0,
                 "defects": f"{type(exc).__name__}: {exc}", "status": "FAIL"}]
    return [_normalise_hook_row(r, spec, root, known) for r in recs]


def run_checks(data_dir: str | Path | None = None, *, hooks: Iterable[str] | None = None,
               progress: bool = False) -> DataCheck:
    """Validate every known file of the data directory.

    Parameters
    ----------
    data_dir : path, optional
        Default: ``--data`` / ``DIGITRACE_DATA`` / ``../shared/data``.
    hooks : iterable of str, optional
        ``"module:function"`` checkers (default :data:`HOOKS`).
    progress : bool
        Show a rich progress bar on stderr.
    """
    from ..paths import data_dir as _dd
    from .provinces import check_registry

    root = _dd(data_dir)
    known = known_defects()
    tasks: list[tuple[str, Callable[[], list[dict[str, Any]]]]] = []

    def registry() -> list[dict]:
        c = _Checks("digitrace/_pkgdata/provinces.csv", "province registry", known)
        c.rows = 31
        try:
            check_registry()
            c.add("31 provinces, NBS 10/6/12/3 regions", True)
        except Exception as exc:  # noqa: BLE001
            c.fail("registry", exc)
        return [c.finish()]

    tasks.append(("province registry", registry))
    for rel, spec in PANEL_FILES.items():
        def one(rel=rel, spec=spec) -> list[dict]:
            c = _Checks(rel, "province panel", known)
            if not (root / rel).exists():
                return [{**c.finish(), "status": "absent", "defects": "", "failed": 0}]
            _check_panel(root, rel, spec, c)
            return [c.finish()]
        tasks.append((rel, one))
    for rel, kind in OTHER_FILES.items():
        def other(rel=rel, kind=kind) -> list[dict]:
            c = _Checks(rel, f"{kind} panel", known)
            if not (root / rel).exists():
                return [{**c.finish(), "status": "absent", "defects": "", "failed": 0}]
            try:
                (_check_city if kind == "city" else _check_national)(root, rel, c)
            except Exception as exc:  # noqa: BLE001
                c.fail("read", exc)
            return [c.finish()]
        tasks.append((rel, other))

    def unregistered() -> list[dict]:
        """Province files not in :data:`PANEL_FILES`: try an automatic read, never a failure."""
        out = []
        known_files = set(PANEL_FILES) | set(OTHER_FILES)
        for f in sorted((root / "province").glob("*")) if (root / "province").is_dir() else []:
            rel = f"province/{f.name}"
            if rel in known_files or f.suffix.lower() not in (".csv", ".xlsx", ".xls", ".dta"):
                continue
            c = _Checks(rel, "province panel (unregistered)", known)
            _check_panel(root, rel, {}, c)
            row = c.finish()
            row["status"] = "unregistered"
            out.append(row)
        return out

    tasks.append(("unregistered province files", unregistered))

    def geo() -> list[dict]:
        cs = [_Checks("geo/province_adjacency_rook_31.csv", "rook adjacency", known),
              _Checks("geo/province_capital_distance_km_31.csv", "capital distances", known),
              _Checks("geo/province_centroids_31.csv", "centroids", known),
              _Checks("geo/china_31_provinces.geojson", "geometry", known)]
        if not any((root / c.file).exists() for c in cs):
            return [{**c.finish(), "status": "absent", "defects": "", "failed": 0} for c in cs]
        _check_geo(root, *cs)
        out = [c.finish() for c in cs]
        if out[3]["passed"] == 0 and out[3]["failed"] == 0:
            out[3].update(status="unavailable", defects="shapely not installed (pip install 'digitrace[maps]')")
        return out

    tasks.append(("geo", geo))
    tasks.append(("io tables", lambda: _check_io(root, known)))
    for h in (HOOKS if hooks is None else list(hooks)):
        tasks.append((h, lambda h=h: _call_hook(h, root, known)))

    rows: list[dict[str, Any]] = []
    if progress:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        console = Console(stderr=True)   # no bar (nor a stray blank line) when stderr is not a terminal
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      console=console, transient=True, disable=not console.is_terminal) as bar:
            t = bar.add_task("checking", total=len(tasks))
            for name, fn in tasks:
                bar.update(t, description=f"checking {name}")
                rows += fn()
                bar.advance(t)
    else:
        for _, fn in tasks:
            rows += fn()
    items = [i for r in rows for i in r.pop("_details", [])]
    own = [r for r in rows if r["kind"] not in ("province registry", "hook")
           and not str(r["kind"]).startswith("hook")]
    if own and all(r["status"] == "absent" for r in own):
        rows.append({"file": str(root), "kind": "data directory", "rows": None, "passed": 0,
                     "failed": 1, "known": 0, "status": "FAIL",
                     "defects": "none of the known data files is in this directory "
                                "(the reference layout is ../shared/data)"})
    table = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    table["rows"] = table["rows"].astype("Int64")
    details = pd.DataFrame(items, columns=["file", "check", "ok", "known", "key", "detail"])
    return DataCheck(_table=table, _details=details,
                     provenance=Provenance(method="digitrace.data.check.run_checks",
                                           params={"hooks": list(HOOKS if hooks is None else hooks)},
                                           inputs=((str(root), ""),)))
