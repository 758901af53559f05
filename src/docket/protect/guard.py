"""What opening a store does about protection: find the key, refuse a store it cannot open, and give
the sealed store for protected testimonies' originals (``Store.open`` calls ``open_protection``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from docket.protect.keys import Keyring, ProtectionError, load_keyring
from docket.protect.records import check_store_key
from docket.protect.sealed import SealedBlobStore, SealedObjectBlobStore, sealed_store
from docket.store.blobstore import BlobStore


def open_protection(
    engine: Engine, data_dir: Path, blobs: BlobStore, keyring: Keyring | None = None
) -> tuple[Keyring | None, SealedBlobStore | SealedObjectBlobStore]:
    """The key (given, else from the environment or key file) and the sealed originals (beside ``blobs``,
    the plain ones, when those are in object storage); raises ``KeyMissing`` / ``WrongKey`` for a store
    whose protected data that key cannot open."""
    try:
        keyring = keyring or load_keyring(data_dir)
        check_store_key(engine, keyring, data_dir)
    except ProtectionError:
        engine.dispose()
        raise
    return keyring, sealed_store(blobs, data_dir, keyring)
