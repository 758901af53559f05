"""An incident's machine values, built from its member claims, and the blocking keys it is filed under."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

from docket.link.entities import canonical_key, person_key
from docket.link.places import SAME_SETTLEMENT_KM, admin_key, facility_keys
from docket.link.resolve import DAY_TOLERANCE
from docket.model import PRECISION_RANK, Claim, PartialDate, Place

PLACE_ORDER = {"facility": 0, "settlement": 1, "region": 2, "country": 3}
MAX_KEY_YEARS = 3  # a date window wider than this is filed as undated
MAX_KEY_MONTHS = 24  # a window wider than this is filed by year
GRID = 0.25  # degrees per grid cell for the settlement blocking key
KM_PER_DEGREE = 111.0  # of latitude
ALL_TIME = ""  # a locality key's variant without a period


def _ranked(values: list[str]) -> list[str]:
    """Distinct values, most frequent first, ties in order of first appearance."""
    counts = Counter(values)
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return sorted(counts, key=lambda v: (-counts[v], first[v]))


def best_date(dates: list[PartialDate]) -> PartialDate | None:
    """A date the text gives over the report's own, then the date most members agree with, then the most
    precise, then the narrowest."""
    known = [d for d in dates if d.bounds()]
    if not known:
        return None

    def rank(d: PartialDate) -> tuple:
        lo, hi = d.bounds()
        return date_rank(d, lo, hi, sum(1 for o in known if o.bounds()[0] <= lo and hi <= o.bounds()[1]))

    return max(known, key=rank)


def date_rank(d: PartialDate, lo: date, hi: date, inside: int) -> tuple:
    """How ``best_date`` ranks a date with bounds ``lo``..``hi`` that ``inside`` members' dates contain
    (itself included); ``Aggregate.best_date`` ranks by it too."""
    # of report dates, the earliest report bounds the happening most tightly
    return (not d.inferred, inside, PRECISION_RANK[d.precision], -(lo.toordinal() if d.inferred else (hi - lo).days))


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
    agg = Aggregate()
    for claim in claims:
        agg.add(claim, None)
    agg.published_hi = min(published_hi) if published_hi else None
    return agg.machine()


class _Ranked:
    """Distinct values with how often each was added; ``ranked()`` is ``_ranked`` of everything added."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}  # insertion order = order of first appearance

    def add(self, value: str) -> None:
        self.counts[value] = self.counts.get(value, 0) + 1

    def ranked(self) -> list[str]:
        counts = self.counts
        return sorted(counts, key=lambda v: -counts[v])  # stable: ties keep first-appearance order

    def top(self) -> str:
        counts = self.counts
        return max(counts, key=lambda v: counts[v])  # the first of the most frequent


class _Date:
    __slots__ = ("date", "lo", "hi", "n", "inside")

    def __init__(self, d: PartialDate, lo: date, hi: date) -> None:
        self.date, self.lo, self.hi = d, lo, hi
        self.n = 0  # members giving this date
        self.inside = 0  # members whose date contains this one (itself included)


class Aggregate:
    """An incident's machine values kept up to date one member at a time: adding the member claims in
    membership order, then ``machine()``, gives what ``build`` gives for all of them at once, at a cost per
    member that depends on the distinct values (types, dates, places, counts) and not on the members.
    """

    def __init__(self) -> None:
        self.types, self.victims, self.perpetrators = _Ranked(), _Ranked(), _Ranked()
        self.dates: dict[PartialDate, _Date] = {}  # distinct known dates, first appearance first
        self.lo: date | None = None  # intersection of every known date's bounds
        self.hi: date | None = None
        self.places: dict[str, list] = {}  # place key -> [first Place, support]; first appearance first
        self.counts: list[dict] = []
        self.count_values = _Ranked()
        self.first_count: dict[str, dict] = {}
        self.facilities: set[str] = set()
        self.people: set[str] = set()
        self.documents: set[str] = set()
        self.published_hi: date | None = None

    def add(self, claim: Claim, published_hi: date | None) -> None:
        """Add a member claim; ``published_hi``: the last day its document may have been published."""
        for t in claim.types:
            self.types.add(t)
        for v in claim.victims:
            self.victims.add(v)
        for v in claim.perpetrators:
            self.perpetrators.add(v)
        if claim.date and (bounds := claim.date.bounds()):
            self._add_date(claim.date, *bounds)
        for p in claim.places:
            key = _place_key(p)
            entry = self.places.get(key)
            if entry is None:
                self.places[key] = [p, 1]
            else:
                entry[1] += 1
        if claim.count:
            count = claim.count.to_json()
            self.counts.append(count)
            value = str(count["value"])
            self.count_values.add(value)
            self.first_count.setdefault(value, count)
        self.facilities |= facility_keys(claim.places, claim.facilities)
        self.people.update(person_key(p) for p in claim.people)
        self.people.discard("")
        self.documents.add(claim.document_id)
        if published_hi is not None and (self.published_hi is None or published_hi < self.published_hi):
            self.published_hi = published_hi

    def _add_date(self, d: PartialDate, lo: date, hi: date) -> None:
        entry = self.dates.get(d)
        if entry is None:
            entry = self.dates[d] = _Date(d, lo, hi)
            for other in self.dates.values():  # members already holding a date that contains this one
                if other is not entry and other.lo <= lo and hi <= other.hi:
                    entry.inside += other.n
        entry.n += 1
        for other in self.dates.values():  # this member's date contains these (itself included)
            if lo <= other.lo and other.hi <= hi:
                other.inside += 1
        self.lo = lo if self.lo is None or lo > self.lo else self.lo
        self.hi = hi if self.hi is None or hi < self.hi else self.hi

    def best_date(self) -> _Date | None:
        """As ``best_date`` (ranked by ``date_rank``); ties to the first given."""
        if not self.dates:
            return None
        return max(self.dates.values(), key=lambda e: date_rank(e.date, e.lo, e.hi, e.inside))

    def window(self) -> tuple[date, date] | None:
        if not self.dates:
            return None
        if self.lo <= self.hi:
            return self.lo, self.hi
        best = self.best_date()
        return best.lo, best.hi

    def merged_places(self) -> list[Place]:
        order = {k: i for i, k in enumerate(self.places)}
        entries = self.places
        keys = sorted(entries, key=lambda k: (PLACE_ORDER.get(entries[k][0].precision, 4), -entries[k][1], order[k]))
        return [entries[k][0] for k in keys]

    def machine(self) -> dict:
        chosen = self.best_date()
        win = self.window()
        return {
            "types": self.types.ranked(),
            "date": chosen.date.to_json() if chosen else None,
            "window": [win[0].isoformat(), win[1].isoformat()] if win else None,
            "places": [p.to_json() | {"facility_kind": p.facility_kind} for p in self.merged_places()],
            "count": self.first_count[self.count_values.top()] if self.counts else None,
            "counts": list(self.counts),
            "victims": self.victims.ranked(),
            "perpetrators": self.perpetrators.ranked(),
            "facilities": sorted(self.facilities),
            "people": sorted(self.people),
            "documents": sorted(self.documents),
            "published_hi": self.published_hi.isoformat() if self.published_hi else None,
        }


def _months(lo: date, hi: date) -> list[str]:
    months, y, m = [], lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _periods(win: tuple[date, date] | None) -> tuple[list[str], list[str]]:
    """(filing periods, years) of a date window: months when narrow, 'w'+year when wide, '*' when unknown
    or very wide."""
    if win is None:
        return ["*"], []
    years = [str(y) for y in range(win[0].year, win[1].year + 1)]
    if len(years) > MAX_KEY_YEARS:
        return ["*"], []
    months = _months(*win)
    if len(months) <= MAX_KEY_MONTHS:
        return months, years
    return ["w" + y for y in years], years


def _cells(lat: float, lon: float, lookup: bool) -> list[str]:
    """The grid cell a place is filed under, or (``lookup``) every cell within ``SAME_SETTLEMENT_KM`` of it:
    a cell's width in kilometres shrinks with the cosine of the latitude."""
    i, j = int(lat // GRID), int(lon // GRID)
    if not lookup:
        return [f"{i}:{j}"]
    rows = math.ceil(SAME_SETTLEMENT_KM / (GRID * KM_PER_DEGREE))
    cols = math.ceil(SAME_SETTLEMENT_KM / (GRID * KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.1)))
    return [f"{i + di}:{j + dj}" for di in range(-rows, rows + 1) for dj in range(-cols, cols + 1)]


def _facility_blocking_keys(facility: str, lookup: bool) -> list[str]:
    """A facility ("admin:unit") is filed under its region and, so that a mention without a region finds
    it, as a unit somewhere ("+"); a mention without a region looks for both."""
    admin, _, unit = facility.rpartition(":")
    if lookup:
        return [f"f|{unit}|{admin}", f"f|{unit}|"] if admin else [f"f|{unit}|", f"f|{unit}|+"]
    return [f"f|{unit}|{admin}", f"f|{unit}|+"] if admin else [f"f|{unit}|"]


def keys(
    types: list[str],
    places: list[Place],
    facilities: set[str],
    win: tuple[date, date] | None,
    *,
    lookup: bool = False,
    published: tuple[date, date] | None = None,
) -> set[str]:
    """Blocking keys. Filing (``lookup=False``) puts an incident under its own keys; a lookup asks for the
    keys under which a compatible incident would be filed (adjacent grid cells, wide and undated periods,
    an undated claim's likely years from its publication date).

    Two located reports (a settlement or a facility on each side) are the same happening only if they name
    the same locality (``places.compare`` vetoes the rest), and a located incident is filed under its
    localities (grid cell, settlement name, facility) by period, as the type-and-period keys are (months,
    or years for a wide window). So a located incident's type-and-period and region keys are kept apart
    ("lt", "lr") and only a claim that names no locality looks them up: the keys a located claim reads do
    not fill up with every incident of its type that month elsewhere in the country, nor with every
    incident at its place in other months. Each locality key also has a variant without a period, for
    claims with no usable date."""
    countries = sorted({(p.country or "").upper() for p in places} - {""}) or ["~"]
    admins = sorted({admin_key(p.admin1) for p in places} - {""})
    local = [p for p in places if p.precision in ("facility", "settlement")]
    if lookup and win is not None:  # two reports this many days apart may still be one happening
        win = (win[0] - timedelta(days=DAY_TOLERANCE), win[1] + timedelta(days=DAY_TOLERANCE))
    periods, years = _periods(win)
    unfiled = periods == ["*"]  # no usable date, or one too wide to file by period
    if lookup:
        if win is None:
            years = [str(y) for y in range(published[1].year - 1, published[1].year + 1)] if published else []
            # an undated claim with a located place is found through its place keys
            periods = ["*"] if local else ["*", *("y" + y for y in years)]
        elif periods[0].startswith("w"):
            periods = ["*", *periods, *("y" + y for y in years)]
        else:
            periods = ["*", *periods, *("w" + y for y in years)]
    else:
        periods = periods + ["y" + y for y in years if not periods[0].startswith("w")]
    # Locality keys by the same periods, and a variant without one holding every incident at that locality,
    # which a claim with no usable date reads.
    locality_periods = ([ALL_TIME] if unfiled else periods) if lookup else [*periods, ALL_TIME]
    region_periods = ["*", *years] if lookup else (years or ["*"])
    if lookup:
        broad, regional = (["t"], ["r"]) if local else (["t", "lt"], ["r", "lr"])
    else:
        broad, regional = (["lt"], ["lr"]) if local else (["t"], ["r"])
    out: set[str] = set()

    def by_period(key: str) -> None:
        out.update(key if y == ALL_TIME else f"{key}|{y}" for y in locality_periods)

    for t in types:
        for b in broad:
            out.update(f"{b}|{t}|{c}|{p}" for c in countries for p in periods)
            if not lookup and countries != ["~"]:
                out.update(f"{b}|{t}|~|{p}" for p in periods)
        for r in regional:
            out.update(f"{r}|{t}|{a}|{y}" for a in admins for y in region_periods)
        for p in local:
            if p.lat is not None and p.lon is not None:
                for cell in _cells(p.lat, p.lon, lookup):
                    by_period(f"g|{t}|{cell}")
            by_period(f"s|{t}|{canonical_key(p.name)}")
    for f in facilities:
        for key in _facility_blocking_keys(f, lookup):
            by_period(key)
    return out


def filing_keys(machine: dict) -> set[str]:
    """The blocking keys an incident is filed under, from its machine values as stored."""
    window = machine.get("window")
    return keys(
        machine.get("types") or [],
        [Place.from_json(p) for p in machine.get("places") or []],
        set(machine.get("facilities") or []),
        (date.fromisoformat(window[0]), date.fromisoformat(window[1])) if window else None,
    )
