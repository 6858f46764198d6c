"""Shared fixtures.  Tests that use ../shared/data fail (never skip) when it is missing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _find_data() -> Path:
    env = os.environ.get("DIGITRACE_DATA")
    p = Path(env) if env else ROOT.parent / "shared" / "data"
    return p


@pytest.fixture(scope="session")
def data_dir() -> Path:
    p = _find_data()
    assert p.is_dir(), f"shared data not found at {p}: set DIGITRACE_DATA or put ../shared beside the checkout"
    return p


@pytest.fixture(autouse=True, scope="session")
def _set_data_env():
    os.environ.setdefault("DIGITRACE_DATA", str(_find_data()))
    yield
