"""Writing the register: JSONL per the incident format, CSV flattened one row per incident."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import TextIO

from docket.export.records import incident_records
from docket.store import Store

Tick = Callable[[int, int], None]

CSV_COLUMNS = [
    "id", "types", "date_start", "date_end", "date_precision", "places", "country", "admin1", "lat", "lon",
    "count", "count_qualifier", "victims", "perpetrators", "status", "origins", "documents", "sources",
]


def write_jsonl(store: Store, fh: TextIO, progress: Tick | None = None) -> int:
    """One JSON object per incident, one per line; returns how many."""
    with store.read() as conn:
        records = list(incident_records(conn))
    for i, record in enumerate(records, 1):
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        if progress:
            progress(i, len(records))
    return len(records)


def write_csv(store: Store, fh: TextIO, progress: Tick | None = None) -> int:
    """One row per incident: lists joined with "; ", sources as "document[origin]"."""
    with store.read() as conn:
        records = list(incident_records(conn))
    writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i, r in enumerate(records, 1):
        first = r["places"][0] if r["places"] else {}
        count = r["count"] or {}
        origins = list(dict.fromkeys(s["origin"] for s in r["sources"] if s.get("origin")))
        writer.writerow({
            "id": r["id"],
            "types": "; ".join(r["types"]),
            "date_start": r["date"]["start"],
            "date_end": r["date"]["end"],
            "date_precision": r["date"]["precision"],
            "places": "; ".join(p["name"] for p in r["places"]),
            "country": first.get("country"),
            "admin1": first.get("admin1"),
            "lat": first.get("lat"),
            "lon": first.get("lon"),
            "count": count.get("value"),
            "count_qualifier": count.get("qualifier"),
            "victims": "; ".join(r["victims"]),
            "perpetrators": "; ".join(r["perpetrators"]),
            "status": r["status"],
            "origins": "; ".join(origins),
            "documents": "; ".join(dict.fromkeys(s["document"] for s in r["sources"])),
            "sources": len(r["sources"]),
        })
        if progress:
            progress(i, len(records))
    return len(records)
