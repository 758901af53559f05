"""The main job: ingest files and folders into the store, resumable.

Per source, in order: read it (ingest); if its bytes are stored already, skip it; else clean and extract
each document (text, extract; ``docket.prepare``) outside any transaction; then write it
(``docket.record``): its originals to the blob store, then, in one write transaction, blobs, documents,
claims, incidents (link) and their custody entries. ``commit_every`` sources share a transaction (one
by default). ``docket.parallel`` runs the same job with the preparing spread over Dask workers and the
writing here, in the same order, so it leaves the same register.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from docket.ingest import Source, iter_sources
from docket.media.ingest import ingest_found_media, take_media
from docket.outcome import IngestReport, Progress, SourceOutcome
from docket.prepare import PreparedSource, prepare, read
from docket.record import SourceWriter, already_stored
from docket.store import Store

__all__ = ["IngestReport", "Progress", "SourceOutcome", "ingest_paths", "ingest_source"]


def ingest_paths(
    store: Store,
    paths: Iterable[Path | str],
    *,
    actor: str,
    progress: Progress | None = None,
    commit_every: int = 1,
) -> IngestReport:
    sources = list(iter_sources(paths))
    media = take_media(sources)  # images, video, sound: the media stage, after the reports (docket.media)
    report = IngestReport()
    writer = SourceWriter(
        store, actor=actor, report=report, total=len(sources) + len(media), commit_every=commit_every,
        progress=progress,
    )
    for source in sources:
        writer.add(read_and_prepare(store, source))
    writer.flush()
    ingest_found_media(store, media, actor=actor, report=report, progress=progress)
    return report


def ingest_source(store: Store, source: Source, *, actor: str) -> SourceOutcome:
    report = IngestReport()
    writer = SourceWriter(store, actor=actor, report=report, total=1)
    writer.add(read_and_prepare(store, source))
    writer.flush()
    return report.outcomes[0]


def read_and_prepare(store: Store, source: Source) -> PreparedSource | SourceOutcome:
    """The source ready to write, or its outcome when there is nothing to write (unreadable, stored)."""
    result = read(source)
    if isinstance(result, str):
        return SourceOutcome(source.name, "failed", result)
    skipped = already_stored(store, result.sha256, source.name)
    if skipped is not None:
        return skipped
    return PreparedSource(source.name, prepare(result))
