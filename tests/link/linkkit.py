"""Shared builders for the link tests: a fresh SQLite store, documents and claims."""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine

from docket.config import resolve_database_url
from docket.model import Claim, Count, Document, PartialDate, Place
from docket.store.dialect import normalize_url
from docket.store.schema import documents, metadata

_ids = itertools.count(1)

STORY = (
    "Relatives of mobilized men say that about two hundred and fifty soldiers who refused to return to the "
    "front are being held in a basement in the village of Zaitseve. According to the sister of one of them, "
    "the men were taken there after they asked to be sent home, their phones were confiscated and they "
    "were told they would face criminal charges for desertion. Some were forced to record videos in which "
    "they said they had volunteered. The command has not commented on the reports. Human rights lawyers "
    "say that holding service members without a court order is unlawful and have filed complaints with "
    "the military prosecutor's office on behalf of the families."
)
COPY = (
    "SUBSCRIBE to our channel | Share | Print\nNews from the region, 15 November\n"
    + STORY.replace(
        "The command has not commented on the reports.", "The ministry declined to answer our questions."
    )
    + "\nRead more: the mobilization one year on. All rights reserved. Advertising."
)
OTHER = (
    "The regional court sentenced eleven former officers of the penal colony to prison terms for the "
    "beating of an inmate recorded on video in June. The prosecutor asked for longer sentences; the "
    "defence said it would appeal. Lawyers of the victim welcomed the verdict but said that the officers "
    "who ordered the beating were never charged, and that the investigation took more than three years."
)


def make_engine(tmp_path: Path) -> Engine:
    # On the suite's PostgreSQL run, the test's own database (tests/conftest.py); else SQLite.
    engine = create_engine(normalize_url(resolve_database_url() or f"sqlite:///{tmp_path}/link.db"))
    metadata.create_all(engine)
    return engine


def add_document(
    conn: Connection, name: str, text: str = "", published: str | None = None, outlet: str | None = None
) -> Document:
    pub = PartialDate.from_json({"start": published, "precision": "day"}) if published else None
    doc = Document(
        id=f"doc{next(_ids)}",
        name=name,
        blob_sha256="0" * 64,
        format="txt",
        text=text,
        outlet=outlet,
        published=pub,
    )
    conn.execute(
        documents.insert().values(
            id=doc.id,
            name=name,
            blob_sha256=doc.blob_sha256,
            format="txt",
            text=text,
            outlet=outlet,
            published_start=published,
            published_precision="day" if published else None,
            status="ok",
            ingested_at="test",
        )
    )
    return doc


def place(
    name: str, lat: float, lon: float, admin1: str, country: str = "RU", precision: str = "settlement"
) -> Place:
    return Place(name=name, precision=precision, country=country, admin1=admin1, lat=lat, lon=lon)


def make_claim(doc: Document, types: list[str], when: str | None, places: list[Place], **kw) -> Claim:
    date = None
    if when:
        date = PartialDate.from_json(
            {"start": when, "precision": {1: "year", 2: "month", 3: "day"}[len(when.split("-"))]}
        )
    count = kw.pop("count", None)
    return Claim(
        id=f"clm{next(_ids)}",
        document_id=doc.id,
        types=types,
        date=date,
        places=places,
        count=Count(*count) if isinstance(count, tuple) else count,
        **kw,
    )
