"""Publication dates for texts that state no year, from the well-known events they name.

"On December 1 ... the partial mobilization ... the special military operation launched on February 24":
no year anywhere, yet the report cannot predate the partial mobilization (21 September 2022), so its
December 1 is 1 December 2022. Events and cues: ``docket/data/anchor_events.yaml``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from docket.data import load_yaml
from docket.model import PartialDate
from docket.text.dates import find_dates


@dataclass(frozen=True, slots=True)
class _Anchors:
    events: tuple[tuple[date, re.Pattern[str]], ...]
    war_start: date | None
    war_month: re.Pattern[str] | None
    ordinals: tuple[str, ...]


@cache
def _anchors() -> _Anchors:
    data = load_yaml("anchor_events.yaml")
    events = tuple(
        (date.fromisoformat(str(e["date"])), re.compile("|".join(f"(?:{c})" for c in e["cues"]), re.IGNORECASE))
        for e in data["events"]
    )
    war = data.get("war_months") or {}
    return _Anchors(
        events,
        date.fromisoformat(str(war["start"])) if war else None,
        re.compile(war["cue"], re.IGNORECASE) if war else None,
        tuple(war.get("ordinals") or ()),
    )


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _mentioned(text: str) -> list[date]:
    anchors = _anchors()
    found = [when for when, cue in anchors.events if cue.search(text)]
    if anchors.war_start and anchors.war_month:
        for m in anchors.war_month.finditer(text):
            nth = anchors.ordinals.index(m.group("nth").lower()) + 1
            # "approaching its sixth month": six months on; "in its sixth month": five months on, at least
            found.append(_add_months(anchors.war_start, nth if m.group("how").lower() == "approaching" else nth - 1))
    return found


def anchored_published(text: str, latest: date) -> PartialDate | None:
    """The month the text was published in, where it states no year: no earlier than the latest event it
    names, and no earlier than its own yearless dates read in that event's year."""
    dates = find_dates(text)
    if any(d.year is not None for d in dates):
        return None  # a stated year is better evidence, and the caller has read it already
    anchors = [a for a in _mentioned(text) if a <= latest]
    if not anchors:
        return None
    floor = max(anchors)
    known = {(a.month, a.day): a.year for a in anchors}
    best = floor
    for d in dates:
        if d.kind not in ("monthday", "weekday") or d.month is None or d.day is None:
            continue
        year = known.get((d.month, d.day)) or (floor.year if (d.month, d.day) >= (floor.month, floor.day) else floor.year + 1)
        try:
            value = date(year, d.month, d.day)
        except ValueError:
            continue
        if value <= latest:
            best = max(best, value)
    return PartialDate(date(best.year, best.month, 1), "month")
