"""Locate the data directory.

Order: an explicit argument (``--data DIR``), then the ``DIGITRACE_DATA``
environment variable, then ``../shared/data`` and ``./data`` relative to the
current directory.  The reference layout is that of ``../shared/data``.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import DigitraceError

ENV_VAR = "DIGITRACE_DATA"


def data_dir(explicit: str | Path | None = None) -> Path:
    """Return the data directory, or raise an error saying how to set it."""
    candidates: list[tuple[str, Path]] = []
    if explicit is not None:
        candidates.append(("--data", Path(explicit)))
    elif os.environ.get(ENV_VAR):
        candidates.append((ENV_VAR, Path(os.environ[ENV_VAR])))
    else:
        candidates += [("default", Path.cwd() / ".." / "shared" / "data"),
                       ("default", Path.cwd() / "data")]
    for origin, p in candidates:
        if p.is_dir():
            return p.resolve()
        if origin != "default":
            raise DigitraceError(f"data directory {p} (from {origin}) does not exist")
    raise DigitraceError(
        f"no data directory: pass --data DIR or set {ENV_VAR} "
        "(the reference layout is ../shared/data)")


def data_file(relative: str | Path, root: str | Path | None = None) -> Path:
    """Path of a file inside the data directory; error names the missing file."""
    p = data_dir(root) / relative
    if not p.exists():
        raise DigitraceError(f"{p}: file not found in the data directory")
    return p
