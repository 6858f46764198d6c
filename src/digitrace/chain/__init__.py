"""Industrial-chain reshaping: how digital inputs flow through the IO network.

``chain_measures(table)`` for one table, ``chain_panel(data_dir)`` for every
NBS and OECD table; kernels in :mod:`digitrace.chain.kernels`.
"""
from __future__ import annotations

from .._lazy import lazy_exports

_LAZY = {
    "chain_measures": "digitrace.chain.measures",
    "ChainMeasures": "digitrace.chain.measures",
    "chain_panel": "digitrace.chain.panel",
    "ChainPanel": "digitrace.chain.panel",
    "channel_text_evidence": "digitrace.chain.panel",
    "sector_roles": "digitrace.chain.roles",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
