"""Fixtures shared by every test folder, and the database engine the suite runs on (``dbkit``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import dbkit
import s3kit
from docket import config

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DOCKET_SHARED", REPO.parent / "shared"))
# Named to Stores opened by tests that have no tmp_path (and so should open none): fails loudly.
NO_DATABASE = "postgresql://nobody@/none?host=/nonexistent/docket-tests-without-tmp_path-open-no-store"


def pytest_report_header(config: pytest.Config) -> str:
    return f"docket database engine: {dbkit.ENGINE}"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder: seeds, dev corpus, gold, external benchmarks."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def databases() -> Iterator[dbkit.Databases]:
    """The tests' database server: started once per session (per xdist worker) on PostgreSQL."""
    dbs = dbkit.Databases()
    dbs.start()
    yield dbs
    dbs.stop()


@pytest.fixture(autouse=True)
def database_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str | None]:
    """The database every Store this test opens uses: None (SQLite in its data dir) or a fresh
    PostgreSQL database, set as DOCKET_DATABASE_URL so CLI subprocesses get it too."""
    monkeypatch.delenv(config.DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv(config.BLOB_URL_ENV, raising=False)  # originals in the data dir unless a test says
    if not dbkit.ON_POSTGRES:
        yield None
        return
    if "tmp_path" not in request.fixturenames:
        monkeypatch.setenv(config.DATABASE_URL_ENV, NO_DATABASE)
        yield None
        return
    dbs: dbkit.Databases = request.getfixturevalue("databases")
    url = dbs.create()
    assert url
    monkeypatch.setenv(config.DATABASE_URL_ENV, url)
    yield url
    dbs.drop(url)


@pytest.fixture
def new_database(databases: dbkit.Databases) -> Iterator[Callable[..., str | None]]:
    """Another database for a test that opens two stores: its URL, or None on SQLite (its data dir's
    file). ``new_database(template=url)`` copies an existing one."""
    made: list[str] = []

    def make(template: str | None = None) -> str | None:
        url = databases.create(template)
        if url:
            made.append(url)
        return url

    yield make
    for url in made:
        databases.drop(url)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[s3kit.S3Server]:
    """A real S3-compatible server (moto's, over HTTP on a local port), once per session (xdist worker)."""
    server = s3kit.S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server: s3kit.S3Server, monkeypatch: pytest.MonkeyPatch) -> s3kit.Bucket:
    """A fresh bucket on it, with the endpoint and credentials in the environment (CLI subprocesses too)."""
    for key, value in s3kit.CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv(config.S3_ENDPOINT_ENV, s3_server.endpoint)
    return s3_server.bucket()
