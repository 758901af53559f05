"""The store: a database (SQLite by default, PostgreSQL by URL) plus a blob store for originals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from docket import config
from docket.store.bloblocation import locate_blobs
from docket.store.blobstore import BlobStore
from docket.store.dialect import WRITE_OPTION, make_engine, sqlite_url
from docket.store.migrations import migrate

if TYPE_CHECKING:
    from docket.protect.keys import Keyring
    from docket.protect.sealed import SealedBlobStore, SealedObjectBlobStore


@dataclass
class Store:
    engine: Engine
    blobs: BlobStore
    data_dir: Path
    url: str
    keyring: Keyring | None = None  # the protection key (docket.protect), where one is set up
    sealed: SealedBlobStore | SealedObjectBlobStore | None = None  # testimonies' originals, encrypted

    @classmethod
    def open(
        cls, data_dir: Path | None = None, url: str | None = None, blob_url: str | None = None,
        keyring: Keyring | None = None,
    ) -> Store:
        """Open (creating and migrating as needed) the store under ``data_dir`` or at ``url``; its originals
        in the data dir's ``blobs/`` or where ``blob_url`` (or the one the store recorded) says."""
        data_dir = config.resolve_data_dir(data_dir)
        url = config.resolve_database_url(url)
        data_dir.mkdir(parents=True, exist_ok=True)
        if url is None:
            url = sqlite_url(data_dir / config.DATABASE_FILE)
        engine = make_engine(url)
        migrate(engine)
        blobs = locate_blobs(engine, data_dir, config.resolve_blob_url(blob_url))
        from docket.protect.guard import open_protection  # here: docket.protect's tables import this package

        keyring, sealed = open_protection(engine, data_dir, blobs, keyring)  # no key for protected data: refused
        return cls(engine, blobs, data_dir, url, keyring, sealed)

    def originals_of(self, sha256: str) -> BlobStore | None:
        """The blob store holding an original: the sealed one for a protected testimony's; None: missing."""
        if self.sealed is not None and self.sealed.exists(sha256):
            return self.sealed
        return self.blobs if self.blobs.exists(sha256) else None

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
