"""digitrace: measure and explain China's industrial digitalization (产业数字化).

Importing :mod:`digitrace` is cheap: public functions are resolved lazily from
their sub-modules on first access, so no heavy dependency (matplotlib, dask,
pyfixest, duckdb, jinja2, geopandas) is imported until it is needed.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (resolved on first attribute access)
_LAZY: dict[str, str] = {
    # foundation
    "IOTable": "digitrace.io.table",
    "load_io_table": "digitrace.data.io_tables",
    "load_oecd_iot": "digitrace.data.io_tables",
    "resolve_province": "digitrace.data.provinces",
    "province_registry": "digitrace.data.provinces",
    "load_panel": "digitrace.data.panel",
    "data_dir": "digitrace.paths",
    "Provenance": "digitrace._results",
    # classification and accounts
    "digital_accounts": "digitrace.accounts",
    # indices, disparity, spatial statistics
    "entropy_weights": "digitrace.index",
    "critic_weights": "digitrace.index",
    "topsis": "digitrace.index",
    "coupling_coordination": "digitrace.index",
    "build_index": "digitrace.index",
    "dagum_gini": "digitrace.disparity",
    "theil": "digitrace.disparity",
    "moran": "digitrace.spatial",
    "local_moran": "digitrace.spatial",
    # effects
    "fe": "digitrace.econ",
    "mediation": "digitrace.econ",
    "threshold": "digitrace.econ",
    "spatial_regression": "digitrace.econ",
    "spatial_panel": "digitrace.econ",
    "did": "digitrace.econ",
    "event_study": "digitrace.econ",
    "regtable": "digitrace.econ",
    "moderation": "digitrace.econ",
    "placebo_did": "digitrace.econ",
    # text
    "count_keywords": "digitrace.text",
    # framework
    "chain_measures": "digitrace.chain",
    "driving_modes": "digitrace.modes",
}

_SUBMODULES = {"io", "data", "classify", "accounts", "index", "disparity", "spatial",
               "econ", "text", "chain", "modes", "report", "errors", "paths"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        mod = importlib.import_module(_LAZY[name])
        value = getattr(mod, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"digitrace.{name}")
    raise AttributeError(f"module 'digitrace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)


__all__ = sorted(_LAZY) + ["__version__"]
