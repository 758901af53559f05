"""Extract stage: claims per document. Placeholder until the extractor lands."""

from __future__ import annotations

from docket.model import Claim, Document


def extract_claims(doc: Document) -> list[Claim]:
    return []
