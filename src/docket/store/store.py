"""The store: a database (SQLite by default, PostgreSQL by URL) plus a blob store for originals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

from docket import config
from docket.store.blobstore import BlobStore, LocalBlobStore
from docket.store.dialect import WRITE_OPTION, make_engine, sqlite_url
from docket.store.migrations import migrate


@dataclass
class Store:
    engine: Engine
    blobs: BlobStore
    data_dir: Path
    url: str

    @classmethod
    def open(cls, data_dir: Path | None = None, url: str | None = None) -> Store:
        """Open (creating and migrating as needed) the store under ``data_dir`` or at ``url``."""
        data_dir = config.resolve_data_dir(data_dir)
        url = config.resolve_database_url(url)
        data_dir.mkdir(parents=True, exist_ok=True)
        if url is None:
            url = sqlite_url(data_dir / config.DATABASE_FILE)
        engine = make_engine(url)
        migrate(engine)
        return cls(engine, LocalBlobStore(data_dir / config.BLOB_DIR), data_dir, url)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction, holding the write lock (SQLite) from its start; commits on exit."""
        with self.engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()
