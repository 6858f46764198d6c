"""Lazy public names for packages: one helper instead of a hand-written ``__getattr__`` each.

Usage in a package ``__init__``::

    from .._lazy import lazy_exports

    __getattr__, __dir__, __all__ = lazy_exports(__name__, {
        "driving_modes": "digitrace.modes.classify",   # public name -> defining module
    })

A name is imported from its module on first access and then cached in the
package namespace, so ``import package`` stays cheap (nothing runs at import
time) and later look-ups cost nothing.
"""
from __future__ import annotations

import importlib
import sys
from typing import Any, Callable, Mapping


def lazy_exports(package: str, names: Mapping[str, str], *, eager: tuple[str, ...] = ()
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """Return ``(__getattr__, __dir__, __all__)`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping
        Public name -> absolute module that defines it.
    eager : tuple of str
        Extra names the package binds itself (listed in ``__all__`` and ``dir()``).
    """
    names = dict(names)

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__, sorted(set(names) | set(eager))
