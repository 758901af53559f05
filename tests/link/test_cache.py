"""The link stage's in-process memos."""

from __future__ import annotations

from linkkit import make_engine

from docket.link.cache import MISSING, Lru, TxMemo


def test_get_many_returns_what_is_remembered_and_keeps_it_recent(tmp_path):
    memo = Lru(3)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    engine, other = make_engine(tmp_path / "a"), make_engine(tmp_path / "b")
    with engine.connect() as conn, other.connect() as elsewhere:
        assert memo.get_many(conn, ["a"]) == {}
        for key in "abc":
            memo.put(conn, key, key.upper())
        assert memo.get_many(conn, ["a", "x", "c"]) == {"a": "A", "c": "C"}
        memo.put(conn, "d", "D")  # "b", the least recently used, goes
        assert memo.get(conn, "b") is MISSING
        assert memo.get_many(conn, "acd") == {"a": "A", "c": "C", "d": "D"}
        assert memo.get_many(elsewhere, "acd") == {}  # another store remembers nothing of this one's


def test_a_fact_is_shared_once_its_transaction_commits_and_never_after_a_rollback(tmp_path):
    memo = TxMemo()
    engine = make_engine(tmp_path)
    with engine.connect() as conn, engine.connect() as other:
        with conn.begin():
            memo.put(conn, "k", 1)
            assert memo.get(conn, "k") == 1  # its own transaction sees it at once
            assert memo.get(other, "k") is MISSING  # others only once it commits
            assert memo.get_many(conn, ["k", "x"]) == {"k": 1}
            assert memo.get_many(other, ["k", "x"]) == {}
        assert memo.get(other, "k") == 1
        trans = conn.begin()
        memo.put(conn, "gone", 2)
        trans.rollback()
        assert memo.get(conn, "gone") is MISSING
        assert memo.get(other, "gone") is MISSING
