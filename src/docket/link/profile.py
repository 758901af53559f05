"""An incident's machine values, built from its member claims, and the blocking keys it is filed under."""

from __future__ import annotations

from collections import Counter
from datetime import date

from docket.link.entities import canonical_key
from docket.link.places import facility_keys
from docket.model import PRECISION_RANK, Claim, PartialDate, Place

PLACE_ORDER = {"facility": 0, "settlement": 1, "region": 2, "country": 3}
MAX_KEY_YEARS = 3  # a date window wider than this is filed as undated
GRID = 0.25  # degrees per grid cell for the settlement blocking key


def _ranked(values: list[str]) -> list[str]:
    """Distinct values, most frequent first, ties in order of first appearance."""
    counts = Counter(values)
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return sorted(counts, key=lambda v: (-counts[v], first[v]))


def best_date(dates: list[PartialDate]) -> PartialDate | None:
    """The date most members agree with, then the most precise, then the narrowest."""
    known = [d for d in dates if d.bounds()]
    if not known:
        return None

    def rank(d: PartialDate) -> tuple:
        lo, hi = d.bounds()
        inside = sum(1 for o in known if o.bounds()[0] <= lo and hi <= o.bounds()[1])
        return (inside, PRECISION_RANK[d.precision], -(hi - lo).days)

    return max(known, key=rank)


def window(dates: list[PartialDate]) -> tuple[date, date] | None:
    """The days every member's date allows (their intersection), or the best date's bounds if none."""
    bounds = [d.bounds() for d in dates if d.bounds()]
    if not bounds:
        return None
    lo, hi = max(b[0] for b in bounds), min(b[1] for b in bounds)
    if lo <= hi:
        return lo, hi
    return best_date(dates).bounds()


def _place_key(p: Place) -> str:
    if p.precision in ("facility", "settlement") and p.lat is not None and p.lon is not None:
        return f"{p.precision}:{p.lat:.2f}:{p.lon:.2f}"
    return f"{p.precision}:{canonical_key(p.name)}"


def merge_places(claims: list[Claim]) -> list[Place]:
    """Union of members' places, most specific first, then by how many members name them."""
    seen: dict[str, Place] = {}
    support: Counter[str] = Counter()
    order: dict[str, int] = {}
    for claim in claims:
        for p in claim.places:
            key = _place_key(p)
            support[key] += 1
            if key not in seen:
                seen[key], order[key] = p, len(order)
    keys = sorted(seen, key=lambda k: (PLACE_ORDER.get(seen[k].precision, 4), -support[k], order[k]))
    return [seen[k] for k in keys]


def best_count(claims: list[Claim]) -> dict | None:
    """The count most members give; ties go to the earliest member that gave one."""
    counts = [c.count.to_json() for c in claims if c.count]
    if not counts:
        return None
    values = _ranked([str(c["value"]) for c in counts])
    return next(c for c in counts if str(c["value"]) == values[0])


def build(claims: list[Claim], published_hi: list[date]) -> dict:
    """The machine's values for an incident from its member claims (in membership order)."""
    dates = [c.date for c in claims if c.date]
    chosen = best_date(dates)
    win = window(dates)
    return {
        "types": _ranked([t for c in claims for t in c.types]),
        "date": chosen.to_json() if chosen else None,
        "window": [win[0].isoformat(), win[1].isoformat()] if win else None,
        "places": [p.to_json() | {"facility_kind": p.facility_kind} for p in merge_places(claims)],
        "count": best_count(claims),
        "counts": [c.count.to_json() for c in claims if c.count],
        "victims": _ranked([v for c in claims for v in c.victims]),
        "perpetrators": _ranked([v for c in claims for v in c.perpetrators]),
        "facilities": sorted(set().union(*(facility_keys(c.places, c.facilities) for c in claims))),
        "people": sorted({canonical_key(p) for c in claims for p in c.people} - {""}),
        "documents": sorted({c.document_id for c in claims}),
        "published_hi": min(published_hi).isoformat() if published_hi else None,
    }


def _years(lo: date, hi: date) -> list[str]:
    if hi.year - lo.year + 1 > MAX_KEY_YEARS:
        return ["*"]
    return [str(y) for y in range(lo.year, hi.year + 1)]


def _cells(lat: float, lon: float, spread: int) -> list[str]:
    i, j = int(lat // GRID), int(lon // GRID)
    return [f"{i + di}:{j + dj}" for di in range(-spread, spread + 1) for dj in range(-spread, spread + 1)]


def keys(
    types: list[str],
    places: list[Place],
    facilities: set[str],
    win: tuple[date, date] | None,
    *,
    lookup: bool = False,
    published: tuple[date, date] | None = None,
) -> set[str]:
    """Blocking keys. Filing (``lookup=False``) puts an incident under its own keys; a lookup asks for a
    claim's keys and their neighbours (adjacent grid cells, the undated bucket, an undated claim's likely
    years from its publication date)."""
    countries = sorted({(p.country or "").upper() for p in places} - {""}) or ["?"]
    if win:
        years = _years(*win)
    else:
        years = ["*"]
        if lookup and published:
            years += [str(y) for y in range(published[1].year - 1, published[1].year + 1)]
    if lookup and "*" not in years:
        years.append("*")
    out: set[str] = set()
    for t in types:
        for country in [*countries, "~"]:
            if country == "~" and lookup and countries != ["?"]:
                continue
            out.update(f"t|{t}|{country}|{y}" for y in years)
        for p in places:
            if p.precision in ("facility", "settlement"):
                if p.lat is not None and p.lon is not None:
                    out.update(f"g|{t}|{c}" for c in _cells(p.lat, p.lon, 1 if lookup else 0))
                out.add(f"s|{t}|{canonical_key(p.name)}")
    out.update(f"f|{f.rpartition(':')[2]}|{f.rpartition(':')[0]}" for f in facilities)
    return out
