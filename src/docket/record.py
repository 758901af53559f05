"""The write half of ingesting: prepared sources into the store, in the order given, resumable.

A group of sources (``commit_every`` of them, one by default) is written as: their originals put in the
blob store as one batch (durable, data and names, when the batch ends, before any commit below), then ONE
write transaction that re-checks each source's bytes are new, records blobs, documents, claims and
incidents (link) and their custody entries, written together at its end. A group whose transaction never
committed left nothing behind but content-addressed blobs, so re-running after a crash finishes the job
without duplicates. Sources are linked in the order they are added, whoever prepared them (this process or
Dask workers), so the register does not depend on how the work was spread.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import Connection

from docket import custody, link
from docket.outcome import IngestReport, Progress, SourceOutcome
from docket.prepare import Prepared, PreparedSource
from docket.protect import ProtectionError, intake
from docket.protect.records import save_protected, stored_rows
from docket.store import BlobStore, Store
from docket.store.documents import document_exists, row_hash, save_document
from docket.store.incidents import info_of_row
from docket.store.originals import add_blob, find_blob


def already_stored(store: Store, sha256: str, name: str) -> SourceOutcome | None:
    """A skipped outcome when these bytes are stored already."""
    if not sha256:
        return None
    with store.read() as conn:
        first = find_blob(conn, sha256)
    return None if first is None else SourceOutcome(name, "skipped", f"same bytes as {first.first_name}")


def write_sources(store: Store, items: list[PreparedSource], *, actor: str) -> list[SourceOutcome]:
    """Write ``items`` in one transaction (their blobs first); one outcome each, in order."""
    outcomes = [SourceOutcome(item.name, "added") for item in items]
    todo: list[tuple[Prepared, SourceOutcome]] = []
    for item, outcome in zip(items, outcomes, strict=True):
        if item.tree is None:
            outcome.status, outcome.message = "failed", item.message
        elif item.tree.protected and store.keyring is None:
            outcome.status, outcome.message = "failed", intake.no_key_message(item.name)
        else:
            todo.append((item.tree, outcome))
    if not todo:
        return outcomes
    with store.blobs.batch():  # durable (data and names) when the batch ends, before the commit below
        for tree, _ in todo:
            _put_blobs(store, tree)
    with store.write() as conn:
        chain = custody.Chain(conn)
        for tree, outcome in todo:
            sha = tree.result.sha256
            if sha and (first := find_blob(conn, sha)) is not None:
                # Stored by another process while this one was extracting, or earlier in this group.
                outcome.status, outcome.message = "skipped", f"same bytes as {first.first_name}"
                continue
            _record(conn, store, tree, outcome, actor, chain, checked=bool(sha))
        chain.flush()
    for outcome in outcomes:
        if outcome.documents and outcome.failed_documents == outcome.documents:
            outcome.status = "failed"
    return outcomes


class SourceWriter:
    """Writes sources in the order they are added, ``commit_every`` prepared sources per transaction.
    Outcomes known without writing (skipped, unreadable) keep their place; each outcome goes to the
    report and to ``progress`` in that order."""

    def __init__(
        self,
        store: Store,
        *,
        actor: str,
        report: IngestReport,
        total: int,
        commit_every: int = 1,
        progress: Progress | None = None,
    ) -> None:
        self.store, self.actor, self.report, self.total = store, actor, report, total
        self.commit_every = max(1, commit_every)
        self.progress = progress
        self._pending: list[PreparedSource | SourceOutcome] = []
        self._prepared = 0

    def add(self, item: PreparedSource | SourceOutcome) -> None:
        self._pending.append(item)
        if isinstance(item, PreparedSource):
            self._prepared += 1
            if self._prepared >= self.commit_every:
                self.flush()

    def flush(self) -> None:
        pending, self._pending, self._prepared = self._pending, [], 0
        prepared = [i for i in pending if isinstance(i, PreparedSource)]
        written = iter(write_sources(self.store, prepared, actor=self.actor))
        for item in pending:
            outcome = item if isinstance(item, SourceOutcome) else next(written)
            self.report.outcomes.append(outcome)
            if self.progress:
                self.progress(outcome, len(self.report.outcomes), self.total)


def _blob_store(store: Store, prepared: Prepared) -> BlobStore:
    """Where this original goes: sealed when it is a testimony with protected fields (it names the witness)."""
    if prepared.protected:
        if store.sealed is None:  # a Store made by hand, not by Store.open: never fall back to plain blobs
            raise ProtectionError("this store has no sealed blob store for protected originals")
        return store.sealed
    return store.blobs


def put_original(blobs: BlobStore, prepared: Prepared) -> None:
    """One source's original bytes into ``blobs``, streamed from its file unless read already; once."""
    result = prepared.result
    if result.sha256 and not blobs.exists(result.sha256):
        if result.data is not None:
            blobs.put(io.BytesIO(result.data), result.sha256)
        elif result.path:
            with Path(result.path).open("rb") as fh:
                blobs.put(fh, result.sha256)


def _put_blobs(store: Store, prepared: Prepared) -> None:
    put_original(_blob_store(store, prepared), prepared)
    for child in prepared.children:
        _put_blobs(store, child)


def _record(
    conn: Connection,
    store: Store,
    prepared: Prepared,
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
        blobs = _blob_store(store, prepared)
        if blobs.exists(result.sha256):
            add_blob(
                conn,
                sha256=result.sha256,
                size=result.size,
                media_type=result.media_type,
                first_name=result.name,
                storage_uri=blobs.uri(result.sha256),
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
        if prepared.protected:
            save_protected(conn, store.keyring, doc.id, prepared.protected)
            chain.append(actor=actor, action=custody.PROTECT, object_type="document", object_id=doc.id,
                         payload_hash=custody.json_hash(stored_rows(conn, doc.id)))
        outcome.documents += 1
        if failed:
            outcome.failed_documents += 1
            outcome.message = _join(outcome.message, doc.error or "failed")
            continue
        linked = (
            link.link_new_document(conn, doc, claims, info_of_row(row), prepared.copy_sketches.get(doc.id))
            if claims
            else link.Linked([], [])
        )
        incident_ids = linked.incidents
        # The claims as stored (the linker annotates them), so verify can re-hash the same rows.
        payload = custody.claims_hash(linked.stored)
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
