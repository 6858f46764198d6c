"""Input-output engine.

Kernels (:mod:`digitrace.io.kernels`) take and return ndarrays in Miller & Blair
notation; the labelled layer (:mod:`~digitrace.io.linkages`,
:mod:`~digitrace.io.extraction`, :mod:`~digitrace.io.aggregate`,
:mod:`~digitrace.io.multipliers`) works on an :class:`~digitrace.io.table.IOTable`
and returns frozen results.  Names are resolved lazily so importing this package
is cheap.
"""
from __future__ import annotations

from .._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "IOTable": "digitrace.io.table",
    # kernels
    "calc_A": "digitrace.io.kernels",
    "calc_B": "digitrace.io.kernels",
    "leontief": "digitrace.io.kernels",
    "ghosh": "digitrace.io.kernels",
    "solve_leontief": "digitrace.io.kernels",
    "calc_x_from_L": "digitrace.io.kernels",
    "output_multipliers": "digitrace.io.kernels",
    "va_multipliers": "digitrace.io.kernels",
    "employment_multipliers": "digitrace.io.kernels",
    "rasmussen_index": "digitrace.io.kernels",
    "primary_input_coefficients": "digitrace.io.kernels",
    # imports
    "domestic_table": "digitrace.io.imports",
    "import_shares": "digitrace.io.imports",
    # balance
    "check_balance": "digitrace.io.balance",
    "BalanceReport": "digitrace.io.balance",
}

# The labelled functions share their module's name (``digitrace.io.linkages`` is
# both a module and a function).  Importing a submodule rebinds the package
# attribute to the module, so these are imported eagerly here, which makes the
# function win.  They only need numpy/pandas (scipy is imported inside kernels).
from .aggregate import aggregate  # noqa: E402,F401
from .extraction import Extraction, extraction, extraction_all  # noqa: E402,F401
from .linkages import Linkages, linkages  # noqa: E402,F401
from .multipliers import Multipliers, multipliers  # noqa: E402,F401

__getattr__, __dir__, __all__ = lazy_exports(
    __name__, _LAZY, eager=("aggregate", "extraction", "extraction_all", "Extraction",
                            "linkages", "Linkages", "multipliers", "Multipliers"))
