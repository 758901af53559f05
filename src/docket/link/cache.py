"""In-process memos of the link stage, one namespace per store (``docket.store.memo``).

``TxMemo`` holds facts about rows that stay true once committed (an alias key names an entity, the seed
entities are loaded). An entry written inside a transaction is seen by that transaction at once and by
others only after it commits; a rollback drops it, so a memo never outlives the rows it describes.
``Lru`` is a plain bounded memo for values that carry their own validity check (incident aggregates are
stamped with the ``updated_at`` they wrote) or that never change (a stored document's shingles).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import Pool

from docket.store.memo import MISSING, PerStore, store_of

__all__ = ["MISSING", "Lru", "TxMemo", "tx_entries"]

_PENDING = "docket_link_pending"

Lru = PerStore


class TxMemo(PerStore):
    def __init__(self, maxsize: int = 200_000) -> None:
        super().__init__(maxsize)

    def get(self, conn: Connection, key: Any) -> Any:
        """The value, or ``MISSING``."""
        mine = tx_entries(conn, self, create=False)
        if mine is not None and key in mine:
            return mine[key]
        return super().get(conn, key)

    def get_many(self, conn: Connection, keys: Iterable[Any]) -> dict[Any, Any]:
        """The values of those ``keys`` that are known, this transaction's own included."""
        found = {key: self.get(conn, key) for key in keys}
        return {key: value for key, value in found.items() if value is not MISSING}

    def put(self, conn: Connection, key: Any, value: Any) -> None:
        mine = tx_entries(conn, self, create=True)
        if mine is None:  # not inside a transaction: nothing to wait for
            self.put_many(store_of(conn), {key: value})
        else:
            mine[key] = value

    def committed(self, store: Pool, entries: dict[Any, Any]) -> None:
        self.put_many(store, entries)


class TxOwner(Protocol):
    def committed(self, store: Pool, entries: dict[Any, Any]) -> None:
        """What ``tx_entries`` held for a transaction that has just committed."""


def tx_entries(conn: Connection, owner: TxOwner, *, create: bool) -> dict[Any, Any] | None:
    """``owner``'s entries for the connection's current transaction (None: no transaction, or none yet and
    not ``create``): handed to ``owner.committed`` when it commits, dropped when it rolls back."""
    pending = _pending(conn, create=create)
    if pending is None:
        return None
    return pending[2].setdefault(owner, {}) if create else pending[2].get(owner)


def _pending(conn: Connection, *, create: bool) -> list | None:
    """[transaction, store, {owner: entries}] of the connection's current transaction."""
    tx = conn.get_transaction()
    if tx is None:
        return None
    pending = conn.info.get(_PENDING)
    if pending is not None and pending[0] is not tx:  # left over from a transaction that ended unseen
        pending = None
        conn.info.pop(_PENDING, None)
    if pending is None and create:
        pending = conn.info[_PENDING] = [tx, store_of(conn), {}]
    return pending


@event.listens_for(Engine, "commit")
def _on_commit(conn: Connection) -> None:
    pending = conn.info.pop(_PENDING, None)
    if pending is not None and pending[0] is conn.get_transaction():
        for owner, entries in pending[2].items():
            owner.committed(pending[1], entries)


@event.listens_for(Engine, "rollback")
def _on_rollback(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)
