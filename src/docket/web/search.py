"""Full-text search for the pages and the API, in one function (``incident_ids_matching``).

It asks the store's full-text index (``docket.store.search``: FTS5 on SQLite, tsvector on PostgreSQL,
words stemmed for Russian, Ukrainian and English). Where that module is absent, a LIKE fallback: every
word of the query must occur in one document's title or cleaned text (or in an incident's places or
origins); SQLite's LIKE folds case for ASCII only, so each word is tried as typed, in lower case, in
upper case and capitalised. Either way an incident's own id finds it.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, and_, or_, select

from docket.store.schema import claims, documents, incidents

MAX_TERMS = 8


def terms(q: str) -> list[str]:
    words = [w for w in re.split(r"[\s\"'«»„“”]+", q) if w]
    return words[:MAX_TERMS]


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _variants(word: str) -> list[str]:
    return list(dict.fromkeys([word, word.lower(), word.upper(), word.capitalize()]))


def _matches(column, word: str):  # type: ignore[no-untyped-def]
    return or_(*(column.like(f"%{_escape(v)}%", escape="\\") for v in _variants(word)))


def incident_ids_matching(conn: Connection, q: str) -> set[str]:
    """Ids of incidents with a source document matching ``q`` (or whose id ``q`` is)."""
    try:
        from docket.store.search import matching_incident_ids
    except ImportError:
        return like_fallback(conn, q)
    by_id = set(conn.execute(select(incidents.c.id).where(incidents.c.id == q.strip())).scalars())
    return matching_incident_ids(conn, q) | by_id


def like_fallback(conn: Connection, q: str) -> set[str]:
    """Ids of incidents with a source document, place or origin matching every word of ``q``."""
    words = terms(q)
    if not words:
        return set()
    doc_match = and_(*(or_(_matches(documents.c.text, w), _matches(documents.c.title, w)) for w in words))
    ids = set(
        conn.execute(
            select(claims.c.incident_id)
            .join(documents, documents.c.id == claims.c.document_id)
            .where(doc_match, claims.c.incident_id.is_not(None))
            .distinct()
        ).scalars()
    )
    inc_match = and_(*(or_(_matches(incidents.c.places, w), _matches(incidents.c.origins, w),
                           incidents.c.id == w) for w in words))
    ids |= set(conn.execute(select(incidents.c.id).where(inc_match)).scalars())
    return ids
