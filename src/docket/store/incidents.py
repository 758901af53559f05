"""Repository for the linker's tables: claims, incidents and their blocking keys, entities, near-copies,
LSH buckets and merges. Plain reads and writes; the decisions live in ``docket.link``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from docket.store.schema import (
    claims,
    documents,
    entities,
    entity_aliases,
    incident_keys,
    incidents,
    lsh_buckets,
    merges,
    syndication,
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# -- entities -----------------------------------------------------------------------------------------


def entity_exists(conn: Connection, entity_id: str) -> bool:
    return conn.execute(select(entities.c.id).where(entities.c.id == entity_id)).first() is not None


def add_entity(conn: Connection, entity_id: str, kind: str, name: str) -> None:
    if not entity_exists(conn, entity_id):
        conn.execute(entities.insert().values(id=entity_id, kind=kind, name=name))


def add_alias(conn: Connection, key: str, entity_id: str, alias: str) -> None:
    """Record an alias key; the first entity to claim a key keeps it."""
    if key and entity_by_alias(conn, key) is None:
        conn.execute(entity_aliases.insert().values(key=key[:200], entity_id=entity_id, alias=alias))


def add_entities_bulk(conn: Connection, rows: list[dict], aliases: list[dict]) -> None:
    """Insert many entities and aliases at once (seeding); aliases whose key is taken are skipped."""
    taken = set(conn.execute(select(entity_aliases.c.key)).scalars()) if aliases else set()
    fresh, seen = [], set()
    for a in aliases:
        if a["key"] and a["key"] not in taken and a["key"] not in seen:
            seen.add(a["key"])
            fresh.append(a)
    known = set(conn.execute(select(entities.c.id)).scalars()) if rows else set()
    if new_rows := [r for r in rows if r["id"] not in known]:
        conn.execute(entities.insert(), new_rows)
    if fresh:
        conn.execute(entity_aliases.insert(), fresh)


def entity_by_alias(conn: Connection, key: str) -> str | None:
    return conn.execute(select(entity_aliases.c.entity_id).where(entity_aliases.c.key == key[:200])).scalar()


def entity_names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    ids = list(set(ids))
    if not ids:
        return {}
    rows = conn.execute(select(entities.c.id, entities.c.name).where(entities.c.id.in_(ids)))
    return {r.id: r.name for r in rows}


# -- documents (read only) ----------------------------------------------------------------------------


def document_texts(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    ids = list(set(ids))
    if not ids:
        return {}
    rows = conn.execute(select(documents.c.id, documents.c.text).where(documents.c.id.in_(ids)))
    return {r.id: r.text or "" for r in rows}


def document_info(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Name, outlet and publication date of documents, by id."""
    ids = list(set(ids))
    if not ids:
        return {}
    c = documents.c
    rows = conn.execute(
        select(c.id, c.name, c.outlet, c.published_start, c.published_end, c.published_precision).where(
            c.id.in_(ids)
        )
    )
    return {r.id: dict(r._mapping) for r in rows}


# -- near-copies ----------------------------------------------------------------------------------------


def add_lsh_bands(conn: Connection, document_id: str, bands: list[tuple[int, str]]) -> None:
    if not bands:
        return
    c = lsh_buckets.c
    band, bucket = bands[0]
    filed = select(c.band).where(c.band == band, c.bucket == bucket, c.document_id == document_id)
    if conn.execute(filed).first() is None:
        conn.execute(
            lsh_buckets.insert(), [{"band": b, "bucket": h, "document_id": document_id} for b, h in bands]
        )


def lsh_candidates(conn: Connection, bands: list[tuple[int, str]], limit: int = 500) -> set[str]:
    """Documents sharing at least one (band, bucket) with the given bands (an indexed lookup)."""
    if not bands:
        return set()
    c = lsh_buckets.c
    # OR of (band, bucket) equalities, not a row-value IN: SQLite answers each term from the primary key
    match = or_(*(and_(c.band == b, c.bucket == h) for b, h in bands))
    rows = conn.execute(select(c.document_id).where(match).distinct().limit(limit))
    return {r.document_id for r in rows}


def add_syndication(conn: Connection, doc_a: str, doc_b: str, similarity: float) -> None:
    a, b = sorted((doc_a, doc_b))
    c = syndication.c
    if conn.execute(select(c.doc_a).where(c.doc_a == a, c.doc_b == b)).first() is None:
        conn.execute(syndication.insert().values(doc_a=a, doc_b=b, similarity=similarity))


def syndicated_pairs(conn: Connection, doc_ids: Iterable[str]) -> list[tuple[str, str, float]]:
    """Near-copy pairs with at least one side among ``doc_ids``."""
    ids = list(set(doc_ids))
    if not ids:
        return []
    c = syndication.c
    rows = conn.execute(select(c.doc_a, c.doc_b, c.similarity).where(c.doc_a.in_(ids) | c.doc_b.in_(ids)))
    return [(r.doc_a, r.doc_b, r.similarity) for r in rows]


# -- claims ---------------------------------------------------------------------------------------------


def claim_exists(conn: Connection, claim_id: str) -> bool:
    return conn.execute(select(claims.c.id).where(claims.c.id == claim_id)).first() is not None


def insert_claim(conn: Connection, claim_id: str, document_id: str, data: dict, incident_id: str) -> None:
    conn.execute(
        claims.insert().values(
            id=claim_id,
            document_id=document_id,
            incident_id=incident_id,
            data=json.dumps(data, ensure_ascii=False),
            created_at=now(),
        )
    )


def incident_claims(conn: Connection, incident_id: str) -> list[dict]:
    """Member claims of an incident as Claim.to_json() dicts, with ``document_id`` set."""
    rows = conn.execute(
        select(claims.c.data).where(claims.c.incident_id == incident_id).order_by(claims.c.created_at)
    )
    return [json.loads(r.data) for r in rows]


def incidents_of_documents(conn: Connection, doc_ids: Iterable[str]) -> set[str]:
    ids = list(set(doc_ids))
    if not ids:
        return set()
    rows = conn.execute(select(claims.c.incident_id).where(claims.c.document_id.in_(ids)).distinct())
    return {r.incident_id for r in rows if r.incident_id}


def move_claims(conn: Connection, claim_ids: list[str], incident_id: str) -> None:
    if claim_ids:
        conn.execute(claims.update().where(claims.c.id.in_(claim_ids)).values(incident_id=incident_id))


# -- incidents ------------------------------------------------------------------------------------------

_JSON_COLUMNS = ("types", "places", "count", "victims", "perpetrators", "origins", "machine", "overrides")


def _decode(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for key in _JSON_COLUMNS:
        data[key] = json.loads(data[key]) if data.get(key) else None
    return data


def get_incident(conn: Connection, incident_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
    return _decode(row) if row else None


def get_incidents(conn: Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    ids = list(set(ids))
    if not ids:
        return []
    return [_decode(r) for r in conn.execute(select(incidents).where(incidents.c.id.in_(ids)))]


def save_incident(conn: Connection, row: dict[str, Any]) -> None:
    """Insert or update an incident row; JSON columns are given as Python values."""
    values = dict(row)
    for key in _JSON_COLUMNS:
        if key in values:
            values[key] = None if values[key] is None else json.dumps(values[key], ensure_ascii=False)
    values["updated_at"] = now()
    if conn.execute(select(incidents.c.id).where(incidents.c.id == row["id"])).first() is None:
        values.setdefault("created_at", values["updated_at"])
        values.setdefault("locked", False)
        conn.execute(incidents.insert().values(**values))
    else:
        values.pop("created_at", None)
        conn.execute(incidents.update().where(incidents.c.id == row["id"]).values(**values))


def delete_incident(conn: Connection, incident_id: str) -> None:
    conn.execute(incident_keys.delete().where(incident_keys.c.incident_id == incident_id))
    conn.execute(incidents.delete().where(incidents.c.id == incident_id))


def set_incident_keys(conn: Connection, incident_id: str, keys: Iterable[str]) -> None:
    conn.execute(incident_keys.delete().where(incident_keys.c.incident_id == incident_id))
    rows = [{"key": k[:200], "incident_id": incident_id} for k in sorted(set(keys))]
    if rows:
        conn.execute(incident_keys.insert(), rows)


def incidents_by_keys(conn: Connection, keys: Iterable[str], limit: int = 400) -> set[str]:
    """Incidents filed under any of the blocking keys (an indexed lookup, capped)."""
    keys = sorted(set(keys))
    if not keys:
        return set()
    c = incident_keys.c
    rows = conn.execute(select(c.incident_id).where(c.key.in_(keys)).distinct().limit(limit))
    return {r.incident_id for r in rows}


# -- merges ---------------------------------------------------------------------------------------------


def add_merge(conn: Connection, kind: str, into_id: str, from_id: str, claim_ids: list[str]) -> int:
    result = conn.execute(
        merges.insert().values(
            kind=kind,
            into_id=into_id,
            from_id=from_id,
            claim_ids=json.dumps(claim_ids),
            at=now(),
            undone=False,
        )
    )
    return int(result.inserted_primary_key[0])


def get_merge(conn: Connection, merge_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(merges).where(merges.c.id == merge_id)).first()
    if row is None:
        return None
    data = dict(row._mapping)
    data["claim_ids"] = json.loads(data["claim_ids"])
    return data


def merges_into(conn: Connection, incident_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(merges).where(merges.c.into_id == incident_id).order_by(merges.c.id))
    return [dict(r._mapping) | {"claim_ids": json.loads(r.claim_ids)} for r in rows]


def mark_merge_undone(conn: Connection, merge_id: int) -> None:
    conn.execute(merges.update().where(merges.c.id == merge_id).values(undone=True))
