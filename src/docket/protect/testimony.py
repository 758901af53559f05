"""A testimony entered by hand (the web form): made into an original and ingested like a file.

The original is the testimony's text as entered, UTF-8, named ``testimony-<sha256 prefix>.txt`` (never
after the witness); its metadata (title, language, publication date, who collected it) is applied as a
sidecar would be, and its protected fields go the way of a sidecar's ``protected`` object: sealed in
the database, redacted from the text, the original stored sealed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from docket.ingest.read import read_bytes
from docket.ingest.sidecar import apply_sidecar
from docket.model import stable_id
from docket.outcome import SourceOutcome
from docket.prepare import PreparedSource, prepare
from docket.protect.fields import protected_values
from docket.protect.intake import require_key
from docket.record import already_stored, write_sources
from docket.store import Store

MAX_TEXT = 1_000_000


class TestimonyError(ValueError):
    """A testimony that cannot be taken as entered (no text, a bad date)."""


@dataclass
class Testimony:
    text: str
    title: str | None = None
    language: str | None = None
    published: str | None = None  # ISO date, YYYY[-MM[-DD]]
    collected_by: str | None = None
    protected: dict[str, str] = field(default_factory=dict)  # witness_name, contact, relation...

    def original(self) -> bytes:
        text = self.text.replace("\r\n", "\n").strip("\n") + "\n"
        if not text.strip():
            raise TestimonyError("a testimony needs its text")
        data = text.encode("utf-8")
        if len(data) > MAX_TEXT:
            raise TestimonyError(f"a testimony entered here is at most {MAX_TEXT:,} bytes")
        return data

    def sidecar(self) -> dict[str, str]:
        values = {"title": self.title, "language": self.language, "published": self.published,
                  "collected_by": self.collected_by, "collected_at": datetime.now(UTC).isoformat(timespec="seconds")}
        return {k: v.strip() for k, v in values.items() if v and v.strip()}


def ingest_testimony(store: Store, testimony: Testimony, *, actor: str) -> tuple[SourceOutcome, str]:
    """Store the testimony; returns its outcome and its document's id (an existing one if it was entered
    before: same text, same original)."""
    data = testimony.original()
    sha = hashlib.sha256(data).hexdigest()
    name = f"testimony-{sha[:12]}.txt"
    doc_id = stable_id("doc", sha, "")
    protected = protected_values(testimony.protected)
    if protected:
        require_key(store.keyring, name)
    skipped = already_stored(store, sha, name)
    if skipped is not None:
        return skipped, doc_id
    result = read_bytes(data, name)
    sidecar = testimony.sidecar()
    for doc in result.documents:
        apply_sidecar(doc, sidecar)
        if "published" in sidecar and doc.published is None:
            raise TestimonyError(f"published: a date as YYYY, YYYY-MM or YYYY-MM-DD, not {sidecar['published']!r}")
    result.protected = protected
    outcome = write_sources(store, [PreparedSource(name, prepare(result))], actor=actor)[0]
    return outcome, doc_id
