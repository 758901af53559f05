"""One claim as an incident record of the JSONL format, as if no other report were linked to it.

What extraction alone would register: used to measure linking against extraction ("incident F1 not lower
than before linking") and to review a document's claims before they enter a register.
"""

from __future__ import annotations

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
