from __future__ import annotations

import io
import sqlite3
import threading
import time

import pytest
from sqlalchemy import select

from dbkit import ON_POSTGRES
from docket.store import BlobError, Store
from docket.store.migrations import LATEST
from docket.store.schema import documents, store_meta


def _version(store: Store) -> str | None:
    with store.read() as conn:
        return conn.execute(select(store_meta.c.value).where(store_meta.c.key == "schema_version")).scalar()


def test_open_creates_store_at_latest_version_and_reopens_it(tmp_path, database_url):
    store = Store.open(tmp_path / "d")
    assert store.url == (database_url or f"sqlite:///{tmp_path / 'd' / 'docket.sqlite'}")
    assert (tmp_path / "d" / "docket.sqlite").is_file() != ON_POSTGRES
    assert _version(store) == str(LATEST)
    store.close()
    # Re-opening an existing store keeps its version and data.
    again = Store.open(tmp_path / "d")
    assert _version(again) == str(LATEST)
    again.close()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite pragmas (WAL, foreign keys) of the store's SQLite file")
def test_sqlite_store_uses_wal_and_foreign_keys(tmp_path):
    store = Store.open(tmp_path / "d")
    with store.read() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        fks = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    assert (mode, fks) == ("wal", 1)


def test_data_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKET_DATA_DIR", str(tmp_path / "env"))
    store = Store.open()
    assert store.data_dir == tmp_path / "env"
    assert (tmp_path / "env" / "docket.sqlite").exists() != ON_POSTGRES


def test_database_url_option_beats_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKET_DATABASE_URL", "postgresql://nobody@/none?host=/nonexistent")
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    store = Store.open(tmp_path / "d", url)
    assert store.url == url and _version(store) == str(LATEST)
    assert (tmp_path / "other.sqlite").is_file()


@pytest.mark.skipif(ON_POSTGRES, reason="checks SQLite's own file lock with the sqlite3 module")
def test_write_transaction_takes_the_sqlite_write_lock_at_begin(tmp_path):
    store = Store.open(tmp_path)
    with store.write():
        other = sqlite3.connect(tmp_path / "docket.sqlite", timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_write_transactions_run_one_at_a_time_and_readers_do_not_wait(tmp_path):
    store = Store.open(tmp_path)
    events: list[str] = []

    def second_writer() -> None:
        with store.write() as conn:
            events.append("second writer in")
            conn.execute(store_meta.insert().values(key="second", value="2"))

    with store.write() as conn:
        conn.execute(store_meta.insert().values(key="first", value="1"))
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.5)
        with store.read() as reader:
            # A reader neither waits for the writer nor sees its uncommitted row.
            assert reader.execute(select(store_meta.c.key).where(store_meta.c.key == "first")).first() is None
        events.append("first writer out")
    thread.join(30)
    assert events == ["first writer out", "second writer in"]
    with store.read() as conn:
        keys = set(conn.execute(select(store_meta.c.key)).scalars())
    assert {"first", "second"} <= keys


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


def test_metadata_longer_than_its_column_is_clipped_alike_on_every_engine(tmp_path):
    # SQLite stores any length; PostgreSQL refuses a value longer than VARCHAR(n) and would fail the batch.
    from docket.pipeline import ingest_paths

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Prisoners were beaten in a colony in Kopeysk in 2023.\n", encoding="utf-8")
    (src / "a.txt.meta.json").write_text(
        '{"language": "Ukrainian (Kharkiv dialect)", "collected_at": "2023-05-01T12:00:00.000000+03:00 (approximate)"}',
        encoding="utf-8",
    )
    store = Store.open(tmp_path / "data")
    report = ingest_paths(store, [src], actor="tester")
    assert [o.status for o in report.outcomes] == ["added"]
    with store.read() as conn:
        row = conn.execute(select(documents.c.language, documents.c.collected_at)).one()
    assert tuple(row) == ("Ukrainia", "2023-05-01T12:00:00.000000+03:00")


def test_an_original_over_2_gib_can_be_recorded(tmp_path):
    from docket.store.originals import add_blob, find_blob

    store = Store.open(tmp_path / "data")
    with store.write() as conn:
        add_blob(conn, sha256="a" * 64, size=3 * 2**30, media_type="video/mp4", first_name="big.mp4",
                 storage_uri="file:///big", at="2024-01-01T00:00:00+00:00")
    with store.read() as conn:
        assert find_blob(conn, "a" * 64).size == 3 * 2**30
