"""Near-copies: MinHash over normalised word shingles, LSH bands stored so lookup is an indexed query.

A document is a copy of another when their shingle sets overlap strongly, either as a whole (Jaccard)
or when one is mostly contained in the other (a Telegram post quoted inside an article with its own
boilerplate). The similarity kept in ``syndication`` is the larger of the two.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from datasketch import MinHash
from sqlalchemy import Connection

from docket.store import incidents as repo

SHINGLE = 4  # words per shingle
NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs above ~0.4 Jaccard meet in some band with high probability
ROWS = NUM_PERM // BANDS
COPY_JACCARD = 0.5
COPY_CONTAINMENT = 0.7
MIN_SHINGLES = 8  # too short to call anything a copy of it

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def signature(shingle_set: set[str]) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    for s in shingle_set:
        mh.update(s.encode("utf-8"))
    return mh


def bands(mh: MinHash) -> list[tuple[int, str]]:
    """(band, bucket) pairs: each bucket a short hash of that band's rows of the signature."""
    values = mh.hashvalues
    out = []
    for b in range(BANDS):
        chunk = values[b * ROWS : (b + 1) * ROWS].tobytes()
        out.append((b, hashlib.blake2b(chunk, digest_size=8).hexdigest()))
    return out


def overlap(a: set[str], b: set[str]) -> float:
    """max(Jaccard, containment of the smaller set), the similarity recorded for a pair."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    jaccard = inter / len(a | b)
    containment = inter / min(len(a), len(b))
    return max(jaccard, containment if containment >= COPY_CONTAINMENT else 0.0)


def is_copy(a: set[str], b: set[str]) -> bool:
    if min(len(a), len(b)) < MIN_SHINGLES:
        return False
    inter = len(a & b)
    return inter / len(a | b) >= COPY_JACCARD or inter / min(len(a), len(b)) >= COPY_CONTAINMENT


@dataclass(frozen=True, slots=True)
class Copy:
    document_id: str
    similarity: float


def index_document(conn: Connection, document_id: str, text: str) -> list[Copy]:
    """File a document's LSH bands, find its near-copies among earlier documents and record them."""
    own = shingles(text)
    if len(own) < MIN_SHINGLES:
        return []
    own_bands = bands(signature(own))
    candidates = repo.lsh_candidates(conn, own_bands) - {document_id}
    found: list[Copy] = []
    for other_id, other_text in repo.document_texts(conn, candidates).items():
        other = shingles(other_text)
        if is_copy(own, other):
            sim = round(overlap(own, other), 4)
            repo.add_syndication(conn, document_id, other_id, sim)
            found.append(Copy(other_id, sim))
    repo.add_lsh_bands(conn, document_id, own_bands)
    return sorted(found, key=lambda c: -c.similarity)
