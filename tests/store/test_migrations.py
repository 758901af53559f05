"""An existing store at the baseline schema (version 1) is upgraded in place, on either engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import schema_v1
from sqlalchemy import BigInteger, inspect, select

from dbkit import store_url
from docket.link.band_index import INDEX
from docket.link.syndication import band_key
from docket.store import Store
from docket.store.dialect import make_engine
from docket.store.migrations import LATEST, current_version
from docket.store.schema import documents, lsh_bands, metadata, store_meta
from docket.store.search import search_documents

OLD_TEXT = "Родственники мобилизованных сообщили о побоях на гауптвахте в Белгородской области."
OLD_BUCKETS = [(band, f"{band * 7919 + 1:016x}") for band in range(32)]  # (band, bucket) as version 1 filed them


def _baseline_store(data_dir: Path) -> str:
    """A version-1 store as docket 0.1 left it: its tables, its stamp and one stored document."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = store_url(data_dir)
    engine = make_engine(url)
    with engine.begin() as conn:
        schema_v1.metadata.create_all(conn)
        conn.execute(
            schema_v1.store_meta.insert(),
            [{"key": "schema_version", "value": "1"}, {"key": "created_at", "value": "2024-01-01T00:00:00+00:00"}],
        )
        conn.execute(
            schema_v1.documents.insert().values(
                id="doc_old", name="old.txt", blob_sha256="0" * 64, format="txt", language="ru", text=OLD_TEXT,
                meta="{}", status="ok", ingested_at="2024-01-01T00:00:00+00:00",
            )
        )
        conn.execute(schema_v1.syndication.insert().values(doc_a="doc_old", doc_b="doc_x", similarity=0.9))
        conn.execute(
            schema_v1.lsh_buckets.insert(),
            [{"band": band, "bucket": bucket, "document_id": "doc_old"} for band, bucket in OLD_BUCKETS],
        )
    engine.dispose()
    return url


def test_baseline_store_is_migrated_to_the_current_schema(tmp_path):
    data = tmp_path / "data"
    url = _baseline_store(data)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert current_version(conn) == 1
        assert not inspect(conn).has_table("users")
    engine.dispose()

    store = Store.open(data)
    assert store.url == url
    with store.read() as conn:
        assert current_version(conn) == LATEST
        schema = inspect(conn)
        for table in metadata.sorted_tables:
            assert schema.has_table(table.name), table.name
            have = {c["name"] for c in schema.get_columns(table.name)}
            assert {c.name for c in table.columns} <= have, table.name
            named = {ix["name"] for ix in schema.get_indexes(table.name)}
            assert {ix.name for ix in table.indexes} <= named, table.name
        # What was stored before the upgrade is kept, and the new full-text index covers it.
        assert conn.execute(select(documents.c.text).where(documents.c.id == "doc_old")).scalar() == OLD_TEXT
        assert [h.id for h in search_documents(conn, "мобилизованный гауптвахта")] == ["doc_old"]
        # Originals over 2 GiB fit (PostgreSQL's INTEGER would not hold their size).
        size = {c["name"]: c["type"] for c in schema.get_columns("blobs")}["size"]
        assert conn.dialect.name != "postgresql" or isinstance(size, BigInteger)
        # The near-copy bands, one row of keys per document now, and found by the keys they had.
        assert not schema.has_table("lsh_buckets")
        keys = [band_key(band, int(bucket, 16)) for band, bucket in OLD_BUCKETS]
        assert conn.execute(select(lsh_bands.c.band_keys).where(lsh_bands.c.document_id == "doc_old")).scalar() == (
            np.array(keys, dtype="<u8").tobytes()
        )
        assert INDEX.candidates(conn, np.array(keys[5:6], dtype="<u8").tobytes()) == {"doc_old"}
        created = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "created_at")).scalar()
        assert created == "2024-01-01T00:00:00+00:00"
    store.close()

    # Opening it again finds nothing left to do.
    again = Store.open(data)
    with again.read() as conn:
        assert current_version(conn) == LATEST
        assert [h.id for h in search_documents(conn, "гауптвахте")] == ["doc_old"]
    again.close()


def test_new_store_is_created_at_the_latest_version_with_the_same_tables(tmp_path):
    store = Store.open(tmp_path / "data")
    with store.read() as conn:
        assert current_version(conn) == LATEST
        schema = inspect(conn)
        assert all(schema.has_table(t.name) for t in metadata.sorted_tables)
        assert schema.has_table("search_documents")
