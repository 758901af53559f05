"""In-process memos of the link stage, one namespace per store.

A store is told apart by its engine's connection pool (shared by the engine and every
``execution_options`` copy of it), so two engines on one URL, or two in-memory databases, never share a
memo, and a disposed engine starts afresh.

``TxMemo`` holds facts about rows that stay true once committed (an alias key names an entity, the seed
entities are loaded). An entry written inside a transaction is seen by that transaction at once and by
others only after it commits; a rollback drops it, so a memo never outlives the rows it describes.
``Lru`` is a plain bounded memo for values that carry their own validity check (incident aggregates are
stamped with the ``updated_at`` they wrote) or that never change (a stored document's shingles).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import Pool

_PENDING = "docket_link_pending"
MISSING: Any = object()


def _store(conn: Connection) -> Pool:
    return conn.engine.pool


class _PerStore:
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._stores: weakref.WeakKeyDictionary[Pool, OrderedDict[Any, Any]] = weakref.WeakKeyDictionary()

    def _memo(self, store: Pool) -> OrderedDict[Any, Any]:
        memo = self._stores.get(store)
        if memo is None:
            memo = self._stores[store] = OrderedDict()
        return memo

    def _put_many(self, store: Pool, entries: dict[Any, Any]) -> None:
        memo = self._memo(store)
        memo.update(entries)
        while len(memo) > self.maxsize:
            memo.popitem(last=False)

    def clear(self) -> None:
        self._stores.clear()


class TxMemo(_PerStore):
    def __init__(self, maxsize: int = 200_000) -> None:
        super().__init__(maxsize)

    def get(self, conn: Connection, key: Any) -> Any:
        """The value, or ``MISSING``."""
        pending = _pending(conn, create=False)
        if pending is not None:
            mine = pending[2].get(self)
            if mine is not None and key in mine:
                return mine[key]
        memo = self._stores.get(_store(conn))
        return MISSING if memo is None else memo.get(key, MISSING)

    def put(self, conn: Connection, key: Any, value: Any) -> None:
        pending = _pending(conn, create=True)
        if pending is None:  # not inside a transaction: nothing to wait for
            self._put_many(_store(conn), {key: value})
        else:
            pending[2].setdefault(self, {})[key] = value


class Lru(_PerStore):
    def get(self, conn: Connection, key: Any) -> Any:
        """The value, or ``MISSING``."""
        memo = self._stores.get(_store(conn))
        if memo is None:
            return MISSING
        value = memo.get(key, MISSING)
        if value is not MISSING:
            memo.move_to_end(key)
        return value

    def get_many(self, conn: Connection, keys: Iterable[Any]) -> dict[Any, Any]:
        """The values of those ``keys`` that are remembered."""
        memo = self._stores.get(_store(conn))
        if memo is None:
            return {}
        found = {key: memo[key] for key in keys if key in memo}
        for key in found:
            memo.move_to_end(key)
        return found

    def put(self, conn: Connection, key: Any, value: Any) -> None:
        memo = self._memo(_store(conn))
        memo[key] = value
        memo.move_to_end(key)
        while len(memo) > self.maxsize:
            memo.popitem(last=False)

    def drop(self, conn: Connection, key: Any) -> None:
        memo = self._stores.get(_store(conn))
        if memo is not None:
            memo.pop(key, None)


def _pending(conn: Connection, *, create: bool) -> list | None:
    """[transaction, store, {memo: entries}] of the connection's current transaction."""
    tx = conn.get_transaction()
    if tx is None:
        return None
    pending = conn.info.get(_PENDING)
    if pending is not None and pending[0] is not tx:  # left over from a transaction that ended unseen
        pending = None
        conn.info.pop(_PENDING, None)
    if pending is None and create:
        pending = conn.info[_PENDING] = [tx, _store(conn), {}]
    return pending


@event.listens_for(Engine, "commit")
def _on_commit(conn: Connection) -> None:
    pending = conn.info.pop(_PENDING, None)
    if pending is not None and pending[0] is conn.get_transaction():
        for memo, entries in pending[2].items():
            memo._put_many(pending[1], entries)


@event.listens_for(Engine, "rollback")
def _on_rollback(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)
