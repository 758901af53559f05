"""Plain SQL on the driver (store/driver.py): same transaction, same errors, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from docket.store import Store
from docket.store import incidents as repo
from docket.store.driver import fetch
from docket.store.schema import claims


def _incident(incident_id: str) -> dict:
    return {"id": incident_id, "types": ["detention"], "status": "reported", "machine": {"types": ["detention"]}}


def test_statements_run_in_the_callers_transaction_and_roll_back_with_it(tmp_path):
    store = Store.open(tmp_path / "d")
    with pytest.raises(RuntimeError), store.write() as conn:
        repo.insert_incident(conn, _incident("inc_a"))
        assert repo.incident_heads(conn, ["inc_a"])[0]["locked"] is False
        raise RuntimeError("abandon the transaction")
    with store.read() as conn:
        assert repo.incident_heads(conn, ["inc_a"]) == []
    with store.write() as conn:
        repo.insert_incident(conn, _incident("inc_a"))
        repo.set_incident_keys(conn, "inc_a", ["t|detention|2024-05", "c|RU"])
    with store.read() as conn:
        assert repo.incidents_by_keys(conn, ["c|RU", "t|other"]) == {"inc_a"}
        assert repo.incident_machines(conn, ["inc_a", "inc_b"]) == {"inc_a": {"types": ["detention"]}}
    store.close()


def test_a_driver_error_is_sqlalchemys_and_names_the_statement(tmp_path):
    store = Store.open(tmp_path / "d")
    with store.write() as conn:
        conn.execute(claims.delete())
        assert fetch(conn, "SELECT count(*) FROM claims WHERE id = ?", ("c1",)) == [(0,)]
    with pytest.raises(IntegrityError, match="INSERT INTO claims"), store.write() as conn:
        repo.insert_claim(conn, "c1", "no such document", "{}", "inc_a")  # the document must exist
    with store.read() as conn:
        assert conn.execute(select(claims)).all() == []
    store.close()


def test_an_update_names_only_the_incidents_columns(tmp_path):
    store = Store.open(tmp_path / "d")
    with store.write() as conn:
        repo.insert_incident(conn, _incident("inc_a"))
        with pytest.raises(ValueError, match="no column 'status = 1; --'"):
            repo.update_incident(conn, {"id": "inc_a", "status = 1; --": "x"})
        repo.update_incident(conn, {"id": "inc_a", "status": "corroborated"})
        assert repo.get_incident(conn, "inc_a")["status"] == "corroborated"
    store.close()


def test_a_capped_key_lookup_keeps_the_incidents_of_the_first_keys_on_both_engines(tmp_path):
    store = Store.open(tmp_path / "d")
    with store.write() as conn:
        for n in range(6):
            repo.insert_incident(conn, _incident(f"inc_{n}"))
        repo.set_incident_keys(conn, "inc_5", ["k|a"])
        repo.set_incident_keys(conn, "inc_0", ["k|b", "k|c"])
        repo.set_incident_keys(conn, "inc_3", ["k|b"])
        repo.set_incident_keys(conn, "inc_1", ["k|c"])
        repo.set_incident_keys(conn, "inc_4", ["k|z"])
    with store.read() as conn:
        assert repo.incidents_by_keys(conn, ["k|c", "k|b", "k|a", "k|z"], limit=3) == {"inc_5", "inc_0", "inc_3"}
        assert repo.incidents_by_keys(conn, ["k|c", "k|z"], limit=2) == {"inc_0", "inc_1"}
        assert repo.incidents_by_keys(conn, ["k|c", "k|b", "k|a", "k|z"]) == {"inc_0", "inc_1", "inc_3", "inc_4", "inc_5"}
    store.close()
