"""Register queries (docket.store.register) that must agree on both engines."""

from __future__ import annotations

from docket.store import Store
from docket.store.register import IncidentFilter, list_incidents
from docket.store.schema import incidents


def test_date_bounds_by_prefix(tmp_path):
    store = Store.open(tmp_path / "data")
    dates = {"inc_a": "2022-09-30", "inc_b": "2022-10", "inc_c": "2022-10-31", "inc_d": "2022-11-01", "inc_e": None}
    with store.write() as conn:
        conn.execute(
            incidents.insert(),
            [
                {"id": i, "types": '["detention"]', "date_start": d, "status": "reported", "locked": False,
                 "created_at": "t", "updated_at": "t"}
                for i, d in dates.items()
            ],
        )
    with store.read() as conn:
        # "until 2022-10" includes every day of October, and the month itself.
        assert [i["id"] for i in list_incidents(conn, IncidentFilter(until="2022-10"))] == ["inc_a", "inc_b", "inc_c"]
        assert [i["id"] for i in list_incidents(conn, IncidentFilter(since="2022-10"))] == ["inc_b", "inc_c", "inc_d"]
        # Undated incidents come last.
        assert [i["id"] for i in list_incidents(conn)][-1] == "inc_e"
