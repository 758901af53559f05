"""Whether rows this process remembers are still the store's rows, without reading them again.

SQLite counts the commits other connections make (``PRAGMA data_version``, which a connection's own commits
leave unchanged). A memo of rows (``RowMemo``) is kept per store, and entries are read from it only inside a
SQLite write transaction, which holds the database's write lock: at the first look in each transaction, if
another connection (another process, another engine of this one) committed since the last look, or the
connection is not the one looked through last, every memo of that store is emptied first. A rolled-back
transaction empties them too, since entries written in it describe rows that never were. The repository
functions that write such rows keep a memo right as they write: in a trusted transaction they update the
entry, elsewhere they drop it. Elsewhere (PostgreSQL, read transactions) nothing is read from a memo nor
put in it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import Pool

from docket.store.dialect import WRITE_OPTION

_LOOKED = "docket_watch_looked"  # conn.info: the transaction this connection last looked in
_TOKEN = "docket_watch_token"  # a DB-API connection's info: an object naming that connection for good
MISSING: Any = object()

# store -> (the token of the DB-API connection looked through last, its data_version then)
_last_look: weakref.WeakKeyDictionary[Pool, tuple[object, int]] = weakref.WeakKeyDictionary()
_memos: weakref.WeakSet[RowMemo] = weakref.WeakSet()


class RowMemo:
    """Rows of one kind by key, per store, bounded (least recently used go first)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._stores: weakref.WeakKeyDictionary[Pool, dict[Any, Any]] = weakref.WeakKeyDictionary()
        _memos.add(self)

    def get_many(self, conn: Connection, keys: list[Any]) -> dict[Any, Any]:
        """The remembered rows among ``keys``, where they can be trusted (``trusted(conn)``); else none."""
        if not trusted(conn):
            return {}
        memo = self._stores.get(conn.engine.pool)
        if not memo:
            return {}
        found = {}
        for key in keys:
            row = memo.pop(key, MISSING)
            if row is not MISSING:
                memo[key] = found[key] = row  # re-inserted: now the most recent
        return found

    def put(self, conn: Connection, key: Any, row: Any) -> None:
        """Remember a row as this transaction reads or wrote it (only where ``trusted``)."""
        if not trusted(conn):
            self.drop(conn, key)
            return
        memo = self._stores.get(conn.engine.pool)
        if memo is None:
            memo = self._stores[conn.engine.pool] = {}
        memo.pop(key, None)
        memo[key] = row
        if len(memo) > self.maxsize:
            del memo[next(iter(memo))]

    def update(self, conn: Connection, key: Any, change: Callable[[Any], Any]) -> None:
        """Apply a write to a remembered row, ``change(row)`` the row as written (if remembered; dropped
        where not ``trusted``)."""
        memo = self._stores.get(conn.engine.pool)
        if memo is None:
            return
        if not trusted(conn):
            memo.pop(key, None)
        elif key in memo:
            memo[key] = change(memo[key])

    def drop(self, conn: Connection, key: Any) -> None:
        memo = self._stores.get(conn.engine.pool)
        if memo is not None:
            memo.pop(key, None)

    def forget(self, store: Pool) -> None:
        self._stores.pop(store, None)


def trusted(conn: Connection) -> bool:
    """Whether memos may be read in this transaction (see the module's docstring); looks once per
    transaction, emptying the store's memos when another connection committed since the last look."""
    tx = conn.get_transaction()
    if tx is None or conn.dialect.name != "sqlite" or not conn.get_execution_options().get(WRITE_OPTION):
        return False
    if conn.info.get(_LOOKED) is tx:
        return True
    store, pooled = conn.engine.pool, conn.connection
    token = pooled.info.setdefault(_TOKEN, object())
    version = pooled.dbapi_connection.execute("PRAGMA data_version").fetchone()[0]  # type: ignore[union-attr]
    last = _last_look.get(store)
    if last is None or last[0] is not token or last[1] != version:
        _forget(store)
        _last_look[store] = (token, version)
    conn.info[_LOOKED] = tx
    return True


def _forget(store: Pool) -> None:
    for memo in list(_memos):
        memo.forget(store)


@event.listens_for(Engine, "rollback")
@event.listens_for(Engine, "rollback_savepoint")
def _on_rollback(conn: Connection, *_: Any) -> None:
    _forget(conn.engine.pool)
    _last_look.pop(conn.engine.pool, None)
    conn.info.pop(_LOOKED, None)
