"""Writing media into the store, each in one write transaction with its custody entries.

Custody, as for documents: ``ingest`` for each blob (the original, its thumbnail and keyframe stills;
payload: the SHA-256), ``store`` (``fail`` for a file that could not be read) for the media row
(payload: the row's hash), ``fingerprint`` for its stored hashes (payload: the fingerprint row's hash),
``fingerprint-audio`` for its sound's fingerprint (payload: that row's hash) and ``link`` whenever its links
change (payload: the hash of all its links). ``docket verify`` re-hashes each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from docket import custody
from docket.media.link import Target
from docket.media.match import Match
from docket.store import Store
from docket.store import media as repo
from docket.store.originals import add_blob, find_blob

FINGERPRINT = "fingerprint"
AUDIO_FINGERPRINT = "fingerprint-audio"
OBJECT = "media"
ALGORITHM = "pdq-crops3"


@dataclass
class Blob:
    sha256: str
    size: int
    media_type: str
    name: str


@dataclass
class NewMedia:
    """Everything about one new media file, ready to write."""

    row: dict[str, Any]
    original: Blob
    stills: list[Blob] = field(default_factory=list)
    print_row: dict[str, Any] | None = None  # times_ms, hashes, samples
    audio_row: dict[str, Any] | None = None  # algorithm, frames, hop_us, start_ms, prints (``AudioPrint.row``)
    matches: list[Match] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


def row_hash(row: dict[str, Any]) -> str:
    return custody.json_hash(repo.row_payload(row))


def print_hash(row: dict[str, Any]) -> str:
    return custody.json_hash({k: row[k] for k in ("media_id", "algorithm", "samples", "times_ms", "hashes")})


def audio_print_hash(row: dict[str, Any]) -> str:
    return custody.json_hash({k: row[k] for k in ("media_id", "algorithm", "frames", "hop_us", "start_ms", "prints")})


def links_hash(conn: Connection, media_id: str) -> str:
    return custody.json_hash(repo.link_payload(conn, media_id))


def _blob(conn: Connection, store: Store, blob: Blob, at: str, actor: str, chain: custody.Chain) -> None:
    if find_blob(conn, blob.sha256) is None and store.blobs.exists(blob.sha256):
        add_blob(conn, sha256=blob.sha256, size=blob.size, media_type=blob.media_type, first_name=blob.name,
                 storage_uri=store.blobs.uri(blob.sha256), at=at)
        chain.append(actor=actor, action=custody.INGEST, object_type="blob", object_id=blob.sha256,
                     payload_hash=blob.sha256)


def write_new(conn: Connection, store: Store, new: NewMedia, actor: str, log: dict[str, Any]) -> dict[str, Any]:
    """Record a new media file (``new.row["sha256"]`` checked absent by the caller in this transaction)."""
    chain = custody.Chain(conn)
    at = new.row["ingested_at"]
    for blob in (new.original, *new.stills):
        _blob(conn, store, blob, at, actor, chain)
    row = repo.save_media(conn, new.row)
    failed = row["status"] == "failed"
    chain.append(actor=actor, action=custody.FAIL if failed else custody.STORE, object_type=OBJECT,
                 object_id=row["id"], payload_hash=row_hash(row))
    if new.print_row is not None:
        printed = repo.save_print(conn, row["id"], ALGORITHM, **new.print_row)
        chain.append(actor=actor, action=FINGERPRINT, object_type=OBJECT, object_id=row["id"],
                     payload_hash=print_hash(printed))
    if new.audio_row is not None:
        heard = repo.save_audio_print(conn, row["id"], new.audio_row)
        chain.append(actor=actor, action=AUDIO_FINGERPRINT, object_type=OBJECT, object_id=row["id"],
                     payload_hash=audio_print_hash(heard))
    for m in new.matches:
        repo.save_match(conn, row["id"], m.media_id, m.distance, m.frames, m.overlap, m.query_at, m.match_at, at)
    _links(conn, row["id"], new.targets, actor, at, chain)
    repo.log_file(conn, log)
    chain.flush()
    return row


def add_links(conn: Connection, media_id: str, targets: list[Target], actor: str, at: str) -> int:
    """Add links to a stored media file (and their custody entry); how many were new."""
    chain = custody.Chain(conn)
    added = _links(conn, media_id, targets, actor, at, chain)
    chain.flush()
    return added


def remove_link(conn: Connection, media_id: str, target: Target, actor: str) -> dict[str, Any] | None:
    """Remove a link of a stored media file (with a custody entry for its links now); the removed link, or
    None when it did not exist or was made by another rule than ``target.relation``."""
    found = [link for link in repo.links_of(conn, media_id)
             if (link["target_type"], link["target_id"], link["relation"]) ==
             (target.target_type, target.target_id, target.relation)]
    if not found:
        return None
    removed = repo.remove_link(conn, media_id, target.target_type, target.target_id)
    custody.append(conn, actor=actor, action=custody.LINK, object_type=OBJECT, object_id=media_id,
                   payload_hash=links_hash(conn, media_id))
    return removed


def _links(conn: Connection, media_id: str, targets: list[Target], actor: str, at: str, chain: custody.Chain) -> int:
    added = sum(repo.add_link(conn, media_id, t.target_type, t.target_id, t.relation, actor, at) for t in targets)
    if added:
        chain.append(actor=actor, action=custody.LINK, object_type=OBJECT, object_id=media_id,
                     payload_hash=links_hash(conn, media_id))
    return added
