"""Read-only views of the pandas fields of frozen results.

``@dataclass(frozen=True)`` stops rebinding a field but not ``res.params["rho"] = 0``,
which would silently change every later table built from the result.  Results that hold
pandas objects mix in :class:`PandasFieldsReadOnly`: reading such a field returns a
shallow copy, and under pandas copy-on-write any change to that copy copies the data,
so the result itself never changes (cheap: no data is copied on read).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["PandasFieldsReadOnly"]


class PandasFieldsReadOnly:
    """Mixin: every pandas attribute is handed out as a copy-on-write shallow copy."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if isinstance(value, (pd.DataFrame, pd.Series)):
            return value.copy(deep=False)
        return value
