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

from .._lazy import lazy_exports

_LAZY = {
    "fe": "digitrace.econ.fixed_effects",
    "mediation": "digitrace.econ.mechanism",
    "moderation": "digitrace.econ.mechanism",
    "threshold": "digitrace.econ.panel_threshold",
    "did": "digitrace.econ.diff_in_diff",
    "event_study": "digitrace.econ.diff_in_diff",
    "placebo_did": "digitrace.econ.diff_in_diff",
    "regtable": "digitrace.econ.tables",
    "spatial_regression": "digitrace.econ.spatial_ml",
    "spatial_panel": "digitrace.econ.spatial_fe_panel",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
