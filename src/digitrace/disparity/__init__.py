"""Regional disparity: Dagum Gini decomposition, Theil indices, distribution dynamics
and σ/β convergence.

``dagum_gini`` and ``theil`` are the headline functions (also ``digitrace.dagum_gini`` and
``digitrace.theil``).  Submodules are imported lazily so ``import digitrace.disparity``
stays light.
"""
from __future__ import annotations

from .._lazy import lazy_exports

# eager: ``theil`` shares its module's name, so bind the function before any submodule import
from .dagum import dagum_gini  # noqa: E402
from .theil import theil  # noqa: E402

_LAZY = {
    "dagum_gini": "digitrace.disparity.dagum",
    "dagum_gini_panel": "digitrace.disparity.dagum",
    "DagumResult": "digitrace.disparity.dagum",
    "DagumPanelResult": "digitrace.disparity.dagum",
    "theil": "digitrace.disparity.theil",
    "theil_panel": "digitrace.disparity.theil",
    "TheilResult": "digitrace.disparity.theil",
    "sigma_convergence": "digitrace.disparity.convergence",
    "beta_convergence": "digitrace.disparity.convergence",
    "spatial_beta_convergence": "digitrace.disparity.convergence",
    "kde_dynamics": "digitrace.disparity.dynamics",
    "markov": "digitrace.disparity.dynamics",
    "spatial_markov": "digitrace.disparity.dynamics",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
