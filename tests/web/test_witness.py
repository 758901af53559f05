"""Witness protection in the web application, over HTTP: protected fields shown to analysts and admins
only; a viewer learns that a testimony has them, never what they are, and cannot fetch its sealed
original; exports and search never carry them; the testimony form stores a new testimony protected."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from webkit import TestClient, csrf_of

from dbkit import private_copy
from docket.pipeline import ingest_paths
from docket.protect.keys import Keyring
from docket.protect.records import protected_document_ids
from docket.store import Store
from docket.store.register import sources_of
from docket.store.schema import claims, documents
from docket.web import create_app
from witnesskit import TEXT, WITNESS, leaks, no_key, use_new_key, write_testimonies

NAME = WITNESS["witness_name"]


@pytest.fixture
def keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Keyring:
    return use_new_key(monkeypatch, tmp_path)


@pytest.fixture
def store(built_store, tmp_path, new_database, monkeypatch, keyring) -> Iterator[Store]:
    """The web tests' store (a private copy), with a key and two testimonies with protected fields."""
    s = private_copy(built_store, tmp_path, new_database, monkeypatch)
    write_testimonies(tmp_path / "in")
    report = ingest_paths(s, [tmp_path / "in"], actor="ingest")
    assert report.count("added") == 2, report.outcomes
    yield s
    s.close()


def _testimony(store: Store) -> dict[str, str]:
    with store.read() as conn:
        doc_id = next(iter(protected_document_ids(conn) & set(
            conn.execute(select(documents.c.id).where(documents.c.name == "testimony-ik6.txt")).scalars())))
        sha = conn.execute(select(documents.c.blob_sha256).where(documents.c.id == doc_id)).scalar()
        incident = conn.execute(select(claims.c.incident_id).where(claims.c.document_id == doc_id)).scalar()
    return {"doc": doc_id, "sha": sha, "incident": incident}


def test_a_viewer_learns_there_are_protected_fields_but_not_what_they_are(store, as_role):
    t = _testimony(store)
    viewer = as_role("viewer")
    page = viewer.get(f"/documents/{t['doc']}")
    assert page.status_code == 200
    assert "Protected witness fields" in page.text and "withheld for your role" in page.text
    assert "[protected]" in page.text and leaks(page.content) == []
    incident = viewer.get(f"/incidents/{t['incident']}")
    assert "protected testimony" in incident.text and leaks(incident.content) == []
    assert f'href="/originals/{t["sha"]}"' not in page.text
    assert viewer.get(f"/originals/{t['sha']}").status_code == 403
    api = viewer.get(f"/api/documents/{t['doc']}").json()
    assert api["protected"] == {"fields": sorted(WITNESS)} and leaks(str(api).encode()) == []


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analysts_and_admins_see_the_protected_fields_and_the_original(store, as_role, role):
    t = _testimony(store)
    client = as_role(role)
    page = client.get(f"/documents/{t['doc']}").text
    assert NAME in page and WITNESS["contact"] in page and "withheld" not in page
    assert client.get(f"/api/documents/{t['doc']}").json()["protected"]["values"] == WITNESS
    original = client.get(f"/originals/{t['sha']}")
    assert original.status_code == 200 and original.content == TEXT.encode("utf-8")


def test_api_tokens_follow_the_same_rule(store, app, token_for):
    t = _testimony(store)
    for role, shown in (("viewer", False), ("analyst", True)):
        client = TestClient(app, headers={"Authorization": f"Bearer {token_for(role)}"})
        body = client.get(f"/api/documents/{t['doc']}").json()
        assert ("values" in body["protected"]) is shown
        assert client.get("/api/me").json()["permissions"].count("protected") == int(shown)


def test_exports_lists_and_search_never_carry_protected_fields(store, as_role):
    analyst = as_role("analyst")
    for url in ("/export?format=jsonl", "/export?format=csv", "/api/export?format=jsonl", "/api/export?format=csv",
                "/incidents?per_page=200", "/documents", "/timeline", "/map/incidents.geojson", "/api/incidents?facets=1",
                "/incidents?q=Kopeysk", "/api/search?q=Kopeysk"):
        response = analyst.get(url)
        assert response.status_code == 200 and leaks(response.content) == [], url
    assert "testimony-ik6.txt" in analyst.get("/export?format=csv").text
    assert analyst.get("/api/search?q=Polyakova").json()["matched"] == 0
    assert analyst.get("/api/search?q=Полякова").json()["matched"] == 0


def test_the_testimony_form_stores_a_testimony_protected(store, as_role):
    viewer = as_role("viewer")
    assert viewer.get("/testimonies/new").status_code == 403
    analyst = as_role("analyst")
    form = analyst.get("/testimonies/new")
    assert form.status_code == 200 and 'name="witness_name"' in form.text
    text = ("Irina Sokolova says that her husband, a mobilized soldier, was beaten by military police and held in a "
            "basement in Ufa in October 2022 after he refused to return to the front. Sokolova was threatened.")
    response = analyst.post("/testimonies", data={
        "csrf_token": csrf_of(form.text), "title": "Testimony: Ufa", "language": "en", "published": "2022-10-20",
        "text": text, "witness_name": "Irina Sokolova", "contact": "sokolova@example.org", "relation": "wife"},
        follow_redirects=False)
    assert response.status_code == 303, response.text
    doc_url = response.headers["location"]
    assert re.fullmatch(r"/documents/doc_[0-9a-f]+\?done=testimony", doc_url)
    page = analyst.get(doc_url).text
    assert "Testimony stored" in page and "Irina Sokolova" in page and "sokolova@example.org" in page
    cleaned = page.split("Cleaned (claim spans highlighted)")[1]
    assert "Sokolova" not in cleaned and "[protected] says that her husband" in cleaned
    doc_id = doc_url.split("/")[2].split("?")[0]
    assert "Sokolova" not in viewer.get(f"/documents/{doc_id}").text
    with store.read() as conn:
        name = conn.execute(select(documents.c.name).where(documents.c.id == doc_id)).scalar()
        assert doc_id in protected_document_ids(conn)
        linked = [i for i, pairs in sources_of(conn).items() if any(d["id"] == doc_id for _, d in pairs)]
    assert name.startswith("testimony-") and "okolova" not in name and linked
    again = analyst.post("/testimonies", data={"csrf_token": csrf_of(form.text), "text": text, "witness_name": "Irina Sokolova"},
                         follow_redirects=False)
    assert again.headers["location"] == f"/documents/{doc_id}?done=testimony-again"


def test_the_form_says_so_when_no_key_is_set_up(built_store, tmp_path, new_database, monkeypatch):
    no_key(monkeypatch)
    s = private_copy(built_store, tmp_path, new_database, monkeypatch)
    from webkit import login

    client = login(TestClient(create_app(s)), "analyst")
    form = client.get("/testimonies/new")
    assert "No protection key is set up" in form.text
    response = client.post("/testimonies", data={"csrf_token": csrf_of(form.text), "text": "Some testimony text.",
                                                 "witness_name": "Irina Sokolova"})
    assert response.status_code == 400 and "docket key init" in response.text
    with s.read() as conn:
        assert protected_document_ids(conn) == set()
    s.close()
