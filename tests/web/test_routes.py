"""Every route, for every role: the table in security.ROUTE_PERMISSIONS is what the app enforces."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from webkit import csrf_of

from docket.review.accounts import ROLES
from docket.store.register import list_incidents
from docket.store.schema import documents, entities
from docket.web import ROUTES, VENDOR
from docket.web.security import ROUTE_PERMISSIONS


def test_every_route_has_a_permission_and_every_permission_a_route(app):
    names = {r.name for r in app.routes}
    assert names == set(ROUTE_PERMISSIONS)
    assert {name for _, name, _, _ in ROUTES} | {"static", "vendor"} == names


def _ids(store) -> dict[str, str]:
    with store.read() as conn:
        incident = list_incidents(conn)[0]["id"]
        doc = conn.execute(select(documents.c.id, documents.c.blob_sha256).limit(1)).first()
        entity = conn.execute(select(entities.c.id).limit(1)).scalar()
    return {"incident_id": incident, "document_id": doc.id, "sha256": doc.blob_sha256, "entity_id": entity,
            "merge_id": "999999", "token_id": "999999", "name": "viewer", "media_id": "med_none"}


def _url(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


# Requests that pass the permission check but change nothing (empty forms are refused with 400).
CALLS = [(path, name, methods[0]) for path, name, _, methods in ROUTES] + [
    ("/static/docket.css", "static", "GET"),
    ("/vendor/leaflet/leaflet.js", "vendor", "GET"),
]


@pytest.mark.parametrize("role", [None, "viewer", "analyst", "admin"])
def test_every_route_for_every_role(store, as_role, role):
    client = as_role(role)
    ids = _ids(store)
    csrf = csrf_of(client.get("/incidents").text) if role else None
    checked = 0
    for path, name, method in CALLS:
        if name in ("logout", "login_submit"):
            continue  # public, CSRF-checked with the login form's own token: test_security.py
        permission = ROUTE_PERMISSIONS[name]
        url = _url(path, ids)
        if method == "GET":
            response = client.get(url, follow_redirects=False)
        elif name.startswith("api_"):
            response = client.post(url, json={}, headers={"x-csrf-token": csrf or ""}, follow_redirects=False)
        else:
            response = client.post(url, data={"csrf_token": csrf or ""}, follow_redirects=False)
        allowed = permission is None or (role is not None and permission in ROLES[role])
        where = f"{method} {url} as {role or 'anonymous'}"
        assert response.status_code < 500, where
        if allowed:
            assert response.status_code not in (401, 403), where
            assert not response.headers.get("location", "").startswith("/login?"), where
        elif role is None:
            if name.startswith("api_"):
                assert response.status_code == 401, where
            else:
                assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), where
        else:
            assert response.status_code == 403, where
        checked += 1
    assert checked == len(CALLS) - 2


def test_vendor_libraries_are_served_locally(as_role):
    client = as_role("viewer")
    for prefix in VENDOR:
        assert prefix.startswith("/vendor/")
    assert client.get("/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/vendor/leaflet/leaflet.css").status_code == 200
    assert client.get("/vendor/topojson-client/topojson-client.min.js").status_code == 200
    outlines = client.get("/vendor/world-atlas/countries-50m.json")
    assert outlines.status_code == 200 and outlines.json()["type"] == "Topology"


def test_viewer_sees_no_review_forms_analyst_does(store, as_role):
    iid = _ids(store)["incident_id"]
    viewer = as_role("viewer").get(f"/incidents/{iid}").text
    analyst = as_role("analyst").get(f"/incidents/{iid}").text
    for marker in ('value="confirm"', f'action="/incidents/{iid}/merge"', f'action="/incidents/{iid}/edit"',
                   f'action="/incidents/{iid}/media"'):
        assert marker not in viewer and marker in analyst
    assert "/admin/users" not in analyst and "/admin/users" in as_role("admin").get("/incidents").text
