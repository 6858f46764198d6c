"""Benchmark: Hansen (1999) panel threshold, digitrace vs pyxthreg, side by side.

Three thresholds x 300 bootstrap replications each on a balanced 565 x 15
panel shaped like Hansen's (1999) investment example (synthetic data: one
regime-dependent regressor, three controls, threshold variable ~ debt ratio).
Writes ``benchmarks/results/threshold.md``.

    python benchmarks/bench_threshold.py [--reps 300] [--repeat 3]
"""
from __future__ import annotations

import argparse
import platform
from pathlib import Path

import numpy as np
import pandas as pd


def make_panel(N=565, T=15, seed=0):
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(N), T)
    year = np.tile(np.arange(1973, 1973 + T), N)
    q = rng.beta(2, 3, N * T)                       # debt/assets-like in (0, 1)
    c1 = rng.normal(0.1, 0.05, N * T)               # cash flow
    q1, q2, d1 = rng.normal(size=(3, N * T))
    slope = np.select([q <= 0.2, q <= 0.5, q <= 0.7], [0.06, 0.04, 0.02], 0.01)
    y = (rng.normal(size=N)[ids] + 0.01 * q1 + 0.005 * q2 - 0.01 * d1 + slope * c1 * 10
         + 0.05 * rng.normal(size=N * T))
    return pd.DataFrame({"id": ids, "year": year, "i": y, "c1": c1, "d1q": q, "q1": q1,
                         "q2": q2, "d1": d1})


from _timing import best_of  # noqa: E402  (benchmarks/ is on sys.path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import digitrace

    df = make_panel()
    ctrl = ["q1", "q2", "d1"]

    def ours(grid, sigma="hansen", null="reestimate"):
        return digitrace.threshold(df, "i", "c1", "d1q", "id", "year", controls=ctrl, n_thresholds=3,
                                   trim=0.01, bootstrap=args.reps, seed=1, grid=grid, sigma=sigma,
                                   boot_thresholds=null)

    ours(300)  # warm-up (imports)
    rows = []
    t_ex, r_ex = best_of(lambda: ours(None), args.repeat)
    t_gr, r_gr = best_of(lambda: ours(300), args.repeat)
    rows.append(("digitrace exhaustive (all unique q), Hansen re-estimating bootstrap", t_ex,
                 r_ex.thresholds, r_ex.f_stats))
    rows.append(("digitrace grid=300, Hansen re-estimating bootstrap", t_gr, r_gr.thresholds,
                 r_gr.f_stats))
    t_fx, r_fx = best_of(lambda: ours(None, null="fixed"), args.repeat)
    rows.append(("digitrace exhaustive, null thresholds fixed (pyxthreg's design)", t_fx,
                 r_fx.thresholds, r_fx.f_stats))
    t_fg, r_fg = best_of(lambda: ours(300, null="fixed"), args.repeat)
    rows.append(("digitrace grid=300, null thresholds fixed (pyxthreg's design)", t_fg,
                 r_fg.thresholds, r_fg.f_stats))
    t_xt, r_xt = best_of(lambda: ours(300, "xthreg", "fixed"), args.repeat)
    rows.append(("digitrace grid=300, fixed, sigma='xthreg'", t_xt, r_xt.thresholds, r_xt.f_stats))

    def hansen_program():   # Hansen's own program: qn = 400 grid of unique q, q < gamma, his transform
        return digitrace.threshold(df, "i", "c1", "d1q", "id", "year", controls=ctrl, n_thresholds=3,
                                   trim=[0.01, 0.01, 0.05], bootstrap=args.reps, seed=1,
                                   candidates="hansen", grid=400, transform="hansen1999")

    t_hp, r_hp = best_of(hansen_program, args.repeat)
    rows.append(("digitrace candidates='hansen' (Hansen's program: qn=400, trims .01/.01/.05, "
                 "transform='hansen1999', re-estimating bootstrap)", t_hp, r_hp.thresholds, r_hp.f_stats))
    peer_note = ""
    t_px = t_px0 = None
    try:
        import contextlib
        import io

        import pyxthreg
        from pyxthreg import ThresholdPanel

        def peer(grid=300):
            m = ThresholdPanel(df, dep="i", rx=["c1"], qx="d1q", indep=ctrl, entity_col="id",
                               time_col="year")
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                m.fit(thnum=3, trim=0.01, grid=grid, bs=args.reps, nobslog=True)
            return m

        ThresholdPanel(df.iloc[:15 * 40], dep="i", rx=["c1"], qx="d1q", indep=ctrl, entity_col="id",
                       time_col="year").fit(thnum=1, trim=0.01, grid=50, bs=5, nobslog=True)  # JIT warm-up
        t_px, m = best_of(peer, 2)
        rows.append((f"pyxthreg {pyxthreg.__version__} grid=300", t_px, tuple(m.results["thresholds"]),
                     tuple(b["F_stat"] for b in m.results["boot_results"])))
        t_px0, m0 = best_of(lambda: peer(0), 2)    # grid=0: pyxthreg's exhaustive search
        rows.append((f"pyxthreg {pyxthreg.__version__} grid=0 (exhaustive)", t_px0,
                     tuple(m0.results["thresholds"]), tuple(b["F_stat"] for b in m0.results["boot_results"])))
    except ImportError:
        peer_note = "pyxthreg is not installed (pip install pyxthreg); peer column skipped."
    lines = ["# Hansen (1999) threshold: 3 thresholds x %d bootstrap reps, 565 x 15 panel" % args.reps, ""]
    if t_px:
        lines += [f"**Headline (like for like): {t_px / t_fg:.1f}x faster than pyxthreg with grid=300, "
                  f"{t_px0 / t_fx:.1f}x with the exhaustive search (pyxthreg grid=0)** — same search, "
                  "3 x %d bootstrap replications, regressors and null thresholds held fixed "
                  "in the bootstrap (pyxthreg's design; the resampling scheme itself differs, see notes)."
                  % args.reps, "",
                  f"digitrace's default (`grid=None`: exhaustive search over every unique q; "
                  f"`boot_thresholds='reestimate'`: Hansen's bootstrap re-estimating the null thresholds "
                  f"in every sample) does more work than pyxthreg and is still {t_px0 / t_ex:.1f}x faster "
                  f"than pyxthreg's exhaustive search ({t_px / t_ex:.1f}x than its grid=300). "
                  f"grid=300 with Hansen's re-estimating bootstrap: {t_px / t_gr:.1f}x pyxthreg grid=300. "
                  f"Hansen's own program (`candidates='hansen'`, qn=400): {t_px / t_hp:.1f}x pyxthreg "
                  f"grid=300.", ""]
    lines += [f"machine: {platform.platform()}, Python {platform.python_version()}, "
              f"best of {args.repeat} (pyxthreg: best of 2 after JIT warm-up)", "",
              "| implementation | seconds | thresholds | F stats |", "|---|---|---|---|"]
    for name, t, th, fs in rows:
        lines.append(f"| {name} | {t:.2f} | {', '.join(f'{g:.4f}' for g in th)} | "
                     f"{', '.join(f'{f:.1f}' for f in fs)} |")
    if peer_note:
        lines += ["", peer_note]
    lines += ["", "Notes: pyxthreg uses a wild (normal-multiplier) bootstrap with the null "
              "thresholds fixed; digitrace resamples within residuals by entity block (Hansen), by "
              "default re-estimating the null thresholds in every sample as Hansen's own code does "
              "(boot_thresholds='reestimate'), or holding them fixed (boot_thresholds='fixed'). "
              "F statistics differ only by the sigma2 divisor (pyxthreg nT-T = sigma='xthreg'; "
              "default Hansen n(T-1)); F2/F3 also by the peer's refinement details."]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).parent / "results" / "threshold.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
