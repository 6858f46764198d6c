"""Checkers behind ``digitrace data check`` (one function per kind of file).

Each checker fills a :class:`_Checks` collector: one entry per check, with a key that is
matched against the known-defect registry (``digitrace/_pkgdata/known_defects.csv``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: published totals of the NBS tables, gross output and value added, trillion yuan (MANIFEST-1 §1a)
IO_TOTALS = {2017: (225.77, 82.32), 2018: (249.55, 92.21), 2020: (269.90, 101.64)}


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


