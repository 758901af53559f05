"""Plain SQL on the driver's own cursor, for the statements run several times per linked document.

Binding parameters through SQLAlchemy costs more than those indexed lookups take in the database (about
0.4 ms a statement, an ``IN`` list's expansion most of it: measured in ``bench/scale_out.py``'s writer
profile). The statements here run inside the caller's SQLAlchemy transaction, on its connection, so they
commit or roll back with it; a driver error is raised as SQLAlchemy's own (``IntegrityError``, ...).

SQL is written with ``?`` placeholders (and no ``?`` or ``%`` anywhere else); for drivers that use
``%s`` (psycopg) they are rewritten once per statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError


@lru_cache(maxsize=4096)
def _native(sql: str, paramstyle: str) -> str:
    return sql if paramstyle == "qmark" else sql.replace("?", "%s")


@lru_cache(maxsize=1024)
def marks(n: int) -> str:
    """``?, ?, ...``: ``n`` placeholders, for an ``IN (...)`` list."""
    return ", ".join("?" * n)


def _run(conn: Connection, sql: str, params: Sequence[Any] | list[Sequence[Any]], many: bool) -> list[tuple]:
    if not conn.in_transaction():
        conn.begin()  # as SQLAlchemy's autobegin would, so its events (BEGIN IMMEDIATE, locks) still run
    native = _native(sql, conn.dialect.paramstyle)
    cursor = conn.connection.cursor()
    try:
        if many:
            cursor.executemany(native, params)
            return []
        cursor.execute(native, params)
        return cursor.fetchall() if cursor.description else []
    except conn.dialect.loaded_dbapi.Error as e:
        raise DBAPIError.instance(native, params, e, conn.dialect.loaded_dbapi.Error) from e
    finally:
        cursor.close()


def fetch(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """The rows of a query, as tuples."""
    return _run(conn, sql, tuple(params), many=False)


def execute(conn: Connection, sql: str, params: Sequence[Any] = ()) -> None:
    _run(conn, sql, tuple(params), many=False)


def execute_many(conn: Connection, sql: str, rows: list[Sequence[Any]]) -> None:
    if rows:
        _run(conn, sql, [tuple(r) for r in rows], many=True)
