"""`docket serve --public`: a read-only site of verified incidents: no login, no review routes, no write
API, no reviewer notes or history, nothing protected; a testimony only as its redacted text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from webkit import PASSWORD, TestClient, login

from dbkit import private_copy
from docket.pipeline import ingest_paths
from docket.protect.records import protected_document_ids
from docket.review import actions
from docket.store import Store
from docket.store.register import list_incidents
from docket.store.schema import claims, custody, documents
from docket.web import create_app
from witnesskit import leaks, use_new_key, write_testimonies

NOTE = "Reviewer's private note: confirmed by phone with a relative"


@pytest.fixture
def store(built_store, tmp_path, new_database, monkeypatch) -> Iterator[Store]:
    """The web tests' store with the protected testimonies; two incidents confirmed, one of them a testimony's."""
    use_new_key(monkeypatch, tmp_path)
    s = private_copy(built_store, tmp_path, new_database, monkeypatch)
    write_testimonies(tmp_path / "in")
    ingest_paths(s, [tmp_path / "in"], actor="ingest")
    with s.write() as conn:
        testimony = conn.execute(select(claims.c.incident_id).join(documents, documents.c.id == claims.c.document_id)
                                 .where(documents.c.name == "testimony-ik6.txt")).scalar()
        other = next(i["id"] for i in list_incidents(conn) if i["id"] != testimony)
        for iid in (testimony, other):
            actions.set_status(conn, iid, "confirm", "analyst", NOTE)
    yield s
    s.close()


@pytest.fixture
def public(store: Store) -> TestClient:
    return TestClient(create_app(store, public=True))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'href="/incidents/(inc_[0-9a-f]+)"', html))


def _verified(store: Store) -> tuple[set[str], set[str]]:
    with store.read() as conn:
        incs = list_incidents(conn)
    return {i["id"] for i in incs if i["status"] == "verified"}, {i["id"] for i in incs if i["status"] != "verified"}


def test_only_verified_incidents_are_listed_shown_exported_and_searched(store, public):
    verified, others = _verified(store)
    assert len(verified) == 2 and others
    page = public.get("/incidents?per_page=200")
    assert page.status_code == 200 and _ids(page.text) == verified and "Log in" not in page.text
    assert int(re.search(r'<span class="total">(\d+)</span>', page.text).group(1)) == 2
    assert public.get("/incidents?status=reported").text.count('class="total">2<') == 1  # the filter cannot widen it
    assert {i["id"] for i in public.get("/api/incidents?per_page=200").json()["items"]} == verified
    for iid in others:
        assert public.get(f"/incidents/{iid}").status_code == 404
        assert public.get(f"/api/incidents/{iid}").status_code == 404
    jsonl = public.get("/export?format=jsonl").text
    assert {line.split('"id": "')[1].split('"')[0] for line in jsonl.splitlines()} == verified
    assert {i["id"] for i in public.get("/api/search?q=Kopeysk").json()["items"]} <= verified
    features = public.get("/map/incidents.geojson").json()["features"]
    assert {f["properties"]["id"] for f in features} <= verified


def test_no_reviewer_notes_history_custody_or_protected_fields(store, public):
    verified, _ = _verified(store)
    for iid in verified:
        page = public.get(f"/incidents/{iid}")
        assert page.status_code == 200 and NOTE not in page.text and "History of changes" not in page.text
        assert "analyst" not in page.text and leaks(page.content) == []
        body = public.get(f"/api/incidents/{iid}").json()
        assert "history" not in body and "merges" not in body and NOTE not in str(body)
    for url in ("/export?format=csv", "/api/export?format=jsonl", "/timeline", "/map"):
        response = public.get(url)
        assert response.status_code == 200 and NOTE not in response.text and leaks(response.content) == [], url


def test_a_protected_testimony_shows_only_redacted_and_its_original_never(store, public):
    with store.read() as conn:
        doc_id, sha = conn.execute(select(documents.c.id, documents.c.blob_sha256)
                                   .where(documents.c.name == "testimony-ik6.txt")).one()
        assert doc_id in protected_document_ids(conn)
        unverified_doc = conn.execute(select(documents.c.id).where(documents.c.name == "testimony-zaporizhzhia.md")).scalar()
    page = public.get(f"/documents/{doc_id}")
    assert page.status_code == 200 and "[protected]" in page.text and "withheld" in page.text
    assert leaks(page.content) == [] and f"/originals/{sha}" not in page.text and "Chain of custody" not in page.text
    assert public.get(f"/originals/{sha}").status_code == 404
    assert public.get(f"/documents/{unverified_doc}").status_code == 404


def test_no_login_no_review_no_write_api_and_sessions_are_ignored(store, public):
    verified, others = _verified(store)
    iid = next(iter(verified))
    for url in ("/login", "/admin/users", "/documents", "/entities", "/api/documents", "/api/me", "/api/openapi.json",
                "/api", f"/api/incidents/{iid}/history", "/testimonies/new"):
        assert public.get(url).status_code == 404, url
    for url, code in ((f"/incidents/{iid}/status", 404), (f"/api/incidents/{iid}/review", 404), ("/api/incidents", 405),
                      (f"/incidents/{iid}", 405), ("/login", 404), ("/testimonies", 404), ("/merges/1/undo", 404)):
        assert public.post(url, data={"action": "reject"}).status_code == code, url
    # An analyst's session from the private site means nothing here.
    private = login(TestClient(create_app(store)), "analyst")
    public.cookies.set("docket_session", private.cookies.get("docket_session"))
    hidden = next(iter(others))
    assert public.get(f"/incidents/{hidden}").status_code == 404
    token_client = TestClient(create_app(store, public=True), headers={"Authorization": "Bearer dkt_anything"})
    assert token_client.get("/api/incidents").status_code == 200
    with store.read() as conn:
        assert actions.history(conn, iid)[-1]["action"] == "confirm"  # nothing was changed
    assert PASSWORD not in public.get("/incidents").text


def test_the_public_site_writes_nothing_not_even_a_custody_entry_for_an_export(store, public):
    with store.read() as conn:
        before = conn.execute(select(func.count()).select_from(custody)).scalar()
    assert public.get("/export?format=jsonl").status_code == 200
    assert public.get("/api/export?format=csv").status_code == 200
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(custody)).scalar() == before
