"""Writing the register: JSONL per the incident format, CSV flattened one row per incident."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from docket.export.records import consistent, incident_records
from docket.store import Store
from docket.store.register import incident_ids

Tick = Callable[[int, int], None]

CSV_COLUMNS = [
    "id", "types", "date_start", "date_end", "date_precision", "places", "country", "admin1", "lat", "lon",
    "count", "count_qualifier", "victims", "perpetrators", "status", "origins", "documents", "sources",
]


def _records(store: Store) -> Iterator[tuple[int, dict[str, Any]]]:
    """(how many in all, record) for each incident, read in one snapshot of the register."""
    with store.read() as conn:
        conn = consistent(conn)
        ids = incident_ids(conn)
        for record in incident_records(conn, ids):
            yield len(ids), record


def write_jsonl(store: Store, fh: TextIO, progress: Tick | None = None) -> int:
    """One JSON object per incident, one per line; returns how many."""
    done = 0
    for total, record in _records(store):
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        done += 1
        if progress:
            progress(done, total)
    return done


def write_csv(store: Store, fh: TextIO, progress: Tick | None = None) -> int:
    """One row per incident: lists joined with "; ", sources as "document[origin]"."""
    writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    done = 0
    for total, r in _records(store):
        done += 1
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
            progress(done, total)
    return done
