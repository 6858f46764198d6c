"""The three driving modes of industrial digitalization, measured.

* :func:`driving_modes` — per province-year: three composite scores (social /
  demand-forced, technology integration, innovation / value-added services),
  the dominant mode with a "mixed" class, Dirichlet and k-means robustness,
  Markov transitions and mode paths (:class:`DrivingModes`);
* :func:`sector_modes` — the same scores per sector and IO table from
  :mod:`digitrace.chain` (national, no provincial IO tables exist);
* :func:`load_mode_spec`, :func:`list_mode_specs` — spec files
  (``digitrace/_pkgdata/mode_specs``);
* :mod:`.kernels` — array kernels (standardise, dominant, k-means, kappa, transitions).

The framework and every indicator's limitation: ``docs/framework.md``.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "driving_modes": "digitrace.modes.classify",
    "DrivingModes": "digitrace.modes.classify",
    "STATES": "digitrace.modes.classify",
    "MODES": "digitrace.modes.spec",
    "ModeSpec": "digitrace.modes.spec",
    "load_mode_spec": "digitrace.modes.spec",
    "list_mode_specs": "digitrace.modes.spec",
    "sector_modes": "digitrace.modes.sectors",
    "SectorModes": "digitrace.modes.sectors",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'digitrace.modes' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "MODES",
    "STATES",
    "DrivingModes",
    "ModeSpec",
    "SectorModes",
    "driving_modes",
    "list_mode_specs",
    "load_mode_spec",
    "sector_modes",
]
