"""The one gate for optional dependencies.

Use :func:`require` inside functions, never at module import time::

    plt = require("matplotlib.pyplot", extra="report")

A missing package raises :class:`~digitrace.errors.MissingDependencyError`
telling the user which extra to install.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingDependencyError

#: module name -> (pip distribution, extra that provides it)
EXTRAS: dict[str, tuple[str, str]] = {
    "pyfixest": ("pyfixest", "econ"),
    "libpysal": ("libpysal", "spatial"),
    "esda": ("esda", "spatial"),
    "giddy": ("giddy", "spatial"),
    "inequality": ("inequality", "spatial"),
    "ahocorasick": ("pyahocorasick", "text"),
    "pypdfium2": ("pypdfium2", "text"),
    "charset_normalizer": ("charset-normalizer", "text"),
    "yaml": ("pyyaml", "text"),
    "dask": ("dask[distributed]", "distributed"),
    "distributed": ("dask[distributed]", "distributed"),
    "duckdb": ("duckdb", "distributed"),
    "pyarrow": ("pyarrow", "distributed"),
    "openpyxl": ("openpyxl", "export"),
    "docx": ("python-docx", "export"),
    "pyreadstat": ("pyreadstat", "export"),
    "jinja2": ("jinja2", "report"),
    "matplotlib": ("matplotlib", "report"),
    "shapely": ("shapely", "maps"),
}


def require(module: str, extra: str | None = None) -> ModuleType:
    """Import ``module`` or raise a :class:`MissingDependencyError` naming the extra.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"matplotlib.pyplot"``.
    extra : str, optional
        Override the extra named in the message.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised via monkeypatch in tests
        top = module.split(".")[0]
        dist, default_extra = EXTRAS.get(top, (top, "all"))
        ex = extra or default_extra
        raise MissingDependencyError(
            f"this feature needs the optional package '{dist}': "
            f"pip install 'digitrace[{ex}]'  (import of {module!r} failed: {exc})"
        ) from exc


def available(module: str) -> bool:
    """True when ``module`` can be imported (no import side effects are kept)."""
    import importlib.util

    return importlib.util.find_spec(module.split(".")[0]) is not None
