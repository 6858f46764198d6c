"""Exceptions and warnings specific to digitrace.

Every user-facing error derives from :class:`DigitraceError`; the CLI turns
these into a one-line message and exit code 2.  Errors about input files carry
the file, row and column so the message can point at the offending cell.
"""
from __future__ import annotations

from pathlib import Path


class DigitraceError(Exception):
    """Base class for errors a user can act on."""


class DataError(DigitraceError, ValueError):
    """Bad input data.  Names the file and, where known, the row and column.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file : str or Path, optional
    row, column : str or int, optional
        Row label (sector code, province, line number) and column label.
    """

    def __init__(self, message: str, *, file: str | Path | None = None,
                 row: object = None, column: object = None) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{': '.join([', '.join(where), self.message]) if where else self.message}"


class BalanceError(DataError):
    """An input-output table fails an accounting identity beyond tolerance."""


class UnknownProvinceError(DigitraceError, KeyError):
    """A province name or code that the registry does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class MissingDependencyError(DigitraceError, ImportError):
    """An optional dependency is missing; the message names the extra."""


class ConvergenceError(DigitraceError, RuntimeError):
    """An iterative estimator did not converge."""


class SpecificationError(DigitraceError, ValueError):
    """A model or index specification is invalid (collinearity, bad W, ...)."""


class DigitraceWarning(UserWarning):
    """Base class for digitrace warnings (turned into errors in our tests)."""


class BalanceWarning(DigitraceWarning):
    """An IO balance check failed but the caller asked to warn, not raise."""


class DataQualityWarning(DigitraceWarning):
    """A suspicious value was found (duplicate series, low-confidence mapping)."""
