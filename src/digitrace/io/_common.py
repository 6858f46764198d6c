"""Helpers shared by the labelled IO layer: provenance and sector selection."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from .._results import Provenance, array_sha256, file_sha256
from ..errors import DataError
from .table import IOTable


def table_input(t: IOTable) -> tuple[str, str]:
    """(label, sha256) for a table: the file's hash when it exists, else the Z array's."""
    src = (t.source or "").split("#", 1)[0]
    if src and Path(src).is_file():
        return (t.source, file_sha256(src))
    return (t.source or f"<IOTable {t.year}>", array_sha256(t.Z.to_numpy(float)))


def provenance(t: IOTable, method: str, params: dict[str, Any], reference: str) -> Provenance:
    return Provenance(method=method, params={"year": t.year, "n": t.n, "kind": t.kind, **params},
                      inputs=(table_input(t),), reference=reference)


def sector_positions(t: IOTable, sectors: str | Iterable[str]) -> list[int]:
    """Positions of the given sector codes; an unknown code raises a DataError naming it."""
    if isinstance(sectors, str):
        sectors = [sectors]
    codes = {c: i for i, c in enumerate(t.codes)}
    out = []
    for s in sectors:
        s = str(s)
        if s not in codes:
            raise DataError(f"unknown sector code {s!r} (table has {t.n} sectors, e.g. {t.codes[0]!r})",
                            file=t.source or None, row=s)
        out.append(codes[s])
    if not out:
        raise DataError("empty sector set", file=t.source or None)
    return sorted(set(out))
