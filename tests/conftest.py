"""Shared fixtures.  Tests that use ../shared/data fail (never skip) when it is missing."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
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


@pytest.fixture(scope="session")
def cigar_panel():
    """Baltagi's cigarette panel with Elhorst's variables and binary 46-state contiguity
    (tests/reference/spatial_econ/README.md): (data, W)."""
    here = ROOT / "tests" / "reference" / "spatial_econ"
    d = pd.read_csv(here / "cigar.csv")
    d["logc"] = np.log(d.sales)
    d["logp"] = np.log(d.price / d.cpi)
    d["logy"] = np.log(d.ndi / d.cpi)
    e = pd.read_csv(here / "spat_sym_us_edges.csv")
    W = np.zeros((46, 46))
    W[e.i - 1, e.j - 1] = 1.0
    return d, W
