"""Technical facts about a media file: container, codecs, duration, size, and when, where and with what it was
made (``docket.media.tags``). Video and audio are probed with PyAV (FFmpeg) without decoding; images with
Pillow, which decodes them (the image is needed for its hash anyway)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, BinaryIO

from docket.media import tags as t
from docket.media.kinds import Sniffed


class MediaError(Exception):
    """A media file that cannot be read: the message says why, without the file name (the caller adds it)."""


@dataclass
class MediaInfo:
    kind: str  # image | video | audio
    media_type: str
    container: str
    video_codec: str | None = None
    audio_codec: str | None = None
    duration: float | None = None  # seconds
    width: int | None = None
    height: int | None = None
    created: str | None = None  # as the file states it
    device: str | None = None  # make and model
    lat: float | None = None
    lon: float | None = None
    tags: dict[str, str] = field(default_factory=dict)
    streams: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean(mapping: Any) -> dict[str, str]:
    return {str(k): str(v).strip(" \x00")[:500] for k, v in dict(mapping or {}).items() if str(v).strip(" \x00")}


def probe_av(src: str | BinaryIO, sniffed: Sniffed) -> MediaInfo:
    """Facts of a video or audio file from its container and stream headers."""
    import av

    try:
        container = av.open(src, mode="r", metadata_errors="replace")
    except (av.error.FFmpegError, ValueError) as exc:
        raise MediaError(f"not a readable {sniffed.kind} file ({_av_reason(exc)})") from None
    with container:
        tags = _clean(container.metadata)
        info = MediaInfo(sniffed.kind, sniffed.media_type, container.format.name.split(",")[0], tags=tags)
        stream_tags: dict[str, str] = {}
        video = [s for s in container.streams.video if not _is_cover_art(s)]
        for stream in container.streams:
            stream_tags.update({k: v for k, v in _clean(stream.metadata).items() if k not in stream_tags})
            info.streams.append(_stream_facts(stream))
        if video:
            v = video[0]
            info.kind = "video"
            info.video_codec = v.codec_context.name
            info.width, info.height = v.codec_context.width or None, v.codec_context.height or None
        elif sniffed.kind == "video" and container.streams.audio:
            info.kind = "audio"
            info.media_type = sniffed.media_type.replace("video/", "audio/")
        if container.streams.audio:
            info.audio_codec = container.streams.audio[0].codec_context.name
        if not video and not container.streams.audio:
            raise MediaError("no video or audio stream")
        info.duration = _duration(container, video[0] if video else container.streams.audio[0])
    merged = {**stream_tags, **tags}
    info.created = t.created_of(merged)
    info.device = t.device_from_tags(merged)
    if point := t.location_of(merged):
        info.lat, info.lon = point
    return info


def _is_cover_art(stream: Any) -> bool:
    return bool(stream.disposition & 0x400) if hasattr(stream, "disposition") else False  # AV_DISPOSITION_ATTACHED_PIC


def _stream_facts(stream: Any) -> dict[str, Any]:
    ctx = stream.codec_context
    facts: dict[str, Any] = {"index": stream.index, "type": stream.type, "codec": ctx.name if ctx else None}
    if stream.type == "video":
        facts.update(width=ctx.width, height=ctx.height, fps=float(stream.average_rate) if stream.average_rate else None)
    elif stream.type == "audio":
        facts.update(sample_rate=ctx.sample_rate, channels=ctx.channels if hasattr(ctx, "channels") else None)
    if stream.bit_rate:
        facts["bit_rate"] = stream.bit_rate
    return facts


def _duration(container: Any, stream: Any) -> float | None:
    if stream.duration and stream.time_base:
        return round(float(stream.duration * stream.time_base), 3)
    if container.duration:
        return round(container.duration / 1_000_000, 3)
    return None


def _av_reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(": '")[0].strip() or type(exc).__name__


def image_info(image: Any, sniffed: Sniffed) -> MediaInfo:
    """Facts of an opened Pillow image (format, size, EXIF)."""
    fmt = (image.format or sniffed.container).lower()
    info = MediaInfo("image", _mime(image) or sniffed.media_type, fmt, video_codec=fmt,
                     width=image.width, height=image.height)
    exif = image.getexif()
    facts = t.exif_facts(exif)
    info.created, info.device = facts.get("created"), facts.get("device")
    info.lat, info.lon = facts.get("lat"), facts.get("lon")
    info.tags = _clean({name: exif.get(tag) for name, tag in (("Make", t.MAKE), ("Model", t.MODEL)) if exif.get(tag)})
    if getattr(image, "n_frames", 1) > 1:
        info.tags["frames"] = str(image.n_frames)
    return info


def _mime(image: Any) -> str | None:
    from PIL import Image

    return Image.MIME.get(image.format or "")
