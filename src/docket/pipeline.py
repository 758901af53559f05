"""The main job: ingest files and folders into the store, one transaction per source, resumable.

Per source: read it (ingest), clean and extract each document (text, extract) outside any transaction,
write the original to the blob store (idempotent), then in ONE write transaction re-check that the
bytes are new, record blobs, documents, claims and incidents (link) and their custody entries. A source
whose transaction never committed left nothing behind but a content-addressed blob, so re-running after
a crash finishes the job without duplicates. A source's blobs (the file and its attachments) are written
as one batch: each blob's bytes are fsynced, then each directory that gained a name once, all before the
transaction that records them begins; the transaction's custody entries are written together at its end.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from docket import custody, extract, link, text
from docket.ingest import iter_sources, read_source
from docket.model import Claim, Document, stable_id
from docket.store import Store
from docket.store.documents import document_exists, row_hash, save_document, stored_claims
from docket.store.originals import add_blob, find_blob


@dataclass
class SourceOutcome:
    name: str
    status: str  # added | skipped | failed
    message: str = ""
    documents: int = 0
    failed_documents: int = 0
    claims: int = 0
    incidents: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def documents(self) -> int:
        return sum(o.documents for o in self.outcomes)

    @property
    def claims(self) -> int:
        return sum(o.claims for o in self.outcomes)

    def summary(self) -> str:
        return (
            f"{len(self.outcomes)} sources: {self.count('added')} added, {self.count('skipped')} skipped, "
            f"{self.count('failed')} failed; {self.documents} documents, {self.claims} claims"
        )


Progress = Callable[[SourceOutcome, int, int], None]


@dataclass
class _Prepared:
    """One read file (or attachment) with its documents cleaned and their claims extracted."""

    result: Any  # docket.ingest ReadResult
    docs: list[tuple[Document, list[Claim]]]
    children: list[_Prepared]


def ingest_paths(store: Store, paths: Iterable[Path | str], *, actor: str, progress: Progress | None = None) -> IngestReport:
    sources = list(iter_sources(paths))
    report = IngestReport()
    for i, source in enumerate(sources, 1):
        outcome = ingest_source(store, source, actor=actor)
        report.outcomes.append(outcome)
        if progress:
            progress(outcome, i, len(sources))
    return report


def ingest_source(store: Store, source: Any, *, actor: str) -> SourceOutcome:
    outcome = SourceOutcome(name=source.name, status="added")
    try:
        result = read_source(source)
    except Exception as exc:  # a reader bug must not stop the batch
        outcome.status, outcome.message = "failed", f"{source.name}: cannot read: {exc}"
        return outcome
    if result.sha256:
        with store.read() as conn:
            first = find_blob(conn, result.sha256)
        if first is not None:
            outcome.status, outcome.message = "skipped", f"same bytes as {first.first_name}"
            return outcome
    prepared = _prepare(result)
    with store.blobs.batch():  # durable (data and names) when the batch ends, before any commit below
        _put_blobs(store, prepared)
    with store.write() as conn:
        if result.sha256 and (first := find_blob(conn, result.sha256)) is not None:
            # Another process stored the same bytes while this one was extracting.
            outcome.status, outcome.message = "skipped", f"same bytes as {first.first_name}"
            return outcome
        chain = custody.Chain(conn)
        _record(conn, store, prepared, outcome, actor, chain, checked=bool(result.sha256))
        chain.flush()
    if outcome.documents and outcome.failed_documents == outcome.documents:
        outcome.status = "failed"
    return outcome


def _prepare(result: Any) -> _Prepared:
    docs = [(doc, _clean_and_extract(doc)) for doc in result.documents]
    if result.error and not result.documents:
        docs.append((_failed_document(result), []))
    children = [_prepare(child) for child in result.children]
    return _Prepared(result, docs, children)


def _clean_and_extract(doc: Document) -> list[Claim]:
    if doc.status == "failed":
        return []
    try:
        text.prepare(doc)
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


def _put_blobs(store: Store, prepared: _Prepared) -> None:
    result = prepared.result
    if result.sha256 and not store.blobs.exists(result.sha256):
        if result.data is not None:
            store.blobs.put(io.BytesIO(result.data), result.sha256)
        elif result.path:
            with Path(result.path).open("rb") as fh:
                store.blobs.put(fh, result.sha256)
    for child in prepared.children:
        _put_blobs(store, child)


def _record(
    conn: Connection,
    store: Store,
    prepared: _Prepared,
    outcome: SourceOutcome,
    actor: str,
    chain: custody.Chain,
    *,
    checked: bool = False,
) -> None:
    """Record one read file and its attachments; ``checked``: its bytes were just found new in this
    transaction."""
    result = prepared.result
    at = custody.now()
    if result.sha256:
        if not checked and (first := find_blob(conn, result.sha256)) is not None:
            # An attachment already stored as a file of its own (or the other way round).
            outcome.message = _join(outcome.message, f"{result.name}: same bytes as {first.first_name}")
            return
        if store.blobs.exists(result.sha256):
            add_blob(
                conn,
                sha256=result.sha256,
                size=result.size,
                media_type=result.media_type,
                first_name=result.name,
                storage_uri=store.blobs.uri(result.sha256),
                at=at,
            )
            chain.append(actor=actor, action=custody.INGEST, object_type="blob", object_id=result.sha256, payload_hash=result.sha256)
    for doc, claims in prepared.docs:
        if document_exists(conn, doc.id):
            continue
        row = save_document(conn, doc, at)
        failed = doc.status == "failed"
        action = custody.FAIL if failed else custody.STORE
        chain.append(actor=actor, action=action, object_type="document", object_id=doc.id, payload_hash=row_hash(row))
        outcome.documents += 1
        if failed:
            outcome.failed_documents += 1
            outcome.message = _join(outcome.message, doc.error or "failed")
            continue
        incident_ids = link.link_document(conn, doc, claims) if claims else []
        # The claims as stored (the linker may annotate them), so verify can re-hash the same rows.
        payload = custody.claims_hash(stored_claims(conn, doc.id))
        chain.append(actor=actor, action=custody.EXTRACT, object_type="document", object_id=doc.id, payload_hash=payload)
        if claims:
            chain.append(
                actor=actor, action=custody.LINK, object_type="document", object_id=doc.id,
                payload_hash=custody.json_hash(sorted(incident_ids)),
            )
        outcome.claims += len(claims)
        outcome.incidents.extend(i for i in incident_ids if i not in outcome.incidents)
    for child in prepared.children:
        _record(conn, store, child, outcome, actor, chain)


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b
