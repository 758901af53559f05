"""The store's tables, defined once with SQLAlchemy Core so SQLite and PostgreSQL share one schema.

Repositories in this package (documents, blobs, custody, incidents) read and write these tables; stages
call the repositories, never SQL of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# Key/value facts about the store itself (schema version, creation time).
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Exact bytes of originals, named by SHA-256. A row exists once a source is fully processed.
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(128)),
    Column("first_name", Text),  # the file name it was first ingested from
    Column("storage_uri", Text, nullable=False),
    Column("stored_at", String(32), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("blob_sha256", String(64), nullable=False, index=True),
    Column("format", String(16), nullable=False),
    Column("source_path", Text),
    Column("parent_id", String(40), index=True),
    Column("part", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("url", Text),
    Column("language", String(8)),
    Column("published_start", String(10)),
    Column("published_end", String(10)),
    Column("published_precision", String(8)),
    Column("published_source", String(16)),
    Column("collected_by", Text),
    Column("collected_at", String(32)),
    Column("raw_text", Text),
    Column("text", Text),
    Column("meta", Text),  # JSON
    Column("status", String(8), nullable=False),
    Column("error", Text),
    Column("ingested_at", String(32), nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False, index=True),
    Column("incident_id", String(40), index=True),
    Column("data", Text, nullable=False),  # Claim.to_json()
    Column("created_at", String(32), nullable=False),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("types", Text, nullable=False),  # JSON list, main type first
    Column("main_type", String(32), index=True),
    Column("date_start", String(10), index=True),
    Column("date_end", String(10)),
    Column("date_precision", String(8)),
    Column("places", Text),  # JSON list of Place
    Column("country", String(2), index=True),
    Column("admin1", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("count", Text),  # JSON Count
    Column("victims", Text),  # JSON list
    Column("perpetrators", Text),  # JSON list
    Column("status", String(16), nullable=False),
    Column("origins", Text),  # JSON list of independent origins
    Column("machine", Text),  # JSON: the machine's values, kept beside any human edit
    Column("overrides", Text),  # JSON: reviewer values by field; never overwritten by a run
    Column("locked", Boolean, nullable=False, default=False),  # a reviewer fixed its membership
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)
# The incident list's order (by date, then id; undated ones after): the web list reads it from here, unsorted.
LIST_ORDER_INDEX = Index("ix_incidents_list_order", incidents.c.date_start, incidents.c.id)
# Incidents near a point (``store.incidents.incidents_near``): a latitude band, then longitude within it.
POSITION_INDEX = Index("ix_incidents_position", incidents.c.lat, incidents.c.lon)

# Blocking keys of incidents (type|country|year, facility, settlement, person): the linker finds a new
# claim's candidate incidents by an indexed lookup on these instead of a scan.
incident_keys = Table(
    "incident_keys",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("incident_id", String(40), primary_key=True, index=True),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=False),
)

entity_aliases = Table(
    "entity_aliases",
    metadata,
    Column("key", String(200), primary_key=True),  # normalised alias (casefolded, transliterated)
    Column("entity_id", String(40), ForeignKey("entities.id"), nullable=False, index=True),
    Column("alias", Text, nullable=False),
)

# Near-copies: pairs of documents whose texts are near-duplicates, with the estimated similarity.
syndication = Table(
    "syndication",
    metadata,
    Column("doc_a", String(40), primary_key=True),
    Column("doc_b", String(40), primary_key=True, index=True),  # pairs of a document on either side
    Column("similarity", Float, nullable=False),
)

# MinHash LSH bands, one row per indexed document: documents sharing a band key are candidate near-copies.
# Appended in ``seq`` order and looked up in memory (``link.band_index``), which reads only the rows it has not
# seen; ``band_keys`` is the document's band keys, 64-bit little-endian (``link.syndication.band_keys``).
lsh_bands = Table(
    "lsh_bands",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(40), nullable=False),
    Column("band_keys", LargeBinary, nullable=False),
)

# Every merge the machine or a reviewer made, so it can be undone.
merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # machine | reviewer
    Column("into_id", String(40), nullable=False, index=True),
    Column("from_id", String(40), nullable=False),
    Column("claim_ids", Text, nullable=False),  # JSON list moved by the merge
    Column("at", String(32), nullable=False),
    Column("undone", Boolean, nullable=False, default=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", String(40), nullable=False, index=True),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("field", String(32)),
    Column("before", Text),
    Column("after", Text),
    Column("note", Text),
    Column("at", String(32), nullable=False),
)

# The append-only, hash-chained chain of custody.
custody = Table(
    "custody",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("object_type", String(16), nullable=False),
    Column("object_id", Text, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
)


def fit_to_columns(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with each string clipped to its column's length: SQLite would store any length and
    PostgreSQL refuse the row, so both store the same clipped value (sidecar metadata is free text)."""
    out = dict(values)
    for name, value in values.items():
        column = table.c.get(name)
        length = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, str) and length and len(value) > length:
            out[name] = value[:length]
    return out
