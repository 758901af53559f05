"""The media stage: images, video and sound into the store, file by file, resumable.

Per file: look it up in the ingest log (``media_files``) by path, size and modification time, and skip it
when it is logged (done, or failed: the same bytes fail the same way); else copy it into the blob store
while hashing it (``BlobStore.put`` streams: a file larger than memory is fine); skip it when the same
bytes are stored already (as another file) or this (path, SHA-256) is logged done; else read it
(``analyse``: facts, fingerprints of pictures and sound, stills, transcript), find its near-duplicates
among the stored media (by pictures, else by sound), find the documents it belongs to
(``docket.media.link``) and write it all in one transaction (``docket.media.record``) that also logs the
file done. A file that cannot be read is stored as it is and recorded failed with the reason; the rest
go on. Killed half-way, a re-run skips what was done and finishes the rest.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docket import custody
from docket.ingest import Source, read_source
from docket.media import record
from docket.media.analyse import Analysis, analyse
from docket.media.audiomatch import AudioIndex
from docket.media.audioprint import AudioPrint
from docket.media.fingerprint import Fingerprint
from docket.media.kinds import is_media_bytes, is_media_file
from docket.media.link import Linker
from docket.media.match import MediaIndex
from docket.media.metadata import MediaError
from docket.media.similar import combine, load_audio_index, load_index
from docket.model import stable_id
from docket.outcome import IngestReport, SourceOutcome
from docket.store import Store
from docket.store import media as repo

Progress = Callable[[SourceOutcome, int, int], None]
EMAIL_EXTENSIONS = {".eml", ".msg"}
ALREADY = {"done": "done already", "failed": "failed already"}  # what a re-run says of a logged file


@dataclass
class MediaItem:
    name: str
    path: Path | None  # the file on disk; None for an attachment read from the blob store
    log_path: str  # the file's identity in the ingest log
    attached_to: list[str] = field(default_factory=list)  # e-mail documents it is attached to
    sha256: str | None = None  # bytes already in the blob store (an attachment)


def file_items(paths: Iterable[Path]) -> list[MediaItem]:
    return [MediaItem(p.name, p, str(p.resolve())) for p in paths]


def take_media(sources: list[Source]) -> list[MediaItem]:
    """Remove the media files from ``sources`` (``docket.ingest.Source``s, in place) and return them as
    items, followed by the media attached to the e-mails among the rest (the document readers store an
    attachment's bytes; the media stage reads them back from the blob store)."""
    chosen = [is_media_file(s.path) for s in sources]
    media = [s for s, is_media in zip(sources, chosen, strict=True) if is_media]
    if media:
        sources[:] = [s for s, is_media in zip(sources, chosen, strict=True) if not is_media]
    return file_items(s.path for s in media) + email_attachments(sources)


def email_attachments(sources: list[Source]) -> list[MediaItem]:
    """Media attached to the e-mails among ``sources``, as items linked to the e-mail's document."""
    items = []
    for source in sources:
        if source.path.suffix.lower() not in EMAIL_EXTENSIONS:
            continue
        result = read_source(source)
        if not result.documents or result.documents[0].format != "eml":
            continue
        for child in result.children:
            if child.sha256 and child.data is not None and is_media_bytes(child.name, child.data[:512]):
                items.append(MediaItem(child.name, None, f"{source.path.resolve()}#{child.name}",
                                       [result.documents[0].id], child.sha256))
    return items


class MediaStage:
    """Ingests media items for one run; holds the run's index of stored fingerprints and link caches."""

    def __init__(self, store: Store, *, actor: str, threads: int = 0) -> None:
        self.store, self.actor, self.threads = store, actor, threads
        self.linker = Linker()
        self._index: MediaIndex | None = None
        self._audio_index: AudioIndex | None = None

    @property
    def index(self) -> MediaIndex:
        if self._index is None:
            with self.store.read() as conn:
                self._index = load_index(conn)
        return self._index

    @property
    def audio_index(self) -> AudioIndex:
        if self._audio_index is None:
            with self.store.read() as conn:
                self._audio_index = load_audio_index(conn)
        return self._audio_index

    def run(self, items: list[MediaItem], progress: Progress | None = None, *, done: int = 0,
            total: int | None = None) -> list[SourceOutcome]:
        outcomes = []
        for item in items:
            outcomes.append(self.ingest(item))
            if progress:
                progress(outcomes[-1], done + len(outcomes), total or len(items))
        return outcomes

    def ingest(self, item: MediaItem) -> SourceOutcome:
        try:
            return self._ingest(item)
        except OSError as exc:
            return SourceOutcome(item.name, "failed", f"{item.name}: cannot read ({exc.strerror or exc})")

    def _ingest(self, item: MediaItem) -> SourceOutcome:
        size = mtime = None
        if item.path is not None:
            st = item.path.stat()
            size, mtime = st.st_size, st.st_mtime_ns
            with self.store.read() as conn:
                logged = repo.file_logged(conn, item.log_path, size, mtime)
            if logged is not None:
                return self._known(item, logged["sha256"], ALREADY[logged["status"]])
        sha = item.sha256 or self._copy(item)
        with self.store.read() as conn:
            logged = repo.file_status(conn, item.log_path, sha)
            stored = repo.media_by_sha(conn, sha)
        if stored is not None or logged is not None:
            return self._known(item, sha, ALREADY[logged["status"]] if logged else None, size, mtime)
        with self._local(item, sha) as path:
            new = self._analyse(item, path, sha)
        log = _log_row(item, sha, new.row["id"], "failed" if new.row["status"] == "failed" else "done",
                       new.row.get("error"), size, mtime)
        with self.store.write() as conn:
            if (first := repo.media_by_sha(conn, sha)) is not None:  # stored by another process meanwhile
                repo.log_file(conn, log | {"media_id": first["id"]})
                return SourceOutcome(item.name, "skipped", f"same bytes as {first['name']}")
            new.targets = self.linker.targets(conn, item.path, item.attached_to)
            row = record.write_new(conn, self.store, new, self.actor, log)
        if new.fingerprint is not None and row["status"] == "ok":
            self.index.add(row["id"], row["kind"], new.fingerprint.stored)
        if new.sound is not None and new.audio_row is not None and row["status"] == "ok":
            self.audio_index.add(row["id"], row["kind"], new.sound)
        if row["status"] == "failed":
            return SourceOutcome(item.name, "failed", row["error"])
        return SourceOutcome(item.name, "added", _summary(row, new))

    def _copy(self, item: MediaItem) -> str:
        assert item.path is not None
        with self.store.blobs.batch(), item.path.open("rb") as fh:
            sha, _ = self.store.blobs.put(fh)
        return sha

    @contextlib.contextmanager
    def _local(self, item: MediaItem, sha: str) -> Iterator[Path]:
        """The bytes as a file on disk: the original, or a temporary copy of a stored attachment."""
        if item.path is not None:
            yield item.path
            return
        with tempfile.TemporaryDirectory(prefix="docket-media-") as tmp:
            path = Path(tmp) / (Path(item.name).name or "attachment")
            with self.store.blobs.open(sha) as src, path.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            yield path

    def _analyse(self, item: MediaItem, path: Path, sha: str) -> _New:
        size = path.stat().st_size
        at = custody.now()
        base = {"id": stable_id("med", sha), "sha256": sha, "name": item.name, "size": size, "ingested_at": at}
        try:
            analysis = analyse(path, item.name, threads=self.threads)
        except MediaError as exc:
            return _failed(item, sha, size, base, f"{item.name}: {exc}")
        except Exception as exc:  # a decoder's surprise must not stop the folder
            return _failed(item, sha, size, base, f"{item.name}: unexpected {type(exc).__name__}: {exc}")
        return _new(item, sha, size, base, analysis, self)

    def _known(self, item: MediaItem, sha: str, note: str | None, size: int | None = None,
               mtime: int | None = None) -> SourceOutcome:
        """A file whose bytes are stored already: log it done and add any links its place now gives it."""
        with self.store.write() as conn:
            stored = repo.media_by_sha(conn, sha)
            if stored is None:
                return SourceOutcome(item.name, "skipped", note or "stored already")
            targets = self.linker.targets(conn, item.path, item.attached_to)
            added = record.add_links(conn, stored["id"], targets, self.actor, custody.now())
            if size is not None or item.path is None:
                status = "failed" if stored["status"] == "failed" else "done"
                repo.log_file(conn, _log_row(item, sha, stored["id"], status, stored["error"], size, mtime))
        message = note or f"same bytes as {stored['name']}"
        if stored["status"] == "failed":
            message += f" ({stored['error']})"
        if added:
            message += f"; {added} new link{'s' if added > 1 else ''}"
        return SourceOutcome(item.name, "skipped", message)


@dataclass
class _New(record.NewMedia):
    fingerprint: Fingerprint | None = None
    sound: AudioPrint | None = None


def _failed(item: MediaItem, sha: str, size: int, base: dict, error: str) -> _New:
    media_type = "application/octet-stream"
    row = base | {"kind": "unknown", "media_type": media_type, "status": "failed", "error": error}
    return _New(row, record.Blob(sha, size, media_type, item.name))


def _new(item: MediaItem, sha: str, size: int, base: dict, analysis: Analysis, stage: MediaStage) -> _New:
    info, fp = analysis.info, analysis.fingerprint
    stills: list[record.Blob] = []
    keyframes = []
    thumbnail = None
    if fp is not None:
        with stage.store.blobs.batch():
            if fp.thumbnail:
                thumbnail = _put_still(stage.store, fp.thumbnail, f"{item.name} (thumbnail)", stills)
            for when, jpeg in fp.keyframes:
                keyframes.append({"t": round(when, 3), "sha256": _put_still(stage.store, jpeg, f"{item.name} (keyframe {when:.1f} s)", stills)})
    row = base | {
        "kind": info.kind, "media_type": info.media_type, "container": info.container, "video_codec": info.video_codec,
        "audio_codec": info.audio_codec, "duration": info.duration, "width": info.width, "height": info.height,
        "created": info.created, "device": info.device, "lat": info.lat, "lon": info.lon,
        "meta": repo.meta_json({"tags": info.tags, "streams": info.streams}), "thumbnail": thumbnail,
        "keyframes": repo.meta_json(keyframes) if keyframes else None, "transcript": analysis.transcript,
        "transcript_model": analysis.transcript_model, "status": "ok", "error": None,
    }
    new = _New(row, record.Blob(sha, size, info.media_type, item.name), stills, fingerprint=fp, sound=analysis.sound)
    pictures = sounds = []
    if fp is not None and len(fp.stored):
        new.print_row = {"samples": len(fp.stored), "times_ms": fp.stored.times_text(), "hashes": fp.stored.hex()}
        pictures = stage.index.query(fp.query, exclude=row["id"])
    if analysis.sound is not None and len(analysis.sound):
        new.audio_row = analysis.sound.row()
        sounds = stage.audio_index.query(analysis.sound, exclude=row["id"])
    new.matches = combine(pictures, sounds)
    return new


def _put_still(store: Store, jpeg: bytes, name: str, stills: list[record.Blob]) -> str:
    import io

    sha, size = store.blobs.put(io.BytesIO(jpeg))
    stills.append(record.Blob(sha, size, "image/jpeg", name))
    return sha


def _log_row(item: MediaItem, sha: str, media_id: str, status: str, error: str | None, size: int | None,
             mtime: int | None) -> dict:
    return {"id": stable_id("mfile", item.log_path, sha), "path": item.log_path, "size": size, "mtime_ns": mtime,
            "sha256": sha, "media_id": media_id, "status": status, "error": error, "at": custody.now()}


def _summary(row: dict, new: _New) -> str:
    parts = [row["kind"]]
    if row.get("duration"):
        parts.append(f"{row['duration']:.1f} s")
    if row.get("width"):
        parts.append(f"{row['width']}×{row['height']}")
    if new.matches:
        parts.append(f"{len(new.matches)} near-duplicate{'s' if len(new.matches) > 1 else ''}")
    if new.targets:
        parts.append(f"linked to {len(new.targets)} {new.targets[0].target_type}{'s' if len(new.targets) > 1 else ''}")
    return ", ".join(parts)


def ingest_media(store: Store, paths: Iterable[Path | str], *, actor: str, progress: Progress | None = None,
                 threads: int = 0) -> list[SourceOutcome]:
    """``docket media add``: every media file under ``paths`` (files or folders, recursively)."""
    from docket.ingest import iter_sources

    items = file_items(s.path for s in iter_sources(paths) if is_media_file(s.path) or _explicit(s.path, paths))
    return MediaStage(store, actor=actor, threads=threads).run(items, progress)


def _explicit(path: Path, paths: Iterable[Path | str]) -> bool:
    """A file named on the command line is tried as media whatever its name (and failed if it is none)."""
    return any(Path(p) == path for p in paths)



def ingest_found_media(store: Store, items: list[MediaItem], *, actor: str, report: IngestReport,
                       progress: Progress | None = None) -> None:
    """``docket ingest``'s media (``take_media``), after its reports; outcomes join the run's report."""
    if not items:
        return
    done = len(report.outcomes)
    outcomes = MediaStage(store, actor=actor).run(items, progress, done=done, total=done + len(items))
    report.outcomes.extend(outcomes)
