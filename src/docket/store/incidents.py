"""Repository for the linker's tables: claims, incidents and their blocking keys, entities, near-copies,
LSH bands and merges. Plain reads and writes; the decisions live in ``docket.link``.

The statements run once or more per linked document are plain SQL on the driver (``store/driver.py``):
binding through SQLAlchemy would cost more than the lookups themselves.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from docket.store.driver import execute, execute_many, fetch, marks
from docket.store.schema import (
    claims,
    documents,
    entities,
    entity_aliases,
    incident_keys,
    incidents,
    merges,
)
from docket.store.watch import RowMemo


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
    sql = f"SELECT id, text FROM documents WHERE id IN ({marks(len(ids))})"
    return {doc_id: text or "" for doc_id, text in fetch(conn, sql, ids)}


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


def file_lsh_bands(conn: Connection, document_id: str, keys: bytes) -> None:
    """Append a document's band keys (its ``seq`` the next)."""
    execute(conn, "INSERT INTO lsh_bands (document_id, band_keys) VALUES (?, ?)", (document_id, keys))


def lsh_bands_after(conn: Connection, seq: int) -> list[tuple[int, str, bytes]]:
    """(seq, document id, band keys) of every row appended after ``seq``, in order."""
    rows = fetch(conn, "SELECT seq, document_id, band_keys FROM lsh_bands WHERE seq > ? ORDER BY seq", (seq,))
    return [(s, d, bytes(k)) for s, d, k in rows]


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
            rows.append((a, b, similarity))
    execute_many(conn, "INSERT INTO syndication (doc_a, doc_b, similarity) VALUES (?, ?, ?)", rows)


def syndicated_pairs(conn: Connection, doc_ids: Iterable[str]) -> list[tuple[str, str, float]]:
    """Near-copy pairs with at least one side among ``doc_ids`` (both sides indexed)."""
    ids = sorted(set(doc_ids))
    if not ids:
        return []
    where = marks(len(ids))
    sql = f"SELECT doc_a, doc_b, similarity FROM syndication WHERE doc_a IN ({where}) OR doc_b IN ({where})"
    return [(a, b, float(sim)) for a, b, sim in fetch(conn, sql, ids + ids)]


# -- claims ---------------------------------------------------------------------------------------------


_CLAIM_EXISTS = select(claims.c.id).where(claims.c.id == bindparam("id"))
_CLAIMS_EXISTING = select(claims.c.id).where(claims.c.id.in_(bindparam("ids", expanding=True)))
_MEMBERS = select(claims.c.data, claims.c.created_at).where(claims.c.incident_id == bindparam("id")).order_by(
    claims.c.created_at
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
    execute(
        conn,
        "INSERT INTO claims (id, document_id, incident_id, data, created_at) VALUES (?, ?, ?, ?, ?)",
        (claim_id, document_id, incident_id, data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
         created_at),
    )
    return created_at


def incident_claims(conn: Connection, incident_id: str) -> list[dict]:
    """Member claims of an incident as Claim.to_json() dicts, with ``document_id`` set."""
    return [json.loads(r.data) for r in conn.execute(_MEMBERS, {"id": incident_id})]


def incident_claims_dated(conn: Connection, incident_id: str) -> list[tuple[dict, str]]:
    """``incident_claims`` with each claim's ``created_at``."""
    return [(json.loads(r.data), r.created_at) for r in conn.execute(_MEMBERS, {"id": incident_id})]


def member_count(conn: Connection, incident_id: str) -> int:
    return int(fetch(conn, "SELECT count(*) FROM claims WHERE incident_id = ?", (incident_id,))[0][0])


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
    sql = f"SELECT DISTINCT incident_id FROM claims WHERE document_id IN ({marks(len(ids))})"
    return {r[0] for r in fetch(conn, sql, ids) if r[0]}


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


# Incidents' heads as this process read or wrote them: id -> (updated_at, locked, overrides as stored), kept
# right by the functions below that write incidents
_HEADS = RowMemo(100_000)


def incident_heads(conn: Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    """``id``, ``updated_at``, ``locked`` and ``overrides`` (decoded) of the stored incidents among ``ids``,
    by id. Read from the store, or remembered where that is known to be the same (``store/watch.py``)."""
    ids = sorted(set(ids))
    if not ids:
        return []
    heads = _HEADS.get_many(conn, ids)
    if unknown := [i for i in ids if i not in heads]:
        sql = f"SELECT id, updated_at, locked, overrides FROM incidents WHERE id IN ({marks(len(unknown))})"
        for incident_id, updated_at, locked, overrides in fetch(conn, sql, unknown):
            heads[incident_id] = head = (updated_at, bool(locked), overrides)
            _HEADS.put(conn, incident_id, head)
    return [
        {"id": i, "updated_at": head[0], "locked": head[1], "overrides": json.loads(head[2]) if head[2] else None}
        for i in ids if (head := heads.get(i)) is not None
    ]


def incident_machines(conn: Connection, ids: Iterable[str]) -> dict[str, dict | None]:
    """The machine values (decoded) of incidents by id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    sql = f"SELECT id, machine FROM incidents WHERE id IN ({marks(len(ids))})"
    return {i: json.loads(machine) if machine else None for i, machine in fetch(conn, sql, ids)}


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


def _columns(values: dict[str, Any]) -> list[str]:
    """The quoted column names of ``values`` (in its order), each checked to be one of the table's."""
    unknown = [k for k in values if k not in incidents.c]
    if unknown:
        raise ValueError(f"incidents has no column {unknown[0]!r}")
    return [f'"{k}"' for k in values]


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
    columns = _columns(values)
    sql = f"INSERT INTO incidents ({', '.join(columns)}) VALUES ({marks(len(columns))})"
    execute(conn, sql, list(values.values()))
    _HEADS.put(conn, values["id"], (values["updated_at"], bool(values["locked"]), values.get("overrides")))
    return values["updated_at"]


def update_incident(conn: Connection, row: dict[str, Any]) -> str:
    """Update a stored incident row's given columns; returns the ``updated_at`` written."""
    values = _encoded(row)
    values.pop("created_at", None)
    key = values.pop("id")
    sql = f"UPDATE incidents SET {', '.join(c + ' = ?' for c in _columns(values))} WHERE id = ?"
    execute(conn, sql, [*values.values(), key])
    _HEADS.update(conn, key, lambda head: (
        values["updated_at"],
        bool(values["locked"]) if "locked" in values else head[1],
        values["overrides"] if "overrides" in values else head[2],
    ))  # fmt: skip
    return values["updated_at"]


def delete_incident(conn: Connection, incident_id: str) -> None:
    _HEADS.drop(conn, incident_id)
    conn.execute(incident_keys.delete().where(incident_keys.c.incident_id == incident_id))
    conn.execute(incidents.delete().where(incidents.c.id == incident_id))


def incident_key_set(conn: Connection, incident_id: str) -> set[str]:
    """The blocking keys an incident is filed under."""
    return {r[0] for r in fetch(conn, "SELECT key FROM incident_keys WHERE incident_id = ?", (incident_id,))}


def set_incident_keys(conn: Connection, incident_id: str, keys: Iterable[str], old: set[str] | None = None) -> set[str]:
    """File an incident under exactly these keys, writing only the difference from the keys it is filed
    under now (``old``, read from the store when not given). Returns the keys as stored."""
    new = {k[:200] for k in keys}
    if old is None:
        old = incident_key_set(conn, incident_id)
    if gone := sorted(old - new):
        sql = f"DELETE FROM incident_keys WHERE incident_id = ? AND key IN ({marks(len(gone))})"
        execute(conn, sql, [incident_id, *gone])
    if added := sorted(new - old):
        rows = [(k, incident_id) for k in added]
        execute_many(conn, "INSERT INTO incident_keys (key, incident_id) VALUES (?, ?)", rows)
    return new


def incidents_by_keys(conn: Connection, keys: Iterable[str], limit: int = 400) -> set[str]:
    """Incidents filed under any of the blocking keys (an indexed lookup, capped at the first ``limit`` in
    the order of the first key that names each, then id)."""
    keys = sorted(set(keys))
    if not keys:
        return set()
    where = f"key IN ({marks(len(keys))})"
    if conn.dialect.name == "postgresql":
        # Not DISTINCT ... LIMIT: for a long key list PostgreSQL's planner then walks the incident_id index
        # filtering every row (100+ ms at 280,000 keys) instead of looking the keys up (under 1 ms).
        sql = (f"SELECT incident_id FROM incident_keys WHERE {where} GROUP BY incident_id "
               "ORDER BY min(key), incident_id LIMIT ?")
    else:  # SQLite scans the keys in order and stops at the limit: the same incidents
        sql = f"SELECT DISTINCT incident_id FROM incident_keys WHERE {where} LIMIT ?"
    return {r[0] for r in fetch(conn, sql, [*keys, limit])}


# -- merges ---------------------------------------------------------------------------------------------


def add_merge(conn: Connection, kind: str, into_id: str, from_id: str, claim_ids: list[str]) -> int:
    sql = "INSERT INTO merges (kind, into_id, from_id, claim_ids, at, undone) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
    return int(fetch(conn, sql, (kind, into_id, from_id, json.dumps(claim_ids), now(), False))[0][0])


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
