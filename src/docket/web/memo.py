"""Results computed from the register, kept until the register changes.

The register's version is the custody chain's head (``store_meta.custody_head``): every change to
incidents (an ingest, a review) appends to the chain in the same transaction, so a result computed under
one head is exact for as long as the head has not moved. One cheap lookup per request tells.

While one thread recomputes a result for a new head, other threads asking for it get the previous one
instead of computing it too (no stampede when an ingest keeps moving the head); a lone caller always
gets the exact result. Entries are bounded by a total weight (about 100 bytes of memory each), least
recently used out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from docket.store.schema import store_meta

T = TypeVar("T")
HEAD_KEY = "custody_head"
_VERSION = select(store_meta.c.value).where(store_meta.c.key == HEAD_KEY)


_SEEN: weakref.WeakKeyDictionary[Connection, str] = weakref.WeakKeyDictionary()


def register_version(conn: Connection) -> str:
    """Which state of the register a result was computed from (moves with every write); read once per
    connection (one ``with store.read()``: one request's reads)."""
    version = _SEEN.get(conn)
    if version is None:
        version = _SEEN[conn] = conn.execute(_VERSION).scalar() or ""
    return version


@dataclass
class _Entry:
    version: str
    value: Any
    weight: int


class Memo:
    def __init__(self, max_weight: int = 400_000) -> None:  # weights are about 100 bytes: some 40 MB
        self.max_weight = max_weight
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._weight = 0
        self._computing: set[Hashable] = set()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, version: str, compute: Callable[[], T], weigh: Callable[[T], int] = lambda _: 1) -> T:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (entry.version == version or key in self._computing):
                self._entries.move_to_end(key)
                self.hits += 1
                return entry.value
            self._computing.add(key)
            self.misses += 1
        try:
            value = compute()
        finally:
            with self._lock:
                self._computing.discard(key)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._weight -= old.weight
            weight = max(1, weigh(value))
            self._entries[key] = _Entry(version, value, weight)
            self._weight += weight
            while self._weight > self.max_weight and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._weight -= dropped.weight
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0
