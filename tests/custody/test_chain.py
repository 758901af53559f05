"""Many appends in one transaction (``custody.Chain``) make the same chain as one append at a time."""

from __future__ import annotations

from sqlalchemy import select

from docket import custody
from docket.store import Store
from docket.store.schema import store_meta


def _head(store: Store) -> str:
    with store.read() as conn:
        return conn.execute(select(store_meta.c.value).where(store_meta.c.key == custody.HEAD_KEY)).scalar_one()


def test_chain_appends_link_to_each_other_and_to_single_appends(tmp_path):
    store = Store.open(tmp_path / "data")
    with store.write() as conn:
        custody.append(conn, actor="t", action=custody.EXPORT, object_type="export", object_id="x", payload_hash="1" * 64)
    with store.write() as conn:
        chain = custody.Chain(conn)
        made = [
            chain.append(actor="t", action=custody.EXPORT, object_type="export", object_id=f"e{i}", payload_hash=str(i) * 64)
            for i in range(2, 5)
        ]
        chain.flush()
        chain.flush()  # nothing left to write
    with store.write() as conn:
        last = custody.append(conn, actor="t", action=custody.EXPORT, object_type="export", object_id="y", payload_hash="5" * 64)
    with store.read() as conn:
        entries = list(custody.entries(conn))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert [e.entry_hash for e in entries[1:4]] == [e.entry_hash for e in made]
    assert _head(store) == f"5:{last.entry_hash}"
    assert custody.verify(store) == []


def test_a_chain_never_flushed_writes_nothing(tmp_path):
    store = Store.open(tmp_path / "data")
    with store.write() as conn:
        custody.Chain(conn).append(actor="t", action=custody.EXPORT, object_type="export", object_id="x", payload_hash="1" * 64)
    with store.read() as conn:
        assert list(custody.entries(conn)) == []
