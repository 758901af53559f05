"""Audio fingerprints: a re-encoded copy of a recording (other codec, bit rate, sample rate, channels) and a
ten-second clip cut from it are found as the same sound, with where it begins; unrelated sound is not; at
ingest the matches are stored and shown, the prints are in the chain of custody, and a video's sound track
counts too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mediakit import SOUND_CLIP_START, Sounds
from typer.testing import CliRunner

import dbkit
from docket import custody
from docket.cli import app
from docket.media.audiomatch import MAX_BER, MIN_FRAMES, AudioIndex
from docket.media.audioprint import AudioPrint, audio_fingerprint
from docket.media.ingest import ingest_media
from docket.store import Store
from docket.store import media as repo

_PRINTS: dict[Path, AudioPrint] = {}


def _print(path: Path) -> AudioPrint:
    if path not in _PRINTS:
        _PRINTS[path] = audio_fingerprint(str(path))
    return _PRINTS[path]


def _index(*paths: Path) -> AudioIndex:
    index = AudioIndex()
    for path in paths:
        index.add(path.name, "audio", _print(path))
    return index


@pytest.mark.parametrize("copy", ["mp3-22k", "opus-stereo", "aac-16k", "mp2"])
def test_a_reencoded_copy_is_the_same_sound_both_ways(sounds: Sounds, copy: str) -> None:
    path = sounds.copies[copy]
    found = _index(sounds.original, sounds.music, sounds.unrelated["speech"]).query(_print(path))
    assert [m.media_id for m in found] == ["speech.wav"]
    match = found[0]
    assert match.by == "sound" and match.distance <= 0.2 * 256
    assert match.frames >= 0.7 * match.overlap and match.overlap >= 0.9 * len(_print(sounds.original))
    assert match.query_at == pytest.approx(0.0, abs=0.05) and match.match_at == pytest.approx(0.0, abs=0.05)
    back = _index(path, sounds.unrelated["speech"]).query(_print(sounds.original))
    assert [m.media_id for m in back] == [path.name]


def test_a_ten_second_clip_is_found_inside_the_recording_with_its_offset(sounds: Sounds) -> None:
    found = _index(sounds.original, *sounds.unrelated.values()).query(_print(sounds.clip))
    assert [m.media_id for m in found] == ["speech.wav"]
    assert found[0].match_at == pytest.approx(SOUND_CLIP_START, abs=0.05) and found[0].query_at == 0.0
    assert found[0].overlap >= 0.9 * 10 / _print(sounds.clip).hop
    # And the other way round: the recording holds the stored clip, 23.4 s in.
    back = _index(sounds.clip, *sounds.unrelated.values()).query(_print(sounds.copies["opus-stereo"]))
    assert [m.media_id for m in back] == ["clip.mp3"]
    assert back[0].query_at == pytest.approx(SOUND_CLIP_START, abs=0.05) and back[0].match_at == 0.0


def test_unrelated_sound_is_not_matched(sounds: Sounds) -> None:
    index = _index(sounds.original, *sounds.copies.values(), sounds.clip, sounds.music)
    for name, path in sounds.unrelated.items():
        assert index.query(_print(path)) == [], name
    assert [m.media_id for m in index.query(_print(sounds.music_copy))] == ["music.flac"]
    # The closest an unrelated recording comes, at any offset, is nowhere near the threshold.
    other = _index(sounds.unrelated["speech"], sounds.unrelated["music"])
    assert other.query(_print(sounds.original)) == [] and other.query(_print(sounds.music)) == []
    assert MAX_BER < 0.35


def test_a_held_tone_says_too_little_to_match(sounds: Sounds) -> None:
    steady = _print(sounds.unrelated["tone"])
    assert len(steady) > 1500 and steady.informative < MIN_FRAMES
    assert _print(sounds.original).informative > 0.95 * len(_print(sounds.original))
    assert AudioPrint.from_hex(_print(sounds.clip).hex(), 16000, 0).prints.tolist() == _print(sounds.clip).prints.tolist()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def test_ingest_stores_sound_prints_and_matches_shows_them_and_verify_covers_them(
        store: Store, tmp_path: Path, sounds: Sounds) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (sounds.original, sounds.copies["mp3-22k"], sounds.unrelated["music"], sounds.video):
        shutil.copy(path, folder / path.name)
    outcomes = {o.name: o for o in ingest_media(store, [folder], actor="tester")}
    assert {o.status for o in outcomes.values()} == {"added"}
    with store.read() as conn:
        rows = {r["name"]: r for r in repo.list_media(conn)}
        original, copy, video = rows["speech.wav"]["id"], rows["speech-22k.mp3"]["id"], rows["speech-video.mp4"]["id"]
        printed = repo.get_audio_print(conn, original)
        matches = {m["name"]: m for m in repo.matches_of(conn, original)}
        entries = [(e.action, e.object_id) for e in custody.entries(conn)]
    assert printed["algorithm"] == "hk32-8k" and printed["hop_us"] == 16000 and printed["frames"] > 3600
    assert len(printed["prints"]) == 8 * printed["frames"]
    assert set(matches) == {"speech-22k.mp3", "speech-video.mp4"}  # the video by its sound track
    assert matches["speech-video.mp4"]["a_at"] == pytest.approx(0.0, abs=0.05)
    assert ("fingerprint-audio", original) in entries and ("fingerprint-audio", video) in entries
    assert custody.verify(store) == []

    runner = CliRunner()
    shown = runner.invoke(app, ["--data-dir", str(store.data_dir), "media", "show", original])
    assert shown.exit_code == 0 and "sound fingerprint: " in shown.output and "speech-22k.mp3" in shown.output
    similar = runner.invoke(app, ["--data-dir", str(store.data_dir), "media", "similar", str(sounds.clip)])
    assert similar.exit_code == 0, similar.output
    assert f"{original} speech.wav: distance" in similar.output and "frames of sound" in similar.output
    assert f"from 0.0 s here = {SOUND_CLIP_START:.1f} s there" in similar.output
    assert "other-music.flac" not in similar.output

    dbkit.execute(store.url, "UPDATE media_audio_prints SET prints = :p WHERE media_id = :id",
                  p="0" * len(printed["prints"]), id=copy)
    problems = [str(p) for p in custody.verify(store)]
    assert any(f"sound fingerprint of media {copy}: changed since custody entry #" in p for p in problems), problems


def test_a_recording_whose_sound_stops_early_is_failed(store: Store, tmp_path: Path, sounds: Sounds) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (sounds.copies["mp3-22k"], sounds.music):
        data = path.read_bytes()
        (folder / f"cut-{path.name}").write_bytes(data[: len(data) // 3])
    outcomes = {o.name: o for o in ingest_media(store, [folder], actor="tester")}
    assert {o.status for o in outcomes.values()} == {"failed"}
    assert "truncated or damaged: sound ends at 20.0 s of 60.0 s" in outcomes["cut-speech-22k.mp3"].message
    assert "damaged sound" in outcomes["cut-music.flac"].message
    assert custody.verify(store) == []
