"""Reading one source: hash it, sniff its format, run the reader, apply the sidecar. Never raises."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import PurePath
from typing import BinaryIO

from docket.ingest.limits import HEAD_SIZE, MAX_EMBED_DEPTH, limit_for, over_limit
from docket.ingest.readers.base import Attachment, FileContext, ReadError
from docket.ingest.readers.email import read_email
from docket.ingest.readers.html import read_html
from docket.ingest.readers.markdown import read_markdown
from docket.ingest.readers.pdf import read_pdf
from docket.ingest.readers.telegram import read_telegram
from docket.ingest.readers.txt import read_txt
from docket.ingest.result import ReadResult
from docket.ingest.sidecar import apply_sidecar, sidecar_protected
from docket.ingest.sniff import MEDIA_TYPES, binary_kind, extension_format, sniff
from docket.ingest.sources import Source
from docket.model import Document

_READERS: dict[str, Callable[[bytes, FileContext], list[Document]]] = {
    "txt": read_txt,
    "html": read_html,
    "md": read_markdown,
    "telegram": read_telegram,
    "pdf": read_pdf,
}


def read_source(source: Source) -> ReadResult:
    """Read one file on disk. Bad input gives a ReadResult with ``error`` set, never an exception."""
    try:
        result = _read_file(source)
    except Exception as exc:  # last line of defence: one bad file must not stop a batch
        result = ReadResult(
            source.name,
            "",
            0,
            MEDIA_TYPES["binary"],
            path=source.path,
            error=f"{source.name}: unexpected {type(exc).__name__}: {exc}",
        )
    for doc in result.documents:
        if source.sidecar:
            apply_sidecar(doc, source.sidecar)
        if source.sidecar_error:
            doc.meta["sidecar_error"] = source.sidecar_error
    result.protected = sidecar_protected(source.sidecar)
    return result


def read_bytes(
    data: bytes, name: str, *, source_path: str = "", parent_id: str | None = None, depth: int = 0
) -> ReadResult:
    """Read a file held in memory (an e-mail attachment); the result carries ``data``."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        result = _read_data(data, name, sha256, source_path, parent_id, depth)
    except Exception as exc:
        result = ReadResult(
            name,
            sha256,
            len(data),
            MEDIA_TYPES["binary"],
            error=f"{name}: unexpected {type(exc).__name__}: {exc}",
        )
    result.data = data
    return result


def _read_file(source: Source) -> ReadResult:
    path, name = source.path, source.name
    try:
        with path.open("rb") as fh:
            size = _size(fh)
            head = fh.read(HEAD_SIZE)
            fmt = sniff(head, name)
            if size > limit_for(fmt):
                fh.seek(0)
                sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
                return ReadResult(
                    name,
                    sha256,
                    size,
                    MEDIA_TYPES[fmt],
                    path=path,
                    error=over_limit(name, size, fmt),
                )
            data = head + fh.read()
    except IsADirectoryError:
        return ReadResult(name, "", 0, MEDIA_TYPES["binary"], path=path, error=f"{name}: is a directory")
    except OSError as exc:
        return ReadResult(
            name,
            "",
            0,
            MEDIA_TYPES["binary"],
            path=path,
            error=f"{name}: cannot read ({exc.strerror or exc})",
        )
    sha256 = hashlib.sha256(data).hexdigest()
    result = _read_data(data, name, sha256, str(path), None, 0)
    result.path = path
    return result


def _size(fh: BinaryIO) -> int:
    return os.fstat(fh.fileno()).st_size


def _read_data(
    data: bytes, name: str, sha256: str, source_path: str, parent_id: str | None, depth: int
) -> ReadResult:
    fmt = sniff(data[:HEAD_SIZE], name)
    result = ReadResult(name, sha256, len(data), MEDIA_TYPES[fmt])
    if not data:
        result.error = f"{name}: empty file"
        return result
    if len(data) > limit_for(fmt):
        result.error = over_limit(name, len(data), fmt)
        return result
    if fmt == "binary":
        result.error = f"{name}: binary data, not a text report ({binary_kind(data[:HEAD_SIZE])})"
        return result
    ctx = FileContext(name=name, sha256=sha256, source_path=source_path, parent_id=parent_id)
    try:
        if fmt == "eml":
            result.documents, attachments = read_email(data, ctx)
            result.children = _read_children(attachments, result.documents[0], source_path, depth)
        else:
            result.documents = _read_with_fallback(fmt, data, ctx)
    except ReadError as exc:
        result.error = f"{name}: {exc}"
        result.documents = []
    return result


def _read_with_fallback(fmt: str, data: bytes, ctx: FileContext) -> list[Document]:
    """A .txt file that merely starts like JSON is still a text report."""
    try:
        return _READERS[fmt](data, ctx)
    except ReadError:
        if fmt == "telegram" and extension_format(ctx.name) not in ("telegram", None):
            return read_txt(data, ctx)
        raise


def _read_children(
    attachments: list[Attachment], parent: Document, source_path: str, depth: int
) -> list[ReadResult]:
    children: list[ReadResult] = []
    for attachment in attachments:
        name = PurePath(attachment.name).name or "attachment"
        if depth + 1 > MAX_EMBED_DEPTH:
            child = ReadResult(
                name,
                hashlib.sha256(attachment.data).hexdigest(),
                len(attachment.data),
                MEDIA_TYPES["binary"],
                data=attachment.data,
                error=f"{name}: attachments nested more than {MAX_EMBED_DEPTH} deep",
            )
        else:
            child = read_bytes(
                attachment.data, name, source_path=source_path, parent_id=parent.id, depth=depth + 1
            )
        for doc in child.documents:
            doc.meta.setdefault("attachment_of", parent.name)
        children.append(child)
    return children
