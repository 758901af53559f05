"""Ingesting media: originals byte for byte under their SHA-256 with custody, facts stored, streaming,
resumable, and bad files failed by name while the rest of the folder goes on."""

from __future__ import annotations

import hashlib
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from mediakit import CLIP_START, PHOTO_GPS, Footage
from sqlalchemy import select

import dbkit
from docket import custody
from docket.media.ingest import MediaStage, file_items, ingest_media
from docket.pipeline import ingest_paths
from docket.store import Store
from docket.store import media as repo
from docket.store.schema import blobs


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(tmp_path: Path, *files: Path, name: str = "in") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def _rows(store: Store) -> dict[str, dict]:
    with store.read() as conn:
        return {r["name"]: r for r in repo.list_media(conn)}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def test_docket_ingest_stores_media_with_facts_stills_and_custody(store: Store, tmp_path: Path, footage: Footage) -> None:
    folder = _folder(tmp_path, footage.original, footage.copies["clip"], footage.photo, footage.audio)
    report = ingest_paths(store, [folder], actor="tester")
    assert [(o.name, o.status) for o in report.outcomes] == [
        ("clip.mp4", "added"), ("original.mp4", "added"), ("photo.jpg", "added"), ("voice.m4a", "added")]
    rows = _rows(store)
    video = rows["original.mp4"]
    assert (video["kind"], video["container"], video["video_codec"], video["audio_codec"]) == ("video", "mov", "h264", "aac")
    assert video["duration"] == pytest.approx(36.0, abs=0.2) and (video["width"], video["height"]) == (640, 360)
    assert video["created"].startswith("2023-07-11T14:02:40") and video["device"] == "Apple iPhone 12"
    assert (video["lat"], video["lon"]) == (pytest.approx(48.4647), pytest.approx(35.0462))
    image = rows["photo.jpg"]
    assert (image["kind"], image["width"], image["height"], image["device"]) == ("image", 800, 600, "TestCam X100")
    assert image["created"] == "2023:07:11 14:02:40"
    assert (image["lat"], image["lon"]) == (pytest.approx(PHOTO_GPS[0], abs=1e-4), pytest.approx(PHOTO_GPS[1], abs=1e-4))
    sound = rows["voice.m4a"]
    assert (sound["kind"], sound["audio_codec"], sound["video_codec"]) == ("audio", "aac", None)
    assert sound["duration"] == pytest.approx(2.0, abs=0.2)
    # Originals byte for byte under their SHA-256; stills stored as blobs too.
    for name, src in (("original.mp4", footage.original), ("photo.jpg", footage.photo), ("voice.m4a", footage.audio)):
        assert rows[name]["sha256"] == _sha(src)
        with store.blobs.open(rows[name]["sha256"]) as fh:
            assert fh.read() == src.read_bytes()
    with store.blobs.open(video["thumbnail"]) as fh:
        assert fh.read(3) == b"\xff\xd8\xff"
    assert json.loads(video["keyframes"])[0]["t"] == 0.0
    with store.read() as conn:
        stored_blobs = {r.sha256 for r in conn.execute(select(blobs.c.sha256))}
        assert {video["sha256"], video["thumbnail"], image["thumbnail"]} <= stored_blobs
        printed = repo.get_print(conn, video["id"])
        assert printed["samples"] >= 36 and len(printed["hashes"]) == printed["samples"] * 3 * 64
        assert repo.get_print(conn, sound["id"]) is None
        entries = [(e.action, e.object_id) for e in custody.entries(conn) if e.object_type == "media"]
        match = repo.matches_of(conn, video["id"])
    assert ("store", video["id"]) in entries and ("fingerprint", video["id"]) in entries
    # The clip, ingested first, was found inside the video when the video came.
    assert [(m["name"], m["b_at"]) for m in match] == [("clip.mp4", 0.0)]
    assert match[0]["a_at"] == pytest.approx(CLIP_START, abs=0.15)
    assert custody.verify(store) == []


def test_bad_files_fail_by_name_and_the_folder_goes_on(store: Store, tmp_path: Path, footage: Footage) -> None:
    folder = _folder(tmp_path, footage.photo)
    data = footage.original.read_bytes()
    (folder / "truncated.mp4").write_bytes(data[: len(data) // 2])
    jpeg = footage.photo.read_bytes()
    (folder / "cut.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    (folder / "fake.mp4").write_text("This is a note about a video, not a video.\n" * 20)
    (folder / "empty.mov").write_bytes(b"")
    outcomes = {o.name: o for o in ingest_media(store, [folder], actor="tester")}
    assert outcomes["photo.jpg"].status == "added"
    assert outcomes["fake.mp4"].message == "fake.mp4: named as video but holds text, not media"
    assert outcomes["empty.mov"].message == "empty.mov: empty file"
    assert outcomes["truncated.mp4"].message.startswith("truncated.mp4: not a readable video file")
    assert outcomes["cut.jpg"].message.startswith("cut.jpg: truncated or damaged image")
    assert {n: o.status for n, o in outcomes.items() if n != "photo.jpg"} == dict.fromkeys(
        ("cut.jpg", "empty.mov", "fake.mp4", "truncated.mp4"), "failed")
    failed = {r["name"]: r for r in _rows(store).values() if r["status"] == "failed"}
    assert failed["fake.mp4"]["error"] == "fake.mp4: named as video but holds text, not media"
    with store.blobs.open(failed["fake.mp4"]["sha256"]) as fh:  # kept as received all the same
        assert fh.read() == (folder / "fake.mp4").read_bytes()
    with store.read() as conn:
        log = {Path(r["path"]).name: r["status"] for r in repo.file_log(conn)}
    assert log == {"photo.jpg": "done", "cut.jpg": "failed", "empty.mov": "failed", "fake.mp4": "failed",
                   "truncated.mp4": "failed"}
    again = {o.name: o for o in ingest_media(store, [folder], actor="tester")}  # failed files are not retried
    assert {o.status for o in again.values()} == {"skipped"}
    assert again["fake.mp4"].message == "failed already (fake.mp4: named as video but holds text, not media)"
    assert custody.verify(store) == []


def test_a_video_cut_short_is_failed_as_truncated(store: Store, tmp_path: Path, footage: Footage) -> None:
    """A file whose index is at the front (faststart) opens, but its pictures stop half-way."""
    import av

    src = av.open(str(footage.copies["clip"]))
    fast = tmp_path / "fast.mp4"
    out = av.open(str(fast), "w", options={"movflags": "faststart"})
    stream = out.add_stream_from_template(src.streams.video[0])
    for packet in src.demux(src.streams.video[0]):
        if packet.dts is not None:
            packet.stream = stream
            out.mux(packet)
    out.close()
    src.close()
    cut = tmp_path / "in" / "cut-short.mp4"
    cut.parent.mkdir()
    cut.write_bytes(fast.read_bytes()[: fast.stat().st_size // 2])
    [outcome] = ingest_media(store, [cut], actor="tester")
    assert outcome.status == "failed"
    assert outcome.message.startswith("cut-short.mp4: truncated or damaged: pictures end at ")


def test_an_interrupted_folder_ingest_resumes_where_it_stopped(store: Store, tmp_path: Path, footage: Footage) -> None:
    folder = _folder(tmp_path, footage.photo, *footage.photo_copies.values(), footage.audio)
    items = file_items(sorted(folder.iterdir()))

    class Killed(Exception):
        pass

    def kill_after_two(outcome, done, total):  # type: ignore[no-untyped-def]
        if done == 2:
            raise Killed

    with pytest.raises(Killed):
        MediaStage(store, actor="tester").run(items, kill_after_two)
    assert len(_rows(store)) == 2
    again = ingest_media(store, [folder], actor="tester")
    assert [o.status for o in again] == ["skipped", "skipped", "added", "added", "added", "added"]
    assert {o.message for o in again[:2]} == {"done already"}
    # A file touched but unchanged is recognised by (path, SHA-256) and not read again.
    (folder / "photo.jpg").touch()
    third = {o.name: o for o in ingest_media(store, [folder], actor="tester")}
    assert {o.status for o in third.values()} == {"skipped"}
    assert len(_rows(store)) == 6
    # The same bytes under another name: stored once, the new path logged done.
    other = _folder(tmp_path, footage.photo, name="again")
    [dup] = ingest_media(store, [other], actor="tester")
    assert (dup.status, dup.message) == ("skipped", "same bytes as photo.jpg")
    assert len(_rows(store)) == 6


def test_a_file_larger_than_memory_is_copied_streaming(store: Store, tmp_path: Path) -> None:
    """64 MiB through the media stage with a peak Python heap far below it (the copy streams in 1 MiB
    pieces; this file is no media and fails after its first bytes are read)."""
    folder = tmp_path / "big"
    folder.mkdir()
    big = folder / "big.mp4"
    block = hashlib.sha256(b"seed").digest() * (1 << 15)  # 1 MiB
    with big.open("wb") as fh:
        for i in range(64):
            fh.write(bytes([i]) + block[1:])
    tracemalloc.start()
    try:
        [outcome] = ingest_media(store, [folder], actor="tester")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.status == "failed" and outcome.message.startswith("big.mp4: named as video but holds")
    assert peak < 12 * 1024 * 1024
    with store.blobs.open(_sha(big)) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == _sha(big)


def test_verify_names_a_changed_media_row_and_a_deleted_fingerprint(store: Store, tmp_path: Path, footage: Footage) -> None:
    ingest_media(store, [_folder(tmp_path, footage.photo)], actor="tester")
    media_id = _rows(store)["photo.jpg"]["id"]
    dbkit.execute(store.url, "UPDATE media SET device = 'Other Camera' WHERE id = :id", id=media_id)
    dbkit.execute(store.url, "DELETE FROM media_prints WHERE media_id = :id", id=media_id)
    problems = [str(p) for p in custody.verify(store)]
    assert any(p.startswith(f"row media {media_id} (photo.jpg): changed since custody entry #") for p in problems), problems
    assert any(p.startswith(f"row fingerprint of media {media_id}: deleted after custody entry #") for p in problems)
