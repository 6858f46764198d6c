"""OECD 2021-edition national input-output tables (China, 45 ISIC4 sectors) → IOTable.

The file ``io/oecd/OECD2021ed_IOT_CHN_1995_2018_45sec.csv`` stacks 24 yearly
tables with a ``year`` column, in current USD million.  Re-exported by
:mod:`digitrace.data.io_tables`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..io.balance import DEFAULT_RTOL, OnImbalance, check_balance
from ..io.table import VA_COMPONENTS, IOTable
from .io_tables import FINAL_DEMAND_ROLES, _label_columns, _match, _numeric
from .oecd_names import OECD_NAMES_ZH
from .readers import read_tabular

__all__ = ["load_oecd_iot"]


def load_oecd_iot(path: str | Path, year: int, *, check: bool = True,
                  on_imbalance: OnImbalance = "raise", rtol: float = DEFAULT_RTOL,
                  atol: float = 3.0) -> IOTable:
    """Read one year of the OECD 2021-edition national IOT for China (45 ISIC4 sectors).

    The file stacks years with a ``year`` column.  ``x`` = ``OUTPUT`` row, ``va`` =
    ``VALU`` (basic prices); the product-tax rows ``TXS_IMP_FNL`` + ``TXS_INT_FNL``
    are kept in ``meta["product_taxes"]`` (they are primary inputs besides VA);
    imports = −``IMPO``.  The cells are rounded to 0.1 USD million, so the default
    absolute tolerance is ``atol=3.0`` (≈ 55 rounded cells per row × 0.05).
    VA components are not published (NaN).
    """
    p = Path(path)
    df = read_tabular(p, dtype=str)
    df.columns = [str(c).strip() for c in df.columns]
    low = {c.lower(): c for c in df.columns}
    if "year" not in low:
        raise DataError("no 'year' column (expected the stacked OECD layout)", file=p)
    yrs = pd.to_numeric(df[low["year"]], errors="coerce")
    if int(year) not in set(yrs.dropna().astype(int)):
        avail = sorted(set(yrs.dropna().astype(int)))
        raise DataError(f"year {year} not in the file; available {avail[0]}–{avail[-1]}" if avail
                        else "no years in the file", file=p, column=low["year"])
    d = df[yrs == int(year)].drop(columns=[low["year"]]).reset_index(drop=True)
    code_col, en_col, _, _ = _label_columns(d)
    codes = d[code_col].astype(str).str.strip()
    srows = [i for i, c in enumerate(codes) if c.isdigit()]
    scols = [c for c in d.columns if c.isdigit()]
    _match([codes[i] for i in srows], scols, p, "sector")
    labels = [codes[i] for i in srows]
    idx = pd.Index(labels, name="code")
    need = {"OUTPUT", "VALU"}
    have = set(codes)
    if need - have:
        raise DataError(f"row {sorted(need - have)[0]} missing for year {year}", file=p,
                        row=sorted(need - have)[0])
    pos = {c: i for i, c in enumerate(codes)}

    def row(name: str) -> np.ndarray:
        return _numeric(d, [pos[name]], scols, [f"{name} ({year})"], p)[0]

    fd_cols = [c for c in d.columns if c.upper() in FINAL_DEMAND_ROLES]
    Z = _numeric(d, srows, scols, labels, p)
    F = _numeric(d, srows, fd_cols, labels, p)
    impo = _numeric(d, srows, ["IMPO"], labels, p)[:, 0] if "IMPO" in d.columns else np.zeros(len(srows))
    taxes = sum(row(r) for r in ("TXS_IMP_FNL", "TXS_INT_FNL") if r in pos)
    x = row("OUTPUT")
    va = row("VALU")
    published = {}
    if "TTL_INT_FNL" in pos:
        published["TTL_INT_FNL"] = (row("TTL_INT_FNL"), Z.sum(0) + taxes,
                                    "published TTL_INT_FNL = sum inputs + product taxes")
    names_en = [str(d[en_col].iloc[i]).strip() for i in srows] if en_col else [""] * len(srows)
    meta = {"layout": "oecd", "n_sectors": len(srows), "published_totals": published,
            "product_taxes": pd.Series(taxes, index=idx, name="product_taxes"),
            "currency_note": "current prices", "markers": list(fd_cols) + ["IMPO", "VALU", "OUTPUT"]}
    ex = F[:, [fd_cols.index(c) for c in fd_cols if c.upper() == "EXPO"]].sum(1)
    table = IOTable(
        Z=pd.DataFrame(Z, index=idx, columns=idx.copy()),
        final_demand=pd.DataFrame(F, index=idx, columns=fd_cols),
        va=pd.Series(va, index=idx, name="va"),
        va_components=pd.DataFrame(np.nan, index=idx, columns=list(VA_COMPONENTS)),
        x=pd.Series(x, index=idx, name="x"), exports=pd.Series(ex, index=idx, name="exports"),
        imports=pd.Series(-impo, index=idx, name="imports"),
        sectors=pd.DataFrame({"name_en": names_en,
                              "name_zh": [OECD_NAMES_ZH.get(c, "") for c in labels]}, index=idx),
        year=int(year), unit="USD million", source=f"{p}#year={year}", kind="competitive",
        errors=pd.Series(0.0, index=idx, name="errors"),
        final_demand_labels={c: FINAL_DEMAND_ROLES[c.upper()] for c in fd_cols}, meta=meta)
    if check:
        meta["balance"] = check_balance(table, rtol=rtol, atol=atol, on_imbalance=on_imbalance)
    return table
