"""Extract stage: what each document says happened, as claims (one per reported happening).

Building blocks, each usable alone: `find_dates`, `find_places`, `find_facilities`, `find_counts`,
`find_attributions`; `extract_claims` runs them all and assembles claims.
"""

from __future__ import annotations

from docket.model import Claim, Document


def extract_claims(doc: Document) -> list[Claim]:
    from docket.extract.claims import build_claims
    from docket.extract.features import gather

    if doc.status != "ok" or not doc.text.strip():
        return []
    return build_claims(gather(doc))
