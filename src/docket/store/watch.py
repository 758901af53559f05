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
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import Pool

from docket.store.dialect import WRITE_OPTION
from docket.store.memo import MISSING, PerStore, store_of

_LOOKED = "docket_watch_looked"  # conn.info: the transaction this connection last looked in
_TOKEN = "docket_watch_token"  # a DB-API connection's info: an object naming that connection for good

# store -> (the token of the DB-API connection looked through last, its data_version then)
_last_look: weakref.WeakKeyDictionary[Pool, tuple[object, int]] = weakref.WeakKeyDictionary()
_memos: weakref.WeakSet[RowMemo] = weakref.WeakSet()


class RowMemo(PerStore):
    """Rows of one kind by key, per store, bounded; read and written only where ``trusted``."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize)
        _memos.add(self)

    def get(self, conn: Connection, key: Any) -> Any:
        """The remembered row, where it can be trusted; else ``MISSING``."""
        return super().get(conn, key) if trusted(conn) else MISSING

    def get_many(self, conn: Connection, keys: Iterable[Any]) -> dict[Any, Any]:
        """The remembered rows among ``keys``, where they can be trusted (``trusted(conn)``); else none."""
        return super().get_many(conn, keys) if trusted(conn) else {}

    def put(self, conn: Connection, key: Any, row: Any) -> None:
        """Remember a row as this transaction reads or wrote it (only where ``trusted``)."""
        if trusted(conn):
            super().put(conn, key, row)
        else:
            self.drop(conn, key)

    def update(self, conn: Connection, key: Any, change: Callable[[Any], Any]) -> None:
        """Apply a write to a remembered row, ``change(row)`` the row as written (if remembered; dropped
        where not ``trusted``)."""
        memo = self._stores.get(store_of(conn))
        if memo is None or key not in memo:
            return
        if trusted(conn):
            memo[key] = change(memo[key])
        else:
            del memo[key]


def trusted(conn: Connection) -> bool:
    """Whether memos may be read in this transaction (see the module's docstring); looks once per
    transaction, emptying the store's memos when another connection committed since the last look."""
    tx = conn.get_transaction()
    if tx is None or conn.dialect.name != "sqlite" or not conn.get_execution_options().get(WRITE_OPTION):
        return False
    if conn.info.get(_LOOKED) is tx:
        return True
    store, pooled = store_of(conn), conn.connection
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
    store = store_of(conn)
    _forget(store)
    _last_look.pop(store, None)
    conn.info.pop(_LOOKED, None)
