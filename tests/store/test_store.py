from __future__ import annotations

import io
import sqlite3

import pytest
from sqlalchemy import select

from docket.store import BlobError, Store
from docket.store.migrations import LATEST
from docket.store.schema import store_meta


def test_open_creates_sqlite_store_with_wal_and_version(tmp_path):
    store = Store.open(tmp_path / "d")
    assert (tmp_path / "d" / "docket.sqlite").is_file()
    with store.read() as conn:
        version = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "schema_version")).scalar()
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        fks = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    assert (int(version), mode, fks) == (LATEST, "wal", 1)
    store.close()
    # Re-opening an existing store keeps its version and data.
    again = Store.open(tmp_path / "d")
    with again.read() as conn:
        assert conn.execute(select(store_meta.c.value).where(store_meta.c.key == "schema_version")).scalar() == str(LATEST)


def test_data_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKET_DATA_DIR", str(tmp_path / "env"))
    store = Store.open()
    assert store.data_dir == tmp_path / "env"
    assert (tmp_path / "env" / "docket.sqlite").exists()


def test_write_transaction_takes_the_write_lock_at_begin(tmp_path):
    store = Store.open(tmp_path)
    with store.write():
        other = sqlite3.connect(tmp_path / "docket.sqlite", timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_blobs_are_content_addressed_and_stored_once(tmp_path):
    store = Store.open(tmp_path)
    sha, size = store.blobs.put(io.BytesIO(b"hello"))
    again, _ = store.blobs.put(io.BytesIO(b"hello"))
    path = tmp_path / "blobs" / sha[:2] / sha
    assert (again, size) == (sha, 5)
    assert path.read_bytes() == b"hello"
    assert list(store.blobs.iter()) == [sha]
    assert store.blobs.exists(sha) and store.blobs.uri(sha).startswith("file://")
    assert not list((tmp_path / "blobs" / "tmp").iterdir())


def test_blob_put_rejects_bytes_that_do_not_match_the_expected_hash(tmp_path):
    store = Store.open(tmp_path)
    with pytest.raises(BlobError):
        store.blobs.put(io.BytesIO(b"changed"), "0" * 64)
    assert list(store.blobs.iter()) == []
