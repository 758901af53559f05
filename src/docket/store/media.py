"""Media evidence in the store: the tables, and the repository the media stage (``docket.media``) uses.

* ``media``: one row per distinct original (named by its SHA-256, kept in ``blobs``), with what was
  read from it (container, codecs, duration, size, creation time, device, GPS, thumbnail and keyframe
  blobs, transcript) or, status ``failed``, why it could not be read.
* ``media_prints``: its stored fingerprint track (``docket.media.fingerprint``): sample times in ms and
  the PDQ hashes as one hex string, so loading a million hashes reads a few thousand rows.
* ``media_audio_prints``: the fingerprint of its sound, if it has any (``docket.media.audioprint``): 32-bit
  sub-fingerprints at a fixed step, as one hex string.
* ``media_files``: the ingest log, one row per (path, SHA-256): ``done`` or ``failed`` with the error; an
  interrupted folder ingest resumes by skipping what is done.
* ``media_links``: media to documents (Telegram post, e-mail, report beside it) and to incidents (a
  reviewer's attachment), with the rule that made each link.
* ``media_matches``: near-duplicates found when a media file was ingested, both ways round: distance,
  matched samples, and where in each the shared footage begins.

Defined on the store's shared ``metadata`` so a new store creates them; older stores get them from the
migrations ``_m007_media`` and ``_m009_audio_prints``. Imports nothing of docket but the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
)

from docket.store.schema import fit_to_columns, metadata

media = Table(
    "media",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),  # the file name it was first ingested from
    Column("kind", String(8), nullable=False),  # image | video | audio | unknown
    Column("media_type", String(128)),
    Column("size", BigInteger, nullable=False),
    Column("container", String(32)),
    Column("video_codec", String(32)),
    Column("audio_codec", String(32)),
    Column("duration", Float),
    Column("width", Integer),
    Column("height", Integer),
    Column("created", String(40)),  # creation time as the file states it
    Column("device", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("meta", Text),  # JSON: container tags, streams
    Column("thumbnail", String(64)),  # blob sha256 of a JPEG
    Column("keyframes", Text),  # JSON list of {"t": seconds, "sha256": blob of a JPEG}
    Column("transcript", Text),
    Column("transcript_model", String(64)),
    Column("status", String(8), nullable=False),  # ok | failed
    Column("error", Text),
    Column("ingested_at", String(32), nullable=False),
)

media_prints = Table(
    "media_prints",
    metadata,
    Column("media_id", String(40), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    Column("samples", Integer, nullable=False),
    Column("times_ms", Text, nullable=False),  # comma-separated sample times in milliseconds
    Column("hashes", Text, nullable=False),  # hex, sample by sample, one 64-digit hash per crop variant
)

# Sound: one audio fingerprint per media file with sound (a recording, or a video's first audio track;
# ``docket.media.audioprint``): 32-bit sub-fingerprints, one every ``hop_us`` microseconds from ``start_ms``,
# as one hex string (8 digits each, little-endian); 0 marks a frame too quiet or too steady to tell.
media_audio_prints = Table(
    "media_audio_prints",
    metadata,
    Column("media_id", String(40), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    Column("frames", Integer, nullable=False),
    Column("hop_us", Integer, nullable=False),
    Column("start_ms", Integer, nullable=False),
    Column("prints", Text, nullable=False),
)

media_files = Table(
    "media_files",
    metadata,
    Column("id", String(40), primary_key=True),  # stable id of (path, sha256)
    Column("path", Text, nullable=False),
    Column("size", BigInteger),
    Column("mtime_ns", BigInteger),
    Column("sha256", String(64), index=True),
    Column("media_id", String(40)),
    Column("status", String(8), nullable=False),  # done | failed
    Column("error", Text),
    Column("at", String(32), nullable=False),
    Index("ix_media_files_path", "path"),
)

media_links = Table(
    "media_links",
    metadata,
    Column("media_id", String(40), primary_key=True),
    Column("target_type", String(16), primary_key=True),  # document | incident
    Column("target_id", String(40), primary_key=True, index=True),
    Column("relation", String(16), nullable=False),  # telegram | attachment | same-stem | folder | reviewer
    Column("actor", Text, nullable=False),
    Column("at", String(32), nullable=False),
)

media_matches = Table(
    "media_matches",
    metadata,
    Column("media_a", String(40), primary_key=True),
    Column("media_b", String(40), primary_key=True, index=True),
    Column("distance", Integer, nullable=False),  # median Hamming distance of matched samples (of 256)
    Column("frames", Integer, nullable=False),  # samples that matched
    Column("overlap", Integer, nullable=False),  # samples compared
    Column("a_at", Float),  # where the shared footage begins in a (seconds; None for images)
    Column("b_at", Float),  # and in b
    Column("at", String(32), nullable=False),
)

MEDIA_TABLES = (media, media_prints, media_files, media_links, media_matches)
AUDIO_TABLES = (media_audio_prints,)  # added by the migration ``_m009_audio_prints``
ROW_FIELDS = tuple(c.name for c in media.columns)


# -- media rows -----------------------------------------------------------------------------------------


def media_by_sha(conn: Connection, sha256: str) -> dict[str, Any] | None:
    row = conn.execute(select(media).where(media.c.sha256 == sha256)).first()
    return dict(row._mapping) if row else None


def get_media(conn: Connection, media_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(media).where(media.c.id == media_id)).first()
    return dict(row._mapping) if row else None


def find_media(conn: Connection, ref: str) -> list[dict[str, Any]]:
    """Media whose id or SHA-256 starts with ``ref`` (at most 2, enough to tell "ambiguous")."""
    rows = conn.execute(
        select(media).where(or_(media.c.id.startswith(ref), media.c.sha256.startswith(ref))).limit(2)
    )
    return [dict(r._mapping) for r in rows]


def save_media(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    """Insert a media row; returns it as stored (what custody hashes)."""
    conn.execute(media.insert().values(**fit_to_columns(media, row)))
    stored = get_media(conn, row["id"])
    assert stored is not None
    return stored


def list_media(conn: Connection, *, status: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    query = select(media).order_by(media.c.name, media.c.id)
    if status:
        query = query.where(media.c.status == status)
    if limit:
        query = query.limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)]


def row_payload(row: dict[str, Any]) -> dict[str, Any]:
    """The fields of a media row that custody covers."""
    return {k: row.get(k) for k in ROW_FIELDS}


# -- fingerprints ---------------------------------------------------------------------------------------


def save_print(conn: Connection, media_id: str, algorithm: str, samples: int, times_ms: str, hashes: str) -> dict[str, Any]:
    row = {"media_id": media_id, "algorithm": algorithm, "samples": samples, "times_ms": times_ms, "hashes": hashes}
    conn.execute(media_prints.insert().values(**row))
    return row


def get_print(conn: Connection, media_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(media_prints).where(media_prints.c.media_id == media_id)).first()
    return dict(row._mapping) if row else None


def iter_prints(conn: Connection, batch: int = 2000) -> Iterable[tuple[str, str, str, str]]:
    """(media_id, kind, times_ms, hashes) of every stored fingerprint, in id order."""
    query = (
        select(media_prints.c.media_id, media.c.kind, media_prints.c.times_ms, media_prints.c.hashes)
        .join(media, media.c.id == media_prints.c.media_id)
        .order_by(media_prints.c.media_id)
        .execution_options(yield_per=batch)
    )
    for r in conn.execute(query):
        yield r.media_id, r.kind, r.times_ms, r.hashes


def save_audio_print(conn: Connection, media_id: str, row: dict[str, Any]) -> dict[str, Any]:
    stored = {"media_id": media_id, **{k: row[k] for k in ("algorithm", "frames", "hop_us", "start_ms", "prints")}}
    conn.execute(media_audio_prints.insert().values(**stored))
    return stored


def get_audio_print(conn: Connection, media_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(media_audio_prints).where(media_audio_prints.c.media_id == media_id)).first()
    return dict(row._mapping) if row else None


def iter_audio_prints(conn: Connection, batch: int = 200) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """(media_id, kind, row) of every stored audio fingerprint, in id order."""
    query = (
        select(media_audio_prints, media.c.kind)
        .join(media, media.c.id == media_audio_prints.c.media_id)
        .order_by(media_audio_prints.c.media_id)
        .execution_options(yield_per=batch)
    )
    for r in conn.execute(query):
        row = dict(r._mapping)
        yield row["media_id"], row.pop("kind"), row


# -- the ingest log -------------------------------------------------------------------------------------


def file_logged(conn: Connection, path: str, size: int, mtime_ns: int) -> dict[str, Any] | None:
    """The log row of this path whose size and modification time are still the file's."""
    row = conn.execute(
        select(media_files).where(
            media_files.c.path == path, media_files.c.size == size, media_files.c.mtime_ns == mtime_ns,
        ).order_by(media_files.c.at.desc()).limit(1)
    ).first()
    return dict(row._mapping) if row else None


def file_status(conn: Connection, path: str, sha256: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(media_files).where(media_files.c.path == path, media_files.c.sha256 == sha256).limit(1)
    ).first()
    return dict(row._mapping) if row else None


def log_file(conn: Connection, row: dict[str, Any]) -> None:
    """Insert or replace the log row of (path, sha256): ``row`` has every column."""
    conn.execute(media_files.delete().where(media_files.c.id == row["id"]))
    conn.execute(media_files.insert().values(**row))


def file_log(conn: Connection, status: str | None = None) -> list[dict[str, Any]]:
    query = select(media_files).order_by(media_files.c.path, media_files.c.at)
    if status:
        query = query.where(media_files.c.status == status)
    return [dict(r._mapping) for r in conn.execute(query)]


# -- links ----------------------------------------------------------------------------------------------


def add_link(conn: Connection, media_id: str, target_type: str, target_id: str, relation: str, actor: str, at: str) -> bool:
    """Link media to a document or incident; False when that link exists already."""
    exists = conn.execute(
        select(media_links.c.relation).where(
            media_links.c.media_id == media_id, media_links.c.target_type == target_type,
            media_links.c.target_id == target_id,
        )
    ).first()
    if exists:
        return False
    conn.execute(media_links.insert().values(media_id=media_id, target_type=target_type, target_id=target_id,
                                             relation=relation, actor=actor, at=at))
    return True


def remove_link(conn: Connection, media_id: str, target_type: str, target_id: str) -> dict[str, Any] | None:
    """Remove one link of a media file; the removed row, or None when there was no such link."""
    where = and_(media_links.c.media_id == media_id, media_links.c.target_type == target_type,
                 media_links.c.target_id == target_id)
    row = conn.execute(select(media_links).where(where)).first()
    if row is None:
        return None
    conn.execute(media_links.delete().where(where))
    return dict(row._mapping)


def links_of(conn: Connection, media_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(media_links).where(media_links.c.media_id == media_id)
                        .order_by(media_links.c.target_type, media_links.c.target_id))
    return [dict(r._mapping) for r in rows]


def link_payload(conn: Connection, media_id: str) -> list[list[str]]:
    """A media file's links as custody hashes them: sorted (type, id, relation) triples."""
    return sorted([r["target_type"], r["target_id"], r["relation"]] for r in links_of(conn, media_id))


def media_linked_to(conn: Connection, target_type: str, target_ids: list[str]) -> list[dict[str, Any]]:
    """Media linked to any of these documents or incidents, with the link's target and relation."""
    if not target_ids:
        return []
    rows = conn.execute(
        select(media, media_links.c.target_id, media_links.c.relation)
        .join(media_links, media_links.c.media_id == media.c.id)
        .where(and_(media_links.c.target_type == target_type, media_links.c.target_id.in_(target_ids)))
        .order_by(media.c.name, media.c.id)
    )
    return [dict(r._mapping) for r in rows]


# -- matches --------------------------------------------------------------------------------------------


def save_match(conn: Connection, a: str, b: str, distance: int, frames: int, overlap: int,
               a_at: float | None, b_at: float | None, at: str) -> None:
    """Record a near-duplicate pair both ways round (replacing an older record of the pair)."""
    for x, y, x_at, y_at in ((a, b, a_at, b_at), (b, a, b_at, a_at)):
        conn.execute(media_matches.delete().where(media_matches.c.media_a == x, media_matches.c.media_b == y))
        conn.execute(media_matches.insert().values(media_a=x, media_b=y, distance=distance, frames=frames,
                                                   overlap=overlap, a_at=x_at, b_at=y_at, at=at))


def matches_of(conn: Connection, media_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(media_matches, media.c.name, media.c.sha256, media.c.kind)
        .join(media, media.c.id == media_matches.c.media_b)
        .where(media_matches.c.media_a == media_id)
        .order_by(media_matches.c.distance, media.c.name)
    )
    return [dict(r._mapping) for r in rows]


def meta_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
