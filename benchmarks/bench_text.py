"""Benchmark: digitrace text scoring vs cntext (ct.sentiment) vs a jieba tokenise-and-count baseline.

Run as a script::

    python benchmarks/bench_text.py [--mb 200] [--peer-mb 8] [--peer-python /tmp/cntext-venv/bin/python]

1. Generates a deterministic corpus of >= ``--mb`` MB (UTF-8 bytes) under
   ``--corpus`` (default ``/tmp/digitrace_bench_corpus``; never committed)
   from paragraphs of the real annual reports and government work reports in
   the data folder, with PDF-like noise: words broken across lines, full-width
   Latin, compatibility glyphs, negations.
2. Times, end to end (read file, normalise, count, negate), on the same files:
   * digitrace, one core, in process (read + count loop);
   * digitrace ``score_corpus(engine="local")`` (adds Parquet shards + DuckDB);
   * digitrace ``score_corpus(engine="dask")`` with 1 and 2 worker processes;
   * cntext ``ct.sentiment(text, diction)`` with the same Wu Fei (2021)
     dictionary, and a jieba ``lcut`` + set-lookup baseline, both in the
     separate virtualenv given by ``--peer-python`` (cntext pins clash with the
     project environment).  cntext and jieba are slow, so they run on the
     first ``--peer-mb`` MB of the same corpus (sorted file order); digitrace
     is timed on that same subset too, and the ratios use the subset.
3. Prints a table and writes ``benchmarks/results/text.md``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PEER_SCRIPT = r'''
import json, sys, time
mode, listfile, dictfile = sys.argv[1], sys.argv[2], sys.argv[3]
files = [l for l in open(listfile, encoding="utf-8").read().split("\n") if l]
diction = json.load(open(dictfile, encoding="utf-8"))
t0 = time.perf_counter()
import jieba
jieba.setLogLevel(60)
jieba.initialize()
t_init = time.perf_counter() - t0
total = 0
nbytes = 0
t0 = time.perf_counter()
if mode == "cntext":
    import cntext as ct
    for f in files:
        raw = open(f, "rb").read(); nbytes += len(raw)
        r = ct.sentiment(raw.decode("utf-8"), diction)
        total += sum(v for k, v in r.items() if k[:-4] in diction)
else:
    term2g = {w: g for g, ws in diction.items() for w in ws}
    for w in term2g:
        jieba.add_word(w, freq=20000)
    for f in files:
        raw = open(f, "rb").read(); nbytes += len(raw)
        for w in jieba.lcut(raw.decode("utf-8")):
            if w in term2g:
                total += 1
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "bytes": nbytes, "total": total, "init": t_init}))
'''


def make_corpus(data: Path, out: Path, mb: float, seed: int = 0) -> list[Path]:
    """Deterministic synthetic corpus from real paragraphs (+ PDF-like noise)."""
    marker = out / f".complete-{mb}-{seed}"
    if marker.exists():
        return sorted(out.glob("*.txt"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    srcs = sorted((data / "text/annual_reports/txt").glob("*.txt"))
    srcs += sorted((data / "text/gov_work_reports").rglob("*.txt"))
    paras: list[str] = []
    for p in srcs:
        paras += [ln for ln in p.read_text(encoding="utf-8").splitlines() if len(ln) > 20]
    rng = random.Random(seed)
    noise = [("大数据", "大数\n据"), ("云计算", "云\r\n计算"), ("Fintech", "ＦＩＮＴＥＣＨ"), ("年", "\uf98e"),
             ("人工智能", "尚未应用人工智能"), ("物联网", "无锡物联网")]
    target = int(mb * 1e6)
    written = 0
    k = 0
    while written < target:
        buf = []
        size = 0
        doc_target = rng.randint(250_000, 750_000)
        while size < doc_target:
            para = rng.choice(paras)
            if rng.random() < 0.05:
                a, b = rng.choice(noise)
                para = para.replace(a, b) if a in para else para + b
            buf.append(para)
            size += len(para.encode("utf-8")) + 1
        code = f"{600000 + k:06d}"
        year = 2007 + k % 18
        path = out / f"{code}_{year}_gen.txt"
        data_bytes = ("\n".join(buf) + "\n").encode("utf-8")
        path.write_bytes(data_bytes)
        written += len(data_bytes)
        k += 1
    marker.write_text("ok")
    return sorted(out.glob("*.txt"))


def digitrace_loop(files: list[Path]) -> dict:
    from digitrace.text.count import get_matcher
    from digitrace.text.ingest import read_document

    m = get_matcher("wufei2021")
    nbytes = total = 0
    t0 = time.perf_counter()
    for f in files:
        nbytes += f.stat().st_size
        total += m.count(read_document(f)).total
    secs = time.perf_counter() - t0
    return {"seconds": secs, "bytes": nbytes, "total": total}


def digitrace_no_negation_overlap(files: list[Path]) -> dict:
    """Same rule as cntext's: overlapping-free token hits, no negation, no exclusions (for the count check)."""
    from digitrace.text.count import get_matcher
    from digitrace.text.ingest import read_document

    m = get_matcher("wufei2021", negation=False, exclusions=False)
    return {"total": sum(m.count(read_document(f)).total for f in files)}


def digitrace_score(corpus: Path, engine: str, workers: int | None, partition_size: int,
                    external_cluster: bool = False) -> dict:
    """Time score_corpus; with ``external_cluster`` the Dask cluster is started first and
    passed as ``scheduler=`` (so cluster start-up is not timed, as on a real cluster)."""
    from digitrace.text.score import load_scores, score_corpus

    cluster = None
    scheduler = None
    if external_cluster:
        import distributed

        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        scheduler = cluster.scheduler_address
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            run = score_corpus(corpus, Path(tmp) / "o", engine=engine, workers=workers,
                               scheduler=scheduler, partition_size=partition_size, progress=False)
            secs = time.perf_counter() - t0
            s, _ = load_scores(Path(tmp) / "o")
    finally:
        if cluster is not None:
            cluster.close()
    return {"seconds": secs, "bytes": int(s["n_bytes"].sum()), "total": int(s["total"].sum()),
            "n_docs": run.n_documents}


def peer(mode: str, python: str, files: list[Path], diction: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        lf, df, sf = Path(tmp) / "files.txt", Path(tmp) / "dict.json", Path(tmp) / "peer.py"
        lf.write_text("\n".join(str(f) for f in files), encoding="utf-8")
        df.write_text(json.dumps(diction, ensure_ascii=False), encoding="utf-8")
        sf.write_text(PEER_SCRIPT, encoding="utf-8")
        res = subprocess.run([python, str(sf), mode, str(lf), str(df)], capture_output=True, text=True,
                             env=dict(os.environ, OMP_NUM_THREADS="1"))
        if res.returncode != 0:
            raise RuntimeError(f"{mode} failed: {res.stderr[-2000:]}")
        return json.loads(res.stdout.strip().splitlines()[-1])


DRIFT_SCRIPT = r'''
import json, sys
import cntext as ct, jieba
jieba.setLogLevel(60)
diction = json.load(open(sys.argv[1], encoding="utf-8"))
files = [l for l in open(sys.argv[2], encoding="utf-8").read().split("\n") if l]
probe = open(files[0], encoding="utf-8").read()
first = ct.sentiment(probe, diction)
for f in files[1:]:
    ct.sentiment(open(f, encoding="utf-8").read()[:20000], diction)
again = ct.sentiment(probe, diction)
print(json.dumps({"first": first, "again": again}))
'''


def cntext_drift(python: str, files: list[Path], diction: dict) -> dict:
    """Score one document, then 59 others, then the first again, in one cntext process."""
    with tempfile.TemporaryDirectory() as tmp:
        lf, df, sf = Path(tmp) / "files.txt", Path(tmp) / "dict.json", Path(tmp) / "drift.py"
        lf.write_text("\n".join(str(f) for f in files[:60]), encoding="utf-8")
        df.write_text(json.dumps(diction, ensure_ascii=False), encoding="utf-8")
        sf.write_text(DRIFT_SCRIPT, encoding="utf-8")
        res = subprocess.run([python, str(sf), str(df), str(lf)], capture_output=True, text=True,
                             check=False)
        if res.returncode != 0:
            raise RuntimeError(f"drift check failed: {res.stderr[-2000:]}")
        return json.loads(res.stdout.strip().splitlines()[-1])


def peer_version(python: str, pkg: str) -> str:
    r = subprocess.run([python, "-c", f"import importlib.metadata as m; print(m.version('{pkg}'))"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "?"


def mbps(r: dict) -> float:
    return r["bytes"] / 1e6 / r["seconds"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=200.0)
    ap.add_argument("--peer-mb", type=float, default=8.0)
    ap.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "digitrace_bench_corpus")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--peer-python", default="/tmp/cntext-venv/bin/python")
    ap.add_argument("--partition-size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3,
                    help="repeat each measurement, interleaved, and keep the fastest (the machine is shared)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "text.md")
    a = ap.parse_args(argv)

    from digitrace.paths import data_dir
    from digitrace.text.dictionaries import load_dictionary

    data = data_dir(a.data)
    t0 = time.perf_counter()
    files = make_corpus(data, a.corpus, a.mb)
    size = sum(f.stat().st_size for f in files)
    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB ({time.perf_counter() - t0:.1f} s to make/check)")
    subset, acc = [], 0
    for f in files:
        if acc >= a.peer_mb * 1e6:
            break
        subset.append(f)
        acc += f.stat().st_size
    d = load_dictionary("wufei2021")
    diction = {g: [t.term for t in d.terms if t.group == g] for g in d.groups}

    def best(fn, *args, **kw):
        runs = [fn(*args, **kw) for _ in range(a.repeat)]
        return min(runs, key=lambda r: r["seconds"])

    have_peer = Path(a.peer_python).exists()
    sub = f"subset {acc / 1e6:.1f} MB"
    full = f"full {size / 1e6:.1f} MB"
    sub_plain = digitrace_no_negation_overlap(subset)
    res: dict[str, list[dict]] = {}
    order = ["sub_dt"] + (["ct", "jb"] if have_peer else []) + ["full_dt", "loc", "d1", "d2", "e1", "e2"]
    jobs = {
        "sub_dt": lambda: digitrace_loop(subset),
        "ct": lambda: peer("cntext", a.peer_python, subset, diction),
        "jb": lambda: peer("jieba", a.peer_python, subset, diction),
        "full_dt": lambda: digitrace_loop(files),
        "loc": lambda: digitrace_score(a.corpus, "local", None, a.partition_size),
        "d1": lambda: digitrace_score(a.corpus, "dask", 1, a.partition_size),
        "d2": lambda: digitrace_score(a.corpus, "dask", 2, a.partition_size),
        "e1": lambda: digitrace_score(a.corpus, "dask", 1, a.partition_size, external_cluster=True),
        "e2": lambda: digitrace_score(a.corpus, "dask", 2, a.partition_size, external_cluster=True),
    }
    for rep in range(a.repeat):  # interleaved, so load spikes hit every engine alike
        for k in order:
            res.setdefault(k, []).append(jobs[k]())
            print(f"  round {rep + 1}: {k} {res[k][-1]['seconds']:.2f} s", flush=True)
    r = {k: min(v, key=lambda x: x["seconds"]) for k, v in res.items()}
    sub_dt, full_dt, loc, d1, d2, e1, e2 = (r[k] for k in ("sub_dt", "full_dt", "loc", "d1", "d2", "e1", "e2"))
    rows = [("digitrace, 1 core, in process", sub, sub_dt)]
    if have_peer:
        ct, jb = r["ct"], r["jb"]
        rows.append((f"cntext {peer_version(a.peer_python, 'cntext')} ct.sentiment", sub, ct))
        rows.append((f"jieba {peer_version(a.peer_python, 'jieba')} lcut + count", sub, jb))
    rows += [("digitrace, 1 core, in process", full, full_dt),
             ("digitrace score_corpus engine=local (+Parquet+DuckDB)", full, loc),
             ("digitrace score_corpus engine=dask, 1 worker (incl. cluster start)", full, d1),
             ("digitrace score_corpus engine=dask, 2 workers (incl. cluster start)", full, d2),
             ("digitrace score_corpus --scheduler (running cluster), 1 worker", full, e1),
             ("digitrace score_corpus --scheduler (running cluster), 2 workers", full, e2)]

    lines = ["# Text scoring benchmark", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} logical CPUs (shared with other jobs: "
             "timings are noisy), Python {0}.".format(platform.python_version()),
             f"Corpus: {len(files)} generated UTF-8 files, {size / 1e6:.1f} MB, made from real "
             "annual-report and government-work-report paragraphs with PDF-like noise "
             "(`benchmarks/bench_text.py`, seed 0). Dictionary: Wu Fei et al. (2021), 76 terms.",
             "MB = 10^6 bytes of input files; times are end to end (read, decode, normalise, count, negate).",
             f"Each measurement was repeated {a.repeat}× (interleaved across engines); the table shows the fastest run.", "",
             "| engine | input | seconds | MB/s | keyword hits |", "|---|---|---|---|---|"]
    for name, inp, r in rows:
        lines.append(f"| {name} | {inp} | {r['seconds']:.2f} | {mbps(r):.2f} | {r['total']} |")
    lines.append("")
    lines.append("## Ratios")
    ratios = []
    if have_peer:
        ratios.append(f"- digitrace / cntext, one core: **{mbps(full_dt) / mbps(ct):.0f}×** using digitrace's "
                      f"full-corpus rate ({mbps(full_dt):.1f} MB/s) against cntext's rate on the subset "
                      f"({mbps(ct):.2f} MB/s); **{mbps(sub_dt) / mbps(ct):.0f}×** on the identical "
                      f"{acc / 1e6:.1f} MB subset (target ≥ 50×)")
        ratios.append(f"- digitrace / jieba baseline, one core: **{mbps(full_dt) / mbps(jb):.0f}×** (full-corpus rate) / "
                      f"**{mbps(sub_dt) / mbps(jb):.0f}×** (same subset)")
        ratios.append(f"- hit totals on the subset: digitrace {sub_dt['total']} (negation + exclusions), "
                      f"digitrace without negation/exclusions {sub_plain['total']}, cntext {ct['total']}, "
                      f"jieba baseline {jb['total']}. jieba-based counts miss terms that the tokenizer "
                      "splits differently, words broken across lines and full-width/compatibility forms.")
    ratios.append(f"- Dask scaling, 1 → 2 workers on a running cluster: **{e1['seconds'] / e2['seconds']:.2f}×** "
                  f"({mbps(e1):.1f} → {mbps(e2):.1f} MB/s); including local-cluster start-up: "
                  f"{d1['seconds'] / d2['seconds']:.2f}×. Load average before the run: {os.getloadavg()[0]:.1f} "
                  f"on {os.cpu_count()} CPUs (other jobs compete for the second core).")
    ratios.append(f"- all digitrace engines agree on the full corpus: "
                  f"{len({full_dt['total'], loc['total'], d1['total'], d2['total'], e1['total'], e2['total']}) == 1} "
                  f"(total hits {full_dt['total']})")
    lines += ratios
    if have_peer:
        dr = cntext_drift(a.peer_python, files, diction)
        changed = {k: (dr["first"][k], dr["again"][k]) for k in dr["first"] if dr["first"][k] != dr["again"][k]}
        lines += ["", "## Determinism", "",
                  "cntext: the same document scored first and again after 59 other documents in the same "
                  f"process (`ct.sentiment` calls `jieba.add_word` each time): changed fields {changed or 'none'}. "
                  "digitrace: counts are a pure function of (text, dictionary, options); the test suite checks "
                  "shard-order invariance and identical totals for every partitioning and engine."]
    lines += ["", "Raw runs (seconds): " + json.dumps({k: [round(x["seconds"], 2) for x in v]
                                                      for k, v in res.items()})]
    text = "\n".join(lines) + "\n"
    print(text)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(text, encoding="utf-8")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
