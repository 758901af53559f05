"""``NAME.meta.json`` beside a file: metadata that applies to every document read from that file."""

from __future__ import annotations

import json
from pathlib import Path

from docket.ingest.dates import parse_iso_date
from docket.model import Document
from docket.protect.fields import PROTECTED_KEY, merge, protected_values

SIDECAR_SUFFIX = ".meta.json"
# Sidecar keys copied onto documents as they are; ``published`` is parsed separately.
_TEXT_FIELDS = ("url", "outlet", "title", "language", "collected_by", "collected_at")


def is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(SIDECAR_SUFFIX)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def load_sidecar(path: Path) -> tuple[dict | None, str | None]:
    """The parsed sidecar of ``path`` (the document file), or None; and an error message if it is unusable."""
    meta = sidecar_path(path)
    if not meta.is_file():
        return None, None
    try:
        data = json.loads(meta.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"{meta.name}: unreadable sidecar ({exc})"
    if not isinstance(data, dict):
        return None, f"{meta.name}: sidecar is not a JSON object"
    return data, None


def sidecar_protected(sidecar: dict | None) -> dict[str, str]:
    """The protected values (witness name, contact, relation...) of a sidecar's ``protected`` object."""
    return protected_values((sidecar or {}).get(PROTECTED_KEY))


def apply_sidecar(doc: Document, sidecar: dict) -> None:
    """Sidecar values win over what the file itself says: they were recorded when it was collected."""
    doc.protected = merge(doc.protected, sidecar_protected(sidecar))
    for key in _TEXT_FIELDS:
        value = sidecar.get(key)
        if isinstance(value, str) and value.strip():
            setattr(doc, key, value.strip())
    if "published" in sidecar:
        published = parse_iso_date(sidecar["published"])
        if published is not None:
            doc.published = published
            doc.published_source = "metadata"
        else:
            doc.meta["sidecar_warning"] = f"unparsed published date {sidecar['published']!r}"
