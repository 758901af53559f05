"""PDFs with a text layer (pypdf). Scanned PDFs, damaged and password-protected files are errors."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from docket.ingest.dates import parse_pdf_date
from docket.ingest.decode import normalise
from docket.ingest.readers.base import FileContext, ReadError, new_document
from docket.model import Document

# A real PDF ends with %%EOF (possibly followed by a little whitespace or junk); its absence means the
# file was cut short, and pypdf would otherwise silently read whatever part survived.
_EOF_WINDOW = 2048
_PAGE_BREAK = "\n\n"


def read_pdf(data: bytes, ctx: FileContext) -> list[Document]:
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise ReadError("truncated or damaged PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _unlock(reader)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except ReadError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise ReadError("encrypted PDF (password required)") from exc
    except Exception as exc:  # pypdf raises many kinds of errors on malformed input; all mean damage
        raise ReadError(f"truncated or damaged PDF ({type(exc).__name__})") from exc
    pages = [normalise(p).strip() for p in pages]
    if not any(pages):
        raise ReadError("no text layer (scanned PDF?)")
    page_starts: list[int] = []
    offset = 0
    for page in pages:
        page_starts.append(offset)
        offset += len(page) + len(_PAGE_BREAK)
    meta: dict = {"pages": len(pages), "page_starts": page_starts}
    created = parse_pdf_date(_info(info, "/CreationDate"))
    if created is not None:
        meta["pdf_created"] = created.iso(created.start)
    for key, label in (("/Author", "pdf_author"), ("/Producer", "pdf_producer")):
        if _info(info, key):
            meta[label] = _info(info, key)
    title = _info(info, "/Title")
    return [new_document(ctx, "pdf", title=title or None, raw_text=_PAGE_BREAK.join(pages) + "\n", meta=meta)]


def _unlock(reader: PdfReader) -> None:
    """Many PDFs are encrypted with an empty user password only to restrict printing: those are readable."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except (DependencyError, NotImplementedError) as exc:
        raise ReadError("encrypted PDF (cannot decrypt)") from exc
    if not opened:
        raise ReadError("encrypted PDF (password required)")


def _info(info: object, key: str) -> str | None:
    try:
        value = info.get(key) if hasattr(info, "get") else None  # type: ignore[union-attr]
    except Exception:  # damaged info dictionaries raise on lookup; metadata is optional
        return None
    return str(value).strip() if value else None
