"""What every reader shares: the file it reads, the error it raises, and how it makes a Document."""

from __future__ import annotations

from dataclasses import dataclass

from docket.model import Document, stable_id


class ReadError(Exception):
    """Bad input: the message is the reason, without the file name (the caller adds it)."""


@dataclass(frozen=True, slots=True)
class FileContext:
    name: str
    sha256: str
    source_path: str = ""
    parent_id: str | None = None


def new_document(ctx: FileContext, fmt: str, part: str | None = None, **fields: object) -> Document:
    return Document(
        id=stable_id("doc", ctx.sha256, part or ""),
        name=ctx.name,
        blob_sha256=ctx.sha256,
        format=fmt,
        source_path=ctx.source_path,
        parent_id=ctx.parent_id,
        part=part,
        **fields,  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file embedded in another (an e-mail attachment), to be read by the same readers."""

    name: str
    data: bytes
    content_type: str | None = None
