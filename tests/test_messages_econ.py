"""Error messages name every column involved and show plain values (no numpy reprs)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import digitrace
from digitrace.errors import DataError, SpecificationError


def test_spatial_collinearity_names_the_dependent_set():
    rng = np.random.default_rng(0)
    n = 30
    W = np.zeros((n, n))
    for i in range(n):
        W[i, (i + 1) % n] = W[(i + 1) % n, i] = 1.0
    d = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    d["c"] = d.a + 2 * d.b
    d["y"] = d.a + rng.normal(size=n)
    with pytest.raises(SpecificationError, match=r"a, b, c are linearly dependent \(c = 1·a \+ 2·b\)"):
        digitrace.econ.spatial_regression(d, "y", ["a", "b", "c"], W, model="sar")


def test_did_treatment_message_has_plain_values():
    d = pd.DataFrame({"id": np.repeat([1, 2], 3), "t": np.tile([1, 2, 3], 2), "y": np.arange(6.0),
                      "D": [0, 0, 2, 0, 0, 0]})
    with pytest.raises(DataError) as e:
        digitrace.econ.did(d, "y", "D", "id", "t")
    assert "np." not in str(e.value) and "[0.0, 2.0]" in str(e.value)
