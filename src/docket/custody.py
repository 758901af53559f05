"""The chain of custody: an append-only, hash-chained log of every action that creates or changes data.

``entry_hash = sha256(seq, at, actor, action, object_type, object_id, payload_hash, prev_hash)``; the
head (last seq and hash) is also kept in ``store_meta`` so deleting the newest entry shows. Appends run
inside the caller's write transaction, under the store's write lock. A ``Chain`` makes many appends in one
transaction: it takes the lock and reads the head once, carries it forward, and writes the entries and
the new head together at ``flush``.

``verify`` re-hashes every stored original, walks the chain, and re-hashes the rows entries cover.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from docket.model import CustodyEntry
from docket.protect.keys import ProtectionError
from docket.store import Store
from docket.store.blobstore import sha256_stream
from docket.store.dialect import lock_chain
from docket.store.documents import row_hash, stored_claims
from docket.store.originals import all_blobs
from docket.store.schema import custody, documents, store_meta

GENESIS = "0" * 64
HEAD_KEY = "custody_head"

# Actions. Those in ROW_ACTIONS record the hash of the row they name; verify checks it still matches.
INGEST = "ingest"  # a blob stored (payload: its sha256)
STORE = "store"  # a document stored (payload: row hash)
FAIL = "fail"  # a document recorded as failed (payload: row hash)
EDIT = "edit"  # a document changed later (payload: new row hash)
EXTRACT = "extract"  # claims extracted from a document (payload: hash of the claims JSON)
LINK = "link"  # a document's claims assigned to incidents (payload: hash of the incident ids)
MERGE = "merge"
EXPORT = "export"  # an export written (payload: hash of the bytes)
PROTECT = "protect"  # a document's protected witness fields stored sealed (payload: hash of the sealed rows)
DOCUMENT_ROW_ACTIONS = {STORE, FAIL, EDIT}
CLAIMS_ROW_ACTIONS = {EXTRACT}


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # blob | entry | row
    name: str  # the file, entry or row at fault
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}: {self.message}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_hash(value: Any) -> str:
    """Hash of a value as canonical JSON (sorted keys, no spaces, UTF-8)."""
    return sha256_text(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str))


def claims_hash(claim_dicts: Iterable[dict]) -> str:
    return json_hash(sorted(claim_dicts, key=lambda c: c.get("id", "")))


def entry_hash(
    seq: int, at: str, actor: str, action: str, object_type: str, object_id: str, payload_hash: str, prev_hash: str
) -> str:
    return json_hash([seq, at, actor, action, object_type, object_id, payload_hash, prev_hash])


_HEAD = select(custody.c.seq, custody.c.entry_hash).order_by(custody.c.seq.desc()).limit(1)
_SET_HEAD = store_meta.update().where(store_meta.c.key == bindparam("meta_key")).values(value=bindparam("head"))


def _head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(_HEAD).first()
    return (row.seq, row.entry_hash) if row else (0, GENESIS)


def _set_head(conn: Connection, seq: int, digest: str) -> None:
    head = f"{seq}:{digest}"
    if not conn.execute(_SET_HEAD, {"meta_key": HEAD_KEY, "head": head}).rowcount:
        conn.execute(store_meta.insert(), {"key": HEAD_KEY, "value": head})


def append(
    conn: Connection, *, actor: str, action: str, object_type: str, object_id: str, payload_hash: str
) -> CustodyEntry:
    """Append one entry inside the caller's write transaction."""
    chain = Chain(conn)
    entry = chain.append(
        actor=actor, action=action, object_type=object_type, object_id=object_id, payload_hash=payload_hash
    )
    chain.flush()
    return entry


class Chain:
    """Appends within one write transaction. The chain is locked and its head read at the first append
    (the lock holds until the transaction ends, so the head stays this transaction's to move); entries
    are written by ``flush``, which must run before the transaction commits. Nothing else may append to
    the chain in the same transaction between the first append and ``flush``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._head: tuple[int, str] | None = None
        self._rows: list[dict] = []

    def append(
        self, *, actor: str, action: str, object_type: str, object_id: str, payload_hash: str
    ) -> CustodyEntry:
        if self._head is None:
            lock_chain(self.conn)
            self._head = _head(self.conn)
        last_seq, prev = self._head
        seq, at = last_seq + 1, now()
        digest = entry_hash(seq, at, actor, action, object_type, object_id, payload_hash, prev)
        self._rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "payload_hash": payload_hash,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        self._head = (seq, digest)
        return CustodyEntry(seq, at, actor, action, object_id, payload_hash, prev, digest, object_type)

    def flush(self) -> None:
        """Write the entries appended so far and move the recorded head."""
        if not self._rows:
            return
        self.conn.execute(custody.insert(), self._rows)
        self._rows = []
        assert self._head is not None
        _set_head(self.conn, *self._head)


def entries(conn: Connection) -> Iterator[CustodyEntry]:
    for r in conn.execute(select(custody).order_by(custody.c.seq)):
        yield CustodyEntry(
            r.seq, r.at, r.actor, r.action, r.object_id, r.payload_hash, r.prev_hash, r.entry_hash, r.object_type
        )


def verify(store: Store) -> list[Problem]:
    """Every way the store no longer matches what custody recorded, each named."""
    with store.read() as conn:
        problems = _check_blobs(store, conn)
        chain, chain_problems = _walk_chain(conn)
        problems += chain_problems
        problems += _check_rows(conn, chain)
    return problems


def _check_blobs(store: Store, conn: Connection) -> list[Problem]:
    problems = []
    for row in all_blobs(conn):
        name = f"{row.sha256[:12]} ({row.first_name})"
        holder = store.originals_of(row.sha256)  # a protected testimony's original is opened with the key
        if holder is None:
            problems.append(Problem("blob", name, "original file is missing"))
            continue
        try:
            with holder.open(row.sha256) as fh:
                digest, size = sha256_stream(fh)
        except ProtectionError as e:  # a sealed original that no longer opens with the store's key
            problems.append(Problem("blob", name, f"sealed original does not open: {e}"))
            continue
        if digest != row.sha256:
            problems.append(Problem("blob", name, f"content changed: now hashes to {digest[:12]}"))
        elif size != row.size:
            problems.append(Problem("blob", name, f"size {size}, recorded {row.size}"))
    return problems


def _walk_chain(conn: Connection) -> tuple[list[CustodyEntry], list[Problem]]:
    problems: list[Problem] = []
    chain = list(entries(conn))
    expected_seq, prev = 1, GENESIS
    for e in chain:
        name = f"#{e.seq}"
        if e.seq != expected_seq:
            missing = f"#{expected_seq}" if e.seq == expected_seq + 1 else f"#{expected_seq}..#{e.seq - 1}"
            problems.append(Problem("entry", missing, "deleted from the chain"))
        elif e.prev_hash != prev:
            problems.append(Problem("entry", name, "does not link to the entry before it"))
        digest = entry_hash(e.seq, e.at, e.actor, e.action, e.object_type, e.object_id, e.payload_hash, e.prev_hash)
        if digest != e.entry_hash:
            problems.append(Problem("entry", name, f"edited: its contents no longer match its hash ({e.action} {e.object_id})"))
        expected_seq, prev = e.seq + 1, e.entry_hash
    head = conn.execute(select(store_meta.c.value).where(store_meta.c.key == HEAD_KEY)).scalar()
    last = chain[-1] if chain else None
    last_seq = last.seq if last else 0
    head_seq, _, head_hash = (head or "0:").partition(":")
    if int(head_seq) > last_seq:
        gone = f"#{head_seq}" if int(head_seq) == last_seq + 1 else f"#{last_seq + 1}..#{head_seq}"
        problems.append(Problem("entry", gone, "deleted from the end of the chain"))
    elif int(head_seq) < last_seq:
        problems.append(Problem("entry", f"#{last_seq}", "appended without moving the recorded chain head"))
    elif last and last.entry_hash != head_hash:
        problems.append(Problem("entry", f"#{last_seq}", "differs from the recorded chain head"))
    return chain, problems


def _check_rows(conn: Connection, chain: list[CustodyEntry]) -> list[Problem]:
    latest_doc: dict[str, CustodyEntry] = {}
    latest_claims: dict[str, CustodyEntry] = {}
    latest_protected: dict[str, CustodyEntry] = {}
    for e in chain:
        if e.object_type == "document" and e.action in DOCUMENT_ROW_ACTIONS:
            latest_doc[e.object_id] = e
        elif e.object_type == "document" and e.action in CLAIMS_ROW_ACTIONS:
            latest_claims[e.object_id] = e
        elif e.object_type == "document" and e.action == PROTECT:
            latest_protected[e.object_id] = e
    problems = []
    seen = set()
    for row in conn.execute(select(documents).order_by(documents.c.id)):
        doc = dict(row._mapping)
        seen.add(doc["id"])
        name = f"{doc['id']} ({doc['name']})"
        entry = latest_doc.get(doc["id"])
        if entry is None:
            problems.append(Problem("row", f"document {name}", "has no custody entry"))
        elif row_hash(doc) != entry.payload_hash:
            problems.append(Problem("row", f"document {name}", f"changed since custody entry #{entry.seq}"))
    for doc_id in sorted(set(latest_doc) - seen):
        problems.append(Problem("row", f"document {doc_id}", f"deleted after custody entry #{latest_doc[doc_id].seq}"))
    for doc_id, entry in sorted(latest_claims.items()):
        if claims_hash(stored_claims(conn, doc_id)) != entry.payload_hash:
            problems.append(Problem("row", f"claims of document {doc_id}", f"changed since custody entry #{entry.seq}"))
    problems += _check_protected(conn, latest_protected)
    problems += _check_media(conn, chain)
    return problems


def _check_media(conn: Connection, chain: list[CustodyEntry]) -> list[Problem]:
    from docket.media.verify import media_problems  # imported late: docket.media imports this module

    return [Problem("row", name, message) for name, message in media_problems(conn, chain)]


def _check_protected(conn: Connection, latest: dict[str, CustodyEntry]) -> list[Problem]:
    from docket.protect.records import protected_document_ids, stored_rows

    problems = []
    for doc_id in sorted(protected_document_ids(conn) - set(latest)):
        problems.append(Problem("row", f"protected fields of document {doc_id}", "have no custody entry"))
    for doc_id, entry in sorted(latest.items()):
        if json_hash(stored_rows(conn, doc_id)) != entry.payload_hash:
            problems.append(Problem("row", f"protected fields of document {doc_id}", f"changed since custody entry #{entry.seq}"))
    return problems
