"""Reading one media file: what it is (by its bytes), its facts, its fingerprints (pictures, sound) and
stills, its transcript.

``analyse(path, name)`` raises ``MediaError`` with the reason (not the file name) when the file is no media
docket can read: text or another format under a media name, a truncated or damaged file, a container
without pictures or sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docket.media import speech
from docket.media.audioprint import FRAME, RATE, AudioPrint, audio_fingerprint
from docket.media.fingerprint import Fingerprint, image_fingerprint, video_fingerprint
from docket.media.kinds import Sniffed, describe_non_media, kind_by_name, sniff_media
from docket.media.metadata import MediaError, MediaInfo, image_info, probe_av

IMAGE_DRAFT = 1024  # JPEGs are decoded at no less than this size (faster; hashes need 256)


@dataclass
class Analysis:
    info: MediaInfo
    fingerprint: Fingerprint | None  # None for sound only
    transcript: str | None = None
    transcript_model: str | None = None
    sound: AudioPrint | None = None  # the sound's fingerprint (a recording, or a video's first audio track)


def sniff_file(path: Path, name: str) -> Sniffed:
    with path.open("rb") as fh:
        head = fh.read(512)
    if not head:
        raise MediaError("empty file")
    sniffed = sniff_media(head)
    if sniffed is None:
        named = kind_by_name(name) or "media"
        raise MediaError(f"named as {named} but {describe_non_media(head)}")
    return sniffed


def analyse(path: Path, name: str, *, threads: int = 0, transcribe: bool = True) -> Analysis:
    sniffed = sniff_file(path, name)
    if sniffed.kind == "image":
        analysis = _image(path, sniffed)
    else:
        info = probe_av(str(path), sniffed)
        fingerprint = video_fingerprint(str(path), duration=info.duration, threads=threads) if info.kind == "video" else None
        analysis = Analysis(info, fingerprint, sound=_sound(path, info))
        if transcribe and info.audio_codec and (model := speech.find_model()):
            try:
                analysis.transcript, analysis.transcript_model = speech.transcribe(model, path), model.name
            except Exception as exc:  # a model's failure leaves the media stored without a transcript
                analysis.info.tags["transcript_error"] = f"{type(exc).__name__}: {exc}"[:500]
    named = kind_by_name(name)
    if named and named != analysis.info.kind and not (named == "video" and analysis.info.kind == "audio"):
        analysis.info.tags["named_as"] = f"{Path(name).suffix} ({named}), but the bytes are {analysis.info.kind}"
    return analysis


def _sound(path: Path, info: MediaInfo) -> AudioPrint | None:
    """The audio fingerprint of a file with sound. A recording whose sound does not decode, or stops well
    before its stated end, is damaged (``MediaError``); a video's damaged sound track is only noted."""
    if not info.audio_codec:
        return None
    try:
        sound = audio_fingerprint(str(path))
        heard = len(sound) * sound.hop + FRAME / RATE
        if info.duration and heard < info.duration * 0.9 - 1.0:
            raise MediaError(f"truncated or damaged: sound ends at {heard:.1f} s of {info.duration:.1f} s")
    except MediaError as exc:
        if info.kind == "audio":
            raise
        info.tags["sound_error"] = str(exc)[:500]
        return None
    return sound


def _image(path: Path, sniffed: Sniffed) -> Analysis:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            info = image_info(image, sniffed)
            if image.format == "JPEG":
                image.draft("RGB", (IMAGE_DRAFT, IMAGE_DRAFT))
            image.load()
            upright = ImageOps.exif_transpose(image)
            return Analysis(info, image_fingerprint(upright))
    except UnidentifiedImageError:
        raise MediaError(f"not a readable image (no decoder for {sniffed.container.upper()} bytes)") from None
    except Image.DecompressionBombError as exc:
        raise MediaError(f"image too large to decode safely ({exc})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"truncated or damaged image ({exc})") from None
