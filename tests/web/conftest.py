"""A real store (examples/reports plus a hostile document), users of every role, and clients logged in
as each; the browser tests add a real server and Debian's Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from webkit import EXAMPLES, HOSTILE_META, HOSTILE_TEXT, PASSWORD, ROLES, TestClient, login

from dbkit import Databases, private_copy
from docket.pipeline import ingest_paths
from docket.review import accounts
from docket.store import Store
from docket.web import create_app
from docket.web.security import LoginLimiter


def _build(root: Path, url: str | None) -> Path:
    data = root / "data"
    hostile = root / "hostile"
    hostile.mkdir()
    (hostile / "hostile-markup.txt").write_text(HOSTILE_TEXT, "utf-8")
    (hostile / "hostile-markup.txt.meta.json").write_text(json.dumps(HOSTILE_META), "utf-8")
    store = Store.open(data, url)
    ingest_paths(store, [EXAMPLES, hostile], actor="ingest")
    with store.write() as conn:
        for role in ROLES:
            accounts.add_user(conn, role, role, PASSWORD, actor="setup")
    store.close()
    return data


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[tuple[Path, str | None]]:
    """Built once per session: the data dir, and on PostgreSQL the database to copy."""
    url = databases.create()  # None on SQLite: the store's own file
    yield _build(tmp_path_factory.mktemp("web"), url), url
    databases.drop(url)


@pytest.fixture
def store(
    built_store: tuple[Path, str | None], tmp_path: Path, new_database: Callable, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """A private copy of that store for one test."""
    s = private_copy(built_store, tmp_path, new_database, monkeypatch)
    yield s
    s.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(store: Store, clock: Clock):
    return create_app(store, limiter=LoginLimiter(attempts=5, window=300, clock=clock))


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app)


@pytest.fixture
def as_role(app):
    """A TestClient logged in as the given role (None: anonymous)."""

    def make(role: str | None) -> TestClient:
        c = TestClient(app)
        return login(c, role) if role else c

    return make


@pytest.fixture
def token_for(store: Store):
    def make(role: str) -> str:
        with store.write() as conn:
            return accounts.create_token(conn, role, "tests", actor="setup")

    return make
