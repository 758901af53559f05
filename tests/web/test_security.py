"""Sessions, cookies, CSRF, the login rate limit, tokens, and markup that must stay inert."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient
from webkit import PASSWORD, XSS_MARKERS, csrf_of, login

from docket.review import actions
from docket.store.register import list_incidents, sources_of


def _incident(store) -> str:
    with store.read() as conn:
        return list_incidents(conn)[0]["id"]


def test_session_cookie_is_signed_httponly_samesite_and_secure_over_https(app):
    plain = TestClient(app)
    page = plain.get("/login")
    response = plain.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                          follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "docket_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie.split("docket_login")[0]
    secure = TestClient(app, base_url="https://testserver")
    page = secure.get("/login")
    response = secure.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                           follow_redirects=False)
    assert "Secure" in response.headers["set-cookie"].split("docket_login")[0]


def test_a_forged_session_cookie_is_ignored(app):
    client = login(TestClient(app), "admin")
    value = client.cookies.get("docket_session")
    token, _, mac = value.rpartition(".")
    client.cookies.set("docket_session", token + "." + "0" * len(mac))
    assert client.get("/incidents", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server(app):
    client = login(TestClient(app), "analyst")
    stolen = client.cookies.get("docket_session")
    csrf = csrf_of(client.get("/incidents").text)
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    thief = TestClient(app)
    thief.cookies.set("docket_session", stolen)
    assert thief.get("/incidents", follow_redirects=False).status_code == 303


def test_forms_without_the_csrf_token_are_refused(store, as_role):
    iid = _incident(store)
    client = as_role("analyst")
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/incidents/{iid}/status", data={"action": "confirm", **data})
        assert response.status_code == 403 and "CSRF" in response.text
    with store.read() as conn:
        assert actions.history(conn, iid) == []
    good = client.post(f"/incidents/{iid}/status", data={"action": "confirm", "csrf_token": csrf_of(client.get("/incidents").text)})
    assert good.status_code == 200 and "Confirmed" in good.text


def test_another_sessions_csrf_token_does_not_work(store, as_role):
    iid = _incident(store)
    first, second = as_role("analyst"), as_role("analyst")
    response = second.post(f"/incidents/{iid}/note", data={"note": "x", "csrf_token": csrf_of(first.get("/incidents").text)})
    assert response.status_code == 403


def test_login_needs_the_login_forms_csrf_token(app):
    client = TestClient(app)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403


def test_login_is_rate_limited(app, clock):
    client = TestClient(app)
    csrf = csrf_of(client.get("/login").text)
    for _ in range(5):
        r = client.post("/login", data={"username": "admin", "password": "wrong password", "csrf_token": csrf})
        assert r.status_code == 401 and "Wrong user name or password" in r.text
    blocked = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf}, follow_redirects=False)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    clock.now += 301
    ok = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf}, follow_redirects=False)
    assert ok.status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(app, target):
    client = TestClient(app)
    csrf = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf, "next": target},
                    follow_redirects=False)
    assert r.headers["location"] == "/incidents"


def test_api_tokens_bearer_and_roles(store, app, token_for):
    iid = _incident(store)
    client = TestClient(app)
    assert client.get("/api/incidents").status_code == 401
    assert client.get("/api/incidents", headers={"authorization": "Bearer dkt_nope"}).status_code == 401
    viewer = {"authorization": f"Bearer {token_for('viewer')}"}
    analyst = {"authorization": f"Bearer {token_for('analyst')}"}
    assert client.get("/api/me", headers=viewer).json()["role"] == "viewer"
    assert client.post(f"/api/incidents/{iid}/review", json={"action": "confirm"}, headers=viewer).status_code == 403
    done = client.post(f"/api/incidents/{iid}/review", json={"action": "confirm"}, headers=analyst)
    assert done.status_code == 200 and done.json()["actor"] == "analyst"


def test_security_headers(as_role):
    response = as_role("viewer").get("/incidents")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def _hostile(store) -> tuple[str, list[str]]:
    with store.read() as conn:
        for iid, pairs in sources_of(conn).items():
            for _, doc in pairs:
                if doc["name"] == "hostile-markup.txt":
                    return doc["id"], [iid]
    raise AssertionError("the hostile document made an incident")


def test_markup_in_documents_is_inert_on_every_page(store, as_role):
    doc_id, incident_ids = _hostile(store)
    client = as_role("admin")
    pages = [f"/documents/{doc_id}", "/documents", "/documents?q=Pits", *(f"/incidents/{i}" for i in incident_ids),
             "/incidents", "/incidents?q=Hostile", "/timeline", "/map", "/entities"]
    for url in pages:
        html = client.get(url).text
        for marker in XSS_MARKERS:
            assert marker not in html, f"{marker!r} raw on {url}"
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(re.fullmatch(r'<script src="/(vendor|static)/[\w./-]+">', s) for s in scripts), url
    document = client.get(f"/documents/{doc_id}").text
    assert "&lt;script&gt;window.__xss = 1" in document and "&lt;img src=&#34;x&#34; onerror" in document
    api = client.get(f"/api/documents/{doc_id}")
    assert api.headers["content-type"].startswith("application/json") and "<script>" in api.json()["text"]
