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

from .._lazy import lazy_exports

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

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
