"""A store built once from examples/reports, copied per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dbkit import Databases, private_copy
from docket.pipeline import ingest_paths
from docket.store import Store

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "reports"


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[tuple[Path, str | None]]:
    """Ingested once per session: the data dir, and on PostgreSQL the database to copy."""
    data = tmp_path_factory.mktemp("review") / "data"
    url = databases.create()  # None on SQLite: the store's own file
    store = Store.open(data, url)
    ingest_paths(store, [EXAMPLES], actor="ingest")
    store.close()
    yield data, url
    databases.drop(url)


@pytest.fixture
def store(
    examples_store: tuple[Path, str | None], tmp_path: Path, new_database: Callable, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """A private copy of that store (the CLI, opened on the same data dir, finds the same database)."""
    s = private_copy(examples_store, tmp_path, new_database, monkeypatch)
    yield s
    s.close()
