"""Regenerate the peer-package reference numbers in ``spreg_reference.json``.

Run by hand (needs spreg + libpysal and ../shared/data); the test-suite only
reads the JSON.  Columbus: shared/data/reference/columbus (queen GAL, row-
standardised).  Cigarette panel: cigar.csv + spat_sym_us_edges.csv beside this
file, sorted time-major, log(sales), log(price/cpi), log(ndi/cpi).
"""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def main(data_dir: str) -> None:
    import libpysal
    import spreg

    warnings.simplefilter("ignore")
    out: dict = {"spreg_version": spreg.__version__, "libpysal_version": libpysal.__version__}
    d = Path(data_dir) / "reference" / "columbus"
    db = libpysal.io.open(str(d / "columbus.dbf"))
    df = pd.DataFrame({c: db.by_col(c) for c in ["CRIME", "INC", "HOVAL"]})
    w = libpysal.io.open(str(d / "columbus.gal")).read()
    w.transform = "r"
    y, X = df[["CRIME"]].to_numpy(), df[["INC", "HOVAL"]].to_numpy()
    for key, m in (("columbus_sar", spreg.ML_Lag(y, X, w, method="full")),
                   ("columbus_sem", spreg.ML_Error(y, X, w, method="full")),
                   ("columbus_sdem", spreg.ML_Error(y, X, w, method="full", slx_lags=1)),
                   ("columbus_sdm", spreg.ML_Lag(y, X, w, method="full", slx_lags=1,
                                                 spat_impacts=["full"]))):
        out[key] = {"params": np.ravel(m.betas).tolist(),
                    "se": np.sqrt(np.diag(m.vm)).tolist(), "loglik": float(m.logll)}
    # spreg prints the SDM impacts only in its summary (var_1 = INC, var_2 = HOVAL)
    tail = m.summary.split("SPATIAL DURBIN MODEL IMPACTS")[1]
    out["columbus_sdm"]["spreg_impacts"] = {
        ln.split()[0]: [float(v) for v in ln.split()[1:4]]
        for ln in tail.splitlines() if ln.split()[:1] in (["var_1"], ["var_2"])}
    line = next(ln for ln in m.summary.splitlines() if "Common Factor Hypothesis" in ln)
    out["columbus_sdm"]["common_factor_wald"] = float(line.split()[-2])
    ols = spreg.OLS(y, X, w=w, spat_diag=True)
    out["columbus_lm"] = {"lm_lag": float(ols.lm_lag[0]), "lm_error": float(ols.lm_error[0]),
                          "rlm_lag": float(ols.rlm_lag[0]), "rlm_error": float(ols.rlm_error[0])}
    c = pd.read_csv(HERE / "cigar.csv").sort_values(["year", "state"])
    e = pd.read_csv(HERE / "spat_sym_us_edges.csv")
    Wd = np.zeros((46, 46))
    Wd[e.i - 1, e.j - 1] = 1
    wc = libpysal.weights.full2W(Wd)
    wc.transform = "r"
    yc = np.log(c[["sales"]].to_numpy())
    Xc = np.column_stack([np.log(c.price / c.cpi), np.log(c.ndi / c.cpi)])
    for key, m in (("cigar_fe_lag", spreg.Panel_FE_Lag(yc, Xc, wc)),
                   ("cigar_fe_error", spreg.Panel_FE_Error(yc, Xc, wc))):
        out[key] = {"params": np.ravel(m.betas).tolist(), "se": np.sqrt(np.diag(m.vm)).tolist(),
                    "sigma2": float(np.ravel(m.sig2)[0])}
    (HERE / "spreg_reference.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(HERE.parents[3] / "shared" / "data"))
