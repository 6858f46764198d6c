"""Digital-economy accounts: digital industrialization (DI, NBS core 01–04) and
industrial digitalization (ID, category 05) from the IO tables.

Partition of every sector's value added v_j (per table):

    v_j = DI_j + ID_j + R_j,   DI_j = s_j v_j,   0 ≤ ID_j ≤ (1 − s_j) v_j,  R_j ≥ 0.

* DI assumes the digital part of a sector has the sector's own value-added
  ratio (BEA; Xu & Zhang 2020).  s_j comes from :mod:`digitrace.classify`.
* ID estimators (see ``docs/accounts.md``):

  ``io_direct``   θ_j = digital share of j's intermediate inputs and ICT capital
                  services; ID_j = θ_j (1 − s_j) v_j.
  ``io_complete`` the same with Leontief complete requirements B = L − I.
  ``growth_lb``   ICT capital compensation (user cost × PIM stock) of the
                  non-core economy, Cai & Niu (2021) substitution effect; lower bound.
  ``growth_pz``   Peng & Zhao (2020) contribution → increment → total.
  ``caict``       calibration: the per-sector digital share that CAICT's
                  published ID/GDP implies, with CAICT's 2019 penetration
                  pattern (agriculture 8.2 %, industry 19.5 %, services 37.8 %).

Purchased digital inputs are never added to ID: their value added is the
supplier's (in DI); ID always comes out of the user's own non-core VA.
Platform GMV never enters: only value added is used.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .._results import Provenance, Result
from ..errors import DataError, DataQualityWarning, SpecificationError
from . import _kernels as K

__all__ = ["digital_accounts", "DigitalAccounts", "table_accounts", "ESTIMATORS"]

DI_ASSUMPTION = ("DI_j = s_j v_j: the digital part of a sector has the sector's own value-added ratio "
                 "(BEA 2018; Xu & Zhang 2020); s_j from the NBS 2021 concordance")
ESTIMATORS = ("io_direct", "io_complete", "growth_lb", "growth_pz", "caict")
GROUPS = {"io": ("io_direct", "io_complete"), "growth": ("growth_lb", "growth_pz"), "caict": ("caict",),
          "all": ESTIMATORS}
CONF = {"high": 2, "medium": 1, "low": 0}
#: columns of the long frame (``DigitalAccounts.to_frame()``)
COLUMNS = ("year", "source", "table", "vintage", "sector", "name_en", "estimator", "va", "core_share", "di",
           "id", "remainder", "id_share", "confidence", "unit", "note")
# CAICT ID/GDP used for the calibration (percent; status in published.py)
CAICT_ID_GDP = {2005: 7.0, 2016: 23.3, 2018: 27.7, 2019: 29.0, 2020: 31.2}
CAICT_STATUS = {2005: "I", 2016: "I", 2018: "R", 2019: "V", 2020: "V"}


def _estimators(estimator: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(estimator, str):
        if estimator in GROUPS:
            return GROUPS[estimator]
        estimator = [estimator]
    out = []
    for e in estimator:
        if e in GROUPS:
            out += GROUPS[e]
        elif e in ESTIMATORS:
            out.append(e)
        else:
            raise SpecificationError(f"unknown estimator {e!r}; choose from {', '.join(list(GROUPS) + list(ESTIMATORS))}")
    return tuple(dict.fromkeys(out))


def _sector_info(table, shares: pd.DataFrame | None):
    from .. import classify

    if shares is not None:
        s = shares.reindex(table.codes)
        missing = [c for c in table.codes if pd.isna(s.loc[c]).all()]
        if missing:
            raise DataError(f"shares given for no sector {', '.join(missing)}", file=table.source or None,
                            row=missing[0])
        s = s.fillna(0.0)
        tot = s.sum(axis=1)
        badc = [c for c in tot.index if tot[c] > 1 + 1e-9 or (s.loc[c] < 0).any()]
        if badc:
            raise DataError(f"core shares outside [0, 1] for sectors {', '.join(f'{c} ({tot[c]:.4g})' for c in badc)}",
                            file=table.source or None, row=badc[0])
        info = pd.DataFrame({"core_share": tot, "confidence": "user", "sector_group": 3}, index=table.codes)
        for m in classify.CORE_MAJORS:
            info[f"share_{m}"] = s[m] if m in s else 0.0
        return info, "user"
    vint = classify.detect_vintage(table)
    info = classify.sectors(table, vint)
    grp = classify.vintages().query("vintage == @vint").set_index("sector")["sector_group"].astype(int)
    info["sector_group"] = grp.reindex(info.index).fillna(3).astype(int)
    return info, vint


def table_accounts(table, estimators=("io_direct", "io_complete"), *, growth: pd.DataFrame | None = None,
                   shares: pd.DataFrame | None = None, caict_id_gdp: dict[int, float] | None = None,
                   table_label: str | None = None, source: str = "nbs") -> pd.DataFrame:
    """Long accounts frame of one IO table (see :func:`digital_accounts`)."""
    from ..io.kernels import calc_A

    ests = _estimators(estimators)
    info, vint = _sector_info(table, shares)
    codes = table.codes
    v = table.va.reindex(codes).to_numpy(float)
    neg = [f"{c} ({v[i]:.4g})" for i, c in enumerate(codes) if v[i] < 0]
    if neg:
        warnings.warn(f"{table_label or table.source}: negative value added in sectors {', '.join(neg)}; "
                      "their DI and ID are set to 0", DataQualityWarning, stacklevel=3)
    s = info["core_share"].to_numpy(float)
    di = K.core_va(v, s)
    Z = table.Z.to_numpy(float)
    if table.Z_imports is not None:
        Z = Z + table.Z_imports.reindex(index=codes, columns=codes).fillna(0.0).to_numpy(float)
    x = table.x.reindex(codes).to_numpy(float)
    dep = table.va_components["depreciation"].reindex(codes).to_numpy(float) \
        if "depreciation" in table.va_components else None
    if dep is not None and np.isnan(dep).all():
        dep = None
    gf = [c for c, r in table.final_demand_labels.items() if r == "gfcf"]
    gfcf = table.final_demand[gf].sum(axis=1).reindex(codes).fillna(0.0).to_numpy(float)
    if table.final_demand_imports is not None and gf:
        gfcf = gfcf + table.final_demand_imports[gf].sum(axis=1).reindex(codes).fillna(0.0).to_numpy(float)
    kappa = float(s @ gfcf / gfcf.sum()) if gfcf.sum() > 0 else 0.0
    noncore = (1 - s) * np.maximum(v, 0)
    out = []
    conf = info["confidence"].to_numpy()
    for e in ests:
        note = ""
        if e == "io_direct":
            idv = K.increment_from_share(v, s, K.direct_digital_share(Z, s, dep, kappa))
            if dep is None:
                note = "no depreciation in table: ICT capital-services term omitted"
        elif e == "io_complete":
            A = calc_A(Z, x)
            idv = K.increment_from_share(v, s, K.complete_digital_share(A, s))
        elif e in ("growth_lb", "growth_pz"):
            if growth is None or growth.empty:
                continue
            yrs = [y for y in growth.index if y <= table.year]
            if not yrs:
                continue
            yy = max(yrs)
            ratio = float(growth.loc[yy, f"id_{e[7:]}_share_noncore"])
            idv = ratio * noncore
            if yy != table.year:
                note = f"ICT capital ratio of {yy} carried forward (OECD series ends {growth.index.max()})"
        elif e == "caict":
            tgt = (caict_id_gdp or CAICT_ID_GDP).get(table.year)
            if tgt is None:
                continue
            pen = info["sector_group"].map({1: 0.082, 2: 0.195, 3: 0.378}).to_numpy(float)
            target = tgt / 100 * np.maximum(v, 0).sum()
            try:
                k, phi = K.calibrate_penetration(noncore, pen, target)
            except ValueError as exc:
                raise DataError(f"CAICT calibration for {table.year}: {exc}", file=table.source or None) from exc
            idv = phi * noncore
            note = (f"calibrated to CAICT ID/GDP {tgt}% ({CAICT_STATUS.get(table.year, '?')}); "
                    f"scale k = {k:.4f} on 2019 penetration 8.2/19.5/37.8 %")
        else:  # pragma: no cover
            raise SpecificationError(e)
        idv = np.where(v < 0, 0.0, idv)
        bad = K.check_partition(v, di, idv)
        if bad.any():
            raise DataError(f"partition violated for sectors {', '.join(np.array(codes)[bad])} ({e})",
                            file=table.source or None, row=np.array(codes)[bad][0])
        out.append(pd.DataFrame({
            "year": table.year, "source": source, "table": table_label or Path(str(table.source)).stem,
            "vintage": vint, "sector": codes, "name_en": info["name_en"].reindex(codes).to_numpy()
            if "name_en" in info else "", "estimator": e, "va": v, "core_share": s, "di": di, "id": idv,
            "remainder": np.maximum(v, 0) - di - idv,
            "id_share": np.divide(idv, noncore, out=np.zeros_like(idv), where=noncore > 0), "confidence": conf, "unit": table.unit, "note": note}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=list(COLUMNS))


@dataclass(frozen=True, repr=False)
class DigitalAccounts(Result):
    """Digital accounts by year, source table, sector and estimator.

    ``to_frame()`` is the long table (year, source, table, vintage, sector,
    estimator, va, di, id, remainder, confidence, …); :meth:`totals` and
    :meth:`reconcile` derive from it.  Assumption of DI: the digital part of a
    sector has the sector's own value-added ratio (BEA; Xu & Zhang 2020).
    """

    frame: pd.DataFrame
    growth_series: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _headline(self) -> str:
        f = self.frame
        return (f"{f['table'].nunique()} tables, {f['year'].nunique()} years, "
                f"estimators {', '.join(sorted(f['estimator'].unique()))}")

    def totals(self) -> pd.DataFrame:
        """gdp, di, id, de and the shares (percent) by year, source, table and estimator."""
        f = self.frame.assign(va_pos=lambda d: d["va"].clip(lower=0))
        g = f.groupby(["year", "source", "table", "estimator"], sort=True)
        t = g.agg(gdp=("va_pos", "sum"), di=("di", "sum"), id=("id", "sum"),
                  unit=("unit", "first"), confidence=("confidence", lambda c: min(c, key=CONF.get))).reset_index()
        t["de"] = t["di"] + t["id"]
        t["di_share_gdp"] = 100 * t["di"] / t["gdp"]
        t["id_share_gdp"] = 100 * t["id"] / t["gdp"]
        t["id_share_de"] = 100 * t["id"] / t["de"]
        t["id_share_noncore"] = 100 * t["id"] / (t["gdp"] - t["di"])
        return t[["year", "source", "table", "estimator", "gdp", "di", "id", "de", "di_share_gdp",
                  "id_share_gdp", "id_share_de", "id_share_noncore", "unit", "confidence"]]

    def core_mix(self) -> pd.DataFrame:
        """DI by major category 01–04 (percent of DI) per NBS table (estimator-independent)."""
        from .. import classify

        cols = ["year", "source", "table"] + [f"di_mix_{m}" for m in classify.CORE_MAJORS]
        if self.frame.empty:
            return pd.DataFrame(columns=cols)
        f = self.frame[(self.frame["estimator"] == self.frame["estimator"].iloc[0])]
        rows = []
        for (y, src, tab, vint), g in f.groupby(["year", "source", "table", "vintage"]):
            if vint == "user":
                continue
            w = classify.core_shares(vint).reindex(g["sector"])
            di = (w.to_numpy() * g["va"].clip(lower=0).to_numpy()[:, None]).sum(axis=0)
            rows.append({"year": y, "source": src, "table": tab,
                         **{f"di_mix_{m}": 100 * di[i] / di.sum() for i, m in enumerate(classify.CORE_MAJORS)}})
        return pd.DataFrame(rows, columns=cols)

    def band(self, year: int, source: str = "nbs") -> pd.DataFrame:
        """ID/GDP across estimators for one year (min, max and each estimator)."""
        t = self.totals()
        t = t[(t["year"] == year) & (t["source"] == source)]
        if t.empty:
            raise DataError(f"no {source} totals for {year}; years: {sorted(set(self.totals()['year']))}")
        return t[["table", "estimator", "id_share_gdp"]].sort_values("id_share_gdp")

    def reconcile(self) -> pd.DataFrame:
        """Compare the totals with every published figure (see :mod:`.published`)."""
        from .reconcile import reconcile

        return reconcile(self)


def digital_accounts(data: str | Path | None = None, *, estimator: str | Iterable[str] = "all",
                     years: Iterable[int] | None = None, sources: Iterable[str] = ("nbs", "oecd"),
                     tables=None, shares: pd.DataFrame | None = None,
                     growth_params=None, caict_id_gdp: dict[int, float] | None = None) -> DigitalAccounts:
    """Digital industrialization (DI) and industrial digitalization (ID) accounts.

    Parameters
    ----------
    data : path, optional
        Data directory (``--data``, ``$DIGITRACE_DATA``); every NBS table in
        ``io/nbs`` and every OECD year in ``io/oecd`` is used.
    estimator : str or list
        ``io`` (``io_direct`` + ``io_complete``), ``growth`` (``growth_lb`` +
        ``growth_pz``), ``caict`` or ``all`` (default).
    years : iterable of int, optional
        Restrict to these years; a year without a table raises a
        :class:`~digitrace.errors.DataError` listing the years that exist.
    sources : ``("nbs", "oecd")``
    tables : list of IOTable, optional
        Use these tables instead of the data directory (``source`` = ``"user"``).
    shares : DataFrame, optional
        Sector × ``01``…``04`` core shares overriding the concordance (for
        ``tables``); shares outside [0, 1] raise an error naming the sector.
    growth_params : GrowthParams, optional
        δ, r, price growth of the ICT capital series.
    caict_id_gdp : {year: percent}, optional
        Targets of the ``caict`` calibration (default: CAICT figures, see
        ``CAICT_ID_GDP``).

    Returns
    -------
    DigitalAccounts
    """
    from .. import classify
    from .growth import GrowthParams, ict_capital_series

    ests = _estimators(estimator)
    from ..data.io_tables import check_sources

    sources = check_sources(sources)
    gp = growth_params or GrowthParams()
    inputs: list[tuple[str, str]] = []
    frames = []
    growth = pd.DataFrame()
    if tables is not None:
        if any(e.startswith("growth") for e in ests):
            from ..errors import DigitraceWarning

            warnings.warn("growth estimators need the OECD annual series of a data directory; they are skipped "
                          "for user tables", DigitraceWarning, stacklevel=2)
        for t in tables:
            frames.append(table_accounts(t, [e for e in ests if not e.startswith("growth")], shares=shares,
                                         caict_id_gdp=caict_id_gdp, source="user",
                                         table_label=f"user_{t.year}_{t.n}"))
    else:
        from ..data.io_tables import io_catalog, load_io_table, load_oecd_iot
        from ..paths import data_dir
        from .._results import file_sha256

        root = data_dir(data)
        allcat = io_catalog(root)
        cat = allcat[allcat["source"].isin(list(sources))]
        if years is not None:
            want = sorted(set(int(y) for y in years))
            have = sorted(set(cat["year"]))
            miss = [y for y in want if y not in have]
            if miss:
                raise DataError(f"no IO table for {', '.join(map(str, miss))}; tables exist for "
                                f"{', '.join(map(str, have))}", file=root / "io")
        need_growth = any(e.startswith("growth") for e in ests)
        oecd = allcat[allcat["source"] == "oecd"] if ("oecd" in sources or need_growth) else cat.iloc[0:0]
        otabs = {}
        if need_growth and oecd.empty:
            raise DataError("growth estimators need the OECD annual IO series (io/oecd/*.csv), none found",
                            file=root / "io")
        if len(oecd):
            path = oecd["path"].iloc[0]
            inputs.append((Path(path).name, file_sha256(path)))
            otabs = {int(y): load_oecd_iot(path, int(y)) for y in oecd["year"]}
            if need_growth and len(otabs) > 1:
                growth = ict_capital_series(otabs, classify.core_shares("oecd45"), gp)
        for r in cat.itertuples():
            if years is not None and r.year not in set(int(y) for y in years):
                continue
            if r.source == "nbs":
                t = load_io_table(r.path, year=int(r.year))
                inputs.append((Path(r.path).name, file_sha256(r.path)))
                label = Path(r.path).stem
            else:
                t = otabs[int(r.year)]
                label = f"oecd_{r.year}"
            frames.append(table_accounts(t, ests, growth=growth, caict_id_gdp=caict_id_gdp,
                                         table_label=label, source=r.source))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
    got = set(frame["estimator"]) if "estimator" in frame else set()
    if "caict" in ests and "caict" not in got:
        from ..errors import DigitraceWarning

        targets = caict_id_gdp or CAICT_ID_GDP
        warnings.warn(f"caict: no calibration target for the selected years; CAICT ID/GDP targets exist for "
                      f"{', '.join(map(str, sorted(targets)))}", DigitraceWarning, stacklevel=2)
    prov = Provenance(method="digitrace.digital_accounts",
                      params={"di_assumption": DI_ASSUMPTION, "estimators": list(ests), "growth": vars(gp) if hasattr(gp, "__dict__") else str(gp),
                              "caict_id_gdp": caict_id_gdp or CAICT_ID_GDP, "sources": list(sources)},
                      inputs=tuple(inputs),
                      reference="NBS (2021) digital-economy classification; BEA (2018) / Xu & Zhang (2020) "
                                "VA-ratio assumption; Cai & Niu (2021); Peng & Zhao (2020); CAICT white papers")
    return DigitalAccounts(frame=frame, growth_series=growth, provenance=prov)
