"""Read documents: text files with encoding detection, PDFs through pypdfium2.

Text files are decoded as UTF-8 (a BOM is dropped), then UTF-16 when a UTF-16
BOM is present, then GB18030 (a superset of GBK and GB2312, the encodings of
older Chinese annual-report dumps).  A file that none of these decode
strictly, an empty file and a PDF that PDFium cannot open raise
:class:`~digitrace.errors.DataError` naming the file; the corpus scorer
records these in its ``errors`` table instead of stopping.

PDF text comes from PDFium (``pypdfium2``, Apache-2.0/BSD), page by page,
pages joined by ``\\f``.  PyMuPDF (AGPL) can be chosen with
``backend="pymupdf"`` when it is installed; it is never required.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from .._optional import require
from ..errors import DataError

__all__ = ["SUPPORTED_SUFFIXES", "decode_bytes", "read_document", "read_pdf", "read_text_file"]

SUPPORTED_SUFFIXES = (".txt", ".pdf")
PdfBackend = Literal["pdfium", "pymupdf"]


def decode_bytes(raw: bytes, path: str | Path = "<bytes>") -> str:
    """Decode bytes as UTF-8, UTF-16 (BOM) or GB18030; raise DataError otherwise."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(f"undecodable UTF-16 text at byte {exc.start}", file=path) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc_utf8:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise DataError(f"undecodable text: not UTF-8 (byte {exc_utf8.start}) and not GBK/GB18030",
                            file=path) from exc_utf8


def read_text_file(path: str | Path) -> str:
    """Read a ``.txt`` document with encoding detection; empty files are errors."""
    p = Path(path)
    raw = p.read_bytes()
    if not raw.strip():
        raise DataError("empty file", file=p)
    text = decode_bytes(raw, p)
    if "\x00" in text:
        raise DataError("undecodable text: contains NUL characters (binary file?)", file=p)
    return text


def read_pdf(path: str | Path, backend: PdfBackend = "pdfium") -> str:
    """Extract the text of a PDF, pages joined by ``\\f``.

    Parameters
    ----------
    path : str or Path
    backend : {"pdfium", "pymupdf"}
        ``pdfium`` (default, permissive licence) or ``pymupdf`` (optional, AGPL).

    Raises
    ------
    DataError
        The file is not a PDF PDFium can open, or it has no extractable text
        (a scanned document needs OCR, which digitrace does not do).
    """
    p = Path(path)
    if backend == "pymupdf":
        from .._optional import available
        from ..errors import MissingDependencyError

        if not available("pymupdf"):
            raise MissingDependencyError("backend='pymupdf' needs PyMuPDF, which is AGPL-licensed and "
                                         "not a digitrace dependency: pip install pymupdf")
        fitz = require("pymupdf")
        try:
            with fitz.open(p) as doc:
                pages = [page.get_text() for page in doc]
        except Exception as exc:  # PyMuPDF raises several types
            raise DataError(f"corrupt or unreadable PDF: {exc}", file=p) from exc
    elif backend == "pdfium":
        pdfium = require("pypdfium2")
        try:
            doc = pdfium.PdfDocument(str(p))
        except Exception as exc:  # pdfium.PdfiumError and OSError
            raise DataError(f"corrupt or unreadable PDF: {exc}", file=p) from exc
        pages = []
        try:
            for i in range(len(doc)):
                page = doc[i]
                tp = page.get_textpage()
                pages.append(tp.get_text_range())
                tp.close()
                page.close()
        except Exception as exc:
            raise DataError(f"corrupt PDF page {len(pages) + 1}: {exc}", file=p) from exc
        finally:
            doc.close()
    else:
        raise ValueError(f"backend must be 'pdfium' or 'pymupdf', got {backend!r}")
    text = "\f".join(pages)
    if not text.strip():
        raise DataError("PDF has no extractable text (scanned? OCR is not supported)", file=p)
    return text


def read_document(path: str | Path, pdf_backend: PdfBackend = "pdfium") -> str:
    """Read a ``.txt`` or ``.pdf`` document by its suffix."""
    p = Path(path)
    suf = p.suffix.lower()
    if suf == ".pdf":
        return read_pdf(p, pdf_backend)
    if suf == ".txt":
        return read_text_file(p)
    raise DataError(f"unsupported file type {suf!r}: expected one of {SUPPORTED_SUFFIXES}", file=p)
