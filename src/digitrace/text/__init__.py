"""Text-based digitalization indices (Wu Fei et al. 2021 and framework dictionaries).

Importing this package is light (stdlib only); pyahocorasick, pypdfium2, dask,
duckdb and pyarrow are imported inside the functions that need them.

Public API
----------
count_keywords(text, dictionary="wufei2021") -> {group: count}
KeywordMatcher, get_matcher                  compiled matchers
normalize(text)                              the folding used before matching
extract_mda(text) -> Section                 MD&A section finder
load_dictionary(name_or_path) -> Dictionary  built-in or user CSV/YAML
read_document(path)                          TXT (UTF-8/GBK/GB18030) or PDF (pypdfium2)
score_corpus(corpus_dir, out_dir, ...)       resumable Dask → Parquet → DuckDB scoring
gov_report_series, provincial_cross_section, shanghai_series, firm_scores, first_appearances,
pdf_text_agreement                           the project's real corpora as DataFrames
"""
from __future__ import annotations

from .._lazy import lazy_exports

_NAMES = {
    "normalize": "normalize",
    "count_keywords": "count", "KeywordMatcher": "count", "get_matcher": "count",
    "DocumentCounts": "count",
    "extract_mda": "sections", "Section": "sections",
    "load_dictionary": "dictionaries", "Dictionary": "dictionaries",
    "BUILTIN_DICTIONARIES": "dictionaries",
    "read_document": "ingest", "read_pdf": "ingest", "read_text_file": "ingest",
    "score_corpus": "score", "load_scores": "score", "score_report": "score",
    "gov_report_series": "corpora", "provincial_cross_section": "corpora",
    "shanghai_series": "corpora",
    "firm_scores": "corpora", "first_appearances": "corpora", "pdf_text_agreement": "corpora",
    "strip_web_boilerplate": "corpora", "parse_doc_name": "corpora",
}

__getattr__, __dir__, __all__ = lazy_exports(
    __name__, {k: f"{__name__}.{m}" for k, m in _NAMES.items()})
