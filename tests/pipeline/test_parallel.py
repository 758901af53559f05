"""Ingest on Dask workers: the same register as a serial run, idempotent, and nothing lost to a dead worker.

Real processes throughout: `docket ingest --workers 2` starts a local Dask cluster of two worker processes;
the dead-worker test starts one in-process and kills a worker process with SIGKILL mid-ingest."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dbkit import rows, store_url
from docket import custody
from docket.export import write_jsonl
from docket.outcome import SourceOutcome
from docket.parallel import ingest_paths_parallel
from docket.pipeline import ingest_paths
from docket.store import Store

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from docket.cli import app; app()"]
PLACES = ["Kazan", "Saratov", "Kopeysk", "Melitopol"]
# Payloads hash rows with their timestamps, which differ between any two runs; the entries' order does not.
CHAIN = "SELECT action, object_type, object_id FROM custody ORDER BY seq"


def _corpus(folder: Path, n: int = 14) -> int:
    """The example reports (every format, sidecars), reports that link into shared incidents, and one
    file with the same bytes as another under a second name. Returns the number of sources."""
    shutil.copytree(REPO / "examples" / "reports", folder)
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        (folder / f"z{i:02d}.txt").write_text(
            f"Report {i}. On {1 + i % 3} October 2022 about {40 + i % 3} mobilized men were held in a basement "
            f"in {place} after refusing to fight, relatives told the rights group Monitor {i % 5}.\n",
            encoding="utf-8",
        )
    shutil.copyfile(folder / "z03.txt", folder / "z99-copy.txt")
    return sum(1 for p in folder.iterdir() if not p.name.endswith(".meta.json"))


def _docket(data: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess:
    db = ["--database-url", url] if url else []
    return subprocess.run([*CLI, "--data-dir", str(data), *db, *args], capture_output=True, text=True, timeout=600)


def _export(store: Store) -> str:
    buffer = io.StringIO()
    write_jsonl(store, buffer)
    return buffer.getvalue()


def test_two_workers_leave_the_register_a_serial_run_leaves(tmp_path: Path, new_database: Callable):
    reports = tmp_path / "reports"
    sources = _corpus(reports)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial_url = store_url(serial, new_database())
    parallel_url = store_url(parallel)

    one = _docket(serial, "ingest", str(reports), url=serial_url)
    assert one.returncode == 0, one.stderr
    two = _docket(parallel, "ingest", "--workers", "2", str(reports))
    assert two.returncode == 0, two.stderr
    assert f"{sources} sources: {sources - 1} added, 1 skipped" in two.stdout, two.stdout
    assert one.stdout == two.stdout

    exports = [_docket(d, "export", "--format", "jsonl", url=u) for d, u in ((serial, serial_url), (parallel, None))]
    assert all(e.returncode == 0 for e in exports)
    assert exports[0].stdout == exports[1].stdout and exports[0].stdout.count("\n") >= 5
    for sql in ("SELECT id, name, blob_sha256 FROM documents ORDER BY id", "SELECT id, document_id, incident_id, data FROM claims ORDER BY id"):
        assert rows(serial_url, sql) == rows(parallel_url, sql)
    # The same custody entries in the same order, save the export each run appended.
    assert rows(serial_url, CHAIN)[:-1] == rows(parallel_url, CHAIN)[:-1]

    again = _docket(parallel, "ingest", "--workers", "2", str(reports))
    assert again.returncode == 0, again.stderr
    assert f"0 added, {sources} skipped" in again.stdout
    assert rows(parallel_url, "SELECT count(*), count(DISTINCT id) FROM documents") == rows(
        serial_url, "SELECT count(*), count(DISTINCT id) FROM documents"
    )
    assert custody.verify(Store.open(parallel)) == []


@pytest.fixture
def cluster():  # type: ignore[no-untyped-def]
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local,
        Client(local) as client,
    ):
        yield client


def test_a_worker_killed_mid_ingest_loses_nothing(tmp_path: Path, new_database: Callable, cluster):
    reports = tmp_path / "reports"
    sources = _corpus(reports, n=30)
    pids = cluster.run(os.getpid)
    written: list[SourceOutcome] = []
    killed: list[int] = []
    stop = threading.Event()

    def kill_a_worker_mid_task() -> None:
        """Once a few sources are written, SIGKILL the first worker seen running a task."""
        while not stop.is_set() and not killed:
            if len(written) >= 3:
                busy = [addr for addr, tasks in cluster.processing().items() if tasks and addr in pids]
                if busy:
                    killed.append(pids[busy[0]])
                    os.kill(pids[busy[0]], signal.SIGKILL)
            time.sleep(0.002)

    killer = threading.Thread(target=kill_a_worker_mid_task, daemon=True)
    killer.start()
    store = Store.open(tmp_path / "data")
    in_flight: list[int] = []

    def progress(outcome: SourceOutcome, done: int, total: int) -> None:
        written.append(outcome)
        in_flight.append(len(cluster.futures))  # tasks submitted and not yet written

    try:
        report = ingest_paths_parallel(
            store, [reports], actor="tester", client=cluster, progress=progress, window=8, commit_every=2
        )
    finally:
        stop.set()
        killer.join()
    assert killed and killed[0] not in cluster.run(os.getpid).values(), "a worker process died mid-task"
    assert len(written) > 3, "and the ingest went on after it"
    assert 0 < max(in_flight) <= 8, "never more than the window in flight"
    assert [o.status for o in report.outcomes].count("failed") == 0, [o.message for o in report.outcomes]
    assert len(report.outcomes) == sources and report.count("skipped") == 1

    reference = Store.open(tmp_path / "serial", new_database())
    ingest_paths(reference, [reports], actor="tester")
    assert _export(store) == _export(reference)
    documents = "SELECT count(*), count(DISTINCT id), count(DISTINCT blob_sha256) FROM documents"
    assert rows(store.url, documents) == rows(reference.url, documents)
    assert rows(store.url, "SELECT count(*) FROM blobs") == [(sources - 1,)]
    assert rows(store.url, CHAIN) == rows(reference.url, CHAIN)
    assert custody.verify(store) == []


def test_workers_put_the_originals_in_s3_and_verify_rehashes_them(tmp_path: Path, s3_bucket, cluster):
    reports = tmp_path / "reports"
    sources = _corpus(reports, n=6)
    store = Store.open(tmp_path / "data", blob_url=s3_bucket.url)
    report = ingest_paths_parallel(store, [reports], actor="tester", client=cluster)
    assert report.count("added") == sources - 1 and report.count("skipped") == 1
    assert not (tmp_path / "data" / "blobs").exists()
    objects = s3_bucket.objects()
    assert len(objects) == sources - 1
    assert sorted(u for (u,) in rows(store.url, "SELECT storage_uri FROM blobs")) == [f"s3://{o}" for o in objects]
    assert custody.verify(store) == []
    s3_bucket.fs.pipe_file(objects[2], b"altered in the bucket")
    problems = custody.verify(store)
    assert [p.kind for p in problems] == ["blob"] and objects[2].rsplit("/", 1)[1][:12] in problems[0].name


def test_the_local_cluster_runs_with_dask_housekeeping_turned_down():
    """The settings reach the scheduler (in this process) and the worker processes."""
    from docket.parallel import dask_client

    with dask_client(workers=1) as client:
        scheduler = client.cluster.scheduler
        assert "stealing" not in scheduler.extensions
        assert scheduler._tick_interval == 1.0
        assert list(client.run(lambda dask_worker: dask_worker._tick_interval).values()) == [1.0]
