"""Originals in object storage, against a real S3-compatible HTTP server (moto's, in-process)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from docket.store import BlobError, Store
from docket.store.bloblocation import BlobLocationError, make_blob_store
from docket.store.objectblobs import ObjectBlobStore

MiB = 1 << 20


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_put_open_exists_iter_and_uri(s3_bucket, tmp_path):
    blobs = make_blob_store(s3_bucket.url, tmp_path)
    assert isinstance(blobs, ObjectBlobStore)
    data = [b"first original", "второй оригинал".encode(), b"first original"]
    with blobs.batch(), blobs.batch():
        got = [blobs.put(io.BytesIO(d), _sha(d)) for d in data]
    assert got[0] == got[2] == (_sha(data[0]), len(data[0]))
    assert all(blobs.exists(sha) for sha, _ in got) and not blobs.exists("0" * 64)
    assert sorted(blobs.iter()) == sorted({sha for sha, _ in got})
    sha = got[1][0]
    assert blobs.uri(sha) == f"{s3_bucket.url}/{sha[:2]}/{sha}"
    with blobs.open(sha) as fh:
        assert fh.read() == data[1]
    # Stored once each, under its content address, and no temporary object left behind.
    assert s3_bucket.fs.find(s3_bucket.name) == sorted(f"{s3_bucket.name}/originals/{s[:2]}/{s}" for s in set(blobs.iter()))


def test_a_put_whose_bytes_changed_leaves_no_blob(s3_bucket, tmp_path):
    blobs = make_blob_store(s3_bucket.url, tmp_path)
    with pytest.raises(BlobError, match="content changed"):
        blobs.put(io.BytesIO(b"changed while read"), "0" * 64)
    assert list(blobs.iter()) == []
    assert s3_bucket.fs.find(s3_bucket.name) == []  # the temporary object is gone too
    with pytest.raises(FileNotFoundError):
        blobs.open(_sha(b"changed while read"))


def _generate(path: Path, size: int) -> str:
    """A file of ``size`` pseudo-random bytes, written (and hashed) a MiB at a time."""
    digest, block = hashlib.sha256(), hashlib.sha256(b"seed").digest() * (MiB // 32)
    with path.open("wb") as fh:
        for i in range(size // MiB):
            chunk = bytes([i % 251]) + block[1:]
            digest.update(chunk)
            fh.write(chunk)
    return digest.hexdigest()


# Run in a process of its own, so that its peak RSS is the S3 client's alone (the moto server lives in the
# test's process and keeps what it receives).
STREAMER = """
import io, json, sys
from docket.store.blobstore import sha256_stream
from docket.store.objectblobs import ObjectBlobStore

def status(field):  # VmHWM, unlike ru_maxrss, starts afresh at exec (not the forking test's peak)
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith(field + ":")) * 1024

def rss():
    return status("VmRSS")

def peak():
    return status("VmHWM")

url, endpoint, path, sha = sys.argv[1:5]
blobs = ObjectBlobStore(url, part_size=5 << 20, endpoint_url=endpoint)
blobs.put(io.BytesIO(b"warm-up: client, session and event loop"))
base = rss()
with open(path, "rb") as fh:
    put = blobs.put(fh, sha)
after_put = peak()
with blobs.open(sha) as fh:
    got = sha256_stream(fh)
print(json.dumps({"put": put, "got": got, "base": base, "after_put": after_put, "after_get": peak()}))
"""


def test_a_large_blob_is_streamed_up_in_parts_and_down_in_ranges(s3_bucket, tmp_path, caplog):
    size = 50 * MiB
    big = tmp_path / "big.bin"
    expected = _generate(big, size)
    caplog.set_level(logging.INFO, logger="werkzeug")  # the server's request log
    proc = subprocess.run(
        [sys.executable, "-c", STREAMER, s3_bucket.url, s3_bucket.endpoint, str(big), expected],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["put"] == figures["got"] == [expected, size]
    assert s3_bucket.fs.info(f"{s3_bucket.name}/originals/{expected[:2]}/{expected}")["size"] == size

    requests = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("?uploads" in m for m in requests), "a multipart upload was started"
    parts = [m for m in requests if "partNumber=" in m and "PUT" in m]
    assert len(parts) == size // (5 * MiB), parts[:3]
    ranged = [m for m in requests if f"GET /{s3_bucket.name}/originals/{expected[:2]}/{expected} " in m]
    # Ranged GETs (206) of about a part each (fsspec's read-ahead adds the bytes asked for to a part).
    assert len(ranged) >= size // (2 * 5 * MiB) and all('" 206' in m for m in ranged), ranged[:2]
    # Memory: reading the 50 MiB blob whole, up or down, would raise the peak by at least 50 MiB.
    grew_up, grew_down = figures["after_put"] - figures["base"], figures["after_get"] - figures["base"]
    print(f"RSS grew {grew_up / MiB:.1f} MiB uploading, {grew_down / MiB:.1f} MiB downloading")
    assert grew_up < 30 * MiB and grew_down < 30 * MiB, (grew_up / MiB, grew_down / MiB)


def test_store_records_its_blob_url_and_refuses_another(s3_bucket, s3_server, tmp_path):
    store = Store.open(tmp_path / "data", blob_url=s3_bucket.url + "/")
    assert isinstance(store.blobs, ObjectBlobStore)
    store.close()
    again = Store.open(tmp_path / "data")  # no URL named: the recorded one
    assert isinstance(again.blobs, ObjectBlobStore) and again.blobs.url == s3_bucket.url
    again.close()
    other = s3_server.bucket()
    with pytest.raises(BlobLocationError, match="keeps its originals at"):
        Store.open(tmp_path / "data", blob_url=other.url)


def test_a_store_with_local_originals_is_not_moved_to_s3(s3_bucket, tmp_path):
    store = Store.open(tmp_path / "data")
    from docket.pipeline import ingest_paths

    (tmp_path / "a.txt").write_text("Prisoners were beaten in a colony in Kopeysk in 2023.\n", encoding="utf-8")
    ingest_paths(store, [tmp_path / "a.txt"], actor="tester")
    store.close()
    with pytest.raises(BlobLocationError, match="in the data dir|blobs"):
        Store.open(tmp_path / "data", blob_url=s3_bucket.url)
