"""Transcripts of speech, when a speech model is installed; docket downloads none and needs none.

A model is looked for, in order: ``$DOCKET_SPEECH_MODEL`` naming a model directory (a Vosk model, with its
``am``/``conf`` folders, or a CTranslate2 Whisper model, with ``model.bin``, for faster-whisper), then a
Vosk model unpacked in Vosk's own cache (``~/.cache/vosk``). The engine's package (``vosk`` or
``faster-whisper``) must be installed too. Without one, media are stored as usual and ``docket media
show`` says ``NO_MODEL``.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

MODEL_ENV = "DOCKET_SPEECH_MODEL"
NO_MODEL = "no speech model installed"
SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class SpeechModel:
    engine: str  # vosk | faster-whisper
    path: Path

    @property
    def name(self) -> str:
        return f"{self.engine}:{self.path.name}"[:64]


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _engine_of(path: Path) -> str | None:
    if (path / "model.bin").is_file() and _installed("faster_whisper"):
        return "faster-whisper"
    if ((path / "am").is_dir() or (path / "conf").is_dir()) and _installed("vosk"):
        return "vosk"
    return None


def find_model() -> SpeechModel | None:
    """The installed speech model docket would use, or None."""
    candidates: list[Path] = []
    if os.environ.get(MODEL_ENV):
        candidates.append(Path(os.environ[MODEL_ENV]).expanduser())
    vosk_cache = Path.home() / ".cache" / "vosk"
    if vosk_cache.is_dir():
        candidates.extend(sorted(p for p in vosk_cache.iterdir() if p.is_dir()))
    for path in candidates:
        if path.is_dir() and (engine := _engine_of(path)):
            return SpeechModel(engine, path)
    return None


def transcribe(model: SpeechModel, path: Path) -> str:
    """The speech in an audio or video file, as text."""
    if model.engine == "faster-whisper":
        from faster_whisper import WhisperModel  # type: ignore[import-not-found]

        whisper = WhisperModel(str(model.path), device="cpu", compute_type="int8", local_files_only=True)
        segments, _ = whisper.transcribe(str(path))
        return " ".join(s.text.strip() for s in segments).strip()
    from vosk import KaldiRecognizer, Model  # type: ignore[import-not-found]

    recognizer = KaldiRecognizer(Model(str(model.path)), SAMPLE_RATE)
    parts = []
    for chunk in _pcm(path):
        if recognizer.AcceptWaveform(chunk):
            parts.append(json.loads(recognizer.Result()).get("text", ""))
    parts.append(json.loads(recognizer.FinalResult()).get("text", ""))
    return " ".join(p for p in parts if p).strip()


def _pcm(path: Path):  # type: ignore[no-untyped-def]
    """16 kHz mono 16-bit PCM of the first audio stream, in pieces."""
    import av

    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                yield bytes(out.planes[0])[: out.samples * 2]
