"""Incidents as export records, exactly per shared/docs/incident-format.md.

Records are read a page of incidents (and their sources) at a time, so an export's memory does not grow
with the register; the caller reads them all in one transaction (``consistent``) so that the pages agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection

from docket.store.documents import published_of
from docket.store.register import incident_ids, incidents_by_ids, sources_of

PAGE = 500  # incidents read at a time


def consistent(conn: Connection) -> Connection:
    """``conn`` reading one snapshot across statements: PostgreSQL's REPEATABLE READ (SQLite's read
    transaction already is one). Call before the connection's first statement."""
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def incident_records(conn: Connection, ids: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """The export record of each incident (of ``ids``, else all, in the register's order)."""
    ids = incident_ids(conn) if ids is None else ids
    for start in range(0, len(ids), PAGE):
        page = ids[start : start + PAGE]
        sources = sources_of(conn, page)
        for inc in incidents_by_ids(conn, page):
            yield _record(inc, sources.get(inc["id"], []))


def _record(inc: dict[str, Any], sources: list[tuple[dict, dict]]) -> dict[str, Any]:
    return {
        "id": inc["id"],
        "types": inc["types"],
        "date": _date(inc["date"]),
        "places": [_place(p) for p in inc["places"]],
        "count": inc["count"],
        "victims": inc["victims"],
        "perpetrators": inc["perpetrators"],
        "status": inc["status"],
        "sources": source_entries(sources),
    }


def _date(d: dict) -> dict:
    if d["precision"] == "unknown" or not d["start"]:
        return {"start": None, "end": None, "precision": "unknown"}
    return d


def _place(p: dict) -> dict:
    return {k: p.get(k) for k in ("name", "admin1", "country", "lat", "lon", "precision")}


def source_entries(pairs: list[tuple[dict, dict]]) -> list[dict[str, Any]]:
    """One entry per document; several claims of one document in one incident are folded together."""
    by_doc: dict[str, dict[str, Any]] = {}
    for claim, doc in pairs:
        entry = by_doc.get(doc["id"])
        if entry is None:
            published = published_of(doc)
            entry = by_doc[doc["id"]] = {
                "document": doc["name"],
                "published": published.iso(published.start) if published else None,
                "origin": claim.get("origin"),
                "via": list(claim.get("via") or []),
                "hedged": bool(claim.get("hedged")),
                "count": claim.get("count"),
                "spans": [],
            }
        else:
            entry["origin"] = entry["origin"] or claim.get("origin")
            entry["hedged"] = entry["hedged"] and bool(claim.get("hedged"))
            entry["count"] = entry["count"] or claim.get("count")
        entry["spans"].extend([int(a), int(b)] for a, b in claim.get("spans") or [])
    for entry in by_doc.values():
        entry["spans"] = sorted({tuple(s) for s in entry["spans"]})
        entry["spans"] = [list(s) for s in entry["spans"]]
        if entry["count"] is None:
            del entry["count"]
    return list(by_doc.values())
