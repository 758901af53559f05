"""Incremental linking gives what recomputing from every member gives, and its memos never go stale."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from datetime import date

import pytest
from linkkit import COPY, OTHER, STORY, add_document, make_claim, make_engine, place
from sqlalchemy import create_engine, select

from docket.link import link_document, profile, refresh, unmerge
from docket.link.corroboration import OriginGroups, independent_origins
from docket.link.entities import person_key
from docket.link.places import facility_keys
from docket.model import Claim, Count, PartialDate, Place
from docket.store.dialect import WRITE_OPTION
from docket.store.schema import entities, incident_keys, incidents, merges

# Plain transactions, and write transactions as the store opens them: where rows may be remembered
# (store/watch.py), so what another connection changed must empty the memo.
MODES = pytest.mark.parametrize("write", [False, True], ids=["plain", "write"])


def _mode(engine, write: bool):
    return engine.execution_options(**{WRITE_OPTION: True}) if write else engine

PLACES = [
    place("Penal colony No. 6 (IK-6), Yoshkar-Ola", 56.63, 47.89, "Republic of Mari El", precision="facility"),
    place("Yoshkar-Ola", 56.63, 47.89, "Republic of Mari El"),
    place("Zaitseve", 48.36, 38.02, "Donetsk Oblast", country="UA"),
    Place("Mari El", "region", "RU", "Republic of Mari El"),
    Place("Russia", "country", "RU"),
]
DATES = ["2022-09", "2022-09-14", "2022-09-15", "2022", "2022-10", None]
OUTLETS = ["Gulagu.net", "Meduza", "Astra", None]
ORIGINS = ["Vladimir Osechkin", "Osechkin", "Current Time", "the ministry", None]


# -- the machine profile: the reference is the member-by-member definition ---------------------------------


def _ranked(values: list[str]) -> list[str]:
    counts = Counter(values)
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return sorted(counts, key=lambda v: (-counts[v], first[v]))


def _reference_build(members: list[Claim], published_hi: list[date]) -> dict:
    """``profile.build`` written out over the whole member list."""
    dates = [c.date for c in members if c.date]
    chosen = profile.best_date(dates)
    win = profile.window(dates)
    counts = [c.count.to_json() for c in members if c.count]
    top = _ranked([str(c["value"]) for c in counts])
    return {
        "types": _ranked([t for c in members for t in c.types]),
        "date": chosen.to_json() if chosen else None,
        "window": [win[0].isoformat(), win[1].isoformat()] if win else None,
        "places": [p.to_json() | {"facility_kind": p.facility_kind} for p in profile.merge_places(members)],
        "count": next(c for c in counts if str(c["value"]) == top[0]) if counts else None,
        "counts": counts,
        "victims": _ranked([v for c in members for v in c.victims]),
        "perpetrators": _ranked([v for c in members for v in c.perpetrators]),
        "facilities": sorted(set().union(*(facility_keys(c.places, c.facilities) for c in members))),
        "people": sorted({person_key(p) for c in members for p in c.people} - {""}),
        "documents": sorted({c.document_id for c in members}),
        "published_hi": min(published_hi).isoformat() if published_hi else None,
    }


def _random_claim(rng: random.Random, n: int) -> Claim:
    when = rng.choice(DATES)
    precision = {1: "year", 2: "month", 3: "day"}[len(when.split("-"))] if when else "unknown"
    return Claim(
        id=f"c{n}",
        document_id=f"d{rng.randrange(6)}",
        types=rng.sample(["detention", "torture", "recruitment"], rng.choice([1, 1, 2])),
        date=PartialDate.from_json({"start": when, "precision": precision, "inferred": rng.random() < 0.2}),
        places=rng.sample(PLACES, rng.choice([0, 1, 1, 2])),
        count=Count(rng.choice([12, 12, 15, 200]), rng.choice(["exact", "approx"])) if rng.random() < 0.6 else None,
        victims=rng.sample(["prisoners", "mobilized", "civilians"], rng.choice([0, 1, 2])),
        perpetrators=rng.sample(["prison_staff", "military_command"], rng.choice([0, 1])),
        people=rng.sample(["Vladimir Osechkin", "Иван Петров", ""], rng.choice([0, 1])),
    )


def test_aggregate_after_each_member_equals_the_whole_member_list():
    rng = random.Random(7)
    for trial in range(60):
        agg = profile.Aggregate()
        members: list[Claim] = []
        published: list[date] = []
        for n in range(rng.randrange(1, 14)):
            claim = _random_claim(rng, n)
            hi = date(2022, rng.randrange(9, 13), rng.randrange(1, 29)) if rng.random() < 0.8 else None
            members.append(claim)
            published += [hi] if hi else []
            agg.add(claim, hi)
            assert agg.machine() == _reference_build(members, published), (trial, n)
            assert profile.build(members, published) == agg.machine()


def test_origin_groups_equal_independent_origins():
    rng = random.Random(11)
    keys_pool = ["e:ent_a", "e:ent_b", "e:ent_c", None]
    for _ in range(200):
        docs = [f"d{i}" for i in range(rng.randrange(1, 8))]
        members, keys = [], {}
        for n in range(rng.randrange(1, 12)):
            doc = rng.choice(docs)
            members.append({"id": f"c{n}", "document_id": doc, "via": []})
            keys[f"c{n}"] = rng.choice(keys_pool) or "d:" + doc
        pairs = [(a, b, 0.9) for a, b in itertools.combinations(sorted(docs), 2) if rng.random() < 0.3]
        labels = {k: k.upper() for k in set(keys.values())}
        expected = independent_origins(members, keys, pairs, labels)

        groups = OriginGroups()
        for m in members:
            copies = [b if a == m["document_id"] else a for a, b, _ in pairs if m["document_id"] in (a, b)]
            groups.add(m["id"], m["document_id"], keys[m["id"]], copies)
        assert sorted(labels[k] for k in groups.origin_keys()) == [o.label for o in expected]


# -- the register: incremental refreshes against full ones ------------------------------------------------


def _incident_rows(conn) -> dict[str, dict]:
    out = {}
    for row in conn.execute(select(incidents)).mappings():
        r = dict(row)
        r.pop("updated_at")
        keys = conn.execute(select(incident_keys.c.key).where(incident_keys.c.incident_id == r["id"]))
        r["keys"] = sorted(keys.scalars())
        out[r["id"]] = r
    return out


def _link_corpus(conn, rng: random.Random, n: int) -> None:
    texts = [STORY, COPY, OTHER, ""]
    for i in range(n):
        doc = add_document(
            conn, f"{i}.txt", rng.choice(texts), published=f"2022-12-{rng.randrange(1, 28):02d}",
            outlet=rng.choice(OUTLETS),
        )  # fmt: skip
        made = []
        for _ in range(rng.choice([1, 1, 2])):
            when = rng.choice(["2022-09", "2022-09-14", "2022", None])
            made.append(
                make_claim(
                    doc, rng.sample(["detention", "torture"], 1), when, [rng.choice(PLACES[:3])],
                    count=(rng.choice([150, 160, 12]), "approx"), origin=rng.choice(ORIGINS),
                    victims=["prisoners"],
                )
            )  # fmt: skip
        link_document(conn, doc, made)


def test_incremental_refreshes_equal_full_refreshes(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        _link_corpus(conn, random.Random(3), 40)
        linked = _incident_rows(conn)
        assert any(len(json.loads(r["machine"])["documents"]) > 3 for r in linked.values())
        assert any(r["status"] == "corroborated" for r in linked.values())
        for incident_id in linked:
            refresh(conn, incident_id)
        assert _incident_rows(conn) == linked


@MODES
def test_a_rolled_back_link_leaves_nothing_remembered(tmp_path, write):
    """Seeds, entities and incident aggregates made in a rolled-back transaction are not taken as
    stored afterwards."""
    engine = _mode(make_engine(tmp_path), write)
    ik6 = PLACES[0]

    def report(conn, name: str, origin: str) -> None:
        doc = add_document(conn, name, published="2022-12-01", outlet="A Brand New Outlet")
        link_document(conn, doc, [make_claim(doc, ["recruitment"], "2022-09", [ik6], count=(150, "approx"),
                                             origin=origin)])  # fmt: skip

    with engine.connect() as conn:
        tx = conn.begin()
        report(conn, "0.txt", "Nobody Yet Known")  # seeds the entity tables too
        tx.rollback()
    with engine.begin() as conn:
        assert conn.execute(select(entities.c.id)).first() is None
        report(conn, "1.txt", "Vladimir Osechkin")
    with engine.connect() as conn:
        tx = conn.begin()
        report(conn, "2.txt", "Nobody Yet Known")
        tx.rollback()
    with engine.begin() as conn:
        report(conn, "3.txt", "Nobody Yet Known")
        (row,) = _incident_rows(conn).values()
        machine = json.loads(row["machine"])
        assert len(machine["documents"]) == 2
        assert machine["origins"] == ["Gulagu.net", "Nobody Yet Known"]  # Osechkin speaks for Gulagu.net
        stored = set(conn.execute(select(entities.c.name)).scalars())
        assert {"Nobody Yet Known", "A Brand New Outlet", "Vladimir Osechkin"} <= stored
        refresh(conn, row["id"])
        assert _incident_rows(conn) == {row["id"]: row}


@MODES
def test_changes_made_through_another_connection_are_seen(tmp_path, write):
    """Two engines on one store, as two processes: each sees the incidents the other changed."""
    one = _mode(make_engine(tmp_path), write)
    other = _mode(create_engine(one.url), write)
    rng = random.Random(9)
    for step in range(12):
        with (one if step % 3 else other).begin() as conn:
            _link_corpus(conn, rng, 2)
    with one.begin() as conn:
        linked = _incident_rows(conn)
        for incident_id in linked:
            refresh(conn, incident_id)
        assert _incident_rows(conn) == linked


@MODES
def test_an_unmerge_through_another_connection_is_seen(tmp_path, write):
    """The incident keeps its member count (one claim left, another joined) but not its members."""
    one = _mode(make_engine(tmp_path), write)
    other = _mode(create_engine(one.url), write)
    ik6 = PLACES[0]

    def report(conn, name: str, count: int, outlet: str) -> None:
        doc = add_document(conn, name, published="2022-12-01", outlet=outlet)
        link_document(conn, doc, [make_claim(doc, ["recruitment"], "2022-09", [ik6], count=(count, "approx"))])

    with one.begin() as conn:
        report(conn, "a.txt", 150, "Meduza")
        report(conn, "b.txt", 165, "Astra")
        merge_id = conn.execute(select(merges.c.id)).scalar_one()
    with other.begin() as conn:
        unmerge(conn, merge_id)
        report(conn, "c.txt", 150, "Current Time")
    with one.begin() as conn:
        report(conn, "d.txt", 150, "Gulagu.net")
        linked = _incident_rows(conn)
        biggest = max(linked.values(), key=lambda r: len(json.loads(r["machine"])["documents"]))
        assert json.loads(biggest["origins"]) == ["Current Time", "Gulagu.net", "Meduza"]
        for incident_id in linked:
            refresh(conn, incident_id)
        assert _incident_rows(conn) == linked


@MODES
def test_an_incident_locked_through_another_connection_takes_no_new_claims(tmp_path, write):
    """A reviewer (another process) locks an incident this process has just linked into: the next report
    of the same happening starts an incident of its own."""
    one = _mode(make_engine(tmp_path), write)
    other = _mode(create_engine(one.url), write)
    ik6 = PLACES[0]

    def report(conn, name: str) -> list[str]:
        doc = add_document(conn, name, published="2022-12-01", outlet="Meduza")
        return link_document(conn, doc, [make_claim(doc, ["recruitment"], "2022-09", [ik6], count=(150, "approx"))])

    with one.begin() as conn:
        (first,) = report(conn, "a.txt")
    with one.begin() as conn:
        assert report(conn, "b.txt") == [first]
    with other.begin() as conn:
        conn.execute(incidents.update().where(incidents.c.id == first).values(locked=True, updated_at="reviewed"))
    with one.begin() as conn:
        (second,) = report(conn, "c.txt")
    assert second != first
