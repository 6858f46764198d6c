"""Corpus scorer: shards, DuckDB, errors, order invariance, resume after kill -9, CJK PDF."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digitrace.text.ingest import read_pdf
from digitrace.text.score import load_scores, score_corpus, score_report

DOCS = {
    "000001_2018_甲银行.txt": "本行运用大数据与人工智能，推进金融科技。",
    "000002_2018_乙地产.txt": "公司主营房地产开发，没有开展区块链业务。",
    "000003_2019_丙科技.txt": "无锡物联网基地投产，云计算收入增长；移动互联网用户增加。",
    "000004_2019_丁制造.txt": "不仅布局工业互联网，还发展电子商务与ｂ２ｂ平台。",
    "000005_2020_戊医药.txt": "特征信息采集系统上线，未来将建设智能医疗平台。",
}


def _make_corpus(root: Path, copies: int = 3) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for k in range(copies):
        sub = root / f"batch{k}"
        sub.mkdir(exist_ok=True)
        for name, text in DOCS.items():
            code, year, firm = name[:-4].split("_")
            (sub / f"{int(code) + 10 * k:06d}_{year}_{firm}.txt").write_text(text * (k + 1), encoding="utf-8")
    # a GBK-encoded file
    (root / "000099_2017_己公司.txt").write_bytes("公司推进数字营销与智能客服。".encode("gbk"))
    return root


def _add_bad_files(root: Path) -> None:
    (root / "bad").mkdir(exist_ok=True)
    (root / "bad" / "000100_2018_坏PDF.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ngarbage")
    (root / "bad" / "000101_2018_空文件.txt").write_bytes(b"")
    (root / "bad" / "000102_2018_乱码.txt").write_bytes(bytes([0x81, 0x20, 0xff, 0xfe, 0x80]) * 4)


def _totals(out):
    s, e = load_scores(out)
    return s.drop(columns=[]).sort_values("doc_id").reset_index(drop=True), e


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = _make_corpus(tmp_path_factory.mktemp("corpus") / "c")
    _add_bad_files(root)
    return root


def test_scores_and_errors_tables(corpus, tmp_path):
    run = score_corpus(corpus, tmp_path / "o", engine="local", partition_size=4, progress=False)
    scores, errors = load_scores(tmp_path / "o")
    assert run.n_documents == 19 and run.n_errors == 3 and len(scores) == 16
    assert set(errors["error"]) == {"DataError"}
    msgs = dict(zip(errors["doc_id"], errors["message"]))
    assert "corrupt or unreadable PDF" in msgs["bad/000100_2018_坏PDF.pdf"]
    assert "empty file" in msgs["bad/000101_2018_空文件.txt"]
    assert "undecodable" in msgs["bad/000102_2018_乱码.txt"]
    row = scores.set_index("doc_id").loc["batch0/000001_2018_甲银行.txt"]
    assert (row.entity, row.year, row.ai, row.big_data, row.digital_application, row.total) == \
        ("000001", 2018, 1, 1, 1, 3)
    assert scores.set_index("doc_id").loc["000099_2017_己公司.txt", "total"] == 2   # GBK decoded
    # hand counts of DOCS, times the copy multiplier (k + 1) in batch k
    per_doc = [3, 0, 3, 3, 1]
    expected = sum(c * (k + 1) for k in range(3) for c in per_doc) + 2
    assert scores["total"].sum() == expected
    rep = score_report(tmp_path / "o")
    assert rep.loc[2018, "share_zero"] == pytest.approx(0.5)   # 乙地产 ×3 of 6 docs
    assert rep["n_docs"].sum() == 16


def test_partitioning_and_order_do_not_change_results(corpus, tmp_path):
    frames = []
    for i, ps in enumerate((1, 3, 100)):
        score_corpus(corpus, tmp_path / f"o{i}", engine="local", partition_size=ps, progress=False)
        frames.append(_totals(tmp_path / f"o{i}")[0])
    for f in frames[1:]:
        assert f.equals(frames[0])


def test_dask_engine_equals_local(corpus, tmp_path):
    import distributed

    score_corpus(corpus, tmp_path / "l", engine="local", partition_size=3, progress=False)
    score_corpus(corpus, tmp_path / "d", engine="dask", workers=2, partition_size=3, progress=False)
    (a, ea), (b, eb) = _totals(tmp_path / "l"), _totals(tmp_path / "d")
    assert a.equals(b) and ea.equals(eb)
    # an existing cluster, addressed like `--scheduler tcp://HOST:PORT`
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        score_corpus(corpus, tmp_path / "s", engine="dask", scheduler=cluster.scheduler_address,
                     partition_size=7, progress=False)
    c, ec = _totals(tmp_path / "s")
    assert a.equals(c) and ea.equals(ec)


def test_rerun_skips_finished_shards_and_rejects_other_settings(corpus, tmp_path):
    r1 = score_corpus(corpus, tmp_path / "o", engine="local", partition_size=5, progress=False)
    r2 = score_corpus(corpus, tmp_path / "o", engine="local", partition_size=5, progress=False)
    assert r2.n_shards_skipped == r2.n_shards == r1.n_shards
    assert _totals(tmp_path / "o")[0]["total"].sum() > 0
    from digitrace.errors import DigitraceError

    with pytest.raises(DigitraceError, match="other settings"):
        score_corpus(corpus, tmp_path / "o", engine="local", section="mda", progress=False)


def test_resume_after_kill_9(tmp_path):
    corpus = _make_corpus(tmp_path / "c", copies=4)   # 21 documents -> 21 shards of 1
    ref = tmp_path / "ref"
    score_corpus(corpus, ref, engine="local", partition_size=1, progress=False)
    out = tmp_path / "killed"
    env = dict(os.environ, DIGITRACE_TEXT_SHARD_DELAY="0.15")
    cmd = [sys.executable, "-m", "digitrace", "text", "score", str(corpus), "--out", str(out),
           "--engine", "local", "--partition-size", "1", "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    shards = out / "shards"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(shards.glob("part-*.parquet"))) < 3:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done = len(list(shards.glob("part-*.parquet")))
    assert 3 <= done < 21
    assert not (out / "results.duckdb").exists()
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert f"({done} already done)" in res.stderr or f"({done + 1} already done)" in res.stderr
    assert len(list(shards.glob("part-*.parquet"))) == 21
    assert not list(shards.glob(".*tmp"))
    a, b = _totals(ref)[0], _totals(out)[0]
    assert len(b) == 21 and b["doc_id"].is_unique
    assert a.equals(b)


def test_generated_cjk_pdf(tmp_path):
    """A PDF written with a CJK font (Noto CJK via matplotlib) is read and scored."""
    mpl = pytest.importorskip("matplotlib")
    from matplotlib import font_manager
    from matplotlib.figure import Figure  # no pyplot: the global backend is left alone

    fonts = sorted(f for f in font_manager.findSystemFonts() if "notosanscjk" in f.lower().replace(" ", ""))
    assert fonts, "Noto Sans CJK is missing: apt-get install fonts-noto-cjk (done by .ci/run)"
    fp = font_manager.FontProperties(fname=fonts[0])
    with mpl.rc_context({"pdf.fonttype": 42}):
        fig = Figure(figsize=(6, 3))
        fig.text(0.05, 0.8, "第四节 经营情况讨论与分析", fontproperties=fp, fontsize=12)
        fig.text(0.05, 0.6, "公司运用大数据与云计算，尚未涉足区块链。", fontproperties=fp, fontsize=12)
        fig.text(0.05, 0.4, "发展ＦＩＮＴＥＣＨ与无锡物联网。", fontproperties=fp, fontsize=12)
        pdf = tmp_path / "000777_2021_测试.pdf"
        fig.savefig(pdf)
    text = read_pdf(pdf)
    assert "大数据与云计算" in text
    (tmp_path / "c").mkdir()
    pdf.rename(tmp_path / "c" / pdf.name)
    score_corpus(tmp_path / "c", tmp_path / "o", engine="local", progress=False)
    s, e = load_scores(tmp_path / "o")
    assert len(e) == 0
    r = s.iloc[0]
    assert (r.entity, r.year, r.big_data, r.cloud, r.blockchain, r.digital_application, r.total) == \
        ("000777", 2021, 1, 2, 0, 1, 4)


def test_cli_score_and_report(corpus, tmp_path, capsys):
    from digitrace.cli import main

    main(["text", "score", str(corpus), "--out", str(tmp_path / "o"), "--engine", "local", "--quiet"])
    assert "19 documents (3 errors)" in capsys.readouterr().err
    main(["text", "report", str(tmp_path / "o"), "-f", "csv"])
    out = capsys.readouterr()
    assert out.out.splitlines()[0].startswith("year,n_docs,mean_ai")
    assert "3 documents failed" in out.err
    with pytest.raises(SystemExit) as ex:
        main(["text", "score", str(tmp_path / "missing"), "--out", str(tmp_path / "x")])
    assert ex.value.code == 2
    assert "does not exist" in capsys.readouterr().err


def test_text_import_is_light():
    import json

    code = ("import sys, json, digitrace; digitrace.count_keywords('大数据'); "
            "import digitrace.text.score, digitrace.text.corpora; "
            "print(json.dumps([m for m in ('dask', 'distributed', 'duckdb', 'pypdfium2') "
            "if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_pdf_backend_pymupdf_is_optional(tmp_path, monkeypatch):
    from digitrace.errors import MissingDependencyError
    from digitrace.text import ingest

    monkeypatch.setattr("digitrace._optional.available", lambda m: False)
    with pytest.raises(MissingDependencyError, match="pip install pymupdf"):
        ingest.read_pdf(tmp_path / "x.pdf", backend="pymupdf")
    with pytest.raises(ValueError, match="backend"):
        ingest.read_pdf(tmp_path / "x.pdf", backend="poppler")


def test_changed_corpus_is_rescored_without_double_counts(tmp_path):
    corpus = _make_corpus(tmp_path / "c", copies=2)
    out = tmp_path / "o"
    score_corpus(corpus, out, engine="local", partition_size=2, progress=False)
    first = _totals(out)[0]
    (corpus / "000000_2016_新公司.txt").write_text("发展区块链与大数据。", encoding="utf-8")  # sorts first
    (corpus / "batch0" / "000001_2018_甲银行.txt").unlink()
    run = score_corpus(corpus, out, engine="local", partition_size=2, progress=False)
    again = _totals(out)[0]
    score_corpus(corpus, tmp_path / "fresh", engine="local", partition_size=2, progress=False)
    fresh = _totals(tmp_path / "fresh")[0]
    assert again.equals(fresh)
    assert len(again) == len(first) and again["doc_id"].is_unique
    assert again["total"].sum() == first["total"].sum() - 3 + 2
    assert len(list((out / "shards").glob("part-*.parquet"))) == run.n_shards


def test_docs_list_every_cli_option():
    import re

    docs = (Path(__file__).resolve().parents[1] / "docs" / "text.md").read_text(encoding="utf-8")
    for cmd in (["text", "score"], ["text", "report"], ["text", "corpus"]):
        out = subprocess.run([sys.executable, "-m", "digitrace", *cmd, "--help"], capture_output=True,
                             text=True, check=True, env=dict(os.environ, COLUMNS="200")).stdout
        opts = set(re.findall(r"(--[a-z][a-z-]+)", out)) - {"--help"}
        assert opts, cmd
        missing = sorted(o for o in opts if o not in docs)
        assert not missing, (cmd, missing)
