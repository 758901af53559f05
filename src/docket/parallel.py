"""Ingest with the preparing (read, decode, clean, extract) spread over Dask workers.

Workers run ``docket.prepare.prepare_source``, a pure function of one source file, put the file's
originals in the blob store (content-addressed and idempotent, so this needs no coordination; a testimony
with protected fields is left to the client, which seals it) and send back its Documents and Claims; this
process (the client) writes them with the same ``SourceWriter`` a serial run uses, in the order of
``iter_sources`` (sorted paths), so the register (incidents, links, custody entries, export bytes) is the
one a serial run leaves. Media files go through the media stage here after the reports, as in a serial run.
Writers take turns through the store's write lock, so two ingests at once, parallel or not, keep one
custody chain.

Memory stays bounded: at most ``window`` sources are submitted and not yet written, a few (``PER_TASK``)
to a task; more are submitted only as these are written. A source whose bytes were stored before the run
(a re-run) is skipped here, from a hash of the file, without being sent to a worker. A worker that dies
mid-task loses nothing: the scheduler runs its tasks again on another worker (``retries`` covers tasks
that raise); a source whose task kills worker after worker is recorded as failed, and the batch goes on. Workers read the source files by path
and write originals to the store's blob store: on a remote cluster (``--scheduler``) they must see the
same paths (and the data dir's ``blobs/``, unless originals go to S3), and have docket installed.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

from docket.ingest import Source, iter_sources
from docket.media.ingest import ingest_found_media, take_media
from docket.outcome import IngestReport, Progress, SourceOutcome
from docket.prepare import Prepared, PreparedSource, prepare_source
from docket.record import SourceWriter, already_stored, put_original
from docket.store import BlobStore, LocalBlobStore, Store
from docket.store.schema import blobs as blobs_table

RETRIES = 2  # a task that raises is tried again this often (a task of a dead worker is always re-run)
COMMIT_EVERY = 32  # sources per write transaction
PER_TASK = 16  # sources per Dask task, at most
TASK_BYTES = 256 * 1024  # file bytes per Dask task, at most (a larger file is a task of its own)
NICE = 10  # CPU priority of local workers when they are as many as the cores (0 normal, 19 lowest)
WORKER_STOP_S = 60  # how long a local worker may take to stop when the ingest ends
# Dask's periodic housekeeping, each a wake-up of a process's event loop that takes the interpreter lock
# from the writer or a task: every 20 ms a check that the loop is not blocked, 10 times a second each
# nanny's memory reading, twice a second the dashboard's system figures, every second a look for tasks to
# move between workers (here each task goes to a worker when submitted, and a worker runs one at a time).
# At Dask's defaults an idle 2-worker cluster used 11% of a core; with these, 2%.
QUIET = {
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.scheduler.work-stealing": False,
}


def default_window(client: Any) -> int:
    """Sources in flight: a few tasks queued on every worker while the client writes."""
    return max(16, 4 * PER_TASK * len(client.scheduler_info().get("workers", {})))


def ingest_paths_parallel(
    store: Store,
    paths: Iterable[Path | str],
    *,
    actor: str,
    client: Any,
    progress: Progress | None = None,
    window: int | None = None,
    commit_every: int = COMMIT_EVERY,
) -> IngestReport:
    """``pipeline.ingest_paths`` with ``prepare_source`` run on the workers of ``client``
    (a ``distributed.Client``)."""
    sources = list(iter_sources(paths))
    media = take_media(sources)  # images, video, sound: the media stage, here, after the reports
    report = IngestReport()
    writer = SourceWriter(
        store, actor=actor, report=report, total=len(sources) + len(media), commit_every=commit_every,
        progress=progress,
    )
    for item in prepared_in_order(store, client, sources, window or default_window(client), report):
        writer.add(item)
    writer.flush()
    ingest_found_media(store, media, actor=actor, report=report, progress=progress)
    return report


def prepare_and_put(source: Source, blobs: BlobStore) -> PreparedSource:
    """The task a worker runs: ``prepare_source``, then the originals into ``blobs``, durable on return."""
    item = prepare_source(source)
    if item.tree is not None:
        with blobs.batch():
            _put_originals(blobs, item.tree)
    return item


def _put_originals(blobs: BlobStore, prepared: Prepared) -> None:
    """Store the originals, and leave out of what goes back to the client what it no longer needs: bytes
    stored already and the markup the text was cleaned from."""
    if prepared.protected:  # sealed by the client (docket.protect): it holds the key
        return
    put_original(blobs, prepared)
    prepared.result.data = None
    for doc, _claims in prepared.docs:
        doc.html = None
    for child in prepared.children:
        _put_originals(blobs, child)


def _for_workers(blobs: BlobStore) -> BlobStore:
    """The blob store as workers open it: a local one by absolute path (a worker's directory may differ)."""
    return LocalBlobStore(blobs.root.resolve()) if isinstance(blobs, LocalBlobStore) else blobs


def prepared_in_order(
    store: Store, client: Any, sources: list[Source], window: int, report: IngestReport, per_task: int = PER_TASK
) -> Iterator[PreparedSource | SourceOutcome]:
    """Each source prepared (or its outcome), in the order given: at most ``window`` sources in flight,
    up to ``per_task`` of them (and ``TASK_BYTES``) to a task: fewer, larger tasks cost the scheduler, in
    this process, less; small ones keep the workers busy while the writer waits for the first."""
    known = _known_blobs(store)
    blobs = _for_workers(store.blobs)
    queue: deque[tuple[list[Source], Any]] = deque()  # (sources, their future) or ([source], its outcome)
    todo = iter(sources)
    queued = 0
    chunk: list[Source] = []
    chunk_bytes = 0

    def submit() -> None:
        nonlocal chunk_bytes
        queue.append((chunk[:], client.submit(prepare_chunk, chunk[:], blobs, pure=False, retries=RETRIES)))
        chunk.clear()
        chunk_bytes = 0

    while True:
        while queued < window and (source := next(todo, None)) is not None:
            queued += 1
            skipped = _stored(store, source, known)
            if skipped is None:
                size = _size(source)
                if chunk and chunk_bytes + size > TASK_BYTES:
                    submit()
                chunk.append(source)
                chunk_bytes += size
                # the first tasks small, so that the writer starts early; then up to ``per_task``
                if len(chunk) >= min(per_task, 1 + len(queue)):
                    submit()
                continue
            if chunk:  # keep the order: what came before this source goes first
                submit()
            queue.append(([source], skipped))
        if chunk:
            submit()
        if not queue:
            return
        group, head = queue.popleft()
        queued -= len(group)
        if isinstance(head, SourceOutcome):
            yield head
        else:
            waiting = time.perf_counter()
            results = _results(group, head)
            report.waited_seconds += time.perf_counter() - waiting
            yield from results


def _size(source: Source) -> int:
    try:
        return source.path.stat().st_size
    except OSError:
        return 0  # the worker's reader names the problem


def prepare_chunk(sources: list[Source], blobs: BlobStore) -> list[PreparedSource]:
    """The task a worker runs: ``prepare_and_put`` for each of a few sources."""
    return [prepare_and_put(source, blobs) for source in sources]


def _results(group: list[Source], future: Any) -> list[PreparedSource | SourceOutcome]:
    try:
        return list(future.result())
    except Exception as exc:  # KilledWorker: the task took down every worker that ran it
        why = f"not prepared: {type(exc).__name__}: {exc}"
        return [SourceOutcome(source.name, "failed", f"{source.name}: {why}") for source in group]
    finally:
        future.release()


def _known_blobs(store: Store) -> set[str]:
    """The SHA-256 of every original stored when the run starts (about 100 bytes each)."""
    with store.read() as conn:
        return set(conn.execute(select(blobs_table.c.sha256)).scalars())


def _stored(store: Store, source: Source, known: set[str]) -> SourceOutcome | None:
    """Skipped, when the file's bytes were stored before this run (a re-run); sent to a worker otherwise."""
    if not known:
        return None
    try:
        with source.path.open("rb") as fh:
            sha = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None  # the worker's reader names the problem
    return already_stored(store, sha, source.name) if sha in known else None


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A client of the cluster at ``scheduler`` (``tcp://host:8786``), else of a local cluster of
    ``workers`` processes with one thread each (extraction is pure Python: threads would share one GIL)."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    from docket.daskplugins import YieldCPU

    # Workers run one pure-Python task at a time: their sampling profiler (a thread waking every 10 ms)
    # would only take CPU from the tasks.
    dask.config.set({"distributed.worker.profile.enabled": False})
    # Send every submitted task to a worker at once (the window above bounds how many there are): with the
    # scheduler's own queue, a worker waits for its next task on the scheduler, which runs in this process
    # and shares its interpreter lock with the writer.
    dask.config.set({"distributed.scheduler.worker-saturation": float("inf")})
    dask.config.set(QUIET)
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        # Workers as many as the cores (or more) would take CPU from the writer, which every result waits
        # for: they yield to it. Fewer leave it a core of its own, and yielding would only slow them.
        if (workers or 1) >= len(os.sched_getaffinity(0)):
            client.register_plugin(YieldCPU(NICE))  # also applied to a worker started in place of a dead one
        try:
            yield client
        finally:
            # Closing the cluster gives each worker 5 s to stop, which a loaded machine can exceed, and the
            # timeout would then fail a finished ingest: the workers are stopped first, with time to spare.
            for nanny in list(cluster.workers.values()):
                cluster.sync(nanny.close, timeout=WORKER_STOP_S)


def ingest(
    store: Store,
    paths: Iterable[Path | str],
    *,
    actor: str,
    progress: Progress | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    commit_every: int | None = None,
) -> IngestReport:
    """Serially in this process, or on Dask when ``workers`` or ``scheduler`` is given."""
    from docket.pipeline import ingest_paths

    if not workers and not scheduler:
        return ingest_paths(store, paths, actor=actor, progress=progress, commit_every=commit_every or 1)
    with dask_client(workers, scheduler) as client:
        return ingest_paths_parallel(
            store, paths, actor=actor, client=client, progress=progress, commit_every=commit_every or COMMIT_EVERY
        )
