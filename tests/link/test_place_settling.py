"""The link stage moves a homonym village to where the register's incidents cluster."""

from __future__ import annotations

import json

from linkkit import add_document, make_claim, make_engine, place
from sqlalchemy import select

from docket.extract.place_prior import candidates
from docket.link import link_document
from docket.store.schema import claims


def test_a_homonym_village_joins_the_register_cluster(tmp_path):
    engine = make_engine(tmp_path)
    petrivka = place("Petrivka", 50.3269, 35.9054, "Kharkiv Oblast", country="UA")
    options = candidates(petrivka)
    assert len(options) >= 3
    target = next(p for p in options if (p.lat, p.lon) != (petrivka.lat, petrivka.lon))
    with engine.begin() as conn:
        for n, (dlat, month) in enumerate([(0.05, "2022-05"), (-0.07, "2022-06"), (0.1, "2022-07")]):
            doc = add_document(conn, f"near-{n}.txt", f"report {n}")
            nearby = place(f"Village {n}", target.lat + dlat, target.lon + 0.04, "Kharkiv Oblast", country="UA")
            link_document(conn, doc, [make_claim(doc, ["torture"], month, [nearby])])
        doc = add_document(conn, "petrivka.txt", "report on Petrivka")
        claim = make_claim(doc, ["detention"], "2022-09", [petrivka])
        link_document(conn, doc, [claim])
        stored = json.loads(conn.execute(select(claims.c.data).where(claims.c.id == claim.id)).scalar_one())
    (settled,) = stored["places"]
    assert (settled["lat"], settled["lon"]) == (target.lat, target.lon)
    assert (settled["name"], settled["admin1"]) == ("Petrivka", "Kharkiv Oblast")


def test_an_empty_register_leaves_the_place_as_extracted(tmp_path):
    engine = make_engine(tmp_path)
    petrivka = place("Petrivka", 50.3269, 35.9054, "Kharkiv Oblast", country="UA")
    with engine.begin() as conn:
        doc = add_document(conn, "petrivka.txt", "report on Petrivka")
        claim = make_claim(doc, ["detention"], "2022-09", [petrivka])
        link_document(conn, doc, [claim])
        stored = json.loads(conn.execute(select(claims.c.data).where(claims.c.id == claim.id)).scalar_one())
    assert (stored["places"][0]["lat"], stored["places"][0]["lon"]) == (50.3269, 35.9054)
