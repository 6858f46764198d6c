"""Benchmark: Dagum (1997) decomposition with 999 bootstrap replications, n = 2,800 × 10 years.

Runs side by side, in one process:

* digitrace ``dagum_gini_panel`` (sorting + cumulative sums, vectorised over replications);
* a naive O(n²) implementation (NumPy broadcasting of all pairwise |y_i − y_r| per
  replication, i.e. the double sum without Python loops), timed on a few replications and
  extrapolated to 9,990;
* a pure-Python double loop (the literal formula, as in many posted scripts), timed on a
  subsample and extrapolated by n² scaling;
* statspai 1.40.2 ``subgroup_decompose(index="gini")`` (point estimate only; it has no
  bootstrap), timed per call and extrapolated to 9,990 calls, if installed.  Its numbers
  are also compared on Mexico 1940: its "between" is not Dagum's.

Run:  python benchmarks/bench_disparity.py  [--quick]
Writes benchmarks/results/disparity.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def county_panel(n: int = 2800, years: int = 10, k: int = 4, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, k, n)
    frames = []
    for t in range(years):
        y = rng.lognormal(0.0, 0.6, n) * (1 + 0.4 * g) * (1.05 ** t)
        frames.append(pd.DataFrame({"y": y, "g": g, "t": 2013 + t}))
    return pd.concat(frames, ignore_index=True)


def naive_numpy(y: np.ndarray, g: np.ndarray, k: int) -> tuple[float, float, float, float]:
    """O(n²) Dagum with NumPy broadcasting (one replication)."""
    from digitrace.disparity._dagum_kernel import dagum_bruteforce

    r = dagum_bruteforce(y, g, k)
    return r["G"], r["G_w"], r["G_nb"], r["G_t"]


def naive_python(y: list[float], g: list[int], k: int) -> float:
    """Literal double loop over all pairs (total and group-pair sums), pure Python."""
    n = len(y)
    A = [[0.0] * k for _ in range(k)]
    for i in range(n):
        yi, gi = y[i], g[i]
        row = A[gi]
        for r in range(n):
            row[g[r]] += abs(yi - y[r])
    return sum(map(sum, A))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer replications (smoke run)")
    args = ap.parse_args()
    B = 99 if args.quick else 999
    n, years, k = 2800, 10, 4
    df = county_panel(n, years, k)
    import digitrace as dt
    from digitrace.disparity import dagum_gini_panel

    dt.dagum_gini(df.y[:100], df.g[:100])                   # warm imports
    t0 = time.perf_counter()
    res = dagum_gini_panel(df, value="y", group="g", time="t", bootstrap=B, seed=1)
    t_ours = time.perf_counter() - t0
    reps = years * (B + 1)

    sub = df[df.t == 2013]
    y0, g0 = sub.y.to_numpy(), sub.g.to_numpy()
    m = 3
    t0 = time.perf_counter()
    for _ in range(m):
        naive_numpy(y0, g0, k)
    t_np1 = (time.perf_counter() - t0) / m
    t_np = t_np1 * reps

    ns = 300
    t0 = time.perf_counter()
    naive_python(y0[:ns].tolist(), g0[:ns].tolist(), k)
    t_py1 = (time.perf_counter() - t0) * (n / ns) ** 2
    t_py = t_py1 * reps

    sp_line, sp_nums = "statspai not installed", ""
    try:
        from importlib.metadata import version

        from statspai.decomposition.inequality import subgroup_decompose

        s = pd.DataFrame({"y": y0, "g": g0})
        t0 = time.perf_counter()
        for _ in range(3):
            subgroup_decompose(s, y="y", by="g", index="gini")
        t_sp1 = (time.perf_counter() - t0) / 3
        t_sp = t_sp1 * reps
        sp_line = f"statspai {version('statspai')} subgroup_decompose(index='gini'), point estimate"
        mex = pd.read_csv(Path(os.environ.get("DIGITRACE_DATA", HERE.parents[1] / "shared" / "data"))
                          / "reference" / "mexico_state_pcgdp_1940_2000.csv")
        r_sp = subgroup_decompose(mex, y="pcgdp1940", by="hanson98", index="gini")
        r_dt = dt.dagum_gini(mex.pcgdp1940, mex.hanson98)
        sp_nums = (
            "\n\n### Numbers on Mexico 1940 (hanson98 regions): statspai vs Dagum (1997)\n\n"
            "| term | digitrace (Dagum 1997) | statspai |\n|---|---|---|\n"
            f"| total G | {r_dt.total:.6f} | {r_sp.total:.6f} |\n"
            f"| within G_w | {r_dt.within:.6f} | {r_sp.within:.6f} |\n"
            f"| gross between G_nb + G_t | {r_dt.between + r_dt.transvariation:.6f} | {r_sp.between:.6f} (\"between\") |\n"
            f"| net between G_nb | {r_dt.between:.6f} | — |\n"
            f"| transvariation G_t | {r_dt.transvariation:.6f} | {r_sp.overlap:.6f} (\"overlap\", a residual) |\n\n"
            "The published Gini of this series is 0.3537237117 (PySAL inequality 1.1.2 test suite). "
            "statspai's total is the small-sample-corrected Gini (× n/(n−1) = 32/31), and its "
            "group Ginis are corrected the same way, so its G_w differs too; its gross between "
            "term is Σ 2 p_h p_k Δ_hk/(μ_h + μ_k) where Dagum's is Σ p_h p_k Δ_hk/μ "
            "(Δ_hk = E|y_h − y_k|), and the remaining \"overlap\" is a residual. So its "
            "decomposition is not Dagum's (1997), as issue 4 says.\n")
    except Exception as exc:  # noqa: BLE001
        sp_line = f"statspai unavailable ({type(exc).__name__})"
        t_sp1 = t_sp = float("nan")

    rows = [
        ("digitrace dagum_gini_panel (sort + cumsum, batched bootstrap)", t_ours / reps, t_ours, "measured"),
        ("naive O(n²) NumPy broadcasting", t_np1, t_np, f"measured {m} reps, extrapolated ×{reps}"),
        ("naive pure-Python double loop", t_py1, t_py, f"measured n={ns}, scaled by n², ×{reps}"),
        (sp_line, t_sp1, t_sp, f"measured 3 calls, extrapolated ×{reps} (no bootstrap in statspai)"),
    ]
    lines = [
        "# Benchmark: Dagum Gini decomposition with bootstrap",
        "",
        f"n = {n} units (county scale), {years} years, {k} groups, {B} bootstrap replications "
        f"per year ({reps} decompositions in total). Machine: {platform.machine()}, "
        f"{os.cpu_count()} CPUs visible (shared), Python {platform.python_version()}, NumPy {np.__version__}.",
        "",
        "| implementation | per decomposition (s) | total for the task (s) | ratio to digitrace | how |",
        "|---|---|---|---|---|",
    ]
    for name, one, tot, how in rows:
        ratio = tot / t_ours if np.isfinite(tot) else float("nan")
        lines.append(f"| {name} | {one:.4g} | {tot:.4g} | {ratio:.1f}× | {how} |")
    lines += ["", f"Target: < 10 s on 2 cores — digitrace took **{t_ours:.2f} s**.",
              f"Check: 2013 G = {res[2013].total:.6f} = G_w + G_nb + G_t "
              f"({res[2013].within + res[2013].between + res[2013].transvariation:.6f}).",
              sp_nums]
    text = "\n".join(lines) + "\n"
    if not args.quick:
        (HERE / "results").mkdir(exist_ok=True)
        (HERE / "results" / "disparity.md").write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
