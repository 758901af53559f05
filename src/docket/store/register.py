"""Read-only queries over the register (incidents with their claims and documents) for CLI and export."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, select

from docket.store.schema import claims, documents, incidents


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    type: str | None = None
    country: str | None = None
    status: str | None = None
    since: str | None = None  # ISO date prefix; compared with the incident's start
    until: str | None = None
    origin: str | None = None
    limit: int | None = None


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def incident_dict(row: Row) -> dict[str, Any]:
    """An incidents row with its JSON columns decoded (effective values: overrides already applied)."""
    r = row._mapping
    return {
        "id": r["id"],
        "types": _loads(r["types"], []),
        "date": {"start": r["date_start"], "end": r["date_end"], "precision": r["date_precision"] or "unknown"},
        "places": _loads(r["places"], []),
        "count": _loads(r["count"], None),
        "victims": _loads(r["victims"], []),
        "perpetrators": _loads(r["perpetrators"], []),
        "status": r["status"],
        "origins": _loads(r["origins"], []),
        "overrides": _loads(r["overrides"], {}),
        "locked": bool(r["locked"]),
    }


_ORDER = (incidents.c.date_start.is_(None), incidents.c.date_start, incidents.c.id)  # dated first, by date


def incident_ids(conn: Connection) -> list[str]:
    """Every incident's id, in the register's order (as ``list_incidents``)."""
    return list(conn.execute(select(incidents.c.id).order_by(*_ORDER)).scalars())


def incidents_by_ids(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    """The stored incidents among ``ids`` (as ``incident_dict``), in the order of ``ids``."""
    found = {r.id: incident_dict(r) for r in conn.execute(select(incidents).where(incidents.c.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def list_incidents(conn: Connection, flt: IncidentFilter | None = None) -> list[dict[str, Any]]:
    flt = flt or IncidentFilter()
    query = select(incidents).order_by(*_ORDER)
    if flt.country:
        query = query.where(incidents.c.country == flt.country.upper())
    if flt.status:
        query = query.where(incidents.c.status == flt.status)
    if flt.since:
        query = query.where(incidents.c.date_start >= flt.since)
    if flt.until:
        # "2022-10" as an upper bound includes every day of October. (Compared as a prefix, not against
        # "2022-10\uffff": PostgreSQL's locale collations may sort U+FFFF anywhere.)
        query = query.where(func.substr(incidents.c.date_start, 1, len(flt.until)) <= flt.until)
    out = []
    for row in conn.execute(query):
        inc = incident_dict(row)
        if flt.type and flt.type not in inc["types"]:
            continue
        if flt.origin and flt.origin.casefold() not in (o.casefold() for o in inc["origins"]):
            continue
        out.append(inc)
        if flt.limit and len(out) >= flt.limit:
            break
    return out


def get_incident(conn: Connection, incident_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
    if row is None:
        matches = list(conn.execute(select(incidents).where(incidents.c.id.startswith(incident_id)).limit(2)))
        row = matches[0] if len(matches) == 1 else None
    return incident_dict(row) if row is not None else None


def sources_of(conn: Connection, incident_ids: list[str] | None = None) -> dict[str, list[tuple[dict, dict]]]:
    """incident id -> [(claim JSON, document row), ...], in document-name order."""
    query = (
        select(claims.c.incident_id, claims.c.data, documents)
        .join(documents, documents.c.id == claims.c.document_id)
        .where(claims.c.incident_id.is_not(None))
        .order_by(documents.c.name, documents.c.id, claims.c.id)
    )
    if incident_ids is not None:
        query = query.where(claims.c.incident_id.in_(incident_ids))
    out: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for row in conn.execute(query):
        m = dict(row._mapping)
        out[m.pop("incident_id")].append((json.loads(m.pop("data")), m))
    return out
