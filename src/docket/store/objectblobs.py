"""Originals in object storage: the ``BlobStore`` protocol over an fsspec file system (S3 through s3fs).

Layout as on disk: ``URL/ab/<sha256>``, e.g. ``s3://bucket/prefix/ab/<sha256>``.

``put`` streams: it reads the source in ``CHUNK`` pieces, hashing each piece as it goes into the upload of
a temporary object ``URL/tmp/<pid>-<uuid>``. The upload is buffered one part at a time (``part_size``,
at least S3's 5 MiB), so a blob larger than a part goes up as a multipart upload and memory stays at about
one part whatever the blob's size. Once the hash is known the temporary object is copied server-side to its
content-addressed key (S3 ``CopyObject``, a multipart copy above 5 GB) and removed. So an object under a
final key is always whole and always hashes to its name, even when the source changed while it was read
(``expected_sha256`` then fails the put and the final key is never written). A put killed mid-way can
leave a ``tmp/`` object behind, never a wrong blob; ``iter`` ignores ``tmp/`` (an object-lifecycle rule
may expire it).

S3 acknowledges a PUT (or the completion of a multipart upload) once the object is stored, so a blob is
durable when ``put`` returns; ``batch`` has nothing to defer.
"""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, BinaryIO

import fsspec
from fsspec import AbstractFileSystem

from docket.store.blobstore import CHUNK, BlobError

PART = 8 << 20  # multipart part size; S3 needs at least 5 MiB for every part but the last
TMP = "tmp"


def _is_sha(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


class ObjectBlobStore:
    """``URL/ab/<sha256>`` on an fsspec file system (``s3://bucket/prefix``, or any other fsspec URL)."""

    def __init__(self, url: str, *, part_size: int = PART, **storage_options: Any) -> None:
        fs, root = fsspec.core.url_to_fs(url, **storage_options)
        self.options = dict(storage_options)
        self.fs: AbstractFileSystem = fs
        self.root = root.rstrip("/")
        self.url = url.rstrip("/")
        self.part_size = max(part_size, 5 << 20)

    def __reduce__(self) -> tuple:  # another process (a Dask worker) opens the same location afresh
        return (_reopen, (self.url, self.part_size, tuple(sorted(self.options.items()))))

    def key(self, sha256: str) -> str:
        return posixpath.join(self.root, sha256[:2], sha256)

    def put(self, stream: BinaryIO, expected_sha256: str | None = None) -> tuple[str, int]:
        tmp = posixpath.join(self.root, TMP, f"{os.getpid()}-{uuid.uuid4().hex}")
        digest, size = hashlib.sha256(), 0
        try:
            with self.fs.open(tmp, "wb", block_size=self.part_size) as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            sha = digest.hexdigest()
            if expected_sha256 and sha != expected_sha256:
                raise BlobError(f"content changed while reading (expected {expected_sha256[:12]}, got {sha[:12]})")
            final = self.key(sha)
            if not self.fs.exists(final):
                self.fs.copy(tmp, final)
            return sha, size
        finally:
            with suppress(FileNotFoundError):
                self.fs.rm(tmp)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Each put is durable when it returns (S3 acknowledges stored objects only)."""
        yield

    def open(self, sha256: str) -> BinaryIO:
        """The blob as a stream read in ranged GETs of ``part_size`` (never the whole object at once)."""
        return self.fs.open(self.key(sha256), "rb", block_size=self.part_size, cache_type="readahead")

    def exists(self, sha256: str) -> bool:
        return bool(self.fs.exists(self.key(sha256)))

    def iter(self) -> Iterator[str]:
        if not self.fs.exists(self.root):
            return
        for path in sorted(self.fs.find(self.root)):
            parent, name = posixpath.split(path)
            # URL/ab/<sha256> only: not tmp/, nor the sealed originals a store keeps under URL/sealed/
            if _is_sha(name) and parent == posixpath.join(self.root, name[:2]):
                yield name

    def uri(self, sha256: str) -> str:
        return str(self.fs.unstrip_protocol(self.key(sha256)))


@functools.lru_cache(maxsize=8)
def _reopen(url: str, part_size: int, options: tuple[tuple[str, Any], ...]) -> ObjectBlobStore:
    """One store (one S3 client and connection pool) per location in each process that unpickles it."""
    return ObjectBlobStore(url, part_size=part_size, **dict(options))
