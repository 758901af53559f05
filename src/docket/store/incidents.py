"""Repository for the linker's tables: claims, incidents and their blocking keys, entities, near-copies,
LSH buckets and merges. Plain reads and writes; the decisions live in ``docket.link``.

The statements run once or more per linked document are built once, with bound parameters, so a call
costs a compiled-cache lookup rather than building an expression tree.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, Update, and_, bindparam, func, or_, select

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


_ENTITY_EXISTS = select(entities.c.id).where(entities.c.id == bindparam("id"))
_ENTITY_BY_ALIAS = select(entity_aliases.c.entity_id).where(entity_aliases.c.key == bindparam("key"))
_ENTITY_NAMES = select(entities.c.id, entities.c.name).where(entities.c.id.in_(bindparam("ids", expanding=True)))


def entity_exists(conn: Connection, entity_id: str) -> bool:
    return conn.execute(_ENTITY_EXISTS, {"id": entity_id}).first() is not None


def add_entity(conn: Connection, entity_id: str, kind: str, name: str) -> None:
    if not entity_exists(conn, entity_id):
        conn.execute(entities.insert(), {"id": entity_id, "kind": kind, "name": name})


def add_alias(conn: Connection, key: str, entity_id: str, alias: str) -> None:
    """Record an alias key; the first entity to claim a key keeps it."""
    if key and entity_by_alias(conn, key) is None:
        conn.execute(entity_aliases.insert(), {"key": key[:200], "entity_id": entity_id, "alias": alias})


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
    return conn.execute(_ENTITY_BY_ALIAS, {"key": key[:200]}).scalar()


def entity_names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {r.id: r.name for r in conn.execute(_ENTITY_NAMES, {"ids": ids})}


# -- documents (read only) ----------------------------------------------------------------------------


_TEXTS = select(documents.c.id, documents.c.text).where(documents.c.id.in_(bindparam("ids", expanding=True)))
_INFO = select(
    documents.c.id,
    documents.c.name,
    documents.c.outlet,
    documents.c.published_start,
    documents.c.published_end,
    documents.c.published_precision,
).where(documents.c.id.in_(bindparam("ids", expanding=True)))


def document_texts(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    ids = list(set(ids))
    if not ids:
        return {}
    return {r.id: r.text or "" for r in conn.execute(_TEXTS, {"ids": ids})}


def document_info(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Name, outlet and publication date of documents, by id."""
    ids = list(set(ids))
    if not ids:
        return {}
    return {r.id: dict(r._mapping) for r in conn.execute(_INFO, {"ids": ids})}


def info_of_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A document row (as ``save_document`` returns it) as ``document_info`` would read it back."""
    return {c.name: row[c.name] for c in _INFO.selected_columns}


# -- near-copies ----------------------------------------------------------------------------------------


_BAND_FILED = select(lsh_buckets.c.band).where(
    lsh_buckets.c.band == bindparam("band"),
    lsh_buckets.c.bucket == bindparam("bucket"),
    lsh_buckets.c.document_id == bindparam("document_id"),
)
_CANDIDATES: dict[int, Select] = {}


def add_lsh_bands(conn: Connection, document_id: str, bands: list[tuple[int, str]], new: bool = False) -> None:
    """File a document's bands, once (``new``: it was stored just now, so it is not filed yet)."""
    if not bands:
        return
    band, bucket = bands[0]
    if new or conn.execute(_BAND_FILED, {"band": band, "bucket": bucket, "document_id": document_id}).first() is None:
        conn.execute(
            lsh_buckets.insert(), [{"band": b, "bucket": h, "document_id": document_id} for b, h in bands]
        )


def _candidates_statement(n: int) -> Select:
    stmt = _CANDIDATES.get(n)
    if stmt is None:
        c = lsh_buckets.c
        # OR of (band, bucket) equalities, not a row-value IN: SQLite answers each term from the primary key
        match = or_(*(and_(c.band == bindparam(f"b{i}"), c.bucket == bindparam(f"h{i}")) for i in range(n)))
        stmt = _CANDIDATES[n] = select(c.document_id).where(match).distinct().limit(bindparam("limit"))
    return stmt


def lsh_candidates(conn: Connection, bands: list[tuple[int, str]], limit: int = 500) -> set[str]:
    """Documents sharing at least one (band, bucket) with the given bands (an indexed lookup)."""
    if not bands:
        return set()
    params: dict[str, Any] = {"limit": limit}
    for i, (b, h) in enumerate(bands):
        params[f"b{i}"], params[f"h{i}"] = b, h
    return set(conn.execute(_candidates_statement(len(bands)), params).scalars())


_PAIRS = select(syndication.c.doc_a, syndication.c.doc_b, syndication.c.similarity).where(
    syndication.c.doc_a.in_(bindparam("ids", expanding=True))
    | syndication.c.doc_b.in_(bindparam("ids2", expanding=True))
)


def add_syndication(conn: Connection, doc_a: str, doc_b: str, similarity: float) -> None:
    add_syndications(conn, doc_a, [(doc_b, similarity)])


def add_syndications(conn: Connection, document_id: str, others: list[tuple[str, float]], new: bool = False) -> None:
    """Record near-copy pairs of one document (each pair once, in either order; ``new``: the document was
    stored just now, so it is in no pair yet)."""
    if not others:
        return
    known = set() if new else {(a, b) for a, b, _ in syndicated_pairs(conn, [document_id])}
    rows = []
    for other, similarity in others:
        a, b = sorted((document_id, other))
        if (a, b) not in known:
            known.add((a, b))
            rows.append({"doc_a": a, "doc_b": b, "similarity": similarity})
    if rows:
        conn.execute(syndication.insert(), rows)


def syndicated_pairs(conn: Connection, doc_ids: Iterable[str]) -> list[tuple[str, str, float]]:
    """Near-copy pairs with at least one side among ``doc_ids`` (both sides indexed)."""
    ids = sorted(set(doc_ids))
    if not ids:
        return []
    rows = conn.execute(_PAIRS, {"ids": ids, "ids2": ids})
    return [(r.doc_a, r.doc_b, r.similarity) for r in rows]


# -- claims ---------------------------------------------------------------------------------------------


_CLAIM_EXISTS = select(claims.c.id).where(claims.c.id == bindparam("id"))
_CLAIMS_EXISTING = select(claims.c.id).where(claims.c.id.in_(bindparam("ids", expanding=True)))
_MEMBERS = select(claims.c.data, claims.c.created_at).where(claims.c.incident_id == bindparam("id")).order_by(
    claims.c.created_at
)
_MEMBER_COUNT = select(func.count()).select_from(claims).where(claims.c.incident_id == bindparam("id"))
_OF_DOCUMENTS = (
    select(claims.c.incident_id).where(claims.c.document_id.in_(bindparam("ids", expanding=True))).distinct()
)


def claim_exists(conn: Connection, claim_id: str) -> bool:
    return conn.execute(_CLAIM_EXISTS, {"id": claim_id}).first() is not None


def existing_claims(conn: Connection, claim_ids: Iterable[str]) -> set[str]:
    """Which of these claims are stored."""
    ids = sorted(set(claim_ids))
    if not ids:
        return set()
    return set(conn.execute(_CLAIMS_EXISTING, {"ids": ids}).scalars())


def insert_claim(conn: Connection, claim_id: str, document_id: str, data: dict | str, incident_id: str) -> str:
    """Store one claim (``data`` as a dict or its JSON text); returns its ``created_at``, which orders an
    incident's members."""
    created_at = now()
    conn.execute(
        claims.insert(),
        {
            "id": claim_id,
            "document_id": document_id,
            "incident_id": incident_id,
            "data": data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
            "created_at": created_at,
        },
    )
    return created_at


def incident_claims(conn: Connection, incident_id: str) -> list[dict]:
    """Member claims of an incident as Claim.to_json() dicts, with ``document_id`` set."""
    return [json.loads(r.data) for r in conn.execute(_MEMBERS, {"id": incident_id})]


def incident_claims_dated(conn: Connection, incident_id: str) -> list[tuple[dict, str]]:
    """``incident_claims`` with each claim's ``created_at``."""
    return [(json.loads(r.data), r.created_at) for r in conn.execute(_MEMBERS, {"id": incident_id})]


def member_count(conn: Connection, incident_id: str) -> int:
    return int(conn.execute(_MEMBER_COUNT, {"id": incident_id}).scalar_one())


def incidents_near(conn: Connection, lat: float, lon: float, radius_km: float) -> int:
    """How many incidents lie within about ``radius_km`` of a point (a bounding box: a prior, not a measure)."""
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(0.05, math.cos(math.radians(lat))))
    stmt = select(func.count()).select_from(incidents).where(
        incidents.c.lat.between(lat - dlat, lat + dlat), incidents.c.lon.between(lon - dlon, lon + dlon)
    )
    return int(conn.execute(stmt).scalar_one())


def incidents_of_documents(conn: Connection, doc_ids: Iterable[str]) -> set[str]:
    ids = sorted(set(doc_ids))
    if not ids:
        return set()
    return {i for i in conn.execute(_OF_DOCUMENTS, {"ids": ids}).scalars() if i}


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


_GET_INCIDENT = select(incidents).where(incidents.c.id == bindparam("id"))
_GET_INCIDENTS = select(incidents).where(incidents.c.id.in_(bindparam("ids", expanding=True)))
_INCIDENT_EXISTS = select(incidents.c.id).where(incidents.c.id == bindparam("id"))
_KEYS_OF = select(incident_keys.c.key).where(incident_keys.c.incident_id == bindparam("id"))
_BY_KEYS = (
    select(incident_keys.c.incident_id)
    .where(incident_keys.c.key.in_(bindparam("keys", expanding=True)))
    .distinct()
    .limit(bindparam("limit"))
)


_HEADS = select(incidents.c.id, incidents.c.updated_at, incidents.c.locked, incidents.c.overrides).where(
    incidents.c.id.in_(bindparam("ids", expanding=True))
)
_MACHINES = select(incidents.c.id, incidents.c.machine).where(incidents.c.id.in_(bindparam("ids", expanding=True)))


def incident_heads(conn: Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    """``id``, ``updated_at``, ``locked`` and ``overrides`` (decoded) of the stored incidents among ``ids``."""
    ids = sorted(set(ids))
    if not ids:
        return []
    return [
        {"id": r.id, "updated_at": r.updated_at, "locked": r.locked, "overrides": json.loads(r.overrides) if r.overrides else None}
        for r in conn.execute(_HEADS, {"ids": ids})
    ]


def incident_machines(conn: Connection, ids: Iterable[str]) -> dict[str, dict | None]:
    """The machine values (decoded) of incidents by id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {r.id: json.loads(r.machine) if r.machine else None for r in conn.execute(_MACHINES, {"ids": ids})}


def get_incident(conn: Connection, incident_id: str) -> dict[str, Any] | None:
    row = conn.execute(_GET_INCIDENT, {"id": incident_id}).first()
    return _decode(row) if row else None


def get_incidents(conn: Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    ids = list(set(ids))
    if not ids:
        return []
    return [_decode(r) for r in conn.execute(_GET_INCIDENTS, {"ids": ids})]


def _encoded(row: dict[str, Any]) -> dict[str, Any]:
    values = dict(row)
    for key in _JSON_COLUMNS:
        if key in values:
            values[key] = None if values[key] is None else json.dumps(values[key], ensure_ascii=False)
    values["updated_at"] = now()
    return values


def save_incident(conn: Connection, row: dict[str, Any]) -> str:
    """Insert or update an incident row; JSON columns are given as Python values. Returns the
    ``updated_at`` written."""
    if conn.execute(_INCIDENT_EXISTS, {"id": row["id"]}).first() is None:
        return insert_incident(conn, row)
    return update_incident(conn, row)


def insert_incident(conn: Connection, row: dict[str, Any]) -> str:
    """Insert a new incident row (the caller knows it is not stored); returns its ``updated_at``."""
    values = _encoded(row)
    values.setdefault("created_at", values["updated_at"])
    values.setdefault("locked", False)
    conn.execute(incidents.insert(), values)
    return values["updated_at"]


_UPDATES: dict[tuple[str, ...], Update] = {}


def update_incident(conn: Connection, row: dict[str, Any]) -> str:
    """Update a stored incident row's given columns; returns the ``updated_at`` written."""
    values = _encoded(row)
    values.pop("created_at", None)
    columns = tuple(sorted(k for k in values if k != "id"))
    stmt = _UPDATES.get(columns)
    if stmt is None:
        stmt = _UPDATES[columns] = (
            incidents.update()
            .where(incidents.c.id == bindparam("key_id"))
            .values({c: bindparam("v_" + c) for c in columns})
        )
    conn.execute(stmt, {"key_id": row["id"]} | {"v_" + c: values[c] for c in columns})
    return values["updated_at"]


def delete_incident(conn: Connection, incident_id: str) -> None:
    conn.execute(incident_keys.delete().where(incident_keys.c.incident_id == incident_id))
    conn.execute(incidents.delete().where(incidents.c.id == incident_id))


def incident_key_set(conn: Connection, incident_id: str) -> set[str]:
    """The blocking keys an incident is filed under."""
    return set(conn.execute(_KEYS_OF, {"id": incident_id}).scalars())


def set_incident_keys(conn: Connection, incident_id: str, keys: Iterable[str], old: set[str] | None = None) -> set[str]:
    """File an incident under exactly these keys, writing only the difference from the keys it is filed
    under now (``old``, read from the store when not given). Returns the keys as stored."""
    new = {k[:200] for k in keys}
    if old is None:
        old = incident_key_set(conn, incident_id)
    c = incident_keys.c
    if gone := sorted(old - new):
        conn.execute(incident_keys.delete().where(c.incident_id == incident_id, c.key.in_(gone)))
    if added := sorted(new - old):
        conn.execute(incident_keys.insert(), [{"key": k, "incident_id": incident_id} for k in added])
    return new


def incidents_by_keys(conn: Connection, keys: Iterable[str], limit: int = 400) -> set[str]:
    """Incidents filed under any of the blocking keys (an indexed lookup, capped)."""
    keys = sorted(set(keys))
    if not keys:
        return set()
    return set(conn.execute(_BY_KEYS, {"keys": keys, "limit": limit}).scalars())


# -- merges ---------------------------------------------------------------------------------------------


def add_merge(conn: Connection, kind: str, into_id: str, from_id: str, claim_ids: list[str]) -> int:
    result = conn.execute(
        merges.insert(),
        {
            "kind": kind,
            "into_id": into_id,
            "from_id": from_id,
            "claim_ids": json.dumps(claim_ids),
            "at": now(),
            "undone": False,
        },
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
