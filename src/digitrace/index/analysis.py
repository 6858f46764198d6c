"""Regional analysis of a built provincial index.

:func:`regional_analysis` runs, for each year of an :class:`~digitrace.index.build.IndexResult`:

* the Dagum (1997) Gini decomposition by the NBS four regions
  (:func:`digitrace.dagum_gini`);
* global Moran's I on rook contiguity (Hainan linked to Guangdong by default)
  (:func:`digitrace.moran`);
* the Spearman and Kendall rank correlations with a third-party index, by
  default the PCA "DEDI" of ``province/dedi_meng_2013_2022.csv`` (a sanity check,
  not a validation: the indicator sets differ).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._results import Provenance, Result
from .build import IndexResult


@dataclass(frozen=True, repr=False)
class RegionalAnalysis(Result):
    """Per-year Dagum decomposition, Moran's I and rank correlation with a benchmark index."""

    dagum: pd.DataFrame
    moran: pd.DataFrame
    benchmark: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        d = self.dagum.pivot_table(index="period", columns="term", values="value",
                                   aggfunc="first")[["G", "G_w", "G_nb", "G_t"]]
        share = self.dagum[self.dagum.term.isin(["G_w", "G_nb", "G_t"])].pivot_table(
            index="period", columns="term", values="contribution", aggfunc="first")
        share.columns = [f"share_{c}" for c in share.columns]
        out = d.join(share)
        out.index.name = "year"
        out = out.join(self.moran.set_index("year")[["I", "z_rand", "p_rand", "p_sim"]]
                       .rename(columns={"I": "moran_I", "z_rand": "moran_z",
                                        "p_rand": "moran_p", "p_sim": "moran_p_sim"}))
        if len(self.benchmark):
            out = out.join(self.benchmark.set_index("year")[["spearman", "kendall"]])
        return out

    def _headline(self) -> str:
        f = self.to_frame()
        return f"{len(f)} years, Gini {f['G'].iloc[0]:.3f}→{f['G'].iloc[-1]:.3f}"


def _benchmark(res: IndexResult, root: Path, source: str, column: str) -> pd.DataFrame:
    from scipy import stats

    from ..data.panel import load_panel

    p = root / source
    if not p.exists():
        return pd.DataFrame(columns=["year", "n", "spearman", "kendall"])
    bench = load_panel(p, province="id", detect=False, value_vars=[column]).data
    m = res.scores.merge(bench[["adcode", "year", column]], on=["adcode", "year"])
    rows = []
    for y, g in m.groupby("year"):
        rows.append({"year": int(y), "n": len(g),
                     "spearman": float(stats.spearmanr(g["index"], g[column]).statistic),
                     "kendall": float(stats.kendalltau(g["index"], g[column]).statistic)})
    return pd.DataFrame(rows)


def regional_analysis(res: IndexResult, data: str | Path | None = None, *,
                      permutations: int = 999, seed: int = 0, link_hainan: bool = True,
                      benchmark: str = "province/dedi_meng_2013_2022.csv",
                      benchmark_column: str = "DEDI") -> RegionalAnalysis:
    """Dagum decomposition by region, Moran's I and benchmark correlation, by year.

    Parameters
    ----------
    res : IndexResult
    data : data directory (for the geometry and the benchmark file)
    permutations, seed : Moran permutation inference
    link_hainan : link Hainan to Guangdong in the rook weights
    benchmark, benchmark_column : third-party index to correlate with
    """
    import digitrace

    from ..paths import data_dir
    from ..spatial.weights import rook_weights

    root = data_dir(data)
    s = res.scores
    dag = digitrace.dagum_gini(s, value="index", group="region4", time="year").to_frame()
    W = rook_weights(root, link_hainan=link_hainan)
    mrows = []
    for y, g in s.groupby("year"):
        m = digitrace.moran(g.set_index("adcode")["index"], W, permutations=permutations,
                            seed=seed)
        row = m.to_frame().iloc[0].to_dict()
        row["year"] = int(y)
        mrows.append(row)
    bench = _benchmark(res, root, benchmark, benchmark_column)
    prov = Provenance(method="digitrace.index.regional_analysis",
                      params={"index": res.spec.name, "method": res.method,
                              "permutations": permutations, "seed": seed,
                              "link_hainan": link_hainan, "benchmark": benchmark},
                      reference="Dagum (1997) Empirical Economics 22: 515-531; Moran (1950)")
    return RegionalAnalysis(dagum=dag, moran=pd.DataFrame(mrows), benchmark=bench,
                            provenance=prov)
