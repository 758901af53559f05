"""Which reader a file needs: the bytes decide first, the extension second."""

from __future__ import annotations

import re
from pathlib import PurePath

from docket.ingest.decode import bom_encoding, utf16_without_bom

# Formats, each with the media type recorded for its blob.
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "eml": "message/rfc822",
    "telegram": "application/json",
    "html": "text/html",
    "md": "text/markdown",
    "txt": "text/plain",
    "binary": "application/octet-stream",
}
_EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".eml": "eml",
    ".msg": "eml",
    ".json": "telegram",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".text": "txt",
}
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "audio/video"),
    (b"\x1aE\xdf\xa3", "video (Matroska/WebM)"),
]
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
_HTML_ANYWHERE = re.compile(rb"<(html|head|body)[\s>]", re.I)
_HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):[ \t]", re.M)
_EMAIL_HEADERS = {
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"received",
    b"return-path",
    b"content-type",
    b"delivered-to",
    b"reply-to",
    b"cc",
}
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13, 27}


def extension_format(name: str) -> str | None:
    return _EXTENSIONS.get(PurePath(name).suffix.lower())


def binary_kind(head: bytes) -> str | None:
    """A description when ``head`` (a file's first bytes) is not text, else None."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if bom_encoding(head) or utf16_without_bom(head):
        return None
    sample = head[:8192]
    if not sample:
        return None
    if b"\x00" in sample:
        return "unknown binary"
    controls = sum(1 for b in sample if b in _CONTROL)
    return "unknown binary" if controls > 0.05 * len(sample) else None


def sniff(head: bytes, name: str) -> str:
    """The format of a file from its first bytes (up to 64 KiB) and its name."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if binary_kind(head):
        return "binary"
    by_ext = extension_format(name)
    text = _ascii_view(head)
    if _looks_like_email(text):
        return "eml"
    if _HTML_START.match(text):
        return "html"
    if text.lstrip()[:1] in (b"{", b"[") and b'"messages"' in text:
        return "telegram"
    if by_ext in ("html", "md", "txt", "telegram"):
        return by_ext
    if by_ext == "eml" and _HEADER_LINE.match(text.lstrip()):
        return "eml"
    if _HTML_ANYWHERE.search(text[:4096]):
        return "html"
    return "txt"


def _ascii_view(head: bytes) -> bytes:
    """Head bytes with UTF-16 turned into 8-bit so byte patterns match; BOMs dropped."""
    encoding = bom_encoding(head) or utf16_without_bom(head)
    if encoding and encoding != "utf-8-sig":
        return head.decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(b"\xef\xbb\xbf")


def _looks_like_email(text: bytes) -> bool:
    """An RFC 822 header block at the very top: several known header names before the first blank line."""
    block = text.lstrip(b"\r\n").split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    if not block[:1].isalpha():
        return False
    names = {m.group(1).lower() for m in _HEADER_LINE.finditer(block)}
    known = names & _EMAIL_HEADERS
    return len(known) >= 3 and (b"from" in known or b"received" in known)
