"""Write an :class:`~digitrace.io.table.IOTable` in the NBS CSV layout.

The inverse of :func:`digitrace.data.io_tables.load_io_table`: columns
``Code, Description, DescriptionInChinese, [Origin], <sectors>, TIU, <final demand>,
TFU, IM, ERR, GO``; rows = sectors, then ``TII, VA001…VA004, TVA, TI``.  Used to
export aggregated tables and to build synthetic vintages (e.g. 135 or 139
sectors) for tests.  Written atomically, UTF-8.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import atomic_write_text
from ..io.table import VA_COMPONENTS, IOTable

__all__ = ["io_table_frame", "write_io_table"]

_VA_CODES = {"compensation": ("VA001", "Compensation of employees", "劳动者报酬"),
             "net_taxes": ("VA002", "Net taxes on production", "生产税净额"),
             "depreciation": ("VA003", "Depreciation of fixed assets", "固定资产折旧"),
             "operating_surplus": ("VA004", "Operating surplus", "营业盈余")}


def io_table_frame(t: IOTable) -> pd.DataFrame:
    """The table as one DataFrame in the NBS layout (strings for labels, floats)."""
    codes = t.codes
    fd = list(t.final_demand.columns)
    sec_cols = codes + ["TIU"] + fd + ["TFU", "IM", "ERR", "GO"]
    nc = t.kind == "noncompetitive" and t.Z_imports is not None

    def block(Zb: pd.DataFrame, Fb: pd.DataFrame | None, im: np.ndarray, err: np.ndarray,
              go: np.ndarray, origin: str | None) -> pd.DataFrame:
        F = Fb.to_numpy(float) if Fb is not None else np.zeros((len(codes), len(fd)))
        Zv = Zb.to_numpy(float)
        vals = np.column_stack([Zv, Zv.sum(1), F, F.sum(1), im, err, go])
        b = pd.DataFrame(vals, columns=sec_cols)
        b.insert(0, "Code", codes)
        b.insert(1, "Description", t.sectors["name_en"].to_numpy())
        b.insert(2, "DescriptionInChinese", t.sectors["name_zh"].to_numpy())
        if nc:
            b.insert(3, "Origin", origin)
        return b

    zeros = np.zeros(len(codes))
    err = t.errors.to_numpy(float) if t.errors is not None else zeros
    parts = [block(t.Z, t.final_demand, t.imports.to_numpy(float), err, t.x.to_numpy(float),
                   "Domestic" if nc else None)]
    if nc:
        mt = t.meta.get("import_totals")
        go_m = (np.asarray(mt, float) if mt is not None
                else t.Z_imports.to_numpy(float).sum(1) + (t.final_demand_imports.to_numpy(float).sum(1)
                                                           if t.final_demand_imports is not None else 0))
        parts.append(block(t.Z_imports, t.final_demand_imports, zeros, zeros, go_m, "Imports"))
    tii = t.Z.to_numpy(float).sum(0) + (t.Z_imports.to_numpy(float).sum(0) if nc else 0)
    lower = [("TII", "Total intermediate input", "中间投入合计", tii)]
    for k in VA_COMPONENTS:
        if k in t.va_components and not t.va_components[k].isna().all():
            c, en, zh = _VA_CODES[k]
            lower.append((c, en, zh, t.va_components[k].to_numpy(float)))
    lower += [("TVA", "Total value-added", "增加值合计", t.va.to_numpy(float)),
              ("TI", "Total inputs", "总投入", tii + t.va.to_numpy(float))]
    rows = []
    for c, en, zh, v in lower:
        r = {"Code": c, "Description": en, "DescriptionInChinese": zh}
        if nc:
            r["Origin"] = "TOT"
        r.update(dict(zip(codes, v)))
        rows.append(r)
    return pd.concat(parts + [pd.DataFrame(rows)], ignore_index=True)


def write_io_table(t: IOTable, path: str | Path) -> Path:
    """Write ``t`` as an NBS-layout CSV (atomically); returns the path."""
    return atomic_write_text(path, io_table_frame(t).to_csv(index=False, float_format="%.17g"))
