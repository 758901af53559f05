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
    facilities: frozenset[str]
    people: frozenset[str]
    window: tuple[date, date] | None
    published: tuple[date, date] | None  # bounds of its document's publication date
    copies: frozenset[str]  # documents this claim's document is a near-copy of
    origin_key: str | None


def view(
    claim: Claim,
    published: tuple[date, date] | None,
    copies: set[str],
    origin_key: str | None,
) -> ClaimView:
    return ClaimView(
        claim,
        frozenset(P.facility_keys(claim.places, claim.facilities)),
        frozenset(person_key(p) for p in claim.people) - {""},
        claim.date.bounds() if claim.date else None,
        published,
        frozenset(copies),
        origin_key,
    )


def _types(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa & sb:
        return VETO
    return len(sa & sb) / len(sa | sb)


def _date(v: ClaimView, inc: dict) -> float:
    win = inc.get("window")
    inc_published = date.fromisoformat(inc["published_hi"]) if inc.get("published_hi") else None
    if v.window and inc_published and v.window[0] > inc_published:
        return VETO  # the incident's reports predate this happening
    if not win:
        return 0.25
    lo, hi = date.fromisoformat(win[0]), date.fromisoformat(win[1])
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


def _count(v: ClaimView, inc: dict) -> float:
    # A count read from a singular noun is too weak to set two reports apart.
    counts = [c for c in inc.get("counts") or [] if not c.get("inferred")]
    if v.claim.count is None or v.claim.count.inferred or not counts:
        return 0.0
    return max(_count_pair(v.claim.count, c) for c in counts)


def _actors(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    return 0.15 if set(a) & set(b) else -0.15


def score(v: ClaimView, inc: dict) -> float:
    """How well the claim fits the incident's machine profile; below THRESHOLD or vetoed = not the same."""
    c = v.claim
    total = 0.0
    for part in (
        lambda: _types(c.types, inc["types"]),
        lambda: _date(v, inc),
        lambda: (
            P.compare(
                c.places,
                [Place.from_json(p) for p in inc["places"]],
                set(v.facilities),
                set(inc["facilities"]),
            ).score
        ),
        lambda: _count(v, inc),
    ):
        s = part()
        if s <= VETO:
            return VETO
        total += s
    total += _actors(c.victims, inc["victims"]) + _actors(c.perpetrators, inc["perpetrators"])
    if v.people & set(inc.get("people") or []):
        total += 0.4
    if v.origin_key and v.origin_key in (inc.get("origin_keys") or []):
        total += 0.2
    if v.copies & set(inc["documents"]):
        total += 0.6
    return total


def assign(views: list[ClaimView], candidates: dict[str, dict]) -> dict[int, tuple[str, float]]:
    """Claim index -> (incident id, score): best pairs first, each incident taking at most one claim of
    the document (claims of one document are different happenings by construction)."""
    pairs = []
    for i, v in enumerate(views):
        for inc_id, inc in candidates.items():
            if v.claim.document_id in inc["documents"]:
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
