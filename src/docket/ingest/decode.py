"""Bytes to text: BOMs, UTF-8 first (cheap), Cyrillic single-byte encodings, then charset-normalizer."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYRILLIC_LOWER = re.compile(r"[\u0430-\u045f]")
_LETTER = re.compile(r"[^\W\d_]")
# Share of undecodable sequences, among all non-ASCII ones, up to which a file still counts as UTF-8.
_MAX_BAD_UTF8_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes at every other position for Latin/Cyrillic-block text."""
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a text file's bytes. ``declared`` is an encoding the file names itself (HTML meta charset)."""
    encoding = bom_encoding(data) or utf16_without_bom(data)
    if encoding:
        return Decoded(normalise(data.decode(encoding, errors="replace")), encoding)
    try:
        return Decoded(normalise(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    codec = _known_codec(declared) if declared else None
    if codec and codec != "utf-8":
        return Decoded(normalise(data.decode(codec, errors="replace")), codec)
    cyrillic = _cyrillic_single_byte(data)
    if cyrillic is not None:
        return cyrillic
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return Decoded(normalise(str(best)), best.encoding)
    return Decoded(
        normalise(data.decode("cp1252", errors="replace")),
        "cp1252",
        "encoding not recognised; read as Windows-1252 with replacement characters",
    )


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _mostly_utf8(data: bytes) -> Decoded | None:
    """A UTF-8 file with a few broken sequences (a bad scrape) stays UTF-8, read with replacements."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if good and bad <= _MAX_BAD_UTF8_SHARE * (good + bad):
        warning = f"invalid UTF-8: {bad} undecodable byte sequence(s) replaced with U+FFFD"
        return Decoded(normalise(text), "utf-8", warning)
    return None


def _cyrillic_single_byte(data: bytes) -> Decoded | None:
    """Windows-1251 vs KOI8-R: the right one reads as mostly lower-case Cyrillic, the wrong one not."""
    best: tuple[float, str, str] | None = None
    for encoding in ("cp1251", "koi8_r"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        letters = len(_LETTER.findall(text))
        cyrillic = len(_CYRILLIC.findall(text))
        if not letters or cyrillic < 0.3 * letters:
            continue
        score = len(_CYRILLIC_LOWER.findall(text)) / cyrillic
        if best is None or score > best[0]:
            best = (score, encoding, text)
    if best is None or best[0] < 0.5:
        return None
    return Decoded(normalise(best[2]), best[1])
