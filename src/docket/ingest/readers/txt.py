"""Plain text (scrapes, testimonies): kept as decoded, only newlines and Unicode form normalised."""

from __future__ import annotations

from docket.ingest.decode import decode_bytes
from docket.ingest.readers.base import FileContext, ReadError, new_document
from docket.model import Document


def decoded_text(data: bytes, declared: str | None = None) -> tuple[str, dict]:
    """Text of ``data`` and the meta facts about its decoding."""
    decoded = decode_bytes(data, declared)
    meta: dict = {"encoding": decoded.encoding}
    if decoded.warning:
        meta["decode_warning"] = decoded.warning
    return decoded.text, meta


def read_txt(data: bytes, ctx: FileContext) -> list[Document]:
    text, meta = decoded_text(data)
    if not text.strip():
        raise ReadError("no text (only whitespace)")
    return [new_document(ctx, "txt", raw_text=text, meta=meta)]
