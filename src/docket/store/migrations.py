"""Numbered schema migrations, recorded in ``store_meta.schema_version``.

A new store is created from ``schema.metadata`` and stamped with the latest version; an older store
runs each missing migration in its own transaction. Append new steps to ``MIGRATIONS``; never edit
or reorder the ones already released.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Connection, Engine, inspect, select, text

from docket.review.tables import ACCOUNT_TABLES
from docket.store.media import AUDIO_TABLES, MEDIA_TABLES
from docket.store.schema import (
    LIST_ORDER_INDEX,
    POSITION_INDEX,
    incidents,
    lsh_bands,
    metadata,
    store_meta,
    syndication,
)
from docket.store.search import create_search_index, reindex_documents

Migration = Callable[[Connection], None]


class MigrationError(Exception):
    """A migration step failed; its transaction was rolled back, so the store stays at the version before."""


def _m001_baseline(conn: Connection) -> None:
    metadata.create_all(conn)


def _m002_accounts(conn: Connection) -> None:
    """Users, API tokens and web sessions (``docket.review.tables``)."""
    for table in ACCOUNT_TABLES:
        table.create(conn, checkfirst=True)


def _m003_search(conn: Connection) -> None:
    """Full-text search over documents (``docket.store.search``), filled from those already stored."""
    create_search_index(conn)
    reindex_documents(conn)


def _m004_syndication_doc_b(conn: Connection) -> None:
    """Index near-copy pairs by their second document too, so a document's pairs are an indexed lookup."""
    for index in syndication.indexes:
        index.create(conn, checkfirst=True)


def _m005_blob_sizes_64_bit(conn: Connection) -> None:
    """Originals of 2 GiB and more: ``blobs.size`` as a 64-bit integer (SQLite's integers already are)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE blobs ALTER COLUMN size TYPE BIGINT"))


def _m006_protected_fields_and_list_order(conn: Connection) -> None:
    """Witness protection: testimonies' protected values, sealed with a key kept outside the database;
    and the index the web's incident list reads its order from (``schema.LIST_ORDER_INDEX``)."""
    from docket.protect.tables import PROTECTION_TABLES  # imported late: it imports this package's schema

    for table in PROTECTION_TABLES:
        table.create(conn, checkfirst=True)
    LIST_ORDER_INDEX.create(conn, checkfirst=True)


def _m007_media(conn: Connection) -> None:
    """Media evidence: media, their fingerprints, the media ingest log, links and matches (``store.media``)."""
    for table in MEDIA_TABLES:
        table.create(conn, checkfirst=True)


def _m008_incident_positions(conn: Connection) -> None:
    """Incidents by position, for the link stage's count of register incidents near a homonym village."""
    POSITION_INDEX.create(conn, checkfirst=True)


def _m009_audio_prints(conn: Connection) -> None:
    """Audio fingerprints of media with sound (``store.media.media_audio_prints``)."""
    for table in AUDIO_TABLES:
        table.create(conn, checkfirst=True)


def _m010_locality_blocking_keys(conn: Connection) -> None:
    """Located incidents were refiled by locality here; migration 11 refiles every incident under the keys
    of ``link.profile.filing_keys`` as they are now, so a store upgraded across both refiles once."""


def _m011_locality_keys_by_period(conn: Connection) -> None:
    """Every incident's blocking keys replaced by those ``link.profile.filing_keys`` gives now: located
    incidents by locality and month (or year, for a wide window), apart from the type-and-period keys that
    reports naming no locality read."""
    from docket.link.profile import filing_keys  # imported late: the link stage imports this package
    from docket.store.incidents import set_incident_keys

    for incident_id, machine in conn.execute(select(incidents.c.id, incidents.c.machine)).all():
        try:
            values = json.loads(machine) if machine else None
            keys = filing_keys(values) if values else set()
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"incident {incident_id}: its machine values are not usable ({exc})") from exc
        set_incident_keys(conn, incident_id, keys)


def _m012_lsh_bands_by_document(conn: Connection) -> None:
    """Near-copy bands as one row of keys per document (``lsh_bands``, read into memory by
    ``link.band_index``) in place of a row per band and bucket, which is dropped."""
    from docket.link.syndication import band_key  # imported late: the link stage imports this package

    lsh_bands.create(conn, checkfirst=True)
    if not inspect(conn).has_table("lsh_buckets"):
        return
    rows = conn.execute(
        text(
            "SELECT l.document_id, l.band, l.bucket FROM lsh_buckets l LEFT JOIN documents d ON d.id = l.document_id "
            "ORDER BY d.ingested_at, l.document_id, l.band"
        )
    )
    batch: list[dict] = []
    for document_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        keys = [band_key(int(band), int(bucket, 16)) for _, band, bucket in group]
        batch.append({"document_id": document_id, "band_keys": np.array(keys, dtype="<u8").tobytes()})
        if len(batch) >= 1_000:
            conn.execute(lsh_bands.insert(), batch)
            batch = []
    if batch:
        conn.execute(lsh_bands.insert(), batch)
    conn.execute(text("DROP TABLE lsh_buckets"))


MIGRATIONS: list[Migration] = [
    _m001_baseline,
    _m002_accounts,
    _m003_search,
    _m004_syndication_doc_b,
    _m005_blob_sizes_64_bit,
    _m006_protected_fields_and_list_order,
    _m007_media,
    _m008_incident_positions,
    _m009_audio_prints,
    _m010_locality_blocking_keys,
    _m011_locality_keys_by_period,
    _m012_lsh_bands_by_document,
]
LATEST = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(store_meta.name):
        return 0
    value = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "schema_version")).scalar()
    return int(value) if value else 0


def _set_meta(conn: Connection, key: str, value: str) -> None:
    updated = conn.execute(store_meta.update().where(store_meta.c.key == key).values(value=value)).rowcount
    if not updated:
        conn.execute(store_meta.insert().values(key=key, value=value))


def migrate(engine: Engine) -> int:
    """Bring the store to the latest schema; returns the version it is now at."""
    import docket.protect.tables  # noqa: F401  (its table joins ``metadata`` before a new store is created)

    write = engine.execution_options(docket_write=True)
    with write.begin() as conn:
        version = current_version(conn)
        if version == 0:
            metadata.create_all(conn)
            _set_meta(conn, "schema_version", str(LATEST))
            _set_meta(conn, "created_at", datetime.now(UTC).isoformat(timespec="seconds"))
            return LATEST
    for number in range(version + 1, LATEST + 1):
        with write.begin() as conn:
            # Re-read under the write lock: another process may have migrated meanwhile.
            if current_version(conn) >= number:
                continue
            step = MIGRATIONS[number - 1]
            try:
                step(conn)
            except Exception as exc:
                where = engine.url.render_as_string(hide_password=True)
                raise MigrationError(
                    f"{where}: upgrading the store to schema version {number} ({step.__name__.lstrip('_')}) "
                    f"failed, and the store stays at version {number - 1}: {type(exc).__name__}: {exc}"
                ) from exc
            _set_meta(conn, "schema_version", str(number))
    return max(version, LATEST)
