"""Run a model specification file (TOML): data, models, options -> table + JSON.

Example (see ``docs/econ.md``)::

    [data]
    path = "panel.csv"                 # relative to the spec file

    [output]
    table = ["out/table.md", "out/table.docx"]
    json = "out/results.json"
    lang = "zh"
    stat = "se"
    fe_labels = { province = "省份" }   # display names of FE rows

    [[model]]
    type = "fe"
    label = "Baseline"
    formula = "y ~ dig + open | province + year"
    cluster = "province"

Every key of a ``[[model]]`` table other than ``type`` and ``label`` is passed
to the estimator as a keyword argument.  Spatial models read ``W`` from a CSV
matrix path (first column = row labels).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._results import _jsonable
from ..errors import SpecificationError

MODELS = {
    "fe": ("digitrace.econ.fixed_effects", "fe"),
    "mediation": ("digitrace.econ.mechanism", "mediation"),
    "moderation": ("digitrace.econ.mechanism", "moderation"),
    "threshold": ("digitrace.econ.panel_threshold", "threshold"),
    "did": ("digitrace.econ.diff_in_diff", "did"),
    "event_study": ("digitrace.econ.diff_in_diff", "event_study"),
    "placebo_did": ("digitrace.econ.diff_in_diff", "placebo_did"),
    "spatial_regression": ("digitrace.econ.spatial_ml", "spatial_regression"),
    "spatial_panel": ("digitrace.econ.spatial_fe_panel", "spatial_panel"),
}
_EXTRA_FIELDS = ("thresholds", "ci", "f_stats", "p_values", "crit_values", "sigma2", "indirect",
                 "sobel_z", "sobel_p", "boot_ci", "boot_se", "pretrend_F", "pretrend_p", "actual",
                 "p_value", "loglik", "r2_within")


@dataclass(frozen=True)
class ModelRun:
    """Outcome of :func:`run_spec`: the fitted results, the table and the written files."""

    results: tuple[Any, ...]
    labels: tuple[str, ...]
    table: Any
    written: tuple[Path, ...]
    payload: dict


def load_spec(path: str | Path, *, data_given: bool = False) -> dict:
    """Read and validate a model spec; ``data_given`` when the data path comes from the caller."""
    import tomllib

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"spec file not found: {p}")
    try:
        spec = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecificationError(f"{p}: invalid TOML: {exc}") from exc
    if not data_given and ("data" not in spec or "path" not in spec["data"]):
        raise SpecificationError(f"{p}: missing [data] path = ... (or pass --data-file)")
    spec.setdefault("data", {})
    if not spec.get("model"):
        raise SpecificationError(f"{p}: no [[model]] tables")
    for i, m in enumerate(spec["model"], 1):
        if m.get("type") not in MODELS:
            raise SpecificationError(f"{p}: model {i}: type must be one of {sorted(MODELS)}, "
                                     f"got {m.get('type')!r}")
    return spec


def _result_dict(res: Any, label: str, kind: str) -> dict:
    out: dict[str, Any] = {"label": label, "type": kind}
    for name in ("params", "se", "pvalues"):
        s = getattr(res, name, None)
        if isinstance(s, pd.Series):
            out[name] = {str(k): float(v) for k, v in s.items()}
    for name in ("nobs", "r2", "dep_var", "model_name", "fe_rows", "extra_rows", *_EXTRA_FIELDS):
        if hasattr(res, name):
            out[name] = _jsonable(getattr(res, name))
    for name in ("coefs", "effects", "marginal"):
        v = getattr(res, name, None)
        if isinstance(v, pd.DataFrame):
            out[name] = json.loads(v.reset_index().to_json(orient="records"))
    prov = getattr(res, "provenance", None)
    if prov is not None:
        out["provenance"] = prov.to_dict()

    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return clean(out)


def run_spec(path: str | Path, data_path: str | Path | None = None,
             out_dir: str | Path | None = None) -> ModelRun:
    """Fit every model in the spec, write the table(s) and the JSON atomically."""
    import importlib

    from ..atomic import atomic_write_text
    from ..data.readers import read_tabular
    from .tables import regtable

    p = Path(path)
    spec = load_spec(p, data_given=data_path is not None)
    base = p.parent
    dpath = Path(data_path) if data_path else base / spec["data"]["path"]
    data = read_tabular(dpath, **({"sheet": spec["data"]["sheet"]} if "sheet" in spec["data"] else {}))
    results, labels, kinds = [], [], []
    for i, m in enumerate(spec["model"], 1):
        kw = {k: v for k, v in m.items() if k not in ("type", "label")}
        modname, fname = MODELS[m["type"]]
        func = getattr(importlib.import_module(modname), fname)
        if "W" in kw and isinstance(kw["W"], str):
            kw["W"] = pd.read_csv(base / kw["W"], index_col=0)
        try:
            res = func(data, **kw)
        except TypeError as exc:
            raise SpecificationError(f"{p}: model {i} ({m['type']}): {exc}") from exc
        results.append(res)
        labels.append(str(m.get("label", f"({i})")))
        kinds.append(m["type"])
    out = spec.get("output", {})
    odir = Path(out_dir) if out_dir else base
    tabled = [(r, lab) for r, lab in zip(results, labels)
              if isinstance(getattr(r, "params", None), pd.Series)]
    # the panel the models were given (maps spatial panels' "Entity"/"Time FE" rows)
    panels = {(m["entity"], m["time"]) for m in spec["model"] if "entity" in m and "time" in m}
    table = regtable([r for r, _ in tabled], labels=[lab for _, lab in tabled],
                     lang=out.get("lang", "en"), stat=out.get("stat", "se"),
                     digits=int(out.get("digits", 3)),
                     coef_labels=out.get("coef_labels"), fe_labels=out.get("fe_labels"),
                     panel=next(iter(panels)) if len(panels) == 1 else None) if tabled else None
    written: list[Path] = []
    targets = out.get("table", "table.md")
    for t in [targets] if isinstance(targets, str) else list(targets):
        if table is not None:
            written.append(table.save(odir / t))
    payload = {"spec": str(p), "data": str(dpath),
               "models": [_result_dict(r, lab, k) for r, lab, k in zip(results, labels, kinds)]}
    jpath = odir / out.get("json", "results.json")
    atomic_write_text(jpath, json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n")
    written.append(jpath)
    return ModelRun(results=tuple(results), labels=tuple(labels), table=table,
                    written=tuple(written), payload=payload)


__all__ = ["MODELS", "ModelRun", "load_spec", "run_spec"]
