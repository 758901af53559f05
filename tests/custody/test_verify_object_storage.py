"""The custody chain over originals kept in S3: ingest into a bucket, `docket verify` re-hashes each object
from the bucket, and names one that was altered or removed there. A real S3-compatible HTTP server (moto's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dbkit import rows, store_url
from docket import config
from docket.pipeline import ingest_paths
from docket.store import Store

CLI = [sys.executable, "-c", "from docket.cli import app; app()"]
REPORTS = {
    "kazan.txt": "On 3 October 2022 military commissariat staff handed summonses to about 60 workers at a "
    "factory in Kazan, according to the rights group Volga Monitor.\n",
    "kopeysk.txt": "Prisoners were beaten in penal colony IK-6 in Kopeysk in March 2023, relatives said.\n",
    "melitopol.md": "# Detained\n\nAbout 20 men were detained in Melitopol on 5 May 2023, a local channel reported.\n",
}


def _docket(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "--data-dir", str(data), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def ingested(tmp_path: Path, s3_bucket, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    reports = tmp_path / "reports"
    reports.mkdir()
    for name, text in REPORTS.items():
        (reports / name).write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    monkeypatch.setenv(config.BLOB_URL_ENV, s3_bucket.url)
    store = Store.open(data)  # the blob URL from the environment, as the CLI's
    report = ingest_paths(store, [reports], actor="tester")
    store.close()
    assert report.count("added") == len(REPORTS)
    # Later commands find the originals where the store recorded them, without being told.
    monkeypatch.delenv(config.BLOB_URL_ENV)
    return data, s3_bucket


def test_originals_go_to_the_bucket_and_verify_rehashes_them(ingested):
    data, bucket = ingested
    assert not (data / config.BLOB_DIR).exists()
    uris = rows(store_url(data), "SELECT storage_uri FROM blobs ORDER BY storage_uri")
    objects = bucket.objects()
    assert len(objects) == len(REPORTS)
    assert [u for (u,) in uris] == sorted(f"s3://{o}" for o in objects)
    result = _docket(data, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "originals and rows intact" in result.stdout


def test_an_object_altered_in_the_bucket_is_named(ingested):
    data, bucket = ingested
    key = bucket.objects()[0]
    body = bytearray(bucket.fs.cat_file(key))
    body[0] ^= 0x01
    bucket.fs.pipe_file(key, bytes(body))
    result = _docket(data, "verify")
    assert result.returncode == 1
    sha = key.rsplit("/", 1)[1]
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem blob ")]
    assert len(problems) == 1 and sha[:12] in problems[0] and "content changed" in problems[0], result.stdout


def test_an_object_removed_from_the_bucket_is_named(ingested):
    data, bucket = ingested
    key = bucket.objects()[-1]
    bucket.fs.rm(key)
    result = _docket(data, "verify")
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem blob ")]
    assert len(problems) == 1 and key.rsplit("/", 1)[1][:12] in problems[0] and "missing" in problems[0]


def test_a_re_ingest_into_the_bucket_stores_nothing_twice(ingested, tmp_path):
    data, bucket = ingested
    before = bucket.objects()
    result = _docket(data, "ingest", str(tmp_path / "reports"))
    assert result.returncode == 0 and "3 skipped" in result.stdout, result.stdout + result.stderr
    assert bucket.objects() == before
    assert rows(store_url(data), "SELECT count(*) FROM blobs") == [(len(REPORTS),)]


def test_a_testimonys_original_is_sealed_in_the_bucket_beside_the_plain_ones(tmp_path, s3_bucket, monkeypatch):
    from docket.protect.sealed import SEALED_DIR
    from witnesskit import FORBIDDEN, use_new_key, write_testimonies

    use_new_key(monkeypatch, tmp_path)
    txt, _md = write_testimonies(tmp_path / "testimonies")
    data = tmp_path / "data"
    monkeypatch.setenv(config.BLOB_URL_ENV, s3_bucket.url)
    store = Store.open(data)
    report = ingest_paths(store, [tmp_path / "testimonies"], actor="tester")
    assert report.count("added") == 2
    sealed = sorted(store.sealed.iter())
    assert len(sealed) == 2 and list(store.blobs.iter()) == []  # the plain listing leaves the sealed out
    assert store.sealed.open(sealed[0]).read() in (txt.read_bytes(), (tmp_path / "testimonies" / _md.name).read_bytes())
    store.close()
    monkeypatch.delenv(config.BLOB_URL_ENV)
    assert not (data / SEALED_DIR).exists() and not (data / config.BLOB_DIR).exists()
    objects = s3_bucket.objects()
    assert sorted(o.rsplit("/", 1)[1] for o in objects) == sealed
    assert all(f"/{SEALED_DIR}/" in o for o in objects)
    for key in objects:
        body = s3_bucket.fs.cat_file(key)
        assert not any(word.encode() in body for word in FORBIDDEN), "sealed objects hold no name in clear"
    assert _docket(data, "verify").returncode == 0
    body = bytearray(s3_bucket.fs.cat_file(objects[0]))
    body[-1] ^= 0x01
    s3_bucket.fs.pipe_file(objects[0], bytes(body))
    result = _docket(data, "verify")
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem blob ")]
    assert len(problems) == 1 and objects[0].rsplit("/", 1)[1][:12] in problems[0], result.stdout
