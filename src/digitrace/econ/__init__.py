"""Effects of industrial digitalization: panel, mechanism, threshold, spatial and DID models.

Public functions are loaded lazily so that ``import digitrace.econ`` does not
import pyfixest.

Every estimator's result exposes the *table protocol* used by
:func:`digitrace.econ.regtable`: ``params`` and ``se`` (Series indexed by term),
``pvalues`` (Series), ``nobs`` (int), ``r2`` (float or None), ``dep_var`` (str),
``fe_rows`` (dict label -> "Yes"/"No"), ``extra_rows`` (dict label -> str, e.g.
ρ, thresholds) and ``model_name`` (str).
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "fe": "digitrace.econ.fe",
    "mediation": "digitrace.econ.mediation",
    "moderation": "digitrace.econ.mediation",
    "threshold": "digitrace.econ.threshold",
    "did": "digitrace.econ.did",
    "event_study": "digitrace.econ.did",
    "placebo_did": "digitrace.econ.did",
    "regtable": "digitrace.econ.tables",
    "spatial_regression": "digitrace.econ.spatial_ml",
    "spatial_panel": "digitrace.econ.spatial_panel",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'digitrace.econ' has no attribute {name!r}")


__all__ = sorted(_LAZY)
