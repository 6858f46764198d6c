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
from typing import Any, Literal, Mapping

import numpy as np
import pandas as pd

from ._frozen import FrozenMapping, PandasFieldsReadOnly

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
        object.__setattr__(self, "params", FrozenMapping(self.params))
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
class Result(PandasFieldsReadOnly):
    """Mixin for frozen result objects.

    Subclasses are ``@dataclass(frozen=True)`` and implement :meth:`to_frame`.
    They may override :meth:`_headline` for a one-line ``repr``.  Pandas fields
    are handed out as copy-on-write copies (:class:`~digitrace._frozen.PandasFieldsReadOnly`),
    so ``res.params["x"] = 0`` cannot change the result; results pickle (for
    multiprocessing and Dask).
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
        return self.save(path, fmt="csv")

    def to_json(self) -> str:
        """``to_frame()`` as JSON records, with the provenance under ``"provenance"``."""
        df = self.to_frame()
        d = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
        records = json.loads(d.to_json(orient="records", force_ascii=False, double_precision=15))
        return json.dumps({"provenance": self.provenance.to_dict(), "data": records},
                          ensure_ascii=False, indent=1)

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write ``to_frame()`` atomically; the format follows the suffix.

        ``.csv``, ``.xlsx`` (a second sheet holds the provenance; needs openpyxl),
        ``.dta`` (Stata 118, Unicode labels), ``.json`` (records + provenance),
        ``.md`` and ``.html`` (the ``summary()`` views).
        """
        from .atomic import atomic_path

        path = Path(path)
        fmt = (fmt or path.suffix.lstrip(".")).lower()
        df = self.to_frame()
        with atomic_path(path) as tmp:
            if fmt == "csv":
                df.to_csv(tmp, index=not isinstance(df.index, pd.RangeIndex), lineterminator="\n")
            elif fmt == "xlsx":
                from ._optional import require

                require("openpyxl", extra="export")
                prov = pd.DataFrame(
                    [(k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
                     for k, v in self.provenance.to_dict().items()], columns=["field", "value"])
                with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                    df.to_excel(xw, sheet_name="data", index=not isinstance(df.index, pd.RangeIndex))
                    prov.to_excel(xw, sheet_name="provenance", index=False)
            elif fmt == "dta":
                d = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df.copy()
                d.columns = [_stata_name(c, i) for i, c in enumerate(d.columns)]
                for c in d.columns:
                    if d[c].dtype == object or str(d[c].dtype).startswith("str"):
                        d[c] = d[c].astype(object).where(d[c].notna(), "").astype(str)
                d.to_stata(tmp, write_index=False, version=118,
                           data_label=self.provenance.method[:80])
            elif fmt == "json":
                tmp.write_text(self.to_json(), encoding="utf-8")
            elif fmt in ("md", "markdown"):
                tmp.write_text(self.summary("markdown") + "\n", encoding="utf-8")
            elif fmt == "html":
                tmp.write_text(self.summary("html"), encoding="utf-8")
            else:
                raise ValueError(f"unknown output format {fmt!r} for {path}; use csv, xlsx, dta, json, md or html")
        return path


def _stata_name(c: Any, i: int) -> str:
    """A valid Stata 118 variable name (Unicode letters kept, ≤ 32 chars, no leading digit)."""
    import re

    name = re.sub(r"[^\w]", "_", str(c))[:32] or f"v{i}"
    return f"v_{name}"[:32] if name[0].isdigit() else name


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
    """Validate a string option against its ``Literal`` values (one validator).

    Raises :class:`~digitrace.errors.SpecificationError` (a ``ValueError``), which
    the CLI reports as a one-line error with exit code 2.
    """
    if value not in allowed:
        from .errors import SpecificationError

        raise SpecificationError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value
