"""People named in reports: one canonical entity each, and shared participants as linking evidence."""

from __future__ import annotations

from linkkit import add_document, make_claim, make_engine, place
from sqlalchemy import func, select

from docket.link import link_document
from docket.link.entities import resolve_entity
from docket.store.schema import entities


def test_a_named_person_gets_one_entity_whatever_the_script(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        first = resolve_entity(conn, "Denis Kuzmenkov", "person")
        assert resolve_entity(conn, "Денис Кузьменков", "person") == first
        assert resolve_entity(conn, "Kuzmenkov", "person") == first
        assert conn.execute(select(entities.c.kind).where(entities.c.id == first)).scalar_one() == "person"


def test_linking_registers_participants_as_entities(tmp_path):
    engine = make_engine(tmp_path)
    colony = place("Penal colony No. 6 (IK-6)", 56.6, 47.9, "Republic of Mari El", precision="facility")
    with engine.begin() as conn:
        a = add_document(conn, "a.txt", "report a")
        link_document(conn, a, [make_claim(a, ["torture"], "2022-09", [colony], people=["Денис Кузьменков"])])
        b = add_document(conn, "b.txt", "report b")
        link_document(conn, b, [make_claim(b, ["torture"], "2022-09", [colony], people=["Denis Kuzmenkov"])])
        named = conn.execute(
            select(func.count()).select_from(entities)
            .where(entities.c.name.in_(["Денис Кузьменков", "Denis Kuzmenkov"]))
        ).scalar_one()
    assert named == 1
