from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

from docket import link
from docket.export import write_csv, write_jsonl
from docket.model import Claim, Count, Document, PartialDate, Place
from docket.store import Store
from docket.store.documents import save_document

TYPES = {"recruitment", "unlawful_mobilization", "refusal_to_serve", "detention", "torture", "sexual_violence",
         "coerced_statement", "death", "rights_denial", "accountability"}
ACTORS = {"prisoners", "mobilized", "contract_soldiers", "conscripts", "foreign_nationals", "civilians", "relatives",
          "prison_staff", "military_command", "military_commissariat", "pmc", "security_service", "police",
          "officials", "employer", "armed_forces", "courts"}
ISO = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
TEXT = "Header line.\nAbout 20 mobilized men were locked in a basement in Kreminna on 2 October 2022, Astra reported.\n"


def check_incident(obj: dict) -> None:
    """The contract of shared/docs/incident-format.md, field by field."""
    assert set(obj) == {"id", "types", "date", "places", "count", "victims", "perpetrators", "status", "sources"}
    assert isinstance(obj["id"], str) and obj["id"]
    assert obj["types"] and set(obj["types"]) <= TYPES
    d = obj["date"]
    assert set(d) == {"start", "end", "precision"} and d["precision"] in {"day", "month", "year", "unknown"}
    if d["precision"] == "unknown":
        assert d["start"] is None
    else:
        assert re.fullmatch(ISO[d["precision"]], d["start"])
        assert d["end"] is None or re.fullmatch(ISO[d["precision"]], d["end"])
    for p in obj["places"]:
        assert set(p) == {"name", "admin1", "country", "lat", "lon", "precision"}
        assert p["precision"] in {"facility", "settlement", "region", "country"}
        assert p["country"] is None or re.fullmatch(r"[A-Z]{2}", p["country"])
    if obj["count"] is not None:
        assert isinstance(obj["count"]["value"], int)
        assert obj["count"]["qualifier"] in {"exact", "approx", "at_least", "at_most"}
    assert set(obj["victims"]) <= ACTORS and set(obj["perpetrators"]) <= ACTORS
    assert obj["status"] in {"reported", "corroborated", "verified", "disputed", "rejected"}
    assert obj["sources"]
    for s in obj["sources"]:
        assert {"document", "published", "origin", "via", "hedged", "spans"} <= set(s) <= {*s, "count"}
        assert isinstance(s["via"], list) and isinstance(s["hedged"], bool)
        assert all(isinstance(a, int) and isinstance(b, int) and a < b for a, b in s["spans"])


def _store_with_incident(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "data")
    doc = Document(id="doc_1", name="002_report.txt", blob_sha256="a" * 64, format="txt", text=TEXT, raw_text=TEXT,
                   published=PartialDate(date(2022, 10, 29), "month"), language="en")
    start = TEXT.index("About")
    claim = Claim(
        id="clm_1", document_id="doc_1", types=["detention", "refusal_to_serve"],
        date=PartialDate(date(2022, 10, 2), "day"),
        places=[Place("Kreminna", "settlement", "UA", "Luhansk Oblast", 49.05, 38.22)],
        count=Count(20, "approx"), victims=["mobilized"], perpetrators=["military_command"],
        origin="Astra", spans=[(start, len(TEXT) - 1)],
    )
    with store.write() as conn:
        save_document(conn, doc, "2022-11-01T00:00:00+00:00")
        link.link_document(conn, doc, [claim])
    return store


def test_jsonl_follows_the_incident_format(tmp_path: Path):
    store = _store_with_incident(tmp_path)
    fh = io.StringIO()
    assert write_jsonl(store, fh) == 1
    lines = fh.getvalue().splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    check_incident(obj)
    assert obj["types"][0] == "detention" and obj["date"] == {"start": "2022-10-02", "end": None, "precision": "day"}
    assert obj["places"][0]["name"] == "Kreminna" and obj["count"] == {"value": 20, "qualifier": "approx"}
    [source] = obj["sources"]
    assert source["document"] == "002_report.txt" and source["published"] == "2022-10"
    assert source["origin"] == "Astra" and source["via"] == [] and source["hedged"] is False
    a, b = source["spans"][0]
    assert TEXT[a:b].startswith("About 20 mobilized men")


def test_csv_has_one_row_per_incident(tmp_path: Path):
    store = _store_with_incident(tmp_path)
    fh = io.StringIO()
    assert write_csv(store, fh) == 1
    [row] = list(csv.DictReader(io.StringIO(fh.getvalue())))
    assert row["types"] == "detention; refusal_to_serve" and row["country"] == "UA"
    assert row["documents"] == "002_report.txt" and row["origins"] == "Astra" and row["count"] == "20"


def test_empty_store_exports_nothing(tmp_path: Path):
    fh = io.StringIO()
    assert write_jsonl(Store.open(tmp_path), fh) == 0 and fh.getvalue() == ""


def test_an_export_read_a_page_at_a_time_is_the_export_read_at_once(tmp_path: Path, monkeypatch):
    from docket.export import records
    from docket.pipeline import ingest_paths

    store = Store.open(tmp_path / "data")
    ingest_paths(store, [Path(__file__).resolve().parents[2] / "examples" / "reports"], actor="tester")
    whole, paged = io.StringIO(), io.StringIO()
    n = write_jsonl(store, whole)
    monkeypatch.setattr(records, "PAGE", 2)
    assert write_jsonl(store, paged) == n and n >= 5
    assert paged.getvalue() == whole.getvalue()
    ticks: list[tuple[int, int]] = []
    assert write_csv(store, io.StringIO(), lambda done, total: ticks.append((done, total))) == n
    assert ticks == [(i, n) for i in range(1, n + 1)]
    store.close()
