"""``docket media``: add, show (facts, hashes, transcript or why there is none), similar, list --failed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from mediakit import CLIP_START, Footage
from typer.testing import CliRunner

from docket.cli import app
from docket.media import speech


@pytest.fixture
def no_speech_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No model named and none in Vosk's cache (an empty home)."""
    monkeypatch.delenv(speech.MODEL_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def _run(data: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--data-dir", str(data), "media", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_add_show_similar_and_failures(tmp_path: Path, footage: Footage, no_speech_model: None) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for f in (footage.original, footage.photo, footage.audio):
        shutil.copy(f, folder / f.name)
    (folder / "notes.mp4").write_text("not a video at all\n", "utf-8")
    data = tmp_path / "data"
    added = _run(data, "add", str(folder))
    assert "notes.mp4: failed: notes.mp4: named as video but holds text, not media" in added
    assert "4 media files: 3 added, 0 skipped, 1 failed" in added
    assert "4 media files: 0 added, 4 skipped, 0 failed" in _run(data, "add", str(folder))

    listing = _run(data, "list")
    ids = {line.split("│")[3].strip(): line.split("│")[1].strip() for line in listing.splitlines() if "med_" in line}
    assert set(ids) == {"original.mp4", "photo.jpg", "voice.m4a", "notes.mp4"}
    failed = _run(data, "list", "--failed")
    assert "notes.mp4" in failed and "original.mp4" not in failed

    sound = _run(data, "show", ids["voice.m4a"])
    assert "transcript: no speech model installed" in sound and "codecs: aac" in sound
    video = _run(data, "show", ids["original.mp4"][:10])
    assert "device: Apple iPhone 12" in video and "GPS: 48.464700, 35.046200" in video
    assert "resolution: 640×360" in video and "duration: 36.0" in video and "sha256: " in video
    assert "transcript: no speech model installed" in video  # it has a sound track
    assert "transcript: no sound" in _run(data, "show", ids["photo.jpg"])

    clip = _run(data, "similar", str(footage.copies["clip"]))
    assert f"{ids['original.mp4']} original.mp4: distance" in clip
    assert f"from 0.0 s here = {CLIP_START:.1f} s there" in clip
    lines = _run(data, "similar", "--json", str(footage.photo_copies["watermarked"])).splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["photo.jpg"]
    assert "no similar media stored" in _run(data, "similar", str(footage.unrelated_photos[0]))


def test_errors_are_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(app, ["--data-dir", str(data), "media", "show", "med_nothing"])
    assert result.exit_code == 2 and "error: no media med_nothing" in result.output
    result = CliRunner().invoke(app, ["--data-dir", str(data), "media", "similar", str(tmp_path / "missing.jpg")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_a_model_named_but_its_engine_missing_is_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "model"
    (model / "am").mkdir(parents=True)
    (model / "model.bin").write_bytes(b"")
    monkeypatch.setenv(speech.MODEL_ENV, str(model))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    import importlib.util

    if importlib.util.find_spec("vosk") or importlib.util.find_spec("faster_whisper"):
        pytest.skip("a speech engine is installed here")
    assert speech.find_model() is None
