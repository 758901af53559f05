"""In a real headless Chromium (Debian's, driven by Playwright) against a real server on loopback:
log in, search in Russian, filter, open an incident, confirm it, merge two, attach and detach media, the
map and the timeline, a viewer who cannot reach review actions, and hostile markup that stays inert."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import numpy as np
import pytest
from browserkit import ARGS, CHROMIUM, Server, log_in
from PIL import Image

from docket.media.ingest import ingest_media
from docket.store import Store
from docket.store import media as repo
from docket.store.register import list_incidents, sources_of

playwright_api = pytest.importorskip("playwright.sync_api")
PlaywrightTimeout = playwright_api.TimeoutError
# CI installs chromium (make setup) and must run these; elsewhere they skip without it.
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (make setup installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(store: Store) -> Iterator[Server]:
    with Server(store) as s:
        yield s


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:
    context = browser.new_context(base_url=server.url, locale="ru-RU")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.requests_seen = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: pg.requests_seen.append(r.url))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def _total(page) -> int:
    return int(page.locator("span.total").inner_text())


def test_log_in_search_in_russian_filter_open_and_confirm(page, server):
    log_in(page, "analyst")
    everything = _total(page)
    page.get_by_label("Search (Russian, Ukrainian, English)").fill("мобилизованный")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=%D0%BC"))
    found = _total(page)
    assert 0 < found < everything
    with server.store.read() as conn:
        types = {t for i in list_incidents(conn) for t in i["types"]}
    first_type = page.locator("table.list tbody tr td a").first.inner_text().split(", ")[0]
    assert first_type in types
    page.get_by_role("combobox", name="Type", exact=True).select_option(first_type)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"type="))
    assert 0 < _total(page) <= found
    assert page.get_by_text(f"type: {first_type}").is_visible()
    page.locator("table.list tbody tr td a").first.click()
    page.wait_for_url(re.compile(r"/incidents/inc_"))
    incident_id = page.url.rsplit("/", 1)[-1]
    assert page.get_by_role("heading", name="Fields").is_visible()
    page.get_by_label("Note (optional)").fill("Проверено по двум источникам")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"done=confirm"))
    assert page.get_by_role("status").inner_text().startswith("Confirmed")
    assert page.locator("h1 .status").inner_text() == "verified"
    history = page.locator("table.history").first.inner_text()
    assert "analyst" in history and "confirm status" in history and "Проверено по двум источникам" in history
    with server.store.read() as conn:
        assert next(i for i in list_incidents(conn) if i["id"] == incident_id)["status"] == "verified"


def test_merge_two_incidents(page, server):
    with server.store.read() as conn:
        a, b = (i["id"] for i in list_incidents(conn)[:2])
        moved = {c["id"] for c, _ in sources_of(conn, [b])[b]}
    log_in(page, "analyst")
    page.goto(f"/incidents/{a}")
    page.get_by_label("Merge another incident into this one (its id)").fill(b)
    page.get_by_role("button", name="Merge into this incident").click()
    page.wait_for_url(re.compile(r"done=merge"))
    assert "Merged" in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name=re.compile(r"Undo merge #\d+")).count() >= 1
    response = page.goto(f"/incidents/{b}")
    assert response.status == 404
    with server.store.read() as conn:
        assert moved <= {c["id"] for c, _ in sources_of(conn, [a])[a]}


def test_attach_and_detach_media_evidence(page, server, tmp_path):
    photo = tmp_path / "yard.png"
    Image.fromarray(np.random.default_rng(3).integers(0, 256, size=(120, 160, 3), dtype=np.uint8)).save(photo)
    [outcome] = ingest_media(server.store, [photo], actor="tester")
    assert outcome.status == "added"
    with server.store.read() as conn:
        iid = list_incidents(conn)[0]["id"]
        [media] = repo.list_media(conn)
    log_in(page, "analyst")
    page.goto(f"/incidents/{iid}")
    page.get_by_label("Attach stored media as evidence").fill(media["sha256"][:16])
    page.get_by_label("Note", exact=True).last.fill("the yard in the video")
    page.get_by_role("button", name="Attach media").click()
    page.wait_for_url(re.compile(r"done=attach-media"))
    assert page.get_by_role("status").inner_text().startswith("Media attached")
    assert page.locator("ul.media strong").inner_text() == "yard.png" and page.get_by_text("Media (1)").is_visible()
    page.get_by_role("button", name="Detach yard.png").click()
    page.wait_for_url(re.compile(r"done=detach-media"))
    assert page.get_by_text("Media (0)").is_visible()
    assert "attach-media media" in page.locator("table.history").inner_text()


def test_map_and_timeline_work_offline(page, server):
    log_in(page, "viewer")
    page.goto("/map")
    page.wait_for_selector("#map[data-markers]")
    page.wait_for_selector("#map[data-outlines-loaded]")
    markers = int(page.locator("#map").get_attribute("data-markers"))
    assert markers > 0 and page.locator("#map").get_attribute("data-outlines-loaded") == "true"
    assert page.locator("path.leaflet-interactive[data-incident]").count() == markers
    assert page.locator(".leaflet-outlines-pane path").count() > 100  # country outlines drawn under them
    popup = page.locator(".leaflet-popup-content a")
    for _ in range(5):  # a click during the map's opening zoom animation can miss the marker
        page.locator("path.leaflet-interactive[data-incident]").first.click(force=True)
        try:
            popup.wait_for(timeout=3000)
            break
        except PlaywrightTimeout:
            continue
    popup.wait_for()
    assert popup.get_attribute("href").startswith("/incidents/inc_")
    page.goto("/timeline")
    months = page.locator("ol.timeline > li.month")
    assert months.count() > 0
    assert re.fullmatch(r"\d{4}(-\d{2})?", months.first.locator("time").inner_text())
    assert months.first.locator("meter").count() == 1
    off_site = [u for u in page.requests_seen if not u.startswith(server.url)]
    assert off_site == [], "nothing is fetched from anywhere but docket itself"


def test_a_viewer_cannot_reach_review_actions(page, server):
    with server.store.read() as conn:
        iid = list_incidents(conn)[0]["id"]
    log_in(page, "viewer")
    page.goto(f"/incidents/{iid}")
    assert page.get_by_role("heading", name="Fields").is_visible()
    for name in ("Confirm", "Dispute", "Reject", "Merge into this incident", "Attach note"):
        assert page.get_by_role("button", name=name).count() == 0
    status = page.evaluate(
        """async (id) => (await fetch('/incidents/' + id + '/status', {method: 'POST',
             headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'action=confirm'})).status""", iid)
    assert status == 403
    assert page.goto("/admin/users").status == 403
    with server.store.read() as conn:
        assert next(i for i in list_incidents(conn) if i["id"] == iid)["status"] != "verified"


def test_hostile_markup_renders_inert_on_every_page(page, server):
    with server.store.read() as conn:
        doc_id, iid = next((d["id"], i) for i, p in sources_of(conn).items() for _, d in p if d["name"] == "hostile-markup.txt")
    log_in(page, "admin")
    for url in (f"/documents/{doc_id}", f"/incidents/{iid}", "/documents", "/incidents?q=Hostile", "/timeline", "/map"):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, url
        srcs = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
        assert all(s and s.startswith(("/vendor/", "/static/")) for s in srcs), url
        assert page.locator("img[onerror], svg[onload], b[onmouseover], a[onclick]").count() == 0, url
    page.goto(f"/documents/{doc_id}")
    assert page.get_by_text("<script>window.__xss = 1; alert('xss')</script>").first.is_visible()
    page.get_by_text("Outlet").first.hover()
    assert page.evaluate("window.__xss") is None and page.dialogs == []


def test_pages_label_every_control(page, server):
    with server.store.read() as conn:
        iid = list_incidents(conn)[0]["id"]
    log_in(page, "admin")
    unlabelled_js = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.closest('label'))
        .map(e => e.outerHTML)"""
    for url in ("/incidents", f"/incidents/{iid}", "/documents", "/entities", "/timeline", "/map", "/admin/users"):
        page.goto(url)
        assert page.evaluate(unlabelled_js) == [], url
        assert page.locator("main h1").count() == 1 and page.locator("html[lang]").count() == 1
