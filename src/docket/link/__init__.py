"""Link stage. TEMPORARY placeholder until the linker lands: each claim becomes its own incident."""

from __future__ import annotations

import json

from sqlalchemy import Connection

from docket.custody import now
from docket.model import Claim, Document, stable_id
from docket.store.schema import claims as claims_table
from docket.store.schema import incidents


def link_document(conn: Connection, doc: Document, claims: list[Claim]) -> list[str]:
    at, ids = now(), []
    for claim in claims:
        incident_id = stable_id("inc", claim.id)
        first = claim.places[0] if claim.places else None
        conn.execute(
            incidents.insert().values(
                id=incident_id,
                types=json.dumps(claim.types),
                main_type=claim.types[0] if claim.types else None,
                date_start=claim.date.iso(claim.date.start) if claim.date else None,
                date_end=claim.date.iso(claim.date.end) if claim.date else None,
                date_precision=claim.date.precision if claim.date else "unknown",
                places=json.dumps([p.to_json() for p in claim.places], ensure_ascii=False),
                country=first.country if first else None,
                admin1=first.admin1 if first else None,
                lat=first.lat if first else None,
                lon=first.lon if first else None,
                count=json.dumps(claim.count.to_json()) if claim.count else None,
                victims=json.dumps(claim.victims),
                perpetrators=json.dumps(claim.perpetrators),
                status="reported",
                origins=json.dumps([claim.origin] if claim.origin else [], ensure_ascii=False),
                locked=False,
                created_at=at,
                updated_at=at,
            )
        )
        conn.execute(
            claims_table.insert().values(
                id=claim.id,
                document_id=doc.id,
                incident_id=incident_id,
                data=json.dumps(claim.to_json(), ensure_ascii=False),
                created_at=at,
            )
        )
        ids.append(incident_id)
    return ids
