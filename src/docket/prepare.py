"""The CPU-heavy half of ingesting one source, with no store: read, decode, clean, extract.

Pure functions of the file's bytes (and its sidecar): ``prepare_source`` runs in the ingesting process or
on a Dask worker (``docket.parallel``) alike, and what it returns (Documents, Claims, the read result) is
plain picklable data for the writer (``docket.record``) to store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docket import extract, text
from docket.ingest import ReadResult, Source, read_source
from docket.link.syndication import Sketch, text_sketch
from docket.model import Claim, Document, stable_id
from docket.protect import intake


@dataclass
class Prepared:
    """One read file (or attachment) with its documents cleaned and their claims extracted."""

    result: ReadResult
    docs: list[tuple[Document, list[Claim]]]
    children: list[Prepared]
    # Protected witness fields (docket.protect): texts already redacted; the original is stored sealed.
    protected: dict[str, str] = field(default_factory=dict)
    # Near-copy sketches (``link.syndication.text_sketch``) of each document with claims, by document id:
    # a function of the cleaned text alone, computed here so that the writer only looks them up.
    copy_sketches: dict[str, Sketch] = field(default_factory=dict)


@dataclass
class PreparedSource:
    """A source ready to be written: ``tree`` is None when it could not be read (``message`` says why)."""

    name: str
    tree: Prepared | None
    message: str = ""


def read(source: Source) -> ReadResult | str:
    """The source read, or why it could not be (a reader bug must not stop the batch)."""
    try:
        return read_source(source)
    except Exception as exc:
        return f"{source.name}: cannot read: {exc}"


def prepare_source(source: Source) -> PreparedSource:
    """Read, clean and extract one source. Never raises."""
    result = read(source)
    if isinstance(result, str):
        return PreparedSource(source.name, None, result)
    return PreparedSource(source.name, prepare(result))


def prepare(result: ReadResult, inherited: dict[str, str] | None = None) -> Prepared:
    protected = intake.values_of(result, inherited)  # an attachment is as protected as its e-mail
    redactor = intake.redact_read(result, protected) if protected else None
    docs = [(doc, _clean_and_extract(doc, redactor)) for doc in result.documents]
    if result.error and not result.documents:
        docs.append((_failed_document(result), []))
    children = [prepare(child, protected) for child in result.children]
    copy_sketches = {doc.id: s for doc, claims in docs if claims and (s := text_sketch(doc.text or ""))}
    return Prepared(result, docs, children, protected, copy_sketches)


def _clean_and_extract(doc: Document, redactor: intake.Redactor | None = None) -> list[Claim]:
    if doc.status == "failed":
        return []
    try:
        text.prepare(doc)
        if redactor is not None:
            intake.redact_prepared(doc, redactor)
        return extract.extract_claims(doc)
    except Exception as exc:  # one bad document is recorded, the batch goes on
        doc.status, doc.error = "failed", f"{doc.name}: {type(exc).__name__}: {exc}"
        return []


def _failed_document(result: Any) -> Document:
    sha = result.sha256 or ""
    return Document(
        id=stable_id("doc", sha or str(result.path), ""),
        name=result.name,
        blob_sha256=sha,
        format=_format_of(result.name, result.media_type),
        source_path=str(result.path or ""),
        status="failed",
        error=result.error,
    )


def _format_of(name: str, media_type: str | None) -> str:
    suffix = Path(name).suffix.lstrip(".").lower()
    return (suffix or (media_type or "unknown").rsplit("/", 1)[-1])[:16]
