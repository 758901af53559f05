"""The REST API: pagination and filters like the pages, search, review actions, exports."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from docket import custody
from docket.store.register import list_incidents, sources_of


@pytest.fixture
def api(app, token_for):
    def make(role: str) -> TestClient:
        return TestClient(app, headers={"authorization": f"Bearer {token_for(role)}"})

    return make


def test_pagination_covers_every_incident_once(store, api):
    client = api("viewer")
    with store.read() as conn:
        expected = [i["id"] for i in list_incidents(conn)]
    seen, page = [], 1
    while True:
        body = client.get(f"/api/incidents?per_page=4&page={page}").json()
        assert body["total"] == len(expected) and body["per_page"] == 4
        seen += [i["id"] for i in body["items"]]
        if page >= body["pages"]:
            break
        page += 1
    assert seen == expected


def test_filters_facets_and_search(store, api):
    client = api("viewer")
    with store.read() as conn:
        incs = list_incidents(conn)
    t = incs[0]["types"][0]
    body = client.get(f"/api/incidents?type={t}&per_page=200&facets=1").json()
    assert {i["id"] for i in body["items"]} == {i["id"] for i in incs if t in i["types"]}
    assert dict((f["value"], f["count"]) for f in body["facets"]["type"])[t] == body["total"]
    found = client.get("/api/search?q=мобилизованный&per_page=200").json()
    assert found["total"] >= 1 and found["matched"] == found["total"]
    assert client.get("/api/search").status_code == 400


def test_review_edit_note_merge_split_unmerge(store, api):
    client = api("analyst")
    with store.read() as conn:
        incs = list_incidents(conn)
        multi = next(i for i, p in sources_of(conn).items() if len(p) >= 2)
    a, b = [i["id"] for i in incs if i["id"] != multi][:2]
    assert client.post(f"/api/incidents/{a}/review", json={"action": "dispute", "note": "one source"}).json()["action"] == "dispute"
    edited = client.post(f"/api/incidents/{a}/edit", json={"field": "victims", "value": ["civilians"]})
    assert edited.status_code == 200
    assert client.post(f"/api/incidents/{a}/edit", json={"field": "count", "value": {"value": -3}}).status_code == 400
    assert client.post(f"/api/incidents/{a}/notes", json={"note": "Перезвонить"}).status_code == 201
    detail = client.get(f"/api/incidents/{a}").json()
    assert detail["status"] == "disputed" and detail["victims"] == ["civilians"]
    assert detail["overrides"]["victims"] == ["civilians"] and "victims" in detail["machine"]
    assert [h["action"] for h in detail["history"]] == ["dispute", "edit", "note"]
    merged = client.post(f"/api/incidents/{a}/merge", json={"from_id": b})
    assert merged.status_code == 200 and client.get(f"/api/incidents/{b}").status_code == 404
    undone = client.post(f"/api/merges/{merged.json()['merge_id']}/undo", json={})
    assert undone.status_code == 200 and client.get(f"/api/incidents/{undone.json()['restored_id']}").status_code == 200
    claims = [s["claim_id"] for s in client.get(f"/api/incidents/{multi}").json()["sources"]]
    split = client.post(f"/api/incidents/{multi}/split", json={"claim_ids": claims[:1]})
    assert split.status_code == 201
    new = client.get(f"/api/incidents/{split.json()['new_id']}").json()
    assert [s["claim_id"] for s in new["sources"]] == claims[:1] and new["locked"]
    assert custody.verify(store) == []


def test_export_formats(store, api):
    client = api("viewer")
    jsonl = client.get("/api/export?format=jsonl")
    records = [json.loads(line) for line in jsonl.text.splitlines()]
    with store.read() as conn:
        assert len(records) == len(list_incidents(conn))
    assert {"id", "types", "date", "places", "sources"} <= set(records[0])
    assert client.get("/api/export?format=csv").headers["content-type"].startswith("text/csv")
    assert client.get("/api/export?format=xml").status_code == 400


def test_documents_and_entities(store, api):
    client = api("viewer")
    docs = client.get("/api/documents?per_page=3").json()
    assert len(docs["items"]) == 3 and docs["total"] >= 10
    one = client.get(f"/api/documents/{docs['items'][0]['id']}").json()
    assert one["custody"] and "raw_text" in one and "text" in one
    ents = client.get("/api/entities?q=Gulagu").json()
    assert ents["items"] and client.get(f"/api/entities/{ents['items'][0]['id']}").status_code == 200
