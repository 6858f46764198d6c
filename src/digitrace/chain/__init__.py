"""Industrial-chain reshaping: how digital inputs flow through the IO network.

``chain_measures(table)`` for one table, ``chain_panel(data_dir)`` for every
NBS and OECD table; kernels in :mod:`digitrace.chain.kernels`.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "chain_measures": "digitrace.chain.measures",
    "ChainMeasures": "digitrace.chain.measures",
    "chain_panel": "digitrace.chain.panel",
    "ChainPanel": "digitrace.chain.panel",
    "channel_text_evidence": "digitrace.chain.panel",
    "sector_roles": "digitrace.chain.roles",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'digitrace.chain' has no attribute {name!r}")


__all__ = sorted(_LAZY)
