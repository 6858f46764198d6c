"""Spatial statistics for provinces: weights (rook, kNN, inverse distance, economic,
nested), global Moran's I and Geary's C, and local Moran (LISA).

Submodules are imported lazily; NumPy/SciPy only (esda/libpysal are not needed).
"""
from __future__ import annotations

from .._lazy import lazy_exports

# eager: the functions share their module's name, so bind them before any submodule import
from .moran import geary, local_moran, moran  # noqa: E402

_LAZY = {
    "moran": "digitrace.spatial.moran",
    "geary": "digitrace.spatial.moran",
    "local_moran": "digitrace.spatial.moran",
    "moran_panel": "digitrace.spatial.panel",
    "MoranResult": "digitrace.spatial.moran",
    "GearyResult": "digitrace.spatial.moran",
    "LocalMoranResult": "digitrace.spatial.moran",
    "SpatialWeights": "digitrace.spatial.weights",
    "rook_weights": "digitrace.spatial.weights",
    "knn_weights": "digitrace.spatial.weights",
    "inverse_distance_weights": "digitrace.spatial.weights",
    "economic_distance_weights": "digitrace.spatial.weights",
    "nested_weights": "digitrace.spatial.weights",
    "weights_from_matrix": "digitrace.spatial.weights",
    "weights_from_gal": "digitrace.spatial.weights",
    "as_spatial_weights": "digitrace.spatial.weights",
    "weights_from_spec": "digitrace.spatial.weights",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
