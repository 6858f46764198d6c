"""Chain measures over every IO table: the NBS years and the OECD annual series."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from .._results import Provenance, Result
from ..paths import data_dir as _data_dir
from .measures import DEFAULT_TAU, DEFAULT_THRESHOLD, ChainMeasures, chain_measures


@dataclass(frozen=True, repr=False)
class ChainPanel(Result):
    """Chain measures for many tables; ``to_frame()`` stacks the long tables."""

    tables: tuple[ChainMeasures, ...]

    def _headline(self) -> str:
        yrs = sorted({t.year for t in self.tables})
        return f"{len(self.tables)} tables, {yrs[0]}–{yrs[-1]}" if yrs else "no tables"

    def to_frame(self) -> pd.DataFrame:
        return pd.concat([t.to_frame() for t in self.tables], ignore_index=True)

    def channels(self) -> pd.DataFrame:
        """Channel indicators by year and source (one row per year × source × indicator)."""
        return pd.concat([t.channels() for t in self.tables], ignore_index=True)


def chain_panel(data: str | Path | None = None, *, sources: tuple[str, ...] = ("nbs", "oecd"),
                threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU,
                progress: Callable[[str], None] | None = None) -> ChainPanel:
    """Chain measures for every NBS table and every OECD year in the data directory.

    For years with several NBS tables (e.g. 2017 at 149 and 42 sectors) each is
    kept and labelled by its file, so vintages can be compared.
    """
    from ..data.io_tables import check_sources, io_catalog, load_io_table, load_oecd_iot

    sources = check_sources(sources)
    cat = io_catalog(_data_dir(data))
    cat = cat[cat["source"].isin(sources)]
    out: list[ChainMeasures] = []
    for row in cat.itertuples(index=False):
        if progress:
            progress(f"{row.source} {row.year} ({Path(row.path).name})")
        table = load_io_table(row.path) if row.source == "nbs" else load_oecd_iot(row.path, int(row.year))
        out.append(chain_measures(table, threshold=threshold, tau=tau))
    return ChainPanel(tables=tuple(out), provenance=Provenance(
        "digitrace.chain.chain_panel", {"sources": sources, "threshold": threshold, "tau": tau},
        tuple((t.source + f":{t.year}", t.provenance.inputs[0][1] if t.provenance.inputs else "") for t in out)))


CHANNELS = ("rnd", "production", "consumption", "collaboration")


def channel_text_evidence(data: str | Path | None = None) -> pd.DataFrame:
    """Text evidence for the four channels: the national government work reports over time.

    Counts the terms of the ``chain_channels`` dictionary (众包, 协同设计, 柔性制造,
    全渠道, 产业互联网平台 …; see ``digitrace.text.dictionaries``) in each year's
    report with :func:`digitrace.text.corpora.gov_report_series` (leftmost-longest,
    clause-local negation).  Returned long, like :meth:`ChainPanel.channels`:
    ``year, source, channel, indicator, value`` with the indicators ``mentions``
    and ``mentions_per_10k_chars``.  The dictionary is digitrace's own construction
    from the literature review, not a published one; read it as attention, not
    as adoption.
    """
    from ..text.corpora import gov_report_series

    g = gov_report_series(data, dictionary="chain_channels")
    rows = []
    for year, r in g.iterrows():
        for ch in CHANNELS:
            n = float(r.get(ch, 0.0))
            rows.append((int(year), "gov_work_report", ch, "mentions", n))
            rows.append((int(year), "gov_work_report", ch, "mentions_per_10k_chars",
                         1e4 * n / float(r["n_chars"]) if r["n_chars"] else float("nan")))
    out = pd.DataFrame(rows, columns=["year", "source", "channel", "indicator", "value"])
    out.attrs["provenance"] = g.attrs.get("provenance")
    return out
