"""docket's domain types, defined once and shared by every stage.

The flow is ingest -> text -> extract -> link -> store -> review/publish.  Stages talk to each other
through these types only.  The split that matters most: a ``Claim`` is what *one document* says about one
happening (extraction never looks at other documents); an ``Incident`` is one real-world happening built
from claims of many documents (linking never re-reads raw text).
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

DatePrecision = Literal["day", "month", "year", "unknown"]
PlacePrecision = Literal["facility", "settlement", "region", "country"]
CountQualifier = Literal["exact", "approx", "at_least", "at_most"]
IncidentStatus = Literal["reported", "corroborated", "verified", "disputed", "rejected"]
# How a document's publication date was known.
DateSource = Literal["metadata", "html-meta", "telegram", "text", "inferred"]

# How long before the report an undated happening may lie: a verdict or dismissal is news within days;
# abuse often surfaces months later (leaked footage, a released prisoner's account).
INFERRED_LEAD = {"day": timedelta(days=7), "month": timedelta(days=366)}

PRECISION_RANK: dict[str, int] = {"day": 3, "month": 2, "year": 1, "unknown": 0}


def stable_id(prefix: str, *parts: str) -> str:
    """A deterministic id from content, so re-runs never create a second copy of the same thing."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}_{digest}"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a stated precision: ``start`` (and ``end`` for a span) cut to that precision."""

    start: date | None
    precision: DatePrecision
    end: date | None = None
    # Not given by the text: the report's own date stands in, so the happening may lie some time before.
    inferred: bool = False

    def iso(self, value: date | None) -> str | None:
        if value is None or self.precision == "unknown":
            return None
        if self.precision == "year":
            return f"{value.year:04d}"
        if self.precision == "month":
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat()

    def to_json(self) -> dict:
        data: dict = {"start": self.iso(self.start), "end": self.iso(self.end), "precision": self.precision}
        if self.inferred:
            data["inferred"] = True
        return data

    @classmethod
    def from_json(cls, data: dict | None) -> PartialDate | None:
        if not data or not data.get("start"):
            return None
        precision = data.get("precision") or "day"
        return cls(
            parse_iso_partial(data["start"]), precision, parse_iso_partial(data.get("end")), bool(data.get("inferred"))
        )

    def bounds(self) -> tuple[date, date] | None:
        """The first and last day this date may denote."""
        if self.start is None:
            return None
        lo = _first_day(self.start, self.precision)
        hi = _last_day(self.end or self.start, self.precision)
        if self.inferred:
            lo -= INFERRED_LEAD.get(self.precision, timedelta(0))
        return lo, hi

    @staticmethod
    def unknown() -> PartialDate:
        return PartialDate(None, "unknown")


def parse_iso_partial(value: str | None) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in str(value).split("-")[:3]]
    while len(parts) < 3:
        parts.append(1)
    return date(parts[0], parts[1], parts[2])


def _first_day(d: date, precision: str) -> date:
    if precision == "year":
        return date(d.year, 1, 1)
    if precision == "month":
        return date(d.year, d.month, 1)
    return d


def _last_day(d: date, precision: str) -> date:
    if precision == "year":
        return date(d.year, 12, 31)
    if precision == "month":
        return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    return d


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    precision: PlacePrecision
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # English name of the first-level division
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    facility_kind: str | None = None  # e.g. "IK", "SIZO", "OTB" for facility precision

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "admin1": self.admin1,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
        }

    @classmethod
    def from_json(cls, data: dict) -> Place:
        return cls(
            name=data.get("name") or "",
            precision=data.get("precision") or "settlement",
            country=data.get("country"),
            admin1=data.get("admin1"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            geonames_id=data.get("geonames_id"),
            facility_kind=data.get("facility_kind"),
        )


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    qualifier: CountQualifier = "exact"
    inferred: bool = False  # read from a singular noun ("a convict died"), not from a number

    def to_json(self) -> dict:
        data: dict = {"value": self.value, "qualifier": self.qualifier}
        if self.inferred:
            data["inferred"] = True
        return data

    @classmethod
    def from_json(cls, data: dict | None) -> Count | None:
        if not data or data.get("value") is None:
            return None
        return cls(int(data["value"]), data.get("qualifier") or "exact", bool(data.get("inferred")))


@dataclass(slots=True)
class Mention:
    """A span of a document's cleaned text that names something, with its normalised value."""

    kind: Literal["date", "place", "facility", "count", "person", "organisation", "cue", "actor"]
    start: int
    end: int
    text: str
    value: object = None


@dataclass(slots=True)
class Document:
    """One report: an article, a Telegram post, an e-mail, a PDF page set, a testimony.

    ``name`` is the file name the document was ingested from (the export's ``document``); several
    documents share it when one file holds many reports (each Telegram message is its own document).
    """

    id: str
    name: str
    blob_sha256: str
    format: str
    source_path: str = ""
    parent_id: str | None = None
    part: str | None = None  # position inside the parent file: a message id, an attachment name
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    published: PartialDate | None = None
    published_source: DateSource | None = None
    collected_by: str | None = None
    collected_at: str | None = None
    raw_text: str = ""  # text as decoded from the original, before cleaning
    text: str = ""  # cleaned main text; claim spans point into this
    html: str | None = None  # markup, when the original was HTML, for the cleaner
    meta: dict = field(default_factory=dict)  # format-specific: channel, message_id, links, headers
    status: Literal["ok", "failed"] = "ok"
    error: str | None = None
    # Protected witness fields (name, contact, relation) by field name: never stored in clear, and
    # redacted from every text above before the document is cleaned (docket.protect).
    protected: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Claim:
    """What one document says about one happening: the machine's extraction, per document."""

    id: str
    document_id: str
    types: list[str]
    date: PartialDate | None = None
    places: list[Place] = field(default_factory=list)
    count: Count | None = None
    victims: list[str] = field(default_factory=list)
    perpetrators: list[str] = field(default_factory=list)
    origin: str | None = None
    via: list[str] = field(default_factory=list)
    hedged: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)
    facilities: list[str] = field(default_factory=list)  # normalised facility keys, e.g. "RU-SAR:OTB-1"
    people: list[str] = field(default_factory=list)  # canonical names of people named in the claim
    confidence: float = 0.5

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "document_id": self.document_id,
            "types": list(self.types),
            "date": self.date.to_json() if self.date else None,
            "places": [p.to_json() for p in self.places],
            "count": self.count.to_json() if self.count else None,
            "victims": list(self.victims),
            "perpetrators": list(self.perpetrators),
            "origin": self.origin,
            "via": list(self.via),
            "hedged": self.hedged,
            "spans": [list(s) for s in self.spans],
            "facilities": list(self.facilities),
            "people": list(self.people),
            "confidence": self.confidence,
        }

    @classmethod
    def from_json(cls, data: dict) -> Claim:
        return cls(
            id=data["id"],
            document_id=data["document_id"],
            types=list(data.get("types") or []),
            date=PartialDate.from_json(data.get("date")),
            places=[Place.from_json(p) for p in data.get("places") or []],
            count=Count.from_json(data.get("count")),
            victims=list(data.get("victims") or []),
            perpetrators=list(data.get("perpetrators") or []),
            origin=data.get("origin"),
            via=list(data.get("via") or []),
            hedged=bool(data.get("hedged")),
            spans=[(int(a), int(b)) for a, b in data.get("spans") or []],
            facilities=list(data.get("facilities") or []),
            people=list(data.get("people") or []),
            confidence=float(data.get("confidence", 0.5)),
        )


@dataclass(slots=True)
class Incident:
    """One real-world happening, built from claims; the register's row."""

    id: str
    claim_ids: list[str]
    types: list[str]
    date: PartialDate | None
    places: list[Place]
    count: Count | None
    victims: list[str]
    perpetrators: list[str]
    status: IncidentStatus = "reported"
    origins: list[str] = field(default_factory=list)  # independent origins behind it


@dataclass(slots=True)
class Entity:
    """A person or organisation, with one canonical name and aliases across scripts."""

    id: str
    kind: Literal["person", "organisation"]
    name: str
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CustodyEntry:
    seq: int
    at: str
    actor: str
    action: str
    object_id: str
    payload_hash: str
    prev_hash: str
    entry_hash: str
    object_type: str = ""  # what object_id names: blob, document, incident, export
