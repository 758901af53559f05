"""Blobs put inside a batch: stored once, readable at once, and a batch may be nested or fail."""

from __future__ import annotations

import hashlib
import io

import pytest

from docket.store import BlobError
from docket.store.blobstore import LocalBlobStore


def test_blobs_put_in_a_batch_are_stored_once(tmp_path):
    blobs = LocalBlobStore(tmp_path / "blobs")
    data = [b"first original", b"second original", b"first original"]
    with blobs.batch():
        with blobs.batch():  # joins the outer batch
            got = [blobs.put(io.BytesIO(d), hashlib.sha256(d).hexdigest()) for d in data]
        assert all(blobs.exists(sha) for sha, _ in got)
    assert got[0] == got[2] == (hashlib.sha256(data[0]).hexdigest(), len(data[0]))
    assert sorted(blobs.iter()) == sorted({sha for sha, _ in got})
    assert not list((tmp_path / "blobs" / "tmp").iterdir())
    with blobs.open(got[1][0]) as fh:
        assert fh.read() == data[1]


def test_a_failed_put_in_a_batch_leaves_no_blob_and_the_batch_ends(tmp_path):
    blobs = LocalBlobStore(tmp_path / "blobs")
    with pytest.raises(BlobError), blobs.batch():
        blobs.put(io.BytesIO(b"kept"))
        blobs.put(io.BytesIO(b"changed"), "0" * 64)
    assert len(list(blobs.iter())) == 1
    assert not list((tmp_path / "blobs" / "tmp").iterdir())
    sha, _ = blobs.put(io.BytesIO(b"after"))  # outside any batch again
    assert blobs.exists(sha)
