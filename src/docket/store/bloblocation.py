"""Where a store's originals live, chosen once and remembered in ``store_meta`` (no schema change).

No blob URL: the data dir's ``blobs/`` (``LocalBlobStore``). ``s3://bucket/prefix`` (``--blob-url`` or
``$DOCKET_BLOB_URL``): object storage (``ObjectBlobStore``), the endpoint from ``$DOCKET_S3_ENDPOINT_URL``
or fsspec's configuration, credentials from the usual AWS variables or files. The first command that names
a URL for a store without originals records it under ``blob_url``; later commands (``docket verify``, the
web application) then find the originals there without being told, and naming another location for that
store is refused, as is moving a store that already holds local originals: either would leave
``docket verify`` reporting every earlier original missing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, exists, select

from docket import config
from docket.store.blobstore import BlobStore, LocalBlobStore
from docket.store.dialect import WRITE_OPTION
from docket.store.schema import blobs, store_meta

META_KEY = "blob_url"


class BlobLocationError(ValueError):
    """The blob URL named disagrees with where the store's originals already are."""


def object_store_options(url: str) -> dict[str, Any]:
    """fsspec options for ``url``: for S3, the endpoint and no listing cache (other processes write too)."""
    if not url.startswith(("s3://", "s3a://")):
        return {}
    options: dict[str, Any] = {"skip_instance_cache": True, "use_listings_cache": False}
    endpoint = os.environ.get(config.S3_ENDPOINT_ENV)
    if endpoint:
        options["endpoint_url"] = endpoint
    return options


def make_blob_store(url: str | None, data_dir: Path) -> BlobStore:
    if not url:
        return LocalBlobStore(data_dir / config.BLOB_DIR)
    from docket.store.objectblobs import ObjectBlobStore  # s3fs and its HTTP stack only when used

    return ObjectBlobStore(url, **object_store_options(url))


def _recorded(conn: Connection) -> str | None:
    return conn.execute(select(store_meta.c.value).where(store_meta.c.key == META_KEY)).scalar()


def locate_blobs(engine: Engine, data_dir: Path, requested: str | None) -> BlobStore:
    """The store's blob store: the one recorded, else the one ``requested`` (recorded now), else local."""
    requested = requested.rstrip("/") if requested else None
    with engine.connect() as conn:
        recorded = _recorded(conn)
    if requested and recorded != requested:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            recorded = _recorded(conn)
            if recorded is None and conn.execute(select(exists().where(blobs.c.sha256.is_not(None)))).scalar():
                raise BlobLocationError(
                    f"this store keeps its originals in {data_dir / config.BLOB_DIR}; cannot put them at {requested}"
                )
            if recorded is None:
                conn.execute(store_meta.insert(), {"key": META_KEY, "value": requested})
                recorded = requested
        if recorded != requested:
            raise BlobLocationError(f"this store keeps its originals at {recorded}, not at {requested}")
    return make_blob_store(recorded, data_dir)
