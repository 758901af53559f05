"""The near-copy search's band index stays in step with the ``lsh_bands`` table: a transaction's own
filings, rollbacks, other processes' filings, and a new process reading a large register."""

from __future__ import annotations

import random

import numpy as np
from linkkit import make_engine
from sqlalchemy import func, select

from docket.link import band_index
from docket.link.band_index import INDEX
from docket.store.schema import lsh_bands


def _keys(*values: int) -> bytes:
    return np.array(values, dtype="<u8").tobytes()


def test_a_transaction_sees_its_own_filings_and_a_rollback_forgets_them(tmp_path):
    engine = make_engine(tmp_path)
    with engine.connect() as conn:
        with conn.begin():
            INDEX.file(conn, "doc_a", _keys(1, 2, 3))
        tx = conn.begin()
        INDEX.file(conn, "doc_b", _keys(3, 4, 5))
        assert INDEX.candidates(conn, _keys(3)) == {"doc_a", "doc_b"}
        tx.rollback()
        with conn.begin():
            assert INDEX.candidates(conn, _keys(3)) == {"doc_a"}
            assert INDEX.candidates(conn, _keys(4, 5)) == set()
            INDEX.file(conn, "doc_b", _keys(4, 6))  # filed again after the rollback, with other keys
        with conn.begin():
            assert INDEX.candidates(conn, _keys(4)) == {"doc_b"}
            assert INDEX.candidates(conn, _keys(5)) == set()
    engine.dispose()


def test_what_another_process_filed_is_read_at_the_next_transaction_and_not_filed_twice(tmp_path):
    first, second = make_engine(tmp_path), make_engine(tmp_path)  # two engines: two memos, as two processes
    with first.begin() as conn:
        INDEX.file(conn, "doc_a", _keys(1, 2))
        assert INDEX.candidates(conn, _keys(2)) == {"doc_a"}
    with second.begin() as conn:
        assert INDEX.candidates(conn, _keys(2)) == {"doc_a"}
        INDEX.file(conn, "doc_b", _keys(2, 3))
    with first.begin() as conn:
        assert INDEX.candidates(conn, _keys(2, 3)) == {"doc_a", "doc_b"}
        INDEX.file(conn, "doc_b", _keys(9))  # filed already, by the other process
        assert conn.execute(select(func.count()).where(lsh_bands.c.document_id == "doc_b")).scalar() == 1
    first.dispose()
    second.dispose()


def test_over_the_limit_those_sharing_most_bands_are_kept_then_the_newest(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        INDEX.file(conn, "doc_one", _keys(1))
        INDEX.file(conn, "doc_two", _keys(1, 2))
        INDEX.file(conn, "doc_newer_one", _keys(1, 9))
    with engine.begin() as conn:
        INDEX.file(conn, "doc_own", _keys(1, 2, 3))  # this transaction's: the newest of all
        assert INDEX.candidates(conn, _keys(1, 2, 3)) == {"doc_one", "doc_two", "doc_newer_one", "doc_own"}
        assert INDEX.candidates(conn, _keys(1, 2, 3), limit=2) == {"doc_own", "doc_two"}
        assert INDEX.candidates(conn, _keys(1), limit=2) == {"doc_own", "doc_newer_one"}
        assert INDEX.candidates(conn, _keys(1, 9), limit=1) == {"doc_newer_one"}  # 2 shared, not the newest
    engine.dispose()


def test_a_new_process_reading_a_large_register_ranks_as_the_one_that_filed_it(tmp_path, monkeypatch):
    monkeypatch.setattr(band_index, "MERGE_AT", 64)  # the filing process merges its recent keys often
    rng = random.Random(5)
    docs = {f"doc_{i:04d}": rng.sample(range(300), 4) for i in range(1_500)}
    filing = make_engine(tmp_path)
    names = list(docs)
    for start in range(0, len(names), 100):  # a transaction at a time: each read back in small steps
        with filing.begin() as conn:
            for doc_id in names[start : start + 100]:
                INDEX.file(conn, doc_id, _keys(*docs[doc_id]))
    queries = [rng.sample(range(300), 3) for _ in range(30)]
    with filing.begin() as conn:
        found = [INDEX.candidates(conn, _keys(*q), limit=10) for q in queries]
    reading = make_engine(tmp_path)  # reads all 1,500 rows at once
    with reading.begin() as conn:
        assert [INDEX.candidates(conn, _keys(*q), limit=10) for q in queries] == found
    for query, got in zip(queries, found, strict=True):
        ranked = sorted(((len(set(query) & set(k)), i) for i, k in enumerate(docs.values())), reverse=True)
        assert got == {names[i] for shared, i in ranked[:10] if shared}
    filing.dispose()
    reading.dispose()
