"""Attaching and detaching media evidence from the incident page and the REST API: reviewers only, CSRF
like every form, each change a review row and custody entries (``docket.web.evidence``)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select
from webkit import TestClient, csrf_of

from docket import custody
from docket.media.ingest import ingest_media
from docket.media.link import Target
from docket.media.record import add_links
from docket.review import actions
from docket.store import Store
from docket.store import media as repo
from docket.store.register import list_incidents
from docket.store.schema import claims
from docket.web import create_app


def _photo(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    small = Image.fromarray(rng.integers(0, 256, size=(24, 32, 3), dtype=np.uint8))
    small.resize((640, 480), Image.Resampling.BICUBIC).save(path, quality=90)
    return path


@pytest.fixture
def media(store: Store, tmp_path: Path) -> dict[str, dict]:
    """Two photos in the store, linked to nothing."""
    folder = tmp_path / "loose"
    folder.mkdir()
    paths = [_photo(folder / "yard.jpg", 1), _photo(folder / "gate.jpg", 2)]
    outcomes = ingest_media(store, paths, actor="tester")
    assert [o.status for o in outcomes] == ["added", "added"]
    with store.read() as conn:
        return {r["name"]: r for r in repo.list_media(conn)}


@pytest.fixture
def incident_id(store: Store) -> str:
    with store.read() as conn:
        return list_incidents(conn)[0]["id"]


def _links(store: Store, media_id: str) -> list[tuple[str, str, str]]:
    with store.read() as conn:
        return [(x["target_type"], x["target_id"], x["relation"]) for x in repo.links_of(conn, media_id)]


def test_an_analyst_attaches_and_detaches_media_on_the_incident_page(store, as_role, media, incident_id):
    yard = media["yard.jpg"]
    client = as_role("analyst")
    page = client.get(f"/incidents/{incident_id}").text
    assert f'action="/incidents/{incident_id}/media"' in page and "Media (0)" in page
    response = client.post(f"/incidents/{incident_id}/media", data={
        "csrf_token": csrf_of(page), "media": yard["sha256"][:12].upper(), "note": "the same yard"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("?done=attach-media#media")
    page = client.get(response.headers["location"]).text
    assert "Media attached" in page and "Media (1)" in page and f"sha256 {yard['sha256']}" in page
    assert f'action="/incidents/{incident_id}/media/{yard["id"]}/detach"' in page
    assert _links(store, yard["id"]) == [("incident", incident_id, "reviewer")]
    with store.read() as conn:
        [review] = [h for h in actions.history(conn, incident_id) if h["action"] == "attach-media"]
        last = list(custody.entries(conn))[-2:]
    assert (review["actor"], review["after"]["sha256"], review["note"]) == ("analyst", yard["sha256"], "the same yard")
    assert [(e.action, e.object_id, e.actor) for e in last] == [
        ("link", yard["id"], "analyst"), ("attach-media", incident_id, "analyst")]

    again = client.post(f"/incidents/{incident_id}/media", data={"csrf_token": csrf_of(page), "media": yard["id"]})
    assert again.status_code == 400 and "already" in again.text
    for ref, says in (("", "name the media"), ("ab", "at least 4"), ("ffffffffffff", "no media ffffffffffff")):
        bad = client.post(f"/incidents/{incident_id}/media", data={"csrf_token": csrf_of(page), "media": ref})
        assert bad.status_code == 400 and says in bad.text, ref
    assert client.post(f"/incidents/{incident_id}/media", data={"media": yard["id"]}).status_code == 403  # no CSRF

    detach = client.post(f"/incidents/{incident_id}/media/{yard['id']}/detach",
                         data={"csrf_token": csrf_of(page), "note": "wrong yard"}, follow_redirects=False)
    assert detach.status_code == 303 and "done=detach-media" in detach.headers["location"]
    page = client.get(f"/incidents/{incident_id}").text
    assert "Media (0)" in page and _links(store, yard["id"]) == []
    with store.read() as conn:
        [review] = [h for h in actions.history(conn, incident_id) if h["action"] == "detach-media"]
    assert (review["before"]["media_id"], review["before"]["attached_by"], review["note"]) == (yard["id"], "analyst",
                                                                                               "wrong yard")
    twice = client.post(f"/incidents/{incident_id}/media/{yard['id']}/detach", data={"csrf_token": csrf_of(page)})
    assert twice.status_code == 400 and "not attached" in twice.text
    assert custody.verify(store) == []


def test_a_viewer_sees_no_form_and_is_refused(store, as_role, media, incident_id):
    with store.write() as conn:
        actions.attach_media(conn, incident_id, media["gate.jpg"]["id"], "analyst")
    viewer = as_role("viewer")
    page = viewer.get(f"/incidents/{incident_id}").text
    assert "gate.jpg" in page and "Media (1)" in page  # a viewer sees the evidence ...
    assert "/media\"" not in page and "/detach" not in page and "Attach media" not in page  # ... and no forms
    csrf = csrf_of(viewer.get("/incidents").text)
    assert viewer.post(f"/incidents/{incident_id}/media", data={"csrf_token": csrf, "media": media["yard.jpg"]["id"]}
                       ).status_code == 403
    assert viewer.post(f"/incidents/{incident_id}/media/{media['gate.jpg']['id']}/detach",
                       data={"csrf_token": csrf}).status_code == 403
    assert _links(store, media["yard.jpg"]["id"]) == []
    assert _links(store, media["gate.jpg"]["id"]) == [("incident", incident_id, "reviewer")]


def test_the_api_attaches_lists_and_detaches(store, app, token_for, media, incident_id):
    api = TestClient(app, headers={"Authorization": f"Bearer {token_for('analyst')}"})
    yard = media["yard.jpg"]
    made = api.post(f"/api/incidents/{incident_id}/media", json={"media": yard["sha256"], "note": "from the API"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["action"], body["field"], body["media_id"], body["actor"]) == ("attach-media", "media", yard["id"], "analyst")
    shown = api.get(f"/api/incidents/{incident_id}").json()["media"]
    assert [(m["id"], m["relation"], m["sha256"]) for m in shown] == [(yard["id"], "reviewer", yard["sha256"])]
    assert api.post(f"/api/incidents/{incident_id}/media", json={"media": yard["id"]}).status_code == 400  # already
    assert api.post(f"/api/incidents/{incident_id}/media", json={"note": "x"}).status_code == 400
    assert api.post(f"/api/incidents/{incident_id}/media", json={"media": 5}).status_code == 400
    assert api.post("/api/incidents/inc_nonexistent/media", json={"media": yard["id"]}).status_code == 404
    assert api.post(f"/api/incidents/{incident_id}/media/med_nonexistent/detach").status_code == 404

    gone = api.post(f"/api/incidents/{incident_id}/media/{yard['id']}/detach", json={"note": "mistake"})
    assert gone.status_code == 200 and gone.json()["action"] == "detach-media"
    assert api.get(f"/api/incidents/{incident_id}").json()["media"] == []
    again = api.post(f"/api/incidents/{incident_id}/media/{yard['id']}/detach")
    assert again.status_code == 400 and "not attached" in again.json()["error"]
    history = api.get(f"/api/incidents/{incident_id}/history").json()["items"]
    assert [h["action"] for h in history][-2:] == ["attach-media", "detach-media"]

    viewer = TestClient(app, headers={"Authorization": f"Bearer {token_for('viewer')}"})
    assert viewer.post(f"/api/incidents/{incident_id}/media", json={"media": yard["id"]}).status_code == 403
    assert TestClient(app).post(f"/api/incidents/{incident_id}/media", json={"media": yard["id"]}).status_code == 401
    assert custody.verify(store) == []


def test_links_found_through_documents_cannot_be_detached(store, media, incident_id):
    gate = media["gate.jpg"]
    with store.read() as conn:
        doc_id = conn.execute(select(claims.c.document_id).where(claims.c.incident_id == incident_id)).scalars().first()
    with store.write() as conn:
        add_links(conn, gate["id"], [Target("document", doc_id, "folder")], "ingest", actions.now())
    with store.write() as conn, pytest.raises(actions.ReviewError, match="not attached"):
        actions.detach_media(conn, incident_id, gate["id"], "analyst")
    assert _links(store, gate["id"]) == [("document", doc_id, "folder")]


def test_the_public_site_has_no_media_routes_and_no_media(store, media, incident_id):
    with store.write() as conn:
        actions.attach_media(conn, incident_id, media["gate.jpg"]["id"], "analyst")
        actions.set_status(conn, incident_id, "confirm", "analyst")
    public = TestClient(create_app(store, public=True))
    assert public.post(f"/incidents/{incident_id}/media", data={"media": media["yard.jpg"]["id"]}).status_code == 404
    assert public.post(f"/api/incidents/{incident_id}/media", json={"media": media["yard.jpg"]["id"]}).status_code == 404
    assert public.post(f"/api/incidents/{incident_id}/media/{media['gate.jpg']['id']}/detach").status_code == 404
    body = public.get(f"/api/incidents/{incident_id}").json()
    assert body["status"] == "verified" and "media" not in body
    page = public.get(f"/incidents/{incident_id}").text
    assert "gate.jpg" not in page and not re.search(r"Media \(\d+\)", page)
    assert _links(store, media["yard.jpg"]["id"]) == []
