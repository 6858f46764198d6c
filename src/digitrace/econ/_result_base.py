"""Common base of the econ result classes: frozen all the way down.

``@dataclass(frozen=True)`` stops rebinding a field, not ``res.params["x"] = 0``,
``res.fe_rows["year FE"] = "No"`` or ``res.resid[0] = 1``, any of which would
silently change every table built later from the result.  :class:`EconResult`
inherits from :class:`~digitrace._results.Result` the copy-on-write hand-out of pandas
fields, and at construction turns dict fields into read-only, picklable mappings and ndarray
fields into read-only copies.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from .._frozen import FrozenMapping
from .._results import Result, freeze_array


class EconResult(Result):
    """Mixin base for ``@dataclass(frozen=True, repr=False, eq=False)`` econ results."""

    def __post_init__(self) -> None:
        for f in fields(self):
            v = object.__getattribute__(self, f.name)
            if isinstance(v, dict):
                object.__setattr__(self, f.name, FrozenMapping(v))
            elif isinstance(v, np.ndarray) and v.flags.writeable:
                object.__setattr__(self, f.name, freeze_array(v))


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class TableResult(EconResult):
    """The table protocol of :func:`digitrace.econ.regtable`, declared once.

    ``params``, ``se``, ``pvalues`` (Series by term), ``nobs``, ``dep_var``,
    ``r2``, ``fe_rows`` (``{"<column> FE": "Yes"|"No"}``), ``extra_rows``
    (label → text) and ``model_name``.  Keyword-only, so estimators add their
    own fields in any order; a subclass sets its model name with
    ``model_name: str = field(default="...", kw_only=True)``.
    """

    params: pd.Series
    se: pd.Series
    pvalues: pd.Series
    nobs: int
    dep_var: str
    r2: float | None = None
    fe_rows: Mapping[str, str] = field(default_factory=dict)
    extra_rows: Mapping[str, str] = field(default_factory=dict)
    model_name: str = ""
