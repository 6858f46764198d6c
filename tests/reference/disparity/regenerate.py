"""Regenerate the peer-package reference numbers stored next to this file.

Run from the repository root:  python tests/reference/disparity/regenerate.py
Needs inequality, esda and libpysal (the ``spatial`` extra).  Writes ``esda_columbus.json``
and ``inequality_mexico.json`` with the package versions.
"""
from __future__ import annotations

import json
import os
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
HERE = Path(__file__).parent
DATA = Path(os.environ.get("DIGITRACE_DATA", HERE.parents[2].parent / "shared" / "data"))


def columbus() -> dict:
    import esda
    import libpysal
    from libpysal.io import open as lopen

    d = DATA / "reference" / "columbus"
    y = np.array(lopen(str(d / "columbus.dbf")).by_col("CRIME"), dtype=float)
    out = {"versions": {"esda": version("esda"), "libpysal": version("libpysal")},
           "variable": "CRIME", "n": int(y.size)}
    for name in ("queen", "rook"):
        if name == "queen":
            w = lopen(str(d / "columbus.gal")).read()
        else:
            w = libpysal.weights.Rook.from_shapefile(str(d / "columbus.shp"))
        w.transform = "r"
        m = esda.Moran(y, w, permutations=0)
        g = esda.Geary(y, w, permutations=0)
        lm = esda.Moran_Local(y, w, permutations=99999, seed=3)
        out[name] = {
            "ids": [str(i) for i in w.id_order],
            "neighbors": {str(k): [str(v) for v in vs] for k, vs in w.neighbors.items()},
            "moran": {"I": m.I, "EI": m.EI, "VI_norm": m.VI_norm, "VI_rand": m.VI_rand,
                      "z_norm": m.z_norm, "z_rand": m.z_rand, "p_norm": m.p_norm, "p_rand": m.p_rand},
            "geary": {"C": g.C, "EC": g.EC, "z_norm": g.z_norm, "z_rand": g.z_rand,
                      "VC_norm": g.VC_norm, "VC_rand": g.VC_rand},
            "local": {"Is": lm.Is.tolist(), "q": lm.q.tolist(), "EI": lm.EI.tolist(),
                      "VI": lm.VI.tolist(), "EIc": lm.EIc.tolist(), "VIc": lm.VIc.tolist(),
                      "p_sim_99999_seed3": lm.p_sim.tolist()},
        }
    return out


def mexico() -> dict:
    from inequality.gini import Gini
    from inequality.theil import Theil, TheilD

    df = pd.read_csv(DATA / "reference" / "mexico_state_pcgdp_1940_2000.csv")
    years = list(range(1940, 2010, 10))
    y = df[[f"pcgdp{t}" for t in years]].to_numpy()
    td = TheilD(y, df["hanson98"].to_numpy())
    return {"versions": {"inequality": version("inequality")}, "years": years,
            "theil_T": np.ravel(Theil(y).T).tolist(), "theil_between_hanson98": np.ravel(td.bg).tolist(),
            "gini": [float(Gini(y[:, i]).g) for i in range(len(years))]}


if __name__ == "__main__":
    (HERE / "esda_columbus.json").write_text(json.dumps(columbus(), indent=1))
    (HERE / "inequality_mexico.json").write_text(json.dumps(mexico(), indent=1))
    print("wrote", HERE / "esda_columbus.json", HERE / "inequality_mexico.json")
