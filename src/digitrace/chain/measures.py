"""Labelled chain-reshaping measures for one IO table, and over every table.

:func:`chain_measures` computes, per sector, the digital-input intensities,
linkages, network centrality, upstreamness and downstreamness, the digital
content of each final-demand category and the hypothetical-extraction losses of
the digital sectors; :meth:`ChainMeasures.channels` condenses them into the four
reshaping channels (R&D, production, consumption, collaboration).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import DigitraceError
from ..io import kernels as K
from ..io._common import provenance as io_provenance
from ..io.table import IOTable
from . import kernels as C
from .roles import sector_roles

#: minimum digital share for a sector to count as a digital sector in set-based
#: measures (extraction, linkage density, reach); intensities use the shares.
DEFAULT_THRESHOLD = 0.5
#: coefficient threshold for a "digital linkage" (density and reach)
DEFAULT_TAU = 0.001

#: final-demand groups: "consumption" = household + government consumption (the only
#: split the non-competitive 42-sector tables publish, as TC), so it is comparable
#: across every vintage; household and government are reported where published.
FD_GROUPS = {"household": ("household",), "government": ("government",),
             "consumption": ("household", "government", "consumption"),
             "gfcf": ("gfcf",), "exports": ("exports",)}


@dataclass(frozen=True, repr=False)
class ChainMeasures(Result):
    """Chain-reshaping measures of one table.

    Attributes
    ----------
    sectors : DataFrame
        One row per sector: ``role``, ``digital_share``, ``is_digital``,
        ``direct``, ``complete``, ``input_share``, ``backward``, ``forward``,
        ``pagerank``, ``eigenvector``, ``upstreamness``, ``downstreamness``,
        ``extraction_output_loss``, ``extraction_va_loss`` (:math:`v_j` times the output loss).
    final_demand : Series
        Digital value-added content of household consumption, government,
        GFCF and exports.
    network : Series
        Table-level indicators: density, reach, extraction loss, weighted
        upstreamness of digital output.
    year, source : int, str
    """

    sectors: pd.DataFrame
    final_demand: pd.Series
    network: pd.Series
    year: int
    source: str

    def _headline(self) -> str:
        return f"{self.year} {self.source}, {len(self.sectors)} sectors, {int(self.sectors['is_digital'].sum())} digital"

    def to_frame(self) -> pd.DataFrame:
        """Long table: year, source, sector, indicator, value (table-level rows have sector ``"*"``)."""
        num = self.sectors.drop(columns=["role"]).astype(float)
        long = num.rename_axis("sector").reset_index().melt(id_vars="sector", var_name="indicator")
        fd = pd.DataFrame({"sector": "*", "indicator": [f"fd_digital_content_{k}" for k in self.final_demand.index],
                           "value": self.final_demand.to_numpy(float)})
        net = pd.DataFrame({"sector": "*", "indicator": list(self.network.index), "value": self.network.to_numpy(float)})
        out = pd.concat([long, fd, net], ignore_index=True)
        out.insert(0, "source", self.source)
        out.insert(0, "year", self.year)
        return out

    def channels(self) -> pd.DataFrame:
        """The four channels as a small table: channel, indicator, value (documented in docs/framework.md)."""
        s = self.sectors
        x = s["output"]

        def wmean(col: str, mask: pd.Series) -> float:
            w = x[mask]
            return float(np.average(s.loc[mask, col], weights=w)) if w.sum() > 0 else float("nan")

        rnd = s["role"].eq("rnd")
        man = s["role"].eq("manufacturing")
        trade_log = s["role"].isin(["trade", "logistics"])
        rows = [
            ("rnd", "direct_intensity_rnd", wmean("direct", rnd)),
            ("rnd", "digital_input_share_rnd", wmean("input_share", rnd)),
            ("production", "direct_intensity_manufacturing", wmean("direct", man)),
            ("production", "complete_intensity_manufacturing", wmean("complete", man)),
            ("consumption", "fd_digital_content_consumption", float(self.final_demand.get("consumption", np.nan))),
            ("consumption", "direct_intensity_trade_logistics", wmean("direct", trade_log)),
            ("collaboration", "digital_linkage_density", float(self.network["digital_linkage_density"])),
            ("collaboration", "downstream_reach", float(self.network["downstream_reach"])),
            ("collaboration", "upstream_reach", float(self.network["upstream_reach"])),
            ("collaboration", "extraction_output_loss_share", float(self.network["extraction_output_loss_share"])),
        ]
        out = pd.DataFrame(rows, columns=["channel", "indicator", "value"])
        out.insert(0, "source", self.source)
        out.insert(0, "year", self.year)
        return out


def table_label(table: IOTable) -> str:
    """Short source label: ``NBS-149``, ``NBS-42nc`` (non-competitive) or ``OECD-45``."""
    fam = "OECD" if "USD" in table.unit else "NBS"
    return f"{fam}-{table.n}{'nc' if table.kind == 'noncompetitive' else ''}"


def _digital_shares(table: IOTable, digital) -> pd.Series:
    if digital is None:
        from ..classify import sectors as classify_sectors

        digital = classify_sectors(table)["core_share"]
    if isinstance(digital, pd.DataFrame):
        raise DigitraceError("digital must be a Series of shares or a list of sector codes")
    if not isinstance(digital, pd.Series):
        codes = [str(c) for c in digital]
        unknown = sorted(set(codes) - set(table.codes))
        if unknown:
            raise DigitraceError(f"digital sectors not in the {table.year} table: {', '.join(unknown)}")
        digital = pd.Series(1.0, index=codes)
    s = digital.reindex(table.codes)
    if s.isna().all() or (s.fillna(0) == 0).all():
        raise DigitraceError(f"no digital sector in the {table.year} table ({table.source}); "
                             "pass `digital=` explicitly")
    s = s.fillna(0.0).astype(float)
    bad = s[(s < 0) | (s > 1)]
    if len(bad):
        raise DigitraceError(f"digital shares must lie in [0, 1]; sector {bad.index[0]} has {bad.iloc[0]}")
    return s


def chain_measures(table: IOTable, digital=None, *, threshold: float = DEFAULT_THRESHOLD,
                   tau: float = DEFAULT_TAU, roles: pd.Series | None = None) -> ChainMeasures:
    r"""Chain-reshaping measures of one IO table.

    Parameters
    ----------
    table : IOTable
    digital : Series or sequence of codes, optional
        Digital share *s* of each sector's output (default: the NBS 2021 core
        share from :func:`digitrace.classify.sectors`), or a list of wholly
        digital sector codes.
    threshold : float
        Sectors with :math:`s_i \ge` threshold form the digital set *D* used by
        extraction, density and reach.
    tau : float
        Coefficient threshold for a digital linkage.
    roles : Series, optional
        Sector roles (default :func:`digitrace.chain.roles.sector_roles`).

    Notes
    -----
    Direct intensity :math:`\delta_j=\sum_i s_i a_{ij}`, complete intensity
    :math:`\beta_j=\sum_i s_i (L-I)_{ij}\ge\delta_j`; final-demand digital content
    :math:`c_k=(v\circ s)'Lf_k / v'Lf_k`; extraction loss of *D*: output lost when
    *D* neither buys nor sells intermediates (Miller & Lahr 2001), as a share of
    total output, and the value added lost :math:`v_j (x_j-\bar x_j)` as a share of
    total value added.  References in :mod:`digitrace.chain.kernels`.
    """
    from ..io.extraction import extract_kernel

    s = _digital_shares(table, digital)
    Z = table.Z.to_numpy(float)
    x = table.x.to_numpy(float)
    # every inverse once; linkages and extraction use the io kernels on these arrays
    A = K.calc_A(Z, x)
    L = K.leontief(A)
    G = K.ghosh(K.calc_B(Z, x))
    v = K.safe_divide(table.va.to_numpy(float), x)
    is_dig = (s >= threshold).to_numpy()
    if not is_dig.any():
        raise DigitraceError(f"no sector of the {table.year} table ({table.source or table_label(table)}) has a "
                             f"digital share >= threshold {threshold:g} (largest {s.max():.3g} in sector "
                             f"{s.idxmax()}); lower `threshold` or pass `digital=`")
    roles = sector_roles(table.sectors, table.unit) if roles is None else roles.reindex(table.codes)
    # complete extraction of D (Miller & Lahr 2001), as digitrace.io.extraction(method="total")
    loss = x - extract_kernel(Z, x, np.flatnonzero(is_dig), "total")
    U, D = C.upstreamness(G), C.downstreamness(L)
    sectors = pd.DataFrame({
        "role": roles.to_numpy(),
        "digital_share": s.to_numpy(),
        "is_digital": is_dig.astype(float),
        "output": x,
        "direct": C.direct_intensity(A, s.to_numpy()),
        "complete": C.complete_intensity(L, s.to_numpy()),
        "input_share": C.input_share(Z, s.to_numpy()),
        "backward": K.rasmussen_index(L, axis=0),   # = digitrace.io.linkages(table)["BL"]
        "forward": K.rasmussen_index(G, axis=1),    # = linkages(table, forward="ghosh")["FL"]
        "pagerank": C.pagerank(A),
        "eigenvector": C.eigenvector_centrality(A),
        "upstreamness": U,
        "downstreamness": D,
        "extraction_output_loss": loss,
        "extraction_va_loss": v * loss,    # value added lost: VA coefficient × output lost
    }, index=pd.Index(table.codes, name="sector"))
    F = table.final_demand
    fd = {}
    for role, members in FD_GROUPS.items():
        cols = [c for c, r in table.final_demand_labels.items() if r in members and c in F.columns]
        if cols:
            fd[role] = float(C.final_demand_content(L, v, s.to_numpy(), F[cols].to_numpy(float).sum(axis=1, keepdims=True))[0])
    down, up = C.reach(L, is_dig, tau)
    xd = s.to_numpy() * x
    network = pd.Series({
        "n_digital_sectors": float(is_dig.sum()),
        "digital_linkage_density": C.linkage_density(A, is_dig, tau),
        "downstream_reach": down,
        "upstream_reach": up,
        "extraction_output_loss_share": float(np.nansum(sectors["extraction_output_loss"]) / x.sum()),
        "extraction_va_loss_share": float(np.nansum(sectors["extraction_va_loss"]) / table.va.sum()),
        "digital_upstreamness": float(np.average(U, weights=xd)) if xd.sum() > 0 else float("nan"),
        "digital_downstreamness": float(np.average(D, weights=xd)) if xd.sum() > 0 else float("nan"),
    })
    digital_from = ("NBS 2021 core share (digitrace.classify.sectors)" if digital is None else
                    "user shares" if isinstance(digital, pd.Series) else "user sector list")
    return ChainMeasures(
        sectors=sectors, final_demand=pd.Series(fd, dtype=float), network=network,
        year=int(table.year), source=table_label(table),
        provenance=io_provenance(table, "digitrace.chain.chain_measures",
                                 {"threshold": threshold, "tau": tau, "digital": digital_from,
                                  "digital_sectors": [c for c, d in zip(table.codes, is_dig) if d]},
                                 "Miller & Blair (2009); Antràs et al. (2012); Miller & Temurshoev (2017)"))
