"""Incident resolution, corroboration, unmerge, reviewer locks, incremental cost."""

from __future__ import annotations

import json

from linkkit import COPY, STORY, add_document, make_claim, make_engine, place
from sqlalchemy import func, select

from docket.link import explain_corroboration, incident_sources, link_document, refresh, unmerge
from docket.store.schema import claims, incidents, merges

IK6 = place(
    "Penal colony No. 6 (IK-6), Yoshkar-Ola", 56.63, 47.89, "Republic of Mari El", precision="facility"
)
YOLA = place("Yoshkar-Ola", 56.63, 47.89, "Republic of Mari El")
ZAITSEVE = place("Zaitseve", 48.36, 38.02, "Donetsk Oblast", country="UA")
ZAITSEVE_RU = place("Зайцево", 48.36, 38.02, "Donetsk Oblast", country="UA")


def _incident_of(conn, claim_id: str) -> str:
    return conn.execute(select(claims.c.incident_id).where(claims.c.id == claim_id)).scalar_one()


def test_one_happening_in_two_languages_merges(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        en = add_document(conn, "en.txt", published="2022-11-15")
        a = make_claim(
            en,
            ["detention", "refusal_to_serve"],
            "2022-10",
            [ZAITSEVE],
            count=(250, "approx"),
            victims=["mobilized"],
            perpetrators=["military_command"],
            origin="Current Time",
        )
        link_document(conn, en, [a])
        ru = add_document(conn, "ru.txt", published="2022-11-16")
        b = make_claim(
            ru,
            ["detention"],
            "2022-10",
            [ZAITSEVE_RU],
            count=(300, "approx"),
            victims=["mobilized"],
            perpetrators=["military_command"],
            origin="Астра",
        )
        touched = link_document(conn, ru, [b])
        assert touched == [_incident_of(conn, a.id)] == [_incident_of(conn, b.id)]
        row = conn.execute(select(incidents).where(incidents.c.id == touched[0])).mappings().one()
        assert row["status"] == "corroborated"
        counts = sorted(s["count"]["value"] for s in incident_sources(conn, touched[0]))
        assert counts == [250, 300]


def test_same_place_different_months_and_different_facilities_stay_apart(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        d1 = add_document(conn, "1.txt", published="2022-12-01")
        a = make_claim(d1, ["recruitment"], "2022-09", [IK6, YOLA], count=(150, "approx"))
        link_document(conn, d1, [a])
        d2 = add_document(conn, "2.txt", published="2022-12-02")
        later = make_claim(d2, ["recruitment"], "2022-11", [IK6, YOLA], count=(150, "approx"))
        other = make_claim(
            d2,
            ["recruitment"],
            "2022-09",
            [place("Colony No. 4 (IK-4)", 56.6, 47.9, "Republic of Mari El", precision="facility")],
            count=(150, "approx"),
        )
        link_document(conn, d2, [later, other])
        assert len({_incident_of(conn, c.id) for c in (a, later, other)}) == 3


def test_claims_of_one_document_never_merge(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        d1 = add_document(conn, "1.txt", published="2022-12-01")
        x = make_claim(d1, ["recruitment"], "2022-09", [IK6], count=(150, "approx"))
        y = make_claim(d1, ["recruitment"], "2022-09", [IK6], count=(150, "approx"))
        link_document(conn, d1, [x, y])
        assert _incident_of(conn, x.id) != _incident_of(conn, y.id)


def test_syndicated_copies_count_as_one_origin(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        first = add_document(conn, "tg.json", STORY, published="2022-11-15")
        a = make_claim(first, ["detention"], "2022-10", [ZAITSEVE], count=(250, "approx"))
        link_document(conn, first, [a])
        copy = add_document(conn, "copy.html", COPY, published="2022-11-16")
        b = make_claim(copy, ["detention"], "2022-10", [ZAITSEVE], count=(250, "approx"))
        link_document(conn, copy, [b])
        incident_id = _incident_of(conn, a.id)
        assert _incident_of(conn, b.id) == incident_id
        explained = explain_corroboration(conn, incident_id)
        assert explained["independent_origins"] == 1
        assert sorted(explained["origins"][0]["copies_collapsed"][0]["documents"]) == ["copy.html", "tg.json"]
        assert conn.execute(select(incidents.c.status)).scalar_one() == "reported"

        third = add_document(conn, "agora.txt", "An unrelated statement by lawyers.", published="2022-11-20")
        c = make_claim(third, ["detention"], "2022-10", [ZAITSEVE], count=(250, "approx"), origin="Agora")
        link_document(conn, third, [c])
        assert explain_corroboration(conn, incident_id)["independent_origins"] == 2
        assert conn.execute(select(incidents.c.status)).scalar_one() == "corroborated"


def test_same_origin_entity_in_two_spellings_counts_once(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        for i, origin in enumerate(["Gulagu.net", "Гулагу.нет", "Vladimir Osechkin"]):
            doc = add_document(conn, f"{i}.txt", published="2021-10-08")
            link_document(conn, doc, [make_claim(doc, ["torture"], "2021-05", [IK6], origin=origin)])
        (incident_id,) = conn.execute(select(incidents.c.id)).scalars().all()
        explained = explain_corroboration(conn, incident_id)
        assert explained["independent_origins"] == 1
        assert explained["origins"][0]["origin"] == "Gulagu.net"


def test_unmerge_splits_and_is_not_redone(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        d1 = add_document(conn, "1.txt", published="2022-12-01")
        a = make_claim(d1, ["recruitment"], "2022-09", [IK6], count=(150, "approx"))
        link_document(conn, d1, [a])
        d2 = add_document(conn, "2.txt", published="2022-12-02")
        b = make_claim(d2, ["recruitment"], "2022-09", [IK6], count=(150, "approx"))
        link_document(conn, d2, [b])
        assert _incident_of(conn, a.id) == _incident_of(conn, b.id)
        merge_id = conn.execute(select(merges.c.id)).scalar_one()
        touched = unmerge(conn, merge_id)
        assert _incident_of(conn, a.id) != _incident_of(conn, b.id)
        assert set(touched) == {_incident_of(conn, a.id), _incident_of(conn, b.id)}
        assert conn.execute(select(merges.c.undone)).scalar_one()
        assert unmerge(conn, merge_id) == []
        d3 = add_document(conn, "3.txt", published="2022-12-03")
        link_document(conn, d3, [make_claim(d3, ["torture"], "2020-01", [YOLA])])
        assert _incident_of(conn, a.id) != _incident_of(conn, b.id)


def test_reviewer_lock_and_overrides_are_respected(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        d1 = add_document(conn, "1.txt", published="2022-12-01")
        a = make_claim(d1, ["recruitment"], "2022-09", [IK6], count=(150, "approx"))
        (incident_id,) = link_document(conn, d1, [a])
        conn.execute(
            incidents.update()
            .where(incidents.c.id == incident_id)
            .values(
                locked=True,
                overrides=json.dumps({"status": "verified", "types": ["recruitment", "rights_denial"]}),
            )
        )
        d2 = add_document(conn, "2.txt", published="2022-12-02")
        b = make_claim(d2, ["recruitment"], "2022-09", [IK6], count=(150, "approx"))
        link_document(conn, d2, [b])
        assert _incident_of(conn, b.id) != incident_id
        assert (
            conn.execute(
                select(func.count()).select_from(claims).where(claims.c.incident_id == incident_id)
            ).scalar_one()
            == 1
        )

        conn.execute(incidents.update().where(incidents.c.id == incident_id).values(locked=False))
        b_incident = _incident_of(conn, b.id)
        conn.execute(
            claims.delete().where(claims.c.id == b.id)
        )  # leave the unlocked incident the only candidate
        refresh(conn, b_incident)
        d3 = add_document(conn, "3.txt", published="2022-12-03")
        c = make_claim(d3, ["recruitment"], "2022-09", [IK6], count=(150, "approx"))
        link_document(conn, d3, [c])
        assert _incident_of(conn, c.id) == incident_id
        row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().one()
        assert row["status"] == "verified"
        assert json.loads(row["types"]) == ["recruitment", "rights_denial"]
        assert json.loads(row["machine"])["types"] == ["recruitment"]


def test_incremental_add_touches_only_candidates(tmp_path):
    engine = make_engine(tmp_path)
    with engine.begin() as conn:
        for i in range(30):
            doc = add_document(conn, f"{i}.txt", published="2022-12-01")
            link_document(
                conn,
                doc,
                [
                    make_claim(
                        doc,
                        ["torture"],
                        f"2021-{i % 12 + 1:02d}",
                        [place(f"Town {i}", 50 + i, 40, f"Region {i}")],
                    )
                ],
            )
        before = {r.id: r.updated_at for r in conn.execute(select(incidents.c.id, incidents.c.updated_at))}
        doc = add_document(conn, "new.txt", published="2022-12-02")
        touched = link_document(
            conn, doc, [make_claim(doc, ["torture"], "2021-03", [place("Town 2", 52, 40, "Region 2")])]
        )
        after = {r.id: r.updated_at for r in conn.execute(select(incidents.c.id, incidents.c.updated_at))}
        changed = {k for k in before if before[k] != after[k]}
        assert len(touched) == 1 and changed == set(touched)
        assert len(after) == 30
