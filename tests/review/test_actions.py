"""Review actions on a real store: records, custody, machine values beside human ones, later ingests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docket import custody
from docket.pipeline import ingest_paths
from docket.review import actions
from docket.review.actions import ReviewError
from docket.store.register import get_incident, list_incidents, sources_of
from docket.store.schema import custody as custody_table
from docket.store.schema import reviews

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reports"


def _custody_count(conn) -> int:
    return conn.execute(select(func.count()).select_from(custody_table)).scalar()


def _multi_claim_incident(store) -> str:
    with store.read() as conn:
        sources = sources_of(conn)
    return next(iid for iid, pairs in sources.items() if len(pairs) >= 2)


def test_confirm_records_who_when_before_after_and_custody(store):
    with store.read() as conn:
        inc = list_incidents(conn)[0]
        before_chain = _custody_count(conn)
    with store.write() as conn:
        record = actions.confirm(conn, inc["id"], "alice", note="two witnesses")
    with store.read() as conn:
        now = get_incident(conn, inc["id"])
        row = conn.execute(select(reviews).where(reviews.c.id == record["id"])).one()
        last = list(custody.entries(conn))[-1]
        assert _custody_count(conn) == before_chain + 1
    assert now["status"] == "verified" and now["overrides"]["status"] == "verified"
    assert (row.actor, row.action, row.field, json.loads(row.before), json.loads(row.after), row.note) == (
        "alice", "confirm", "status", inc["status"], "verified", "two witnesses")
    assert (last.actor, last.action, last.object_type, last.object_id) == ("alice", "confirm", "incident", inc["id"])
    assert last.payload_hash == custody.json_hash({k: v for k, v in record.items()})
    assert custody.verify(store) == []


@pytest.mark.parametrize("action,status", [("dispute", "disputed"), ("reject", "rejected")])
def test_dispute_and_reject(store, action, status):
    with store.read() as conn:
        iid = list_incidents(conn)[0]["id"]
    with store.write() as conn:
        actions.set_status(conn, iid, action, "bob")
    with store.read() as conn:
        assert get_incident(conn, iid)["status"] == status


def test_edit_keeps_the_machine_value_beside_the_reviewer_value(store):
    with store.read() as conn:
        iid = list_incidents(conn)[0]["id"]
    with store.write() as conn:
        machine_types = actions._incident(conn, iid)["machine"]["types"]
        actions.edit_field(conn, iid, "types", ["torture", "detention"], "alice")
        actions.edit_field(conn, iid, "count", {"value": 12, "qualifier": "at_least"}, "alice")
        actions.edit_field(conn, iid, "date", {"start": "2022-10", "precision": "month"}, "alice")
    with store.read() as conn:
        row = actions._incident(conn, iid)
        shown = get_incident(conn, iid)
    assert shown["types"] == ["torture", "detention"] and row["machine"]["types"] == machine_types
    assert shown["count"] == {"value": 12, "qualifier": "at_least"}
    assert shown["date"] == {"start": "2022-10", "end": None, "precision": "month"}
    with store.write() as conn:
        actions.revert_field(conn, iid, "types", "alice")
    with store.read() as conn:
        assert get_incident(conn, iid)["types"] == machine_types
        assert [h["action"] for h in actions.history(conn, iid)] == ["edit", "edit", "edit", "revert"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("types", ["not_a_type"]),
        ("types", []),
        ("count", {"value": -1}),
        ("count", {"value": "ten"}),
        ("date", {"start": "2022-13-01", "precision": "day"}),
        ("date", {"start": "2022-10-05", "end": "2022-10-01", "precision": "day"}),
        ("places", [{"name": "X", "lat": 200}]),
        ("status", "verified"),
    ],
)
def test_invalid_edits_change_nothing(store, field, value):
    with store.read() as conn:
        iid = list_incidents(conn)[0]["id"]
        before = get_incident(conn, iid)
        chain = _custody_count(conn)
    with pytest.raises(ReviewError), store.write() as conn:
        actions.edit_field(conn, iid, field, value, "alice")
    with store.read() as conn:
        assert get_incident(conn, iid) == before and _custody_count(conn) == chain


def test_a_later_ingest_never_overwrites_a_review(store, tmp_path: Path):
    iid = _multi_claim_incident(store)
    with store.read() as conn:
        pairs = sources_of(conn, [iid])[iid]
    doc = pairs[0][1]
    with store.write() as conn:
        actions.confirm(conn, iid, "alice")
        actions.edit_field(conn, iid, "victims", ["relatives"], "alice")
    # A repost of one of its documents, with a header of its own: a near-copy whose claims join the incident.
    original = next(p for p in EXAMPLES.iterdir() if p.name == doc["name"])
    repost = tmp_path / "repost" / ("repost-" + original.name)
    repost.parent.mkdir()
    repost.write_text("REPOST from a partner channel, 3 days later\n\n" + original.read_text("utf-8"), "utf-8")
    ingest_paths(store, [repost], actor="ingest")
    with store.read() as conn:
        shown = get_incident(conn, iid)
        row = actions._incident(conn, iid)
        names = {d["name"] for _, d in sources_of(conn, [iid])[iid]}
    assert repost.name in names, "the repost joined the reviewed incident"
    assert shown["status"] == "verified" and shown["victims"] == ["relatives"]
    assert row["machine"]["victims"] != ["relatives"] or row["machine"]["status"] != "verified"
    assert custody.verify(store) == []


def test_merge_locks_and_unmerge_restores(store, tmp_path: Path):
    with store.read() as conn:
        a, b = (i["id"] for i in list_incidents(conn)[:2])
        claims_b = {c["id"] for c, _ in sources_of(conn, [b])[b]}
    with store.write() as conn:
        record = actions.merge(conn, a, b, "alice", note="same event")
    with store.read() as conn:
        assert get_incident(conn, b) is None
        merged = get_incident(conn, a)
        assert merged["locked"] and claims_b <= {c["id"] for c, _ in sources_of(conn, [a])[a]}
        assert [h["action"] for h in actions.history(conn, b)] == ["merged-into"]
    with store.write() as conn:
        undo = actions.unmerge(conn, record["merge_id"], "alice")
    with store.read() as conn:
        restored = undo["restored_id"]
        assert {c["id"] for c, _ in sources_of(conn, [restored])[restored]} == claims_b
        assert not claims_b & {c["id"] for c, _ in sources_of(conn, [a])[a]}
    with pytest.raises(ReviewError), store.write() as conn:
        actions.unmerge(conn, record["merge_id"], "alice")
    assert custody.verify(store) == []


def test_merge_of_an_incident_into_itself_or_unknown_is_refused(store):
    with store.read() as conn:
        a = list_incidents(conn)[0]["id"]
    for other in (a, "inc_nope"):
        with pytest.raises(ReviewError), store.write() as conn:
            actions.merge(conn, a, other, "alice")


def test_a_locked_incident_takes_no_new_claims(store, tmp_path: Path):
    iid = _multi_claim_incident(store)
    with store.read() as conn:
        pairs = sources_of(conn, [iid])[iid]
    with store.write() as conn:
        actions.split(conn, iid, [pairs[0][0]["id"]], "alice")  # both halves locked now
    with store.read() as conn:
        before = {c["id"] for c, _ in sources_of(conn, [iid])[iid]}
    doc = pairs[-1][1]
    original = next(p for p in EXAMPLES.iterdir() if p.name == doc["name"])
    repost = tmp_path / "repost" / ("repost-" + original.name)
    repost.parent.mkdir()
    repost.write_text("REPOST\n\n" + original.read_text("utf-8"), "utf-8")
    ingest_paths(store, [repost], actor="ingest")
    with store.read() as conn:
        assert {c["id"] for c, _ in sources_of(conn, [iid])[iid]} == before


def test_split_moves_the_chosen_claims_to_a_new_incident(store):
    iid = _multi_claim_incident(store)
    with store.read() as conn:
        members = [c["id"] for c, _ in sources_of(conn, [iid])[iid]]
    with store.write() as conn:
        record = actions.split(conn, iid, [members[0]], "alice", note="two events")
    new_id = record["new_id"]
    with store.read() as conn:
        left = {c["id"] for c, _ in sources_of(conn, [iid])[iid]}
        new = {c["id"] for c, _ in sources_of(conn, [new_id])[new_id]}
        assert new == {members[0]} and left == set(members[1:])
        assert get_incident(conn, new_id)["locked"] and get_incident(conn, iid)["locked"]
        assert [h["action"] for h in actions.history(conn, new_id)] == ["split-from"]
    for bad in ([], members, ["clm_nope"]):
        with pytest.raises(ReviewError), store.write() as conn:
            actions.split(conn, iid if bad is not members else iid, bad, "alice")


def test_notes(store):
    with store.read() as conn:
        iid = list_incidents(conn)[0]["id"]
    with store.write() as conn:
        actions.add_note(conn, iid, "alice", "Call the lawyer back.")
    with pytest.raises(ReviewError), store.write() as conn:
        actions.add_note(conn, iid, "alice", "   ")
    with store.read() as conn:
        assert [(h["action"], h["note"]) for h in actions.history(conn, iid)] == [("note", "Call the lawyer back.")]
