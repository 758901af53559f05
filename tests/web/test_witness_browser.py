"""In Debian's Chromium against a real server: a viewer opens a testimony with protected fields and sees
that they are withheld, never them; an analyst enters a testimony in the form and sees its fields."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from browserkit import ARGS, CHROMIUM, Server, log_in
from sqlalchemy import select

from dbkit import private_copy
from docket.pipeline import ingest_paths
from docket.store import Store
from docket.store.schema import documents
from witnesskit import FORBIDDEN, WITNESS, use_new_key, write_testimonies

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (make setup installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def store(built_store, tmp_path, new_database, monkeypatch) -> Iterator[Store]:
    use_new_key(monkeypatch, tmp_path)
    s = private_copy(built_store, tmp_path, new_database, monkeypatch)
    write_testimonies(tmp_path / "in")
    ingest_paths(s, [tmp_path / "in"], actor="ingest")
    yield s
    s.close()


@pytest.fixture
def server(store: Store) -> Iterator[Server]:
    with Server(store) as s:
        yield s


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:
    context = browser.new_context(base_url=server.url)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def test_a_viewer_never_sees_protected_fields_an_analyst_does(browser, server, page):
    with server.store.read() as conn:
        doc_id = conn.execute(select(documents.c.id).where(documents.c.name == "testimony-ik6.txt")).scalar()
    log_in(page, "viewer")
    page.goto(f"/documents/{doc_id}")
    assert page.get_by_role("heading", name="Protected witness fields").is_visible()
    assert page.get_by_text(re.compile(r"withheld for your role")).is_visible()
    seen = page.content() + page.locator("body").inner_text()
    assert [w for w in FORBIDDEN if w in seen] == [] and "[protected]" in seen
    assert page.get_by_role("link", name="download").count() == 0
    assert page.get_by_role("link", name="Enter a testimony").count() == 0

    analyst = browser.new_context(base_url=server.url).new_page()
    log_in(analyst, "analyst")
    analyst.goto(f"/documents/{doc_id}")
    witness = analyst.locator("section.witness")
    assert witness.get_by_text(WITNESS["witness_name"], exact=True).is_visible()
    assert witness.get_by_text(WITNESS["contact"], exact=True).is_visible()
    analyst.get_by_role("link", name="Enter a testimony").click()
    analyst.get_by_label("What the witness said").fill(
        "Irina Sokolova says that her husband, a mobilized soldier, was beaten by military police in Ufa in "
        "October 2022 after he refused to return to the front.")
    analyst.get_by_label("Witness's name").fill("Irina Sokolova")
    analyst.get_by_role("button", name="Store the testimony").click()
    analyst.wait_for_url(re.compile(r"/documents/doc_[0-9a-f]+\?done=testimony$"))
    assert analyst.get_by_role("status").inner_text().startswith("Testimony stored")
    assert analyst.locator("section.witness").get_by_text("Irina Sokolova", exact=True).is_visible()
    new_doc = analyst.url.split("/documents/")[1].split("?")[0]
    page.goto(f"/documents/{new_doc}")
    assert "Sokolova" not in page.content() and "[protected] says that her husband" in page.content()
