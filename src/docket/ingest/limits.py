"""Size limits: files over them are hashed (streaming) and failed, never loaded into memory."""

from __future__ import annotations

MiB = 1024 * 1024
TEXT_LIMIT = 64 * MiB  # text, HTML, Markdown, Telegram JSON, e-mail
PDF_LIMIT = 256 * MiB
MAX_EMBED_DEPTH = 3  # e-mail attached to e-mail attached to ...
HEAD_SIZE = 64 * 1024  # bytes read first, for sniffing


def limit_for(fmt: str) -> int:
    return PDF_LIMIT if fmt == "pdf" else TEXT_LIMIT


def over_limit(name: str, size: int, fmt: str) -> str:
    kind = "PDF" if fmt == "pdf" else "text"
    return f"{name}: {human_size(size)} is over the {limit_for(fmt) // MiB} MiB limit for a {kind} report"


def human_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", MiB), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"
