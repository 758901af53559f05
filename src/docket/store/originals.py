"""Repository for the blobs table: which originals are stored, under which first name."""

from __future__ import annotations

from sqlalchemy import Connection, Row, bindparam, select

from docket.store.schema import blobs, fit_to_columns

_FIND = select(blobs).where(blobs.c.sha256 == bindparam("sha256"))
_INSERT = blobs.insert()


def find_blob(conn: Connection, sha256: str) -> Row | None:
    return conn.execute(_FIND, {"sha256": sha256}).first()


def add_blob(
    conn: Connection, *, sha256: str, size: int, media_type: str | None, first_name: str, storage_uri: str, at: str
) -> None:
    row = dict(sha256=sha256, size=size, media_type=media_type, first_name=first_name, storage_uri=storage_uri, stored_at=at)
    conn.execute(_INSERT, fit_to_columns(blobs, row))


def all_blobs(conn: Connection) -> list[Row]:
    return list(conn.execute(select(blobs).order_by(blobs.c.sha256)))
