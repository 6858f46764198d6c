"""Shared timing helper for the benchmark scripts (run as ``python benchmarks/bench_*.py``)."""
from __future__ import annotations

import time
from typing import Any, Callable


def best_of(f: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Run ``f`` ``repeat`` times; return the fastest wall time and the last result."""
    ts, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        ts.append(time.perf_counter() - t)
    return min(ts), out
