"""Which files are media (images, video, audio), from their first bytes and, failing that, their names.

``sniff_media(head, name)`` says what the bytes are; ``is_media_file(path)`` decides whether ``docket ingest``
hands a file to the media stage: a media extension, or media bytes under a name that is no report format
(a ``.txt`` or ``.html`` holding an image stays with the document readers, which fail it as binary).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

from docket.ingest.sniff import binary_kind, extension_format

HEAD_SIZE = 64

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif"}
VIDEO_EXTENSIONS = {".mp4", ".m4v", ".mov", ".qt", ".mkv", ".webm", ".avi", ".3gp", ".3g2", ".ts", ".mts", ".m2ts",
                    ".mpg", ".mpeg", ".wmv", ".flv", ".ogv"}
AUDIO_EXTENSIONS = {".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac", ".amr", ".wma"}
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | VIDEO_EXTENSIONS | AUDIO_EXTENSIONS

_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


@dataclass(frozen=True, slots=True)
class Sniffed:
    kind: str  # image | video | audio ("video" for containers that may turn out to hold sound only)
    media_type: str
    container: str


def sniff_media(head: bytes) -> Sniffed | None:
    """What a file's first bytes say it is, or None when they are no media format docket knows."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", "jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", "webp")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("image", "image/tiff", "tiff")
    if head[:2] == b"BM" and len(head) >= 26 and head[14] in (12, 40, 52, 56, 64, 108, 124):
        return Sniffed("image", "image/bmp", "bmp")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return Sniffed("image", f"image/{'avif' if brand.startswith(b'avi') else 'heic'}", "heif")
        if brand in _AUDIO_BRANDS:
            return Sniffed("audio", "audio/mp4", "mp4")
        if brand.startswith(b"qt"):
            return Sniffed("video", "video/quicktime", "mov")
        if brand.startswith(b"3g"):
            return Sniffed("video", "video/3gpp", "3gp")
        return Sniffed("video", "video/mp4", "mp4")
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return Sniffed("video", "video/quicktime", "mov")
    if head.startswith(b"\x1aE\xdf\xa3"):
        return Sniffed("video", "video/webm" if b"webm" in head else "video/x-matroska", "matroska")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Sniffed("video", "video/x-msvideo", "avi")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "audio/wav", "wav")
    if head.startswith(b"OggS"):
        return Sniffed("audio", "audio/ogg", "ogg")
    if head.startswith(b"fLaC"):
        return Sniffed("audio", "audio/flac", "flac")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06):
        return Sniffed("audio", "audio/mpeg", "mp3")
    if head.startswith(b"#!AMR"):
        return Sniffed("audio", "audio/amr", "amr")
    if head.startswith(b"\x00\x00\x01\xba") or head.startswith(b"\x00\x00\x01\xb3"):
        return Sniffed("video", "video/mpeg", "mpeg")
    if head[:1] == b"G" and len(head) > 188 and head[188:189] == b"G":
        return Sniffed("video", "video/mp2t", "mpegts")
    if head.startswith(b"FLV"):
        return Sniffed("video", "video/x-flv", "flv")
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return Sniffed("video", "video/x-ms-asf", "asf")
    return None


def kind_by_name(name: str) -> str | None:
    suffix = PurePath(name).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in VIDEO_EXTENSIONS:
        return "video"
    if suffix in AUDIO_EXTENSIONS:
        return "audio"
    return None


def is_media_file(path: Path) -> bool:
    """Whether ``docket ingest`` gives this file to the media stage rather than the document readers."""
    if kind_by_name(path.name):
        return True
    if extension_format(path.name) is not None:
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    return sniff_media(head) is not None


def is_media_bytes(name: str, head: bytes) -> bool:
    """The same decision for a file held in memory (an e-mail attachment)."""
    if kind_by_name(name):
        return True
    return extension_format(name) is None and sniff_media(head[:256]) is not None


def describe_non_media(head: bytes) -> str:
    """Why bytes named as media are not: text, or some other binary format."""
    kind = binary_kind(head)
    if kind is None:
        return "holds text, not media"
    return f"holds {kind}, not media" if kind != "unknown binary" else "holds no media format docket can read"
