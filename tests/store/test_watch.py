"""Remembered rows (store/watch.py): read from memory only in write transactions on SQLite, and only while
no other connection has committed since."""

from __future__ import annotations

import pytest

from docket.store import Store
from docket.store import incidents as repo
from docket.store.driver import execute
from docket.store.watch import trusted


def _incident(incident_id: str) -> dict:
    return {"id": incident_id, "types": ["detention"], "status": "reported", "machine": {"types": ["detention"]}}


def _poke(conn, incident_id: str) -> None:
    """Change a row behind the memo's back (not through the repository), on the caller's connection."""
    execute(conn, "UPDATE incidents SET updated_at = 'poked' WHERE id = ?", (incident_id,))


def test_heads_are_remembered_only_in_sqlite_write_transactions(tmp_path):
    store = Store.open(tmp_path / "d")
    sqlite = store.engine.dialect.name == "sqlite"
    with store.write() as conn:
        written = repo.insert_incident(conn, _incident("inc_a"))
        assert trusted(conn) is sqlite
    with store.write() as conn:
        _poke(conn, "inc_a")  # the same connection: SQLite's data_version does not see it
        (head,) = repo.incident_heads(conn, ["inc_a"])
        assert head["updated_at"] == (written if sqlite else "poked")
    with store.read() as conn:
        assert not trusted(conn)
        assert repo.incident_heads(conn, ["inc_a"])[0]["updated_at"] == "poked"
    store.close()


def test_a_commit_through_another_connection_empties_the_memo(tmp_path):
    """Two stores on one database, as two processes: a reviewer's lock is seen by the other at once."""
    one = Store.open(tmp_path / "d")
    other = Store.open(tmp_path / "d")
    with one.write() as conn:
        repo.insert_incident(conn, _incident("inc_a"))
    with one.write() as conn:
        assert repo.incident_heads(conn, ["inc_a"])[0]["locked"] is False
    with other.write() as conn:
        stamp = repo.update_incident(conn, {"id": "inc_a", "locked": True, "overrides": {"status": "verified"}})
    with one.write() as conn:
        (head,) = repo.incident_heads(conn, ["inc_a"])
        assert (head["locked"], head["overrides"], head["updated_at"]) == (True, {"status": "verified"}, stamp)
    one.close()
    other.close()


def test_writes_through_the_repository_keep_the_memo_right(tmp_path):
    store = Store.open(tmp_path / "d")
    with store.write() as conn:
        repo.insert_incident(conn, _incident("inc_a") | {"overrides": {"count": 3}})
        repo.insert_incident(conn, _incident("inc_b"))
    with store.write() as conn:
        assert {h["id"] for h in repo.incident_heads(conn, ["inc_a", "inc_b", "inc_c"])} == {"inc_a", "inc_b"}
        stamp = repo.update_incident(conn, {"id": "inc_a", "status": "corroborated"})
        repo.save_incident(conn, {"id": "inc_b", "locked": True})
        repo.delete_incident(conn, "inc_b")
    with store.write() as conn:
        assert repo.incident_heads(conn, ["inc_a", "inc_b"]) == [
            {"id": "inc_a", "updated_at": stamp, "locked": False, "overrides": {"count": 3}}
        ]
        heads = repo.incident_heads(conn, ["inc_a"])
        heads[0]["locked"] = True  # the caller's copy, not the memo's
        assert repo.incident_heads(conn, ["inc_a"])[0]["locked"] is False
    store.close()


def test_a_rolled_back_transaction_leaves_nothing_remembered(tmp_path):
    store = Store.open(tmp_path / "d")
    with store.write() as conn:
        first = repo.insert_incident(conn, _incident("inc_a"))
    with pytest.raises(RuntimeError), store.write() as conn:
        repo.update_incident(conn, {"id": "inc_a", "locked": True})
        assert repo.incident_heads(conn, ["inc_a"])[0]["locked"] is True
        raise RuntimeError("abandon the transaction")
    with store.write() as conn:
        (head,) = repo.incident_heads(conn, ["inc_a"])
        assert (head["locked"], head["updated_at"]) == (False, first)
    store.close()
