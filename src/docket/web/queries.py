"""Reads for the pages and the API, shared so both filter, facet and paginate the same way."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, func, select

from docket import custody, link
from docket.media.views import linked_media
from docket.review import actions
from docket.store import incidents as repo
from docket.store.register import incident_dict, sources_of
from docket.store.schema import claims, documents, entities, entity_aliases, incidents, syndication
from docket.web import listing

STATUSES = ("reported", "corroborated", "verified", "disputed", "rejected")
FACETS = ("type", "country", "region", "status", "victim", "perpetrator", "origin")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Filters:
    q: str | None = None
    type: str | None = None
    country: str | None = None
    region: str | None = None
    status: str | None = None
    since: str | None = None
    until: str | None = None
    victim: str | None = None
    perpetrator: str | None = None
    origin: str | None = None

    @classmethod
    def from_params(cls, params: Any) -> Filters:
        values = {}
        for f in fields(cls):
            v = params.get(f.name)
            v = (without_nul(v) or "").strip() if isinstance(v, str) else None
            values[f.name] = v[:200] if v else None
        return cls(**values)

    def active(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def page_args(params: Any, default: int = 25) -> tuple[int, int]:
    def number(name: str, fallback: int) -> int:
        try:
            return int(params.get(name) or fallback)
        except (TypeError, ValueError):
            return fallback

    page = max(1, min(number("page", 1), 1_000_000))
    per_page = max(1, min(number("per_page", default), MAX_PER_PAGE))
    return page, per_page


def row_dict(row: Any) -> dict[str, Any]:
    inc = incident_dict(row)
    m = row._mapping
    inc["country"] = m["country"]
    inc["region"] = m["admin1"]
    inc["lat"], inc["lon"] = m["lat"], m["lon"]
    inc["updated_at"] = m["updated_at"]
    return inc


def filtered_incidents(conn: Connection, flt: Filters) -> list[dict[str, Any]]:
    """Every incident that passes the filters, in date order (undated last)."""
    query = select(incidents).where(*listing.conditions(conn, flt)).order_by(*listing.ORDER)
    return [row_dict(row) for row in conn.execute(query)]


def incident_page(conn: Connection, flt: Filters, page: int, per_page: int, facets: bool = True) -> dict[str, Any]:
    """One page of the list, its total and (``facets``) its facet counts (``docket.web.listing``)."""
    ids = listing.matching_ids(conn, flt)
    total = len(ids)
    chosen = [row_dict(r) for r in listing.rows_by_id(conn, ids[(page - 1) * per_page : page * per_page])]
    counts = listing.document_counts(conn, [i["id"] for i in chosen])
    for inc in chosen:
        inc["documents"] = counts.get(inc["id"], 0)
    return {
        "items": chosen,
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": max(1, -(-total // per_page)),
        "facets": listing.facet_counts(conn, flt) if facets else {},
    }


# -- one incident ---------------------------------------------------------------------------------------


def highlight(text: str, spans: list[list[int]] | list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into (piece, highlighted) pieces; overlapping spans merge. Escaping is the template's."""
    cuts: list[tuple[int, int]] = []
    for a, b in sorted((max(0, int(a)), min(len(text), int(b))) for a, b in spans):
        if b <= a:
            continue
        if cuts and a <= cuts[-1][1]:
            cuts[-1] = (cuts[-1][0], max(cuts[-1][1], b))
        else:
            cuts.append((a, b))
    pieces, pos = [], 0
    for a, b in cuts:
        if a > pos:
            pieces.append((text[pos:a], False))
        pieces.append((text[a:b], True))
        pos = b
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def _field_rows(row: dict[str, Any], shown: dict[str, Any]) -> list[dict[str, Any]]:
    machine = row.get("machine") or {}
    overrides = row.get("overrides") or {}
    out = []
    for name in actions.EDITABLE_FIELDS:
        out.append({
            "name": name,
            "value": shown[name],
            "machine": machine.get(name),
            "reviewed": name in overrides,
        })
    out.append({"name": "status", "value": shown["status"], "machine": machine.get("status"), "reviewed": "status" in overrides})
    return out


def incident_detail(conn: Connection, incident_id: str) -> dict[str, Any] | None:
    row = repo.get_incident(conn, incident_id)
    if row is None:
        return None
    base = conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
    shown = row_dict(base)
    pairs = sources_of(conn, [incident_id]).get(incident_id, [])
    sources = []
    for claim, doc in pairs:
        text = doc.get("text") or ""
        spans = claim.get("spans") or []
        sources.append({
            "claim_id": claim["id"],
            "document_id": doc["id"],
            "document": doc["name"],
            "part": doc.get("part"),
            "title": doc.get("title"),
            "outlet": doc.get("outlet"),
            "url": doc.get("url"),
            "language": doc.get("language"),
            "published": doc.get("published_start"),
            "blob_sha256": doc.get("blob_sha256"),
            "origin": claim.get("origin") or doc.get("outlet"),
            "via": claim.get("via") or [],
            "hedged": bool(claim.get("hedged")),
            "count": claim.get("count"),
            "types": claim.get("types") or [],
            "spans": spans,
            "quotes": [text[a:b].strip() for a, b in spans],
            "pieces": highlight(text, spans),
            "media": _media(doc.get("meta")),
        })
    entries = [e for e in _custody_for(conn, [incident_id])]
    return {
        "incident": shown,
        "machine": row.get("machine") or {},
        "overrides": row.get("overrides") or {},
        "fields": _field_rows(row, shown),
        "sources": sources,
        "corroboration": link.explain_corroboration(conn, incident_id),
        "history": actions.history(conn, incident_id),
        "merges": actions.merges_of(conn, incident_id),
        "custody": entries,
        "evidence": linked_media(conn, incident_id=incident_id),  # docket.media
    }


def _media(meta: str | None) -> list[dict[str, str]]:
    """Media and links a document's metadata names (Telegram attachments, links, photos)."""
    try:
        data = json.loads(meta) if meta else {}
    except ValueError:
        return []
    out = []
    for key in ("media", "attachments", "photo", "file", "links", "media_type", "sha256"):
        value = data.get(key) if isinstance(data, dict) else None
        if not value:
            continue
        for item in value if isinstance(value, list) else [value]:
            out.append({"kind": key, "value": item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)})
    return out


def _custody_for(conn: Connection, object_ids: list[str]) -> list[dict[str, Any]]:
    from docket.store.schema import custody as table

    rows = conn.execute(select(table).where(table.c.object_id.in_(object_ids)).order_by(table.c.seq))
    return [dict(r._mapping) for r in rows]


# -- documents ------------------------------------------------------------------------------------------


def without_nul(text: str | None) -> str | None:
    """Words to look for, without NUL characters (PostgreSQL's text holds none; nothing contains one)."""
    return text.replace("\x00", "") or None if text else None


def document_page(conn: Connection, page: int, per_page: int, q: str | None = None, status: str | None = None) -> dict[str, Any]:
    q = without_nul(q)
    c = documents.c
    n_claims = select(func.count()).select_from(claims).where(claims.c.document_id == c.id).scalar_subquery()
    query = select(c.id, c.name, c.part, c.format, c.language, c.title, c.outlet, c.published_start, c.status,
                   c.error, n_claims.label("claims"))
    count = select(func.count()).select_from(documents)
    if q:
        like = f"%{q}%"
        cond = c.name.like(like) | c.title.like(like) | c.outlet.like(like)
        query, count = query.where(cond), count.where(cond)
    if status in ("ok", "failed"):
        query, count = query.where(c.status == status), count.where(c.status == status)
    total = conn.execute(count).scalar() or 0
    rows = conn.execute(query.order_by(c.name, c.id).limit(per_page).offset((page - 1) * per_page))
    return {"items": [dict(r._mapping) for r in rows], "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


def document_detail(conn: Connection, document_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
    if row is None:
        return None
    doc = dict(row._mapping)
    try:
        meta = json.loads(doc.get("meta") or "{}")
    except ValueError:
        meta = {}
    claim_rows = conn.execute(select(claims.c.id, claims.c.incident_id, claims.c.data)
                              .where(claims.c.document_id == document_id).order_by(claims.c.id))
    doc_claims = []
    spans: list[list[int]] = []
    for r in claim_rows:
        data = json.loads(r.data)
        spans.extend(data.get("spans") or [])
        doc_claims.append({"id": r.id, "incident_id": r.incident_id, "types": data.get("types") or [],
                           "origin": data.get("origin"), "hedged": bool(data.get("hedged")), "spans": data.get("spans") or []})
    s = syndication.c
    copies = conn.execute(select(s.doc_a, s.doc_b, s.similarity).where((s.doc_a == document_id) | (s.doc_b == document_id)))
    near = [{"id": b if a == document_id else a, "similarity": sim} for a, b, sim in copies]
    parts = conn.execute(select(documents.c.id, documents.c.name, documents.c.part)
                         .where(documents.c.parent_id == document_id).order_by(documents.c.part)).all()
    return {
        "document": doc,
        "meta": meta if isinstance(meta, dict) else {"value": meta},
        "claims": doc_claims,
        "pieces": highlight(doc.get("text") or "", spans),
        "near_copies": near,
        "parts": [dict(p._mapping) for p in parts],
        "custody": _custody_for(conn, [document_id, doc["blob_sha256"]]),
        "evidence": linked_media(conn, document_ids=[document_id]),  # docket.media
    }


# -- entities -------------------------------------------------------------------------------------------


def entity_page(conn: Connection, page: int, per_page: int, q: str | None = None) -> dict[str, Any]:
    q = without_nul(q)
    c = entities.c
    query = select(c.id, c.kind, c.name)
    count = select(func.count()).select_from(entities)
    if q:
        cond = c.name.like(f"%{q}%") | c.id.in_(select(entity_aliases.c.entity_id).where(entity_aliases.c.alias.like(f"%{q}%")))
        query, count = query.where(cond), count.where(cond)
    total = conn.execute(count).scalar() or 0
    rows = conn.execute(query.order_by(c.name, c.id).limit(per_page).offset((page - 1) * per_page))
    return {"items": [dict(r._mapping) for r in rows], "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


def entity_detail(conn: Connection, entity_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
    if row is None:
        return None
    aliases = sorted(set(conn.execute(select(entity_aliases.c.alias).where(entity_aliases.c.entity_id == entity_id)).scalars()))
    # Claims that speak for it (its origin key), and incidents that name it among their origins.
    ids = set()
    for r in conn.execute(select(claims.c.incident_id, claims.c.data).where(claims.c.data.like(f"%{entity_id}%"))):
        if json.loads(r.data).get("origin_key") == entity_id and r.incident_id:
            ids.add(r.incident_id)
    name = row.name
    for r in conn.execute(select(incidents.c.id, incidents.c.origins).where(incidents.c.origins.like(f"%{name}%"))):
        if name in json.loads(r.origins or "[]"):
            ids.add(r.id)
    rows = conn.execute(select(incidents).where(incidents.c.id.in_(sorted(ids))).order_by(incidents.c.date_start)) if ids else []
    return {"entity": dict(row._mapping), "aliases": aliases, "incidents": [row_dict(r) for r in rows]}


def custody_payload(data: str) -> str:
    return custody.sha256_text(data)
