"""``digitrace classify CODES...``: NBS 2021 digital-economy category of GB/T 4754 or IO sector codes.

A code is a GB/T 4754-2017 code (``3911``, ``51``, ``C``) or an IO sector code
with its vintage (``nbs153:127``; or ``--vintage nbs153`` for all codes).
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ._common import FORMAT_OPTION, OUT_OPTION, emit


def register(app: typer.Typer) -> None:
    @app.command("classify")
    def classify_cmd(
        codes: List[str] = typer.Argument(..., help="GB/T 4754-2017 codes or VINTAGE:SECTOR codes."),
        vintage: Optional[str] = typer.Option(None, "--vintage", help="Read all codes as sectors of this IO "
                                              "vintage (nbs122, nbs42_2005, nbs41, nbs42_2015, nbs42, nbs149, "
                                              "nbs153, oecd45)."),
        fmt: str = FORMAT_OPTION, out: Optional[Path] = OUT_OPTION,
    ) -> None:
        """Report the NBS 2021 category (share, confidence, basis) of each code."""
        from ..classify import lookup

        emit(lookup(codes, vintage=vintage), fmt, out)
