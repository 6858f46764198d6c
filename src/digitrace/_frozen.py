"""Read-only views of the pandas fields of frozen results.

``@dataclass(frozen=True)`` stops rebinding a field but not ``res.params["rho"] = 0``,
which would silently change every later table built from the result.  Results that hold
pandas objects mix in :class:`PandasFieldsReadOnly`: reading such a field returns a
shallow copy, and under pandas copy-on-write any change to that copy copies the data,
so the result itself never changes (cheap: no data is copied on read).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["PandasFieldsReadOnly", "FrozenMapping"]


class PandasFieldsReadOnly:
    """Mixin: every pandas attribute is handed out as a copy-on-write shallow copy."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if isinstance(value, (pd.DataFrame, pd.Series)):
            return value.copy(deep=False)
        return value


class FrozenMapping(Mapping):
    """A read-only, picklable mapping (``types.MappingProxyType`` cannot be pickled)."""

    __slots__ = ("_d",)

    def __init__(self, data: Any = ()) -> None:
        object.__setattr__(self, "_d", dict(data))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMapping is read-only")

    def __getitem__(self, key: Any) -> Any:
        return self._d[key]

    def __iter__(self):
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._d!r})"

    def __reduce__(self):
        return (FrozenMapping, (self._d,))
