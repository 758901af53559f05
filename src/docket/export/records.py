"""Incidents as export records, exactly per shared/docs/incident-format.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection

from docket.store.documents import published_of
from docket.store.register import list_incidents, sources_of


def incident_records(conn: Connection) -> Iterator[dict[str, Any]]:
    incidents = list_incidents(conn)
    sources = sources_of(conn)
    for inc in incidents:
        yield {
            "id": inc["id"],
            "types": inc["types"],
            "date": _date(inc["date"]),
            "places": [_place(p) for p in inc["places"]],
            "count": inc["count"],
            "victims": inc["victims"],
            "perpetrators": inc["perpetrators"],
            "status": inc["status"],
            "sources": source_entries(sources.get(inc["id"], [])),
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
