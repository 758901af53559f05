"""Near-copies: MinHash over normalised word shingles, LSH bands looked up in an index (``band_index``).

A document is a copy of another when their shingle sets overlap strongly, either as a whole (Jaccard)
or when one is mostly contained in the other (a Telegram post quoted inside an article with its own
boilerplate). The similarity kept in ``syndication`` is the larger of the two.

Texts are compared exactly on their shingles' 64-bit hashes (``shingle_hashes``: a sorted array, about a
tenth of the memory of the shingles as strings, and intersected in numpy). The hashes of stored documents'
texts are remembered per store (a stored document's text never changes), and documents with the same text
share one array, so a document's near-copy check reads and shingles only the candidates this process has
not seen, and compares with each distinct text once.

Most LSH candidates of a large register are not copies: reports on one subject share phrases, and one shared
band of 32 is enough to be a candidate. The MinHash signature each document's bands are cut from estimates
the Jaccard similarity of a pair; a candidate whose estimate is far below the least similarity a copy of
that pair's sizes can have (``RULE_OUT_SIGMAS`` standard errors) is not compared shingle by shingle. Every
pair recorded is still verified exactly. Signatures are remembered per store for the documents this
process indexed or read, and computed again from a stored document's text when not remembered (a new
process, a resumed ingest), so whether a candidate is ruled out never depends on what a process remembers.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash
from sqlalchemy import Connection

from docket.link.band_index import INDEX
from docket.link.cache import Lru
from docket.store import incidents as repo

SHINGLE = 4  # words per shingle
NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs above ~0.4 Jaccard meet in some band with high probability
ROWS = NUM_PERM // BANDS
COPY_JACCARD = 0.5
COPY_CONTAINMENT = 0.7
MIN_SHINGLES = 8  # too short to call anything a copy of it
RULE_OUT_SIGMAS = 4.5  # a copy's estimate falls this far below its similarity about once in 300,000 pairs

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


_SEEDED = MinHash(num_perm=NUM_PERM, seed=1)  # its permutations are drawn once, not per document


def shingle_hashes(shingle_set: set[str]) -> np.ndarray:
    """The shingles' 64-bit BLAKE2b hashes, sorted and distinct. Two distinct shingles share a hash with
    probability 2**-64, so similarities computed on hashes are those of the shingles themselves."""
    joined = b"".join(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingle_set)
    return np.unique(np.frombuffer(joined, dtype=np.uint64))


def signature(shingle_set: set[str]) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=_SEEDED.permutations, scheme=_SEEDED.scheme)
    mh.update_batch([s.encode("utf-8") for s in shingle_set])
    return mh


_SALTS = [((b + 1) * 0x9E3779B97F4A7C15) % 2**64 for b in range(BANDS)]


def band_key(band: int, bucket: int) -> int:
    """A band's key: its bucket (a 64-bit hash of the band's rows of the signature) salted with the band's
    number, so that equal rows in two bands are two keys."""
    return bucket ^ _SALTS[band]


def band_keys(mh: MinHash) -> bytes:
    """The ``BANDS`` keys of a signature, 64-bit little-endian, as ``lsh_bands`` stores them."""
    values = mh.hashvalues
    keys = [
        band_key(b, int.from_bytes(hashlib.blake2b(values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest()))
        for b in range(BANDS)
    ]
    return np.array(keys, dtype="<u8").tobytes()


@dataclass(frozen=True, slots=True)
class Signature:
    """What ``surely_not_copies`` compares of a text (about 800 bytes in memory): its MinHash values
    (``NUM_PERM`` 32-bit values, as bytes) and its number of distinct shingles."""

    minhash: bytes
    size: int


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the near-copy search needs of a text: its LSH band keys, the signature they are cut from, and
    its ``shingle_hashes`` for the exact comparison."""

    band_keys: bytes
    signature: Signature
    hashes: np.ndarray


def sketch(shingle_set: set[str]) -> Sketch:
    mh = signature(shingle_set)
    signed = Signature(mh.hashvalues.astype(np.uint32).tobytes(), len(shingle_set))
    return Sketch(band_keys(mh), signed, shingle_hashes(shingle_set))


def text_sketch(text: str) -> Sketch | None:
    """The ``Sketch`` ``index_document`` uses for ``text`` (None: too short to be a copy of anything).
    A pure function of the text, so it can be computed where the text was cleaned (a Dask worker)."""
    own = shingles(text)
    return sketch(own) if len(own) >= MIN_SHINGLES else None


def surely_not_copies(a: Signature, b: Signature) -> bool:
    """True when the MinHash estimate of the pair's Jaccard similarity is ``RULE_OUT_SIGMAS`` standard
    errors below the least a copy of these sizes can have (Jaccard ``COPY_JACCARD``, or the smaller set
    ``COPY_CONTAINMENT`` inside the larger)."""
    return bool(ruled_out(a, [b])[0])


def ruled_out(own: Signature, others: list[Signature]) -> np.ndarray:
    """``surely_not_copies(own, other)`` for each of ``others``, computed for all of them at once."""
    if not others:
        return np.zeros(0, dtype=bool)
    sizes = np.array([o.size for o in others], dtype=np.float64)
    small, large = np.minimum(sizes, own.size), np.maximum(sizes, own.size)
    inside = COPY_CONTAINMENT * small
    need = np.minimum(COPY_JACCARD, inside / (small + large - inside))
    floor = need - RULE_OUT_SIGMAS * np.sqrt(need * (1 - need) / NUM_PERM)
    values = np.frombuffer(b"".join(o.minhash for o in others), np.uint32).reshape(len(others), NUM_PERM)
    agree = np.count_nonzero(values == np.frombuffer(own.minhash, np.uint32), axis=1)
    return (small < MIN_SHINGLES) | ((floor > 0) & (agree / NUM_PERM < floor))


def copy_similarity(a: np.ndarray, b: np.ndarray) -> float | None:
    """Two texts' ``shingle_hashes``: max(Jaccard, containment of the smaller set) when they are near-copies
    (Jaccard ``COPY_JACCARD`` or containment ``COPY_CONTAINMENT``), the similarity recorded for the pair;
    None when they are not."""
    return _similarity(overlaps(a, [b])[0], len(a), len(b))


def overlaps(own: np.ndarray, others: list[np.ndarray]) -> list[int]:
    """How many hashes ``own`` shares with each of ``others`` (all ``shingle_hashes`` arrays: sorted and
    distinct), found in one pass over them all."""
    if not others or not len(own):
        return [0] * len(others)
    joined = np.concatenate(others)
    at = np.minimum(np.searchsorted(own, joined), len(own) - 1)
    running = np.concatenate(([0], np.cumsum(own[at] == joined)))  # hashes found, up to each position
    lengths = np.array([len(o) for o in others])
    ends = np.cumsum(lengths)
    return (running[ends] - running[ends - lengths]).tolist()


def _similarity(inter: int, size_a: int, size_b: int) -> float | None:
    small = min(size_a, size_b)
    if small < MIN_SHINGLES:
        return None
    jaccard = inter / (size_a + size_b - inter)
    containment = inter / small
    if jaccard < COPY_JACCARD and containment < COPY_CONTAINMENT:
        return None
    return max(jaccard, containment if containment >= COPY_CONTAINMENT else 0.0)


def text_hashes(text: str) -> np.ndarray:
    return shingle_hashes(shingles(text))


@dataclass(frozen=True, slots=True)
class Copy:
    document_id: str
    similarity: float


MEMO_DOCUMENTS = 200_000  # stored documents whose text digest is remembered, per store
MEMO_TEXTS = 50_000  # distinct texts whose shingle hashes are remembered (a few KB each)
MEMO_SIGNATURES = 100_000  # indexed documents whose signature is remembered, per store
_digests = Lru(MEMO_DOCUMENTS)  # document id -> digest of its text (a stored text never changes)
_signatures = Lru(MEMO_SIGNATURES)  # document id -> its Signature (not its bands: ten times the memory)
_texts: OrderedDict[tuple[int, str], np.ndarray] = OrderedDict()  # digest -> shingle hashes, least recent first


def _digest(text: str) -> tuple[int, str]:
    return len(text), hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _remember(digest: tuple[int, str], hashes: np.ndarray) -> np.ndarray:
    """The array remembered for this text (``hashes`` unless one is already), as the most recent."""
    known = _texts.get(digest)
    if known is not None:
        _texts.move_to_end(digest)
        return known
    _texts[digest] = hashes
    while len(_texts) > MEMO_TEXTS:
        _texts.popitem(last=False)
    return hashes


def _candidate_signatures(conn: Connection, ids: set[str]) -> dict[str, Signature]:
    """Signatures of stored documents: remembered, else computed from their text (and remembered, with
    their shingle hashes)."""
    out: dict[str, Signature] = _signatures.get_many(conn, ids)
    unseen = [doc_id for doc_id in ids if doc_id not in out]
    for doc_id, text in repo.document_texts(conn, unseen).items():
        digest = _digest(text)
        _digests.put(conn, doc_id, digest)
        found = text_sketch(text)
        if found is not None:  # too short to be a copy of anything (nor filed under any band)
            _remember(digest, found.hashes)
            _signatures.put(conn, doc_id, found.signature)
            out[doc_id] = found.signature
    return out


def _candidate_hashes(conn: Connection, ids: set[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    unseen = []
    digests = _digests.get_many(conn, ids)
    for doc_id in sorted(ids):
        digest = digests.get(doc_id)
        found = None if digest is None else _texts.get(digest)
        if found is None:
            unseen.append(doc_id)
        else:
            out[doc_id] = _remember(digest, found)
    for doc_id, text in repo.document_texts(conn, unseen).items():
        digest = _digest(text)
        _digests.put(conn, doc_id, digest)
        known = _texts.get(digest)
        out[doc_id] = _remember(digest, known if known is not None else text_hashes(text))
    return dict(sorted(out.items()))


def index_document(
    conn: Connection, document_id: str, text: str, own_sketch: Sketch | None = None, new: bool = False
) -> list[Copy]:
    """File a document's LSH bands, find its near-copies among earlier documents and record them.
    ``own_sketch``: ``text_sketch(text)`` when computed already; ``new``: the document was stored just now
    (in this transaction), so nothing of it is filed yet."""
    own_sketch = own_sketch or text_sketch(text)
    if own_sketch is None:
        return []
    digest = _digest(text)
    own = _remember(digest, own_sketch.hashes)
    others = _candidate_signatures(conn, INDEX.candidates(conn, own_sketch.band_keys) - {document_id})
    out = ruled_out(own_sketch.signature, list(others.values()))
    candidates = {other_id for other_id, gone in zip(others, out, strict=True) if not gone}
    texts = _candidate_hashes(conn, candidates)
    distinct = list({id(other): other for other in texts.values()}.values())  # documents may share a text
    verdicts: dict[int, float | None] = {}  # per distinct candidate text: similarity if a copy
    for other, inter in zip(distinct, overlaps(own, distinct), strict=True):
        sim = _similarity(inter, len(own), len(other))
        verdicts[id(other)] = None if sim is None else round(sim, 4)
    found = [Copy(other_id, sim) for other_id, other in texts.items() if (sim := verdicts[id(other)]) is not None]
    repo.add_syndications(conn, document_id, [(c.document_id, c.similarity) for c in found], new)
    INDEX.file(conn, document_id, own_sketch.band_keys)
    _digests.put(conn, document_id, digest)
    _signatures.put(conn, document_id, own_sketch.signature)
    return sorted(found, key=lambda c: -c.similarity)
