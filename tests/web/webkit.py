"""Helpers and data shared by the web tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "reports"
PASSWORD = "a long test password"
ROLES = ("viewer", "analyst", "admin")

# A report whose text, title and outlet carry markup: every page must show it as text, never run it.
HOSTILE_TEXT = (
    "Hostile markup test <script>window.__xss = 1; alert('xss')</script> "
    '<img src="x" onerror="window.__xss = 2"> <a href="javascript:window.__xss=3" onclick="window.__xss=4">link</a> '
    '"><svg onload="window.__xss=5">\n\n'
    "Russian service members who refused to return to combat are being held in a basement near the village "
    "of Zaitseve in the occupied part of Donetsk Oblast, according to the Telegram channel \"Frontline "
    "Families\". In late June 2023 about a dozen men were beaten by military police after they refused to "
    "take part in an assault. <script>window.__xss = 6</script>\n"
)
HOSTILE_META = {
    "title": "Pits <script>window.__xss=7</script> report",
    "outlet": '<b onmouseover="window.__xss=8">Outlet</b>',
    "published": "2023-07-06",
    "language": "en",
}
XSS_MARKERS = ("<script>window.__xss", "<img src=\"x\" onerror", "<svg onload", "<b onmouseover")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    response = client.post("/login", data={"username": name, "password": password, "csrf_token": csrf_of(page.text),
                                           "next": "/incidents"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client
