"""Repository for the documents table: save, read back, list, and the row hash custody records."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, select

from docket.model import Document, PartialDate, parse_iso_partial
from docket.store.driver import execute, fetch, marks
from docket.store.schema import claims, documents, fit_to_columns
from docket.store.search import index_document


def document_row(doc: Document, ingested_at: str) -> dict[str, Any]:
    published = doc.published
    return {
        "id": doc.id,
        "name": doc.name,
        "blob_sha256": doc.blob_sha256,
        "format": doc.format,
        "source_path": doc.source_path,
        "parent_id": doc.parent_id,
        "part": doc.part,
        "title": doc.title,
        "outlet": doc.outlet,
        "url": doc.url,
        "language": doc.language,
        "published_start": published.iso(published.start) if published else None,
        "published_end": published.iso(published.end) if published else None,
        "published_precision": published.precision if published else None,
        "published_source": doc.published_source,
        "collected_by": doc.collected_by,
        "collected_at": doc.collected_at,
        "raw_text": doc.raw_text,
        "text": doc.text,
        "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True, default=str),
        "status": doc.status,
        "error": doc.error,
        "ingested_at": ingested_at,
    }


_CLAIMS_OF = select(claims.c.data).where(claims.c.document_id == bindparam("id")).order_by(claims.c.id)


def document_exists(conn: Connection, document_id: str) -> bool:
    return bool(fetch(conn, "SELECT 1 FROM documents WHERE id = ?", (document_id,)))


_COLUMNS = [c.name for c in documents.c]
_INSERT = f"INSERT INTO documents ({', '.join(_COLUMNS)}) VALUES ({marks(len(_COLUMNS))})"


def save_document(conn: Connection, doc: Document, ingested_at: str) -> dict[str, Any]:
    """Insert the document; returns the row as stored (every column is given, and stored as given)."""
    row = fit_to_columns(documents, document_row(doc, ingested_at))
    execute(conn, _INSERT, [row.get(c) for c in _COLUMNS])
    index_document(conn, row, new=True)  # full-text search (store/search.py)
    return row


def row_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 of a row's columns as canonical JSON; custody records it, verify recomputes it."""
    canonical = json.dumps(dict(row), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def list_documents(conn: Connection, *, failed_only: bool = False, limit: int | None = None) -> list[Row]:
    n_claims = (
        select(func.count()).select_from(claims).where(claims.c.document_id == documents.c.id).scalar_subquery()
    )
    query = select(documents, n_claims.label("n_claims")).order_by(documents.c.name, documents.c.id)
    if failed_only:
        query = query.where(documents.c.status == "failed")
    if limit:
        query = query.limit(limit)
    return list(conn.execute(query))


def stored_claims(conn: Connection, document_id: str) -> list[dict[str, Any]]:
    """A document's claims as stored (``claims.data`` decoded)."""
    return [json.loads(data) for data in conn.execute(_CLAIMS_OF, {"id": document_id}).scalars()]


def published_of(row: Mapping[str, Any]) -> PartialDate | None:
    start = row.get("published_start")
    if not start:
        return None
    return PartialDate(
        parse_iso_partial(start), row.get("published_precision") or "day", parse_iso_partial(row.get("published_end"))
    )
