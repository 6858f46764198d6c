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

import numpy as np
import pandas as pd

from .._results import Provenance, Result

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


#: published totals of the NBS tables, gross output and value added, trillion yuan (MANIFEST-1 §1a)
IO_TOTALS = {2017: (225.77, 82.32), 2018: (249.55, 92.21), 2020: (269.90, 101.64)}


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


class _Checks:
    """Collects the checks of one file and matches failures to the known-defect registry."""

    def __init__(self, file: str, kind: str, known: pd.DataFrame) -> None:
        self.file, self.kind, self.rows = file, kind, None
        self.known = known[known["file"] == file]
        self.items: list[dict[str, Any]] = []

    def add(self, check: str, ok: bool, detail: str = "", key: str | None = None) -> None:
        is_known = (not ok and key is not None
                    and bool(((self.known["check"] == check) & (self.known["key"] == key)).any()))
        if is_known:
            desc = self.known[(self.known["check"] == check) & (self.known["key"] == key)].iloc[0]
            detail = f"{detail} [known {desc['status']}: {desc['source']}]"
        self.items.append({"file": self.file, "check": check, "ok": bool(ok), "known": is_known,
                           "key": key or "", "detail": detail})

    def fail(self, check: str, exc: BaseException) -> None:
        self.add(check, False, f"{type(exc).__name__}: {exc}")

    def finish(self) -> dict[str, Any]:
        found = {(i["check"], i["key"]) for i in self.items if i["known"]}
        for k in self.known.itertuples():  # registry entries that should have been detected
            if (k.check, k.key) not in found:
                self.add(f"known defect detected: {k.check}", False,
                         f"expected {k.key!r} ({k.description}) but it was not found")
        failed = [i for i in self.items if not i["ok"] and not i["known"]]
        known = [i for i in self.items if i["known"]]
        status = "FAIL" if failed else ("known defects" if known else "ok")
        text = "; ".join(f"{i['check']}: {i['detail']}" for i in failed + known)
        return {"file": self.file, "kind": self.kind, "rows": self.rows,
                "passed": sum(i["ok"] for i in self.items), "failed": len(failed),
                "known": len(known), "defects": text, "status": status, "_details": self.items}


def _check_panel(root: Path, rel: str, spec: dict, c: _Checks) -> None:
    from .panel import load_panel

    try:
        p = load_panel(root / rel, duplicates="first", **spec.get("load", {}))
    except Exception as exc:  # noqa: BLE001 - any failure is reported as a row
        c.fail("load_panel", exc)
        return
    c.add("load_panel", True, repr(p))
    n = int(p.long()["row"].nunique()) + _n_dropped(root / rel, p)
    c.rows = n
    if "rows" in spec:
        c.add("rows as in manifest", n == spec["rows"], f"{n} rows, manifest {spec['rows']}")
    c.add("provinces with data", not p.missing_provinces,
          f"{31 - len(p.missing_provinces)} of 31", key=";".join(map(str, p.missing_provinces)))
    c.add("duplicate keys", p.duplicates.empty, f"{len(p.duplicates)} rows")
    for r in p.suspicious.itertuples():
        key = f"{r.variable}|{r.year}|{';'.join(sorted(r.adcodes.split(';')))}"
        c.add("duplicate series", False, f"{r.provinces} {r.variable} {r.year} = {r.value:g} "
              f"(lines {r.rows})", key=key)
    if not len(p.suspicious):
        c.add("duplicate series", True, "none")
    miss = int(p.balance.to_numpy().sum()) if p.balance.size else 0
    if "missing_cells" in spec:
        c.add("missing cells as in manifest", miss == spec["missing_cells"],
              f"{miss}, manifest {spec['missing_cells']}")
    if "identity" in spec:
        name, total, parts, tol = spec["identity"]
        d = p.data
        gap = (d[total] - d[parts].sum(axis=1, min_count=len(parts))) / d[total]
        bad = d[gap.abs() > tol]
        years = sorted(set(int(y) for y in bad["year"]))
        c.add(f"identity {name}", bad.empty, f"{len(bad)} rows off by > {tol:g} in "
              f"{', '.join(map(str, years)) or '-'}", key=";".join(map(str, years)))


def _n_dropped(path: Path, p) -> int:
    """Rows dropped as aggregates (so that ``rows`` counts the file's data rows)."""
    if not p.dropped_labels:
        return 0
    from .readers import read_tabular

    raw = read_tabular(path)
    return int(raw.isin(list(p.dropped_labels)).any(axis=1).sum())


def _check_city(root: Path, rel: str, c: _Checks) -> None:
    from .provinces import resolve_provinces
    from .readers import read_tabular

    d = read_tabular(root / rel)
    c.rows = len(d)
    c.add("rows as in manifest", len(d) == 4369, f"{len(d)} rows, manifest 4369")
    try:
        resolve_provinces((d["pref_code_year18"] // 100).astype(int), file=root / rel,
                          column="pref_code_year18")
        c.add("prefecture codes map to the 31 provinces", True)
    except Exception as exc:  # noqa: BLE001
        c.fail("prefecture codes map to the 31 provinces", exc)
    dup = int(d.duplicated(["pref_code_year18", "year"]).sum())
    c.add("duplicate keys", dup == 0, f"{dup} rows")
    per_year = d.groupby("year").size()
    c.add("cities per year 333-337", bool(per_year.between(333, 337).all()),
          f"{per_year.min()}-{per_year.max()}")


def _check_national(root: Path, rel: str, c: _Checks) -> None:
    from .readers import read_tabular

    d = read_tabular(root / rel, header=None, dtype=str)
    first = d.iloc[:, 0].astype(str).str.strip()
    start = int(np.flatnonzero(first == "Indicators")[0])
    stop = int(np.flatnonzero(first.str.startswith("Notes"))[0]) if (first.str.startswith("Notes")).any() else len(d)
    body = d.iloc[start + 1:stop].set_index(0)
    body.columns = d.iloc[start, 1:].tolist()
    body = body.loc[:, [x for x in body.columns if isinstance(x, str) and x.strip()]]
    c.rows = len(body)
    # 2019-05 .. 2022-03 without the Januaries (NBS publishes Jan+Feb together): 32 months
    c.add("32 monthly columns 2019-05..2022-03", body.shape[1] == 32, f"{body.shape[1]} months")
    for label, want in (("Number of Mobile Phone Subscribers at Period End (Ten Thousand)", 159407.0),
                        ("Number of Internet Broadband Access Subscribers at Period End (Ten Thousand)", 48355.0)):
        try:
            got = float(body.loc[label, "01/12/2020"])
        except (KeyError, ValueError) as exc:
            c.fail(f"Dec-2020 {label} (manifest)", exc)
            continue
        c.add(f"Dec-2020 {label.split(' at ')[0]} = {want:,.0f} (manifest)", abs(got - want) < 1,
              f"{got:,.1f}")


def _check_geo(root: Path, c_adj: _Checks, c_dist: _Checks, c_cen: _Checks, c_geo: _Checks) -> None:
    from .geo import haversine_km, load_adjacency, load_centroids, load_distances

    try:
        a = load_adjacency(root)
        c_adj.rows = 31
        c_adj.add("adjacency labels, 0/1, symmetric, matches edge list", True, repr(a))
        c_adj.add("68 rook edges (manifest)", a.n_edges == 68, f"{a.n_edges} edges")
        c_adj.add("islands", not a.islands, ", ".join(map(str, a.islands)),
                  key=";".join(map(str, a.islands)))
        expect = {"Inner Mongolia": 8, "Shaanxi": 8, "Hebei": 7, "Sichuan": 7, "Anhui": 6,
                  "Xinjiang": 3, "Beijing": 2, "Guangdong": 4}
        got = {k: len(a.neighbours(k)) for k in expect}
        c_adj.add("neighbour counts (manifest)", got == expect, str(got))
    except Exception as exc:  # noqa: BLE001
        c_adj.fail("load_adjacency", exc)
    try:
        d = load_distances(root)
        c_dist.rows = len(d)
        c_dist.add("symmetric, zero diagonal", True)
        bs = float(d.loc[110000, 310000])
        c_dist.add("Beijing-Shanghai 1 067 km (manifest)", abs(bs - 1067.3) < 1, f"{bs} km")
        cen = load_centroids(root)
        lon, lat = cen["capital_lon"].to_numpy(), cen["capital_lat"].to_numpy()
        h = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
        err = float(np.abs(h - d.to_numpy()).max())
        c_dist.add("equals haversine of capital coordinates", err < 0.1, f"max |diff| {err:.3f} km")
        c_cen.rows = len(cen)
        c_cen.add("31 provinces, coordinates inside China", True)
    except Exception as exc:  # noqa: BLE001
        c_dist.fail("load_distances / load_centroids", exc)
    from .._optional import available

    if not available("shapely"):
        c_geo.kind = "geometry (shapely not installed)"
        return
    try:
        from .geo import load_geometry

        g = load_geometry(root)
        c_geo.rows = len(g)
        c_geo.add("31 polygons with adcodes", len(g) == 31)
        c_geo.add("geometries valid (after make_valid)", bool(all(x.is_valid for x in g["geometry"])),
                  f"{len(g.attrs['repaired'])} self-intersecting polygons repaired, area change < 1e-6")
    except Exception as exc:  # noqa: BLE001
        c_geo.fail("load_geometry", exc)


def _check_io(root: Path, known: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    try:
        from .io_tables import io_catalog, load_io_table, load_oecd_iot
    except ImportError as exc:
        c = _Checks("io/", "IO tables", known)
        c.fail("import digitrace.data.io_tables", exc)
        return [c.finish()]
    cat = io_catalog(root)
    for path, g in cat.groupby("path", sort=False):
        rel = str(Path(path).relative_to(root))
        c = _Checks(rel, f"IO table ({g['source'].iloc[0].upper()})", known)
        try:
            if g["source"].iloc[0] == "nbs":
                t = load_io_table(path)
                c.rows = t.n
                c.add("load_io_table with balance checks", True, repr(t))
                if t.year in IO_TOTALS:  # 万元 -> trillion yuan = 1e8
                    go, va = IO_TOTALS[t.year]
                    got = (float(t.x.sum()) / 1e8, float(t.va.sum()) / 1e8)
                    c.add(f"GO {go} / VA {va} trillion yuan (manifest)",
                          abs(got[0] - go) < 0.006 and abs(got[1] - va) < 0.006,
                          f"GO {got[0]:.2f}, VA {got[1]:.2f}")
            else:
                for y in g["year"]:
                    load_oecd_iot(path, int(y))
                c.rows = len(g)
                c.add(f"load_oecd_iot {g['year'].min()}-{g['year'].max()} with balance checks", True)
        except Exception as exc:  # noqa: BLE001
            c.fail("load IO table", exc)
        rows.append(c.finish())
    emp = root / "io/nbs/china_employment.csv"
    if emp.exists():
        c = _Checks("io/nbs/china_employment.csv", "sector employment", known)
        try:
            from .readers import read_tabular

            e = read_tabular(emp)
            c.rows = len(e)
            tot = float(e.set_index("Code").loc["TOT", "1992"])
            c.add("TOT 1992 = 66 152 万人 (manifest)", tot == 66152, f"{tot:,.0f}")
        except Exception as exc:  # noqa: BLE001
            c.fail("read", exc)
        rows.append(c.finish())
    return rows


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

        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      console=Console(stderr=True), transient=True) as bar:
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
