"""Bounded in-process memos, one namespace per store.

A store is told apart by its engine's connection pool (shared by the engine and every ``execution_options``
copy of it), so two engines on one URL, or two in-memory databases, never share a memo, and a disposed
engine starts afresh. When a memo is full, the least recently used entry goes. What may be remembered, and
when an entry stops being true, is the business of the memo's kind: ``docket.link.cache`` (values that carry
their own validity check, or facts that hold once committed) and ``docket.store.watch`` (rows, trusted while
SQLite says no one else wrote).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.pool import Pool

MISSING: Any = object()


def store_of(conn: Connection) -> Pool:
    return conn.engine.pool


class PerStore:
    """Values by key, per store, at most ``maxsize`` of them in each."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._stores: weakref.WeakKeyDictionary[Pool, OrderedDict[Any, Any]] = weakref.WeakKeyDictionary()

    def get(self, conn: Connection, key: Any) -> Any:
        """The value, or ``MISSING``."""
        memo = self._stores.get(store_of(conn))
        if memo is None:
            return MISSING
        value = memo.get(key, MISSING)
        if value is not MISSING:
            memo.move_to_end(key)
        return value

    def get_many(self, conn: Connection, keys: Iterable[Any]) -> dict[Any, Any]:
        """The values of those ``keys`` that are remembered (now the most recently used)."""
        memo = self._stores.get(store_of(conn))
        if not memo:
            return {}
        found = {key: memo[key] for key in keys if key in memo}
        for key in found:
            memo.move_to_end(key)
        return found

    def put(self, conn: Connection, key: Any, value: Any) -> None:
        self.put_many(store_of(conn), {key: value})

    def put_many(self, store: Pool, entries: dict[Any, Any]) -> None:
        memo = self._stores.get(store)
        if memo is None:
            memo = self._stores[store] = OrderedDict()
        for key, value in entries.items():
            memo[key] = value
            memo.move_to_end(key)
        while len(memo) > self.maxsize:
            memo.popitem(last=False)

    def drop(self, conn: Connection, key: Any) -> None:
        memo = self._stores.get(store_of(conn))
        if memo is not None:
            memo.pop(key, None)

    def forget(self, store: Pool) -> None:
        """Everything remembered of ``store``."""
        self._stores.pop(store, None)

    def clear(self) -> None:
        """Everything remembered of every store."""
        self._stores.clear()
