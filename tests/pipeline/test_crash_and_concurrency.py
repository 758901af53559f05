"""Real processes: a batch killed with SIGKILL and re-run, and two ingests into one store at once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from dbkit import ON_POSTGRES, rows, store_url
from docket import custody
from docket.store import Store

CLI = [sys.executable, "-c", "from docket.cli import app; app()"]
PLACES = ["Kazan", "Saratov", "Kopeysk", "Ulan-Ude", "Melitopol", "Svatove"]


def _write_batch(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        (folder / f"r{i:03d}.txt").write_text(
            f"Report {i}. On {1 + i % 28} October 2022 about {10 + i} mobilized men were held in a basement "
            f"in {place} after refusing to fight, relatives told the rights group Monitor {i}.\n",
            encoding="utf-8",
        )


def _docket(data: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess:
    db = ["--database-url", url] if url else []
    return subprocess.run([*CLI, "--data-dir", str(data), *db, *args], capture_output=True, text=True, timeout=300)


def _export(data: Path, url: str | None = None) -> list[str]:
    result = _docket(data, "export", "--format", "jsonl", url=url)
    assert result.returncode == 0, result.stderr
    return sorted(result.stdout.splitlines())


def _stored_blobs(url: str) -> int:
    try:
        return rows(url, "SELECT count(*) FROM blobs")[0][0]
    except DBAPIError:  # no tables yet, or the database is locked
        return 0


def test_killed_batch_rerun_matches_a_clean_run(tmp_path: Path, new_database: Callable):
    batch, n = tmp_path / "batch", 24
    _write_batch(batch, n)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    # The killed store's database is this test's own (the environment's); the clean one gets another.
    killed_url, clean_url = store_url(killed), store_url(clean, new_database())

    proc = subprocess.Popen([*CLI, "--data-dir", str(killed), "ingest", str(batch)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    stored, deadline = 0, time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if ON_POSTGRES or (killed / "docket.sqlite").exists():
            stored = _stored_blobs(killed_url)
            if stored >= 2:
                break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    interrupted = rows(killed_url, "SELECT count(*) FROM blobs")[0][0]
    assert 0 < interrupted < n, "the batch must be killed part-way through"

    rerun = _docket(killed, "ingest", str(batch))
    assert rerun.returncode == 0, rerun.stderr
    assert _docket(clean, "ingest", str(batch), url=clean_url).returncode == 0

    for data, url in ((killed, killed_url), (clean, clean_url)):
        assert rows(url, "SELECT count(*), count(DISTINCT name) FROM documents") == [(n, n)]
        assert rows(url, "SELECT count(*) FROM blobs") == [(n,)]
        assert custody.verify(Store.open(data, url)) == []
    assert _export(killed) == _export(clean, clean_url)
    ids = "SELECT id FROM documents ORDER BY id"
    assert rows(killed_url, ids) == rows(clean_url, ids)


def test_two_concurrent_ingests_leave_a_valid_chain_and_no_duplicates(tmp_path: Path):
    batch, n = tmp_path / "batch", 12
    _write_batch(batch, n)
    data = tmp_path / "data"
    Store.open(data).close()
    procs = [
        subprocess.Popen([*CLI, "--data-dir", str(data), "ingest", str(batch)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outputs]
    # Each file is processed by exactly one of the two; the other finds its bytes already stored.
    skipped = sum(int(re.search(r"(\d+) skipped", o[0]).group(1)) for o in outputs)
    assert skipped == n
    url = store_url(data)
    assert rows(url, "SELECT count(*), count(DISTINCT blob_sha256) FROM documents") == [(n, n)]
    assert rows(url, "SELECT count(*) FROM blobs") == [(n,)]
    assert custody.verify(Store.open(data)) == []


def test_two_concurrent_ingests_on_dask_workers_leave_a_valid_chain_and_no_duplicates(tmp_path: Path):
    """Two `docket ingest --workers 2` at once, each with a Dask cluster of its own, one writing every
    source per transaction, the other a few per transaction."""
    batch, n = tmp_path / "batch", 12
    _write_batch(batch, n)
    data = tmp_path / "data"
    Store.open(data).close()
    procs = [
        subprocess.Popen([*CLI, "--data-dir", str(data), "ingest", "--workers", "2", *extra, str(batch)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for extra in (["--commit-every", "1"], ["--commit-every", "5"])
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outputs]
    added = sum(int(re.search(r"(\d+) added", o[0]).group(1)) for o in outputs)
    skipped = sum(int(re.search(r"(\d+) skipped", o[0]).group(1)) for o in outputs)
    assert (added, skipped) == (n, n)
    url = store_url(data)
    assert rows(url, "SELECT count(*), count(DISTINCT blob_sha256) FROM documents") == [(n, n)]
    assert rows(url, "SELECT count(*) FROM blobs") == [(n,)]
    assert custody.verify(Store.open(data)) == []
