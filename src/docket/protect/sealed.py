"""Originals of protected testimonies, stored encrypted: ``DATA_DIR/sealed/ab/<sha256>``, or, for a store
whose originals live in object storage, ``BLOB_URL/sealed/ab/<sha256>`` beside them.

The custody requirement keeps every original byte for byte; for a testimony with protected fields the
original itself names the witness, so its bytes are kept sealed (AES-256-GCM, bound to their SHA-256)
instead of in the plain blob store. The name is still the SHA-256 of the original bytes, which custody
records and ``verify`` re-computes after opening the file with the key. Same interface as the blob
store (``docket.store.blobstore.BlobStore``): ``put`` takes the original's bytes, ``open`` gives them
back. Each ``put`` is durable when it returns (the file, then its directory, fsynced; in object storage,
one PUT, acknowledged once the whole object is stored, so a sealed object is never seen half-written).
A store that kept its sealed originals on disk before its plain ones went to object storage still finds
them there.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from docket.protect.keys import KeyMissing, Keyring, ProtectionError
from docket.protect.seal import seal_file, unseal_file
from docket.store.blobstore import BlobStore, LocalBlobStore

if TYPE_CHECKING:
    from docket.store.objectblobs import ObjectBlobStore

SEALED_DIR = "sealed"


class SealedBlobStore(LocalBlobStore):
    """The local blob store's layout (``path``, ``exists``, ``iter``, ``uri``), with sealed contents."""

    def __init__(self, root: Path, keyring: Keyring | None) -> None:
        super().__init__(root)
        self.keyring = keyring

    def _key(self) -> Keyring:
        return _required(self.keyring)

    def put(self, stream: BinaryIO, expected_sha256: str | None = None) -> tuple[str, int]:
        data, sha = _read_checked(stream, expected_sha256)
        final = self.path(sha)
        if final.exists():
            return sha, len(data)
        sealed = seal_file(self._key(), data, _context(sha))
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{os.getpid()}-{uuid.uuid4().hex}"
        try:
            with tmp.open("wb") as out:
                out.write(sealed)
                out.flush()
                os.fsync(out.fileno())
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        finally:
            if tmp.exists():
                tmp.unlink()
        return sha, len(data)

    def open(self, sha256: str) -> BinaryIO:
        return io.BytesIO(unseal_file(self._key(), self.path(sha256).read_bytes(), _context(sha256)))

    @contextmanager
    def batch(self) -> Iterator[None]:
        yield  # each put is durable when it returns


class SealedObjectBlobStore:
    """Sealed originals in object storage (``URL/ab/<sha256>``), read from ``earlier`` (the data dir's
    sealed store) when they were stored there before."""

    def __init__(self, url: str, keyring: Keyring | None, earlier: SealedBlobStore, **storage_options: Any) -> None:
        from docket.store.objectblobs import ObjectBlobStore  # fsspec only for stores that use it

        self.objects: ObjectBlobStore = ObjectBlobStore(url, **storage_options)  # its layout, keys and listing
        self.keyring = keyring
        self.earlier = earlier

    def _key(self) -> Keyring:
        return _required(self.keyring)

    def put(self, stream: BinaryIO, expected_sha256: str | None = None) -> tuple[str, int]:
        data, sha = _read_checked(stream, expected_sha256)
        if not self.exists(sha):
            self.objects.fs.pipe_file(self.objects.key(sha), seal_file(self._key(), data, _context(sha)))
        return sha, len(data)

    def open(self, sha256: str) -> BinaryIO:
        if not self.objects.exists(sha256) and self.earlier.exists(sha256):
            return self.earlier.open(sha256)
        sealed = self.objects.fs.cat_file(self.objects.key(sha256))
        return io.BytesIO(unseal_file(self._key(), sealed, _context(sha256)))

    def exists(self, sha256: str) -> bool:
        return self.objects.exists(sha256) or self.earlier.exists(sha256)

    def iter(self) -> Iterator[str]:
        yield from sorted(set(self.objects.iter()) | set(self.earlier.iter()))

    def uri(self, sha256: str) -> str:
        if not self.objects.exists(sha256) and self.earlier.exists(sha256):
            return self.earlier.uri(sha256)
        return self.objects.uri(sha256)

    @contextmanager
    def batch(self) -> Iterator[None]:
        yield  # each put is durable when it returns


def sealed_store(blobs: BlobStore, data_dir: Path, keyring: Keyring | None) -> SealedBlobStore | SealedObjectBlobStore:
    """Where a store's sealed originals go: beside its plain ones when those are in object storage, else
    the data dir's ``sealed/``."""
    from docket.store.objectblobs import ObjectBlobStore

    local = SealedBlobStore(data_dir / SEALED_DIR, keyring)
    if isinstance(blobs, ObjectBlobStore):
        return SealedObjectBlobStore(f"{blobs.url}/{SEALED_DIR}", keyring, local, **blobs.options)
    return local


def _required(keyring: Keyring | None) -> Keyring:
    if keyring is None:
        raise KeyMissing("sealed originals need the protection key: run `docket key init` or set it up")
    return keyring


def _read_checked(stream: BinaryIO, expected_sha256: str | None) -> tuple[bytes, str]:
    """The original's bytes (a testimony: small, sealed whole) and their SHA-256, checked when expected."""
    data = stream.read()
    sha = hashlib.sha256(data).hexdigest()
    if expected_sha256 and sha != expected_sha256:
        raise ProtectionError(f"content changed while reading (expected {expected_sha256[:12]}, got {sha[:12]})")
    return data, sha


def _context(sha256: str) -> str:
    return f"docket sealed original\x1f{sha256}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
