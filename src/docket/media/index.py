"""Near-duplicate search over many 256-bit hashes: multi-index hashing (Norouzi et al.) in numpy.

Each hash is cut into 16 chunks of 16 bits. Two hashes within Hamming distance ``r`` agree to within
``r // 16`` bits on at least one chunk (pigeonhole: were every chunk ``r // 16 + 1`` or more bits apart, the
whole would be more than ``r`` apart). So a query looks up, in each chunk's table, the buckets of its chunk
value and of every value within ``r // 16`` bits of it (1, 17 or 137 buckets for r < 16, 32, 48), and only the
hashes found there are compared whole, by XOR and popcount. A table is a counting sort of the rows by
their chunk value: ``order`` lists row numbers bucket by bucket and ``starts`` says where each bucket begins.

Rows added after the tables were built wait in a small pending block searched by a plain scan, and are
folded into the tables when the block grows. A query whose buckets hold more rows than a scan would read
(hashes far from uniform) is answered by the scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

CHUNKS = 16
BUCKETS = 1 << 16
MAX_RADIUS = 47  # chunk radius 2 at most: 137 buckets per chunk
PENDING_LIMIT = 4096
SCAN_CELLS = 1 << 21  # query × row pairs compared at once by a scan


def _probe_masks(chunk_radius: int) -> np.ndarray:
    masks = [0]
    for k in range(1, chunk_radius + 1):
        for bits in combinations(range(16), k):
            masks.append(sum(1 << b for b in bits))
    return np.array(masks, dtype=np.uint16)


_PROBES = {m: _probe_masks(m) for m in range(3)}


@dataclass
class Hits:
    """Pairs (query row, index row) within the radius, with their distance; in no particular order."""

    query: np.ndarray  # int64
    row: np.ndarray  # int64
    distance: np.ndarray  # int32


class HashIndex:
    """Rows of 4 × uint64 (a 256-bit hash each); ``search`` finds rows near query hashes."""

    def __init__(self, words: np.ndarray | None = None) -> None:
        self._words = np.empty((0, 4), dtype=np.uint64)
        self._built = 0  # rows covered by the tables; the rest are pending
        self._starts = np.zeros((CHUNKS, BUCKETS + 1), dtype=np.int64)
        self._order = np.empty((CHUNKS, 0), dtype=np.int32)
        self._parts: list[np.ndarray] = []
        if words is not None and len(words):
            self._words = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1, 4)
            self._build()

    def __len__(self) -> int:
        return len(self._words) + sum(len(p) for p in self._parts)

    @property
    def words(self) -> np.ndarray:
        self._gather()
        return self._words

    def add(self, words: np.ndarray, *, build: bool = True) -> None:
        """Append rows (their row numbers continue from ``len(self)``). ``build=False`` leaves them pending
        however many there are (loading many: call ``build`` once at the end)."""
        words = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1, 4)
        if len(words):
            self._parts.append(words)
        if build and len(self) - self._built > PENDING_LIMIT:
            self._gather()
            self._build()

    def _gather(self) -> None:
        if self._parts:
            self._words = np.concatenate([self._words, *self._parts])
            self._parts = []

    def _build(self) -> None:
        n = len(self._words)
        chunks = self._words.view(np.uint16).reshape(n, CHUNKS)
        self._order = np.empty((CHUNKS, n), dtype=np.int32)
        self._starts = np.zeros((CHUNKS, BUCKETS + 1), dtype=np.int64)
        for c in range(CHUNKS):
            col = chunks[:, c]
            self._order[c] = np.argsort(col, kind="stable")
            np.cumsum(np.bincount(col, minlength=BUCKETS), out=self._starts[c, 1:])
        self._built = n

    def search(self, queries: np.ndarray, radius: int) -> Hits:
        """Every (query, row) pair within Hamming distance ``radius`` (at most ``MAX_RADIUS``)."""
        if not 0 <= radius <= MAX_RADIUS:
            raise ValueError(f"radius {radius}: 0..{MAX_RADIUS}")
        self._gather()
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, 4)
        found = [self._search_tables(queries, radius)]
        if self._built < len(self._words):
            found.append(self._scan(queries, radius, self._built, len(self._words)))
        return Hits(*(np.concatenate([h[i] for h in found]) for i in range(3)))

    def _search_tables(self, queries: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, q = self._built, len(queries)
        if n == 0 or q == 0:
            return _empty()
        probes = _PROBES[radius // 16]
        values = queries.view(np.uint16).reshape(q, CHUNKS)[:, :, None] ^ probes[None, None, :]  # (q, 16, p)
        chunk = np.arange(CHUNKS)[None, :, None]
        lo = self._starts[chunk, values]
        hi = self._starts[chunk, values.astype(np.int64) + 1]
        sizes = hi - lo
        per_query = sizes.reshape(q, -1).sum(axis=1)
        heavy = per_query > n // 2  # a scan reads fewer rows than these buckets hold
        out = []
        if heavy.any():
            for i in np.flatnonzero(heavy):
                qi, rows, dist = self._scan(queries[i : i + 1], radius, 0, n)
                out.append((qi + i, rows, dist))
            sizes = sizes * ~heavy[:, None, None]
        flat = sizes.reshape(-1)
        keep = np.flatnonzero(flat)
        if len(keep):
            lengths = flat[keep]
            begin = (lo + (np.arange(CHUNKS) * n)[None, :, None]).reshape(-1)[keep]
            owner = np.repeat(keep // (CHUNKS * len(probes)), lengths)
            total = int(lengths.sum())
            shift = np.repeat(begin - (np.cumsum(lengths) - lengths), lengths)
            rows = self._order.reshape(-1)[shift + np.arange(total)]
            dist = np.bitwise_count(self._words[rows] ^ queries[owner]).sum(axis=1, dtype=np.int32)
            near = np.flatnonzero(dist <= radius)
            # A row found through several chunks is listed once.
            pair, first = np.unique(owner[near] * n + rows[near], return_index=True)
            out.append((pair // n, pair % n, dist[near][first]))
        return _concat(out)

    def _scan(self, queries: np.ndarray, radius: int, start: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Compare queries with rows [start, end) one by one, a block of queries at a time."""
        block = self._words[start:end]
        if not len(block):
            return _empty()
        step = max(1, SCAN_CELLS // len(block))
        out = []
        for i in range(0, len(queries), step):
            part = queries[i : i + step]
            dist = np.bitwise_count(block[None, :, :] ^ part[:, None, :]).sum(axis=2, dtype=np.int32)
            qi, rows = np.nonzero(dist <= radius)
            out.append((qi.astype(np.int64) + i, rows.astype(np.int64) + start, dist[qi, rows]))
        return _concat(out)

    def build(self) -> None:
        """Fold the pending rows into the tables now (after loading many rows, before searching)."""
        self._gather()
        if self._built < len(self._words):
            self._build()


def _empty() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32)


def _concat(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not parts:
        return _empty()
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]
