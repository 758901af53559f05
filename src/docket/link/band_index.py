"""The near-copy search's LSH band index: in memory, per store, kept in step with the ``lsh_bands`` table.

Each indexed document has one row of band keys (``syndication.band_keys``); documents sharing a key are
candidate near-copies. The table is only appended to, in ``seq`` order, so a process keeps the rows it has
read as sorted arrays (a binary search per key, not a query) and, at the first look-up of each transaction,
reads just the rows appended since: by other processes, or by its own transactions once they committed.
Rows a transaction appends are held apart for it (``cache.tx_entries``): it sees them at once, others only
once it commits, and a rollback drops them. Filing a document appends one row, where a table of
(band, bucket) rows took an entry per band at random places in its primary key.

No row below the last one read can appear later: rows are appended under the store's write lock
(``dialect.lock_chain``, taken before the rows are read), so in the order they commit.
"""

from __future__ import annotations

import weakref
from collections import Counter
from itertools import repeat

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.pool import Pool

from docket.link.cache import tx_entries
from docket.store import incidents as repo
from docket.store.dialect import lock_chain
from docket.store.memo import store_of

LIMIT = 500  # candidates a document is compared with, at most: those sharing the most bands, then the newest
MERGE_AT = 1 << 16  # keys filed apart (in a dict) before they join the sorted arrays
# A transaction's entries: the documents it filed, in order, and their keys (positions in that list).
_FILED, _OWN = "filed", "own"


def as_keys(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u8")


class _Postings:
    """Band key -> positions of the documents filed under it, in dicts: a key's first document in ``first``,
    the others (near-copies, or documents that share a band by chance) in ``more``."""

    def __init__(self) -> None:
        self.first: dict[int, int] = {}
        self.more: dict[int, list[int]] = {}
        self.size = 0

    def add(self, keys: list[int], position: int) -> None:
        clash = self.first.keys() & keys
        for key in clash:
            self.more.setdefault(key, []).append(position)
        self.first.update(zip(keys, repeat(position)) if not clash else ((k, position) for k in keys if k not in clash))
        self.size += len(keys)

    def find(self, keys: list[int]) -> list[int]:
        """The position of the document of every filed key equal to one of ``keys`` (once per key)."""
        get = self.first.get
        found = [p for k in keys if (p := get(k)) is not None]
        if self.more and found:
            found += [p for k in keys for p in self.more.get(k, ())]
        return found

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        keys = np.fromiter(self.first.keys(), np.uint64, len(self.first))
        positions = np.fromiter(self.first.values(), np.int64, len(self.first))
        if self.more:
            more = [(k, p) for k, ps in self.more.items() for p in ps]
            keys = np.concatenate([keys, np.array([k for k, _ in more], dtype=np.uint64)])
            positions = np.concatenate([positions, np.array([p for _, p in more], dtype=np.int64)])
        return keys, positions


class _Filed:
    """The rows of one store read so far: every band key, sorted, with the position (in ``seq`` order) of
    its document; the newest keys in ``_Postings`` until there are enough to merge."""

    def __init__(self) -> None:
        self.seq = 0  # the last row read
        self.ids: list[str] = []
        self.known: set[str] = set()
        self.keys = np.empty(0, dtype=np.uint64)
        self.positions = np.empty(0, dtype=np.int32)
        self._recent = _Postings()

    def add_rows(self, rows: list[tuple[int, str, bytes]]) -> None:
        if len(rows) > 1_000:  # a new process reading a large register: one sort, not a dict entry per key
            self._merge()
            start = len(self.ids)
            fresh = []
            for _, doc_id, raw in rows:
                if doc_id not in self.known:
                    self.ids.append(doc_id)
                    self.known.add(doc_id)
                    fresh.append(as_keys(raw))
            if fresh:
                positions = np.repeat(np.arange(start, start + len(fresh)), [len(k) for k in fresh])
                self._sorted_in(np.concatenate(fresh), positions)
        else:
            for _, doc_id, raw in rows:
                self._add(doc_id, as_keys(raw).tolist())
        if rows:
            self.seq = rows[-1][0]

    def _add(self, doc_id: str, keys: list[int]) -> None:
        if doc_id in self.known:
            return
        self._recent.add(keys, len(self.ids))
        self.ids.append(doc_id)
        self.known.add(doc_id)
        if self._recent.size >= max(MERGE_AT, len(self.keys) >> 3):
            self._merge()

    def _merge(self) -> None:
        if self._recent.size:
            self._sorted_in(*self._recent.arrays())
            self._recent = _Postings()

    def _sorted_in(self, keys: np.ndarray, positions: np.ndarray) -> None:
        """Merge keys into the sorted arrays, each after those equal to it already there (so a key's documents
        stay in the order filed); one new array each, not a sort of them all."""
        order = np.argsort(keys, kind="stable")
        keys, positions = keys[order], positions[order].astype(np.int32)
        at = np.searchsorted(self.keys, keys, "right")
        self.keys = np.insert(self.keys, at, keys)
        self.positions = np.insert(self.positions, at, positions)

    def matches(self, query: np.ndarray) -> list[int]:
        """The position of the document of every filed key equal to one of ``query``'s (once per key)."""
        found = self._recent.find(query.tolist())
        if len(self.keys):
            at = np.searchsorted(self.keys, query)
            hit = at < len(self.keys)
            hit[hit] = self.keys[at[hit]] == query[hit]
            for start, key in zip(at[hit].tolist(), query[hit].tolist(), strict=True):
                end = start + 1
                while end < len(self.keys) and self.keys[end] == key:
                    end += 1
                found += self.positions[start:end].tolist()
        return found


class BandIndex:
    def __init__(self) -> None:
        self._stores: weakref.WeakKeyDictionary[Pool, _Filed] = weakref.WeakKeyDictionary()

    def _current(self, conn: Connection) -> tuple[_Filed, dict]:
        """The store's rows, read up to date at the transaction's first look-up, and the transaction's own."""
        store = store_of(conn)
        filed = self._stores.get(store)
        if filed is None:
            filed = self._stores[store] = _Filed()
        own = tx_entries(conn, self, create=False)
        if own is None:
            lock_chain(conn)
            filed.add_rows(repo.lsh_bands_after(conn, filed.seq))
            own = tx_entries(conn, self, create=True)
            if own is None:  # pragma: no cover - the reads above opened a transaction
                raise RuntimeError("the band index is read and written inside a transaction only")
        return filed, own

    def candidates(self, conn: Connection, keys: bytes, limit: int = LIMIT) -> set[str]:
        """Documents sharing a band key with ``keys``: at most ``limit``, those sharing the most bands (then
        the most recently filed)."""
        filed, own = self._current(conn)
        query = as_keys(keys)
        shared = Counter(filed.matches(query))
        base = len(filed.ids)  # this transaction's documents after the others: the newest
        pending: _Postings | None = own.get(_OWN)
        if pending is not None:
            shared.update(base + p for p in pending.find(query.tolist()))
        newest: list[str] = own.get(_FILED, [])

        def name(position: int) -> str:
            return newest[position - base] if position >= base else filed.ids[position]

        if len(shared) <= limit:
            return {name(p) for p in shared}
        # Ranked by (shared bands, order filed), largest first.
        ranked = sorted(((n, p) for p, n in shared.items()), reverse=True)
        return {name(p) for _, p in ranked[:limit]}

    def file(self, conn: Connection, document_id: str, keys: bytes) -> None:
        """Append a document's band keys, unless it is filed already."""
        filed, own = self._current(conn)
        newest = own.setdefault(_FILED, [])
        if document_id in filed.known or document_id in newest:
            return
        repo.file_lsh_bands(conn, document_id, keys)
        own.setdefault(_OWN, _Postings()).add(as_keys(keys).tolist(), len(newest))
        newest.append(document_id)

    def committed(self, store: Pool, entries: dict) -> None:
        """Nothing to do: the next transaction reads the committed rows back with any other process's."""


INDEX = BandIndex()
