"""Reconciliation of the digital accounts with the published figures.

One row per (published figure, our table, estimator).  ``deviation_pp`` =
ours − published (percentage points, for shares), ``deviation_pct`` =
100·(ours − published)/published.  ``comparable`` is False, with a reason, when
the figure's year has no table, its scope differs (global, US, BEA-narrow) or
our number is calibrated to it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .published import published_figures

__all__ = ["reconcile"]

_LEVEL_TRN = 1e8  # 万元 → trillion yuan


def _reason(fig, ours_row, est) -> tuple[bool, str]:
    if fig.scope == "global":
        return False, "global aggregate of 47 countries, not China"
    if fig.scope == "united-states":
        return False, "United States (BEA), not China"
    if fig.scope == "china-narrow":
        return False, "BEA-style narrow scope (infrastructure, e-commerce, priced digital services) ≠ NBS 2021 scope (core 01–04 + 05)"
    if est == "caict" and fig.publisher == "CAICT" and fig.metric == "id_share_gdp":
        return False, "caict estimator is calibrated to this figure (identity, not a test)"
    if fig.metric in ("id", "di", "de") and fig.unit == "trn yuan":
        return True, (f"level at the IO table's GDP ({ours_row.gdp / _LEVEL_TRN:.2f} trn); "
                      "publisher's GDP vintage may differ")
    if fig.publisher == "NBS":
        return True, ("NBS sums census VA of 4-digit classes; ours = IO-sector VA × concordance share "
                      "(classes weighted equally within a GB/T division, divisions by employment), which "
                      "overweights small digital classes in large sectors (finance, trade)")
    if fig.status != "V":
        return True, f"published figure is status {fig.status} (not read in the source)"
    return True, ""


def reconcile(acc) -> pd.DataFrame:
    """See module docstring; ``acc`` is a :class:`~digitrace.accounts.DigitalAccounts`."""
    tot = acc.totals()
    tot = tot[tot["source"] == "nbs"]
    mix = acc.core_mix()
    years = sorted(set(tot["year"]))
    rows = []
    for fig in published_figures().itertuples():
        if fig.metric.startswith("di_mix_"):
            cand = mix[mix["year"] == fig.year]
            if cand.empty:
                rows.append(_row(fig, None, "core", np.nan, False, _noyear(fig.year, years)))
            for m in cand.itertuples():
                rows.append(_row(fig, m.table, "core", getattr(m, fig.metric), True, "share of core by 01–04"))
            continue
        cand = tot[tot["year"] == fig.year]
        if cand.empty:
            rows.append(_row(fig, None, "core" if fig.metric.startswith("di") else "all", np.nan, False,
                             _noyear(fig.year, years, fig.scope)))
            continue
        est_independent = fig.metric in ("di", "di_share_gdp")
        if est_independent:
            cand = cand.drop_duplicates("table")
        for r in cand.itertuples():
            if fig.metric == "id_share_noncore":
                ours = r.id_share_noncore
            elif fig.unit == "trn yuan":
                ours = getattr(r, fig.metric) / _LEVEL_TRN if r.unit.startswith("10k") else np.nan
            elif fig.metric == "de_share_gdp":
                ours = 100 * r.de / r.gdp
            else:
                ours = getattr(r, fig.metric)
            est = "core" if est_independent else r.estimator
            ok, why = _reason(fig, r, est)
            rows.append(_row(fig, r.table, est, ours, ok, why))
    out = pd.DataFrame(rows)
    out["deviation_pp"] = np.where(out["unit"].str.startswith("%"), out["ours"] - out["published"], np.nan)
    out["deviation_pct"] = 100 * (out["ours"] - out["published"]) / out["published"]
    return out


_SCOPE = {"global": "global aggregate of 47 countries, not China; ", "united-states": "United States (BEA), not China; "}


def _noyear(y: int, years: list[int], scope: str = "china") -> str:
    pre = _SCOPE.get(scope, "")
    if not years:
        return "no NBS table"
    near = min(years, key=lambda z: abs(z - y))
    return f"{pre}no NBS IO table for {y} in these accounts (years: {', '.join(map(str, years))}; nearest {near})"


def _row(fig, table, est, ours, comparable, reason) -> dict:
    return {"figure": fig.id, "publisher": fig.publisher, "year": fig.year, "metric": fig.metric,
            "unit": fig.unit, "published": fig.value, "status": fig.status, "table": table,
            "estimator": est, "ours": ours, "comparable": comparable, "reason": reason, "source": fig.source}
