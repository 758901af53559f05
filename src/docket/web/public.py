"""The public site (``docket serve --public``): what it shows, and only that.

- routes: those in ``security.PUBLIC_PERMISSIONS`` (no login, no review, no write API: anything else is
  404, a write to a page 405);
- incidents: verified ones only (confirmed by a reviewer, ``docket.review.actions``); no reviewer
  notes, history, merges, media evidence or custody entries;
- documents: only sources of a verified incident, without internal metadata; a testimony with protected
  fields only as its redacted text (its original is sealed and never served);
- exports: the verified register, not recorded in the custody chain (an anonymous reader writes nothing).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, exists, select

from docket.store.schema import claims, documents, incidents
from docket.web.queries import Filters

PUBLIC_STATUS = "verified"
# Keys of the incident JSON a reader of the public site never gets.
HIDDEN_INCIDENT_KEYS = ("history", "merges", "media")


def scoped(flt: Filters) -> Filters:
    return replace(flt, status=PUBLIC_STATUS)


def incident_is_public(incident: dict[str, Any]) -> bool:
    return incident.get("status") == PUBLIC_STATUS


def document_is_public(conn: Connection, document_id: str) -> bool:
    verified = select(claims.c.id).join(incidents, incidents.c.id == claims.c.incident_id).where(
        claims.c.document_id == document_id, incidents.c.status == PUBLIC_STATUS
    )
    return bool(conn.execute(select(exists(verified))).scalar())


def blob_is_public(conn: Connection, sha256: str) -> bool:
    ids = conn.execute(select(documents.c.id).where(documents.c.blob_sha256 == sha256)).scalars()
    return any(document_is_public(conn, doc_id) for doc_id in ids)


def public_incident_ids(conn: Connection, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    query = select(incidents.c.id).where(incidents.c.id.in_(ids), incidents.c.status == PUBLIC_STATUS)
    return set(conn.execute(query).scalars())
