"""Score a corpus of documents: partitions → Parquet shards → DuckDB.

Layout of ``OUT_DIR``::

    run.json              settings of the run (dictionary, section, options, corpus)
    shards/part-000000-<h>.parquet   one file per partition of documents
    results.duckdb        tables ``scores`` and ``errors`` built from the shards

Documents (``*.txt``, ``*.pdf``, searched recursively) are sorted by their
path relative to ``CORPUS_DIR`` and cut into partitions of ``partition_size``
documents.  A shard's name carries a hash of its document ids and of the run
settings.  Each shard is written atomically (temporary file, then rename), so
a run killed at any moment (``kill -9``) leaves only complete shards; a rerun
skips them and scores the rest.  ``results.duckdb`` is rebuilt at the end
(also atomically) from exactly the shards of the current plan, so totals are
identical to an uninterrupted run and nothing is counted twice.  Shard names
also hash each file's size and modification time: after files are added,
removed or changed, the affected partitions are rescored and shards of the
earlier state are deleted.  Results never depend on the partitioning or on
the order in which shards finish (tested).

Engines: ``"dask"`` (default) runs partitions on a ``dask.distributed``
local cluster of ``workers`` processes, or on an existing cluster given by
``scheduler="tcp://host:port"``; workers receive file paths, never texts, and
build the matcher once per process.  ``"local"`` runs partitions one after
another in this process (one core, no Dask).

A file that cannot be read (corrupt PDF, empty file, undecodable text) is a
row in ``errors`` (doc_id, error, message) and does not stop the run.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .._optional import require
from ..atomic import atomic_path, atomic_write_text
from ..errors import DataError, DigitraceError
from .dictionaries import Dictionary, load_dictionary

__all__ = ["ScoreRun", "list_documents", "load_scores", "score_corpus", "score_report"]

Engine = Literal["local", "dask"]
SectionName = Literal["full", "mda"]
_DELAY_ENV = "DIGITRACE_TEXT_SHARD_DELAY"  # test hook: seconds to sleep after each shard


@dataclass(frozen=True)
class ScoreRun:
    """What a :func:`score_corpus` call did."""

    out_dir: Path
    database: Path
    n_documents: int
    n_errors: int
    n_shards: int
    n_shards_skipped: int
    seconds: float
    megabytes: float

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds if self.seconds > 0 else float("nan")


def list_documents(corpus_dir: str | Path) -> list[str]:
    """Relative POSIX paths of all ``.txt``/``.pdf`` files under ``corpus_dir``, sorted."""
    root = Path(corpus_dir)
    if not root.is_dir():
        raise DigitraceError(f"corpus directory {root} does not exist")
    out = [p.relative_to(root).as_posix() for p in root.rglob("*")
           if p.is_file() and p.suffix.lower() in (".txt", ".pdf")]
    return sorted(out)


def _dict_fingerprint(d: Dictionary) -> str:
    h = hashlib.sha256()
    for t in d.terms:
        h.update(f"{t.group}\t{t.key}\n".encode())
    return h.hexdigest()[:16]


def _schema(groups: tuple[str, ...]):
    pa = require("pyarrow")
    fields = [("doc_id", pa.string()), ("entity", pa.string()), ("year", pa.int32()),
              ("section", pa.string()), ("mda_found", pa.bool_()), ("n_chars", pa.int64()),
              ("n_bytes", pa.int64())]
    fields += [(g, pa.int64()) for g in groups]
    fields += [("total", pa.int64()), ("ln1p", pa.float64()), ("negated", pa.int64()),
               ("error", pa.string()), ("message", pa.string())]
    return pa.schema(fields)


def _score_partition(root: str, doc_ids: list[str], settings: dict, shard: str) -> tuple[int, int, int]:
    """Worker task: score files (given by path) and write one Parquet shard atomically.

    Returns (documents, errors, bytes read).
    """
    pa = require("pyarrow")
    pq = require("pyarrow.parquet")
    from .corpora import parse_doc_name
    from .count import get_matcher
    from .ingest import read_document
    from .sections import extract_mda

    d = load_dictionary(settings["dictionary_obj"])
    m = get_matcher(d, overlapping=settings["overlapping"], negation=settings["negation"],
                    exclusions=settings["exclusions"])
    cols: dict[str, list] = {f.name: [] for f in _schema(d.groups)}
    n_err = n_bytes = 0
    for doc in doc_ids:
        path = Path(root) / doc
        entity, year = parse_doc_name(path.stem)
        row = {"doc_id": doc, "entity": entity, "year": year, "section": settings["section"],
               "mda_found": None, "n_chars": None, "n_bytes": None, "total": None, "ln1p": None,
               "negated": None, "error": None, "message": None}
        row.update({g: None for g in d.groups})
        try:
            size = path.stat().st_size
            n_bytes += size
            text = read_document(path)
            if settings["section"] == "mda":
                sec = extract_mda(text)
                text, row["mda_found"] = sec.text, sec.found
            c = m.count(text)
            row.update(c.groups)
            row.update(n_chars=c.n_chars, n_bytes=size, total=c.total, ln1p=math.log1p(c.total),
                       negated=c.negated)
        except (DataError, OSError, UnicodeError) as exc:
            n_err += 1
            row["error"] = type(exc).__name__
            row["message"] = str(exc)
        for k in cols:
            cols[k].append(row[k])
    table = pa.table(cols, schema=_schema(d.groups))
    with atomic_path(shard) as tmp:
        pq.write_table(table, tmp)
    delay = float(os.environ.get(_DELAY_ENV, "0") or 0)
    if delay:
        time.sleep(delay)
    return len(doc_ids), n_err, n_bytes


def _build_database(out: Path, groups: tuple[str, ...], shards: list[Path]) -> tuple[int, int]:
    duckdb = require("duckdb")
    db = out / "results.duckdb"
    files = "[" + ", ".join("'" + p.as_posix().replace("'", "''") + "'" for p in shards) + "]"
    gcols = ", ".join(f'"{g}"' for g in groups)
    with atomic_path(db) as tmp:
        tmp.unlink()  # duckdb wants to create the file itself
        con = duckdb.connect(str(tmp))
        try:
            con.execute(f"CREATE TABLE scores AS SELECT doc_id, entity, year, section, mda_found, "
                        f"n_chars, n_bytes, {gcols}, total, ln1p, negated FROM read_parquet({files}) "
                        f"WHERE error IS NULL ORDER BY doc_id")
            con.execute(f"CREATE TABLE errors AS SELECT doc_id, entity, year, error, message "
                        f"FROM read_parquet({files}) WHERE error IS NOT NULL ORDER BY doc_id")
            n_ok = con.execute("SELECT count(*) FROM scores").fetchone()[0]
            n_err = con.execute("SELECT count(*) FROM errors").fetchone()[0]
        finally:
            con.close()
    return n_ok, n_err


def score_corpus(corpus_dir: str | Path, out_dir: str | Path, dictionary="wufei2021", *,
                 section: SectionName = "full", engine: Engine = "dask", workers: int | None = None,
                 scheduler: str | None = None, partition_size: int = 64, overlapping: bool = False,
                 negation: bool = True, exclusions: bool = True, progress: bool = True) -> ScoreRun:
    """Score every document of a corpus; resumable; results in ``OUT_DIR/results.duckdb``.

    Parameters
    ----------
    corpus_dir : path
        Folder searched recursively for ``.txt`` and ``.pdf`` files.  The file
        name gives the entity (6-digit stock code, else the first non-year
        token) and the year (first token 1900–2099), see
        :func:`~digitrace.text.corpora.parse_doc_name`.
    out_dir : path
    dictionary : str, Path or Dictionary
    section : {"full", "mda"}
        Score the whole text or the MD&A (falls back to the whole text with
        ``mda_found = False``).
    engine : {"dask", "local"}
    workers : int, optional
        Dask worker processes (default: CPU count), one thread each.
    scheduler : str, optional
        Address of an existing Dask scheduler; ``workers`` is then ignored.
    partition_size : int, default 64
        Documents per shard.
    overlapping, negation, exclusions : bool
        Counting options (:class:`~digitrace.text.count.KeywordMatcher`).
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    ScoreRun
    """
    from .._results import check_option

    check_option("section", section, ("full", "mda"))
    check_option("engine", engine, ("local", "dask"))
    if partition_size < 1:
        raise DigitraceError("partition_size must be >= 1")
    t0 = time.perf_counter()
    root = Path(corpus_dir).resolve()
    out = Path(out_dir)
    docs = list_documents(root)
    if not docs:
        raise DigitraceError(f"no .txt or .pdf files under {root}")
    d = load_dictionary(dictionary)
    settings = {"dictionary": d.name, "dictionary_sha": _dict_fingerprint(d), "section": section,
                "overlapping": bool(overlapping), "negation": bool(negation),
                "exclusions": bool(exclusions), "corpus": str(root), "partition_size": partition_size}
    (out / "shards").mkdir(parents=True, exist_ok=True)
    run_json = out / "run.json"
    if run_json.exists():
        old = json.loads(run_json.read_text(encoding="utf-8"))
        if old != settings:
            diff = sorted(k for k in set(old) | set(settings) if old.get(k) != settings.get(k))
            raise DigitraceError(f"{out} holds a run with other settings ({', '.join(diff)}); "
                                 "use a new OUT_DIR or delete it")
    else:
        atomic_write_text(run_json, json.dumps(settings, ensure_ascii=False, indent=1, sort_keys=True))
    key = json.dumps(settings, sort_keys=True)
    parts = [docs[i:i + partition_size] for i in range(0, len(docs), partition_size)]
    tasks = []
    plan: list[Path] = []
    for k, part in enumerate(parts):
        ident = []
        for doc in part:  # a changed file (size or mtime) gives a new shard name
            st = (root / doc).stat()
            ident.append(f"{doc}\t{st.st_size}\t{st.st_mtime_ns}")
        h = hashlib.sha256((key + "\n" + "\n".join(ident)).encode()).hexdigest()[:12]
        shard = out / "shards" / f"part-{k:06d}-{h}.parquet"
        plan.append(shard)
        if not shard.exists():
            tasks.append((part, str(shard)))
    n_skipped = len(parts) - len(tasks)
    stale = sorted(set((out / "shards").glob("part-*.parquet")) - set(plan))
    for p in stale:  # shards of an earlier state of the corpus: never loaded, removed
        p.unlink()
    wsettings = dict(settings, dictionary_obj=d)
    nbytes = 0
    if tasks:
        nbytes = _run(tasks, str(root), wsettings, engine, workers, scheduler, progress,
                      total=len(parts), done=n_skipped)
    n_ok, n_err = _build_database(out, d.groups, plan)
    return ScoreRun(out, out / "results.duckdb", n_ok + n_err, n_err, len(parts), n_skipped,
                    time.perf_counter() - t0, nbytes / 1e6)


def _progress(enabled: bool):
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeRemainingColumn,
    )

    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=Console(stderr=True), disable=not enabled,
                    transient=False)


def _run(tasks, root, settings, engine, workers, scheduler, progress, total, done) -> int:
    nbytes = 0
    with _progress(progress) as bar:
        task = bar.add_task("scoring shards", total=total, completed=done)
        if engine == "local":
            for part, shard in tasks:
                nbytes += _score_partition(root, part, settings, shard)[2]
                bar.advance(task)
            return nbytes
        distributed = require("distributed")
        if scheduler:
            client = distributed.Client(scheduler)
            cluster = None
        else:
            cluster = distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                               threads_per_worker=1, processes=True,
                                               dashboard_address=None)
            client = distributed.Client(cluster)
        try:
            futs = [client.submit(_score_partition, root, part, settings, shard, pure=False)
                    for part, shard in tasks]
            for fut in distributed.as_completed(futs):
                nbytes += fut.result()[2]
                bar.advance(task)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return nbytes


def load_scores(out_dir: str | Path):
    """Read ``scores`` and ``errors`` from ``OUT_DIR/results.duckdb`` as DataFrames."""
    duckdb = require("duckdb")
    db = Path(out_dir) / "results.duckdb"
    if not db.exists():
        raise DigitraceError(f"{db} not found: run `digitrace text score` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT * FROM scores ORDER BY doc_id").df(),
                con.execute("SELECT * FROM errors ORDER BY doc_id").df())
    finally:
        con.close()


def score_report(out_dir: str | Path):
    """Yearly means of the group counts, total and ln(1+total), and the share of zeros.

    Returns a DataFrame indexed by ``year`` with ``n_docs``, ``mean_<group>``,
    ``mean_total``, ``mean_ln1p`` and ``share_zero`` (documents with total 0).
    Documents without a parseable year are reported under year ``<NA>``.
    """
    scores, _ = load_scores(out_dir)
    drop = {"doc_id", "entity", "year", "section", "mda_found", "n_chars", "n_bytes", "negated",
            "total", "ln1p"}
    groups = [c for c in scores.columns if c not in drop]
    g = scores.groupby("year", dropna=False)
    rep = g.size().to_frame("n_docs")
    for c in groups + ["total", "ln1p"]:
        rep[f"mean_{c}"] = g[c].mean()
    rep["share_zero"] = g["total"].apply(lambda s: float((s == 0).mean()))
    return rep.sort_index()
