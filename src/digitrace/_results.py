"""Base machinery for immutable result objects.

Every public estimator returns a frozen dataclass deriving from :class:`Result`.
``to_frame()`` is the single source of truth: ``summary()`` in text, Markdown
and HTML, ``_repr_html_`` and all exports are derived from it.  Each result
carries a :class:`Provenance` recording the method, parameters and inputs that
produced it, so every number can be traced.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping

import numpy as np
import pandas as pd

SummaryFormat = Literal["text", "markdown", "html"]


def _jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, Path):
        return str(v)
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return v.tolist()
    return repr(v)


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def array_sha256(a: Any) -> str:
    """Hex SHA-256 of an array's values (for in-memory inputs)."""
    arr = np.ascontiguousarray(np.asarray(a, dtype=float))
    return hashlib.sha256(arr.tobytes() + str(arr.shape).encode()).hexdigest()


@dataclass(frozen=True)
class Provenance:
    """Where a result came from.

    Attributes
    ----------
    method : str
        Dotted name of the estimator, e.g. ``"digitrace.disparity.dagum_gini"``.
    params : Mapping
        The parameters that affect the numbers (read-only view).
    inputs : tuple of (label, sha256) pairs
        Files or in-memory arrays that were read.
    reference : str
        Literature reference of the method.
    version : str
        digitrace version.
    """

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    inputs: tuple[tuple[str, str], ...] = ()
    reference: str = ""
    version: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        if not self.version:
            from . import __version__

            object.__setattr__(self, "version", __version__)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": _jsonable(dict(self.params)),
            "inputs": [list(x) for x in self.inputs],
            "reference": self.reference,
            "version": self.version,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)


def freeze_array(a: Any) -> np.ndarray:
    """Return a read-only float/obj ndarray copy so results stay immutable."""
    arr = np.array(a, copy=True)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class Result:
    """Mixin for frozen result objects.

    Subclasses are ``@dataclass(frozen=True)`` and implement :meth:`to_frame`.
    They may override :meth:`_headline` for a one-line ``repr``.
    """

    provenance: Provenance = field(kw_only=True, repr=False, compare=False)

    # --- single source --------------------------------------------------
    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- derived views --------------------------------------------------
    def _headline(self) -> str:
        return f"{len(self.to_frame())} rows"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._headline()}>"

    def summary(self, fmt: SummaryFormat = "text", *, floatfmt: str = ".4f") -> str:
        """Render ``to_frame()`` as text, Markdown or HTML, with provenance."""
        df = self.to_frame()
        title = f"{type(self).__name__} — {self.provenance.method}"
        params = ", ".join(f"{k}={v!r}" for k, v in self.provenance.params.items())
        if fmt == "text":
            with pd.option_context("display.width", 200, "display.max_columns", 50,
                                   "display.float_format", ("{:" + floatfmt + "}").format):
                body = df.to_string()
            return f"{title}\n{params}\n{body}"
        if fmt == "markdown":
            return f"**{title}**\n\n{params}\n\n{to_markdown(df, floatfmt=floatfmt)}"
        if fmt == "html":
            import html

            return (f"<div class='digitrace-result'><strong>{html.escape(title)}</strong>"
                    f"<div><small>{html.escape(params)}</small></div>"
                    f"{df.to_html(float_format=('{:' + floatfmt + '}').format, border=0)}</div>")
        raise ValueError(f"fmt must be 'text', 'markdown' or 'html', got {fmt!r}")

    def _repr_html_(self) -> str:
        return self.summary("html")

    def to_csv(self, path: str | Path) -> Path:
        """Write ``to_frame()`` to CSV atomically."""
        from .atomic import atomic_write_text

        return atomic_write_text(path, self.to_frame().to_csv(index=True))


def to_markdown(df: pd.DataFrame, floatfmt: str = ".4f", index: bool = True) -> str:
    """GitHub-flavoured Markdown table without the ``tabulate`` dependency."""
    d = df.reset_index() if index and not isinstance(df.index, pd.RangeIndex) else df

    def cell(v: Any) -> str:
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else format(float(v), floatfmt)
        return str(v).replace("|", "\\|")

    cols = [str(c) for c in d.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in d.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def check_option(name: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    """Validate a string option against its ``Literal`` values (one validator)."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value
