"""Incident resolution: how well a claim fits an existing incident, and which claim joins which incident.

The score adds evidence (shared types, compatible dates at their precisions, place agreement, counts,
actor groups, named people, near-copy documents) and vetoes on contradictions (no shared type, dates
that cannot overlap, different facilities or settlements, counts far apart, an event dated after a
report that describes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docket.link import places as P
from docket.link.entities import person_key
from docket.model import Claim, Count, Place

THRESHOLD = 1.9
DAY_TOLERANCE = 3  # days between two reports' dates that may still be one happening
VETO = P.VETO


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim with what resolution needs precomputed."""

    claim: Claim
    types: frozenset[str]
    facilities: frozenset[str]
    people: frozenset[str]
    window: tuple[date, date] | None
    published: tuple[date, date] | None  # bounds of its document's publication date
    copies: frozenset[str]  # documents this claim's document is a near-copy of
    origin_key: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """An incident's machine values as ``score`` reads them, decoded once per stored version."""

    types: frozenset[str]
    window: tuple[date, date] | None
    published_hi: date | None  # the latest publication date among its reports
    places: list[Place]
    facilities: frozenset[str]
    counts: list[dict]  # its members' counts, those read from a singular noun left out
    victims: frozenset[str]
    perpetrators: frozenset[str]
    people: frozenset[str]
    origin_keys: frozenset[str]
    documents: frozenset[str]


def candidate(machine: dict) -> Candidate:
    """The ``Candidate`` of an incident's machine values (``linker``'s ``machine`` column, decoded)."""
    win = machine.get("window")
    published_hi = machine.get("published_hi")
    return Candidate(
        frozenset(machine["types"]),
        (date.fromisoformat(win[0]), date.fromisoformat(win[1])) if win else None,
        date.fromisoformat(published_hi) if published_hi else None,
        [Place.from_json(p) for p in machine["places"]],
        frozenset(machine["facilities"]),
        [c for c in machine.get("counts") or [] if not c.get("inferred")],
        frozenset(machine["victims"]),
        frozenset(machine["perpetrators"]),
        frozenset(machine.get("people") or ()),
        frozenset(machine.get("origin_keys") or ()),
        frozenset(machine["documents"]),
    )


def view(
    claim: Claim,
    published: tuple[date, date] | None,
    copies: set[str],
    origin_key: str | None,
) -> ClaimView:
    return ClaimView(
        claim,
        frozenset(claim.types),
        frozenset(P.facility_keys(claim.places, claim.facilities)),
        frozenset(person_key(p) for p in claim.people) - {""},
        claim.date.bounds() if claim.date else None,
        published,
        frozenset(copies),
        origin_key,
    )


def _types(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    if not shared:
        return VETO
    return shared / (len(a) + len(b) - shared)


def _date(v: ClaimView, inc: Candidate) -> float:
    if v.window and inc.published_hi and v.window[0] > inc.published_hi:
        return VETO  # the incident's reports predate this happening
    if not inc.window:
        return 0.25
    lo, hi = inc.window
    if v.published and lo > v.published[1]:
        return VETO  # this claim's report predates the incident
    if not v.window:
        return 0.25
    gap = (max(lo, v.window[0]) - min(hi, v.window[1])).days
    if gap > DAY_TOLERANCE:
        return VETO
    if gap > 0:
        return 0.2  # "on Thursday" and "on Saturday": days of one ongoing happening, as reports see it
    # agreement is only as telling as the vaguer of the two dates
    width = max((hi - lo).days, (v.window[1] - v.window[0]).days) + 1
    if width <= 3:
        return 1.0
    if width <= 62:
        return 0.7
    if width <= 366:
        return 0.45
    return 0.3


def _count_pair(a: Count, b: dict) -> float:
    (lo, lo_q), (hi, hi_q) = sorted(
        ((a.value, a.qualifier), (int(b["value"]), b.get("qualifier") or "exact"))
    )
    if lo <= 0:
        return 0.0
    ratio = hi / lo
    if ratio > 1.35 and (lo_q == "at_least" or hi_q == "at_most"):
        ratio = 1.35  # "over 80" agrees with 120, but says little
    if ratio <= 1.05:
        return 0.7 if hi >= 10 else 0.3
    if ratio <= 1.15:
        return 0.35
    if ratio <= 1.35:
        return 0.2
    if ratio <= 2.0:
        return -0.3
    return VETO


def _count(v: ClaimView, inc: Candidate) -> float:
    # A count read from a singular noun is too weak to set two reports apart.
    count = v.claim.count
    if count is None or count.inferred or not inc.counts:
        return 0.0
    return max([_count_pair(count, c) for c in inc.counts])


def _actors(a: list[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 0.15 if b.intersection(a) else -0.15


def score(v: ClaimView, inc: Candidate) -> float:
    """How well the claim fits the incident's machine profile; below THRESHOLD or vetoed = not the same."""
    c = v.claim
    # the cheap vetoes first: most candidates of a dense register fail on type or date
    types = _types(v.types, inc.types)
    if types <= VETO:
        return VETO
    when = _date(v, inc)
    if when <= VETO:
        return VETO
    count = _count(v, inc)
    if count <= VETO:
        return VETO
    where = P.compare(c.places, inc.places, v.facilities, inc.facilities).score
    if where <= VETO:
        return VETO
    total = types + when + where + count
    total += _actors(c.victims, inc.victims) + _actors(c.perpetrators, inc.perpetrators)
    if v.people & inc.people:
        total += 0.4
    if v.origin_key and v.origin_key in inc.origin_keys:
        total += 0.2
    if v.copies & inc.documents:
        total += 0.6
    return total


def assign(views: list[ClaimView], candidates: dict[str, Candidate]) -> dict[int, tuple[str, float]]:
    """Claim index -> (incident id, score): best pairs first, each incident taking at most one claim of
    the document (claims of one document are different happenings by construction)."""
    pairs = []
    for i, v in enumerate(views):
        for inc_id, inc in candidates.items():
            if v.claim.document_id in inc.documents:
                continue
            s = score(v, inc)
            if s >= THRESHOLD:
                pairs.append((s, i, inc_id))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    taken_claims: dict[int, tuple[str, float]] = {}
    taken_incidents: set[str] = set()
    for s, i, inc_id in pairs:
        if i in taken_claims or inc_id in taken_incidents:
            continue
        taken_claims[i] = (inc_id, s)
        taken_incidents.add(inc_id)
    return taken_claims
