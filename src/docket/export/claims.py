"""One claim as an incident record of the JSONL format, as if no other report were linked to it.

What extraction alone would register: used to measure linking against extraction ("incident F1 not lower
than before linking") and to review a document's claims before they enter a register.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from docket.model import Claim, Document


def claim_record(doc: Document, claim: Claim) -> dict:
    data = claim.to_json()
    published = doc.published.to_json()["start"] if doc.published else None
    return {
        "id": claim.id,
        "types": data["types"],
        "date": data["date"] or {"start": None, "end": None, "precision": "unknown"},
        "places": data["places"],
        "count": data["count"],
        "victims": data["victims"],
        "perpetrators": data["perpetrators"],
        "status": "reported",
        "sources": [{
            "document": doc.name, "published": published, "origin": claim.origin, "via": claim.via,
            "hedged": claim.hedged, "count": data["count"], "spans": data["spans"],
        }],
    }


def write_claims(paths: Iterable[Path], out: TextIO) -> int:
    """Read, clean and extract every source under ``paths`` (no store) and write each claim as its own
    incident record, one JSON line each; returns how many were written."""
    from docket.extract import extract_claims
    from docket.ingest import iter_sources, read_source
    from docket.text import prepare

    written = 0
    for source in iter_sources(list(paths)):
        for doc in read_source(source).documents:
            prepare(doc)
            for claim in extract_claims(doc):
                out.write(json.dumps(claim_record(doc, claim), ensure_ascii=False) + "\n")
                written += 1
    return written
