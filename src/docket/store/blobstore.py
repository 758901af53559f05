"""Storage of originals by SHA-256: an interface, and the local-directory implementation.

Blobs are written streaming to a temporary file, fsynced and renamed into place, so a crash never
leaves a partial blob under its final name; the directory that gained the name is fsynced too, so the blob
is durable when ``put`` returns, or, inside ``batch()``, when the batch ends (each directory fsynced once
per batch). Another backend (S3) implements the same protocol.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 20


class BlobError(Exception):
    pass


class BlobStore(Protocol):
    def put(self, stream: BinaryIO, expected_sha256: str | None = None) -> tuple[str, int]:
        """Store the stream's bytes; returns (sha256, size). Stored once per content."""

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def iter(self) -> Iterator[str]:
        """Every stored sha256."""

    def uri(self, sha256: str) -> str: ...

    def batch(self) -> AbstractContextManager[None]:
        """Blobs put inside are durable once the batch ends (not before)."""


def sha256_stream(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class LocalBlobStore:
    """``ROOT/ab/<sha256>``: content-addressed files under a directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._unsynced: set[Path] | None = None  # directories to fsync when the current batch ends

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, stream: BinaryIO, expected_sha256: str | None = None) -> tuple[str, int]:
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{os.getpid()}-{uuid.uuid4().hex}"
        digest, size = hashlib.sha256(), 0
        try:
            with tmp.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                sha = digest.hexdigest()
                if expected_sha256 and sha != expected_sha256:
                    raise BlobError(
                        f"content changed while reading (expected {expected_sha256[:12]}, got {sha[:12]})"
                    )
                final = self.path(sha)
                if final.exists():
                    return sha, size  # stored already (and made durable by whoever stored it)
                out.flush()
                os.fsync(out.fileno())
            new_dir = not final.parent.is_dir()
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            self._sync_later(final.parent)
            if new_dir:
                self._sync_later(self.root)
            return sha, size
        finally:
            if tmp.exists():
                tmp.unlink()

    def _sync_later(self, directory: Path) -> None:
        if self._unsynced is None:
            _fsync_dir(directory)
        else:
            self._unsynced.add(directory)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Within, ``put`` defers the fsync of the directories that gained a blob's name; at the end each is
        fsynced once, so every blob put inside is durable when the batch ends. Nested batches join the
        outer one."""
        if self._unsynced is not None:
            yield
            return
        self._unsynced = set()
        try:
            yield
            for directory in sorted(self._unsynced):
                _fsync_dir(directory)
        finally:
            self._unsynced = None

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def iter(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for f in sorted(sub.iterdir()):
                    if f.is_file():
                        yield f.name

    def uri(self, sha256: str) -> str:
        return self.path(sha256).resolve().as_uri()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
