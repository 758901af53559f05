"""A small absolute-date reader for datelines and publication dates (EN/RU/UK month names).

Deliberately narrow: it finds dates with a year ("15 листопада 2022", "Sept. 16, 2022", "19.11.2020",
"2022-11-04", "November 2022"), bare years, and weekday-anchored dates without a year ("Monday,
December 20") whose year the caller may infer.  Full event-date extraction lives in docket.extract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
MIN_YEAR = 1990

Kind = Literal["day", "month", "year", "weekday", "monthday"]  # monthday: day and month, no year


@dataclass(frozen=True, slots=True)
class FoundDate:
    start: int
    end: int
    kind: Kind  # "weekday": day and month known, year missing, weekday given
    year: int | None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None

    def as_date(self) -> date | None:
        if self.year is None:
            return None
        try:
            return date(self.year, self.month or 1, self.day or 1)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class _Grammar:
    patterns: list[tuple[re.Pattern[str], str]]
    months: list[tuple[re.Pattern[str], int]]
    weekdays: list[tuple[re.Pattern[str], int]]
    published_label: re.Pattern[str]
    updated_label: re.Pattern[str]


def _alt(forms: list[str]) -> str:
    return "|".join(sorted(forms, key=len, reverse=True))


@cache
def grammar() -> _Grammar:
    raw = yaml.safe_load((DATA / "text_dates.yaml").read_text(encoding="utf-8"))
    month_forms = [f for forms in raw["months"].values() for f in forms]
    weekday_forms = [f for forms in raw["weekdays"].values() for f in forms]
    mon = rf"(?P<mon>{_alt(month_forms)})\.?(?!\w)"
    wd = rf"(?P<wd>{_alt(weekday_forms)})\.?(?!\w)"
    year = r"(?P<year>(?:19|20)\d{2})(?!\d)"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|-?(?:го|е|я))?"
    patterns = [
        (r"(?<![\d.])(?P<year>(?:19|20)\d{2})-(?P<mnum>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])(?!\d)", "day"),
        (rf"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<mnum>0?[1-9]|1[0-2])\.{year}", "day"),
        (rf"(?<!\w){day}\s+{mon},?\s+{year}", "day"),
        (rf"(?<!\w){mon}\s+{day},?\s+{year}", "day"),
        (rf"(?<!\w){wd},?\s+(?:the\s+)?{day}\s+{mon}(?!,?\s+\d)", "weekday"),
        (rf"(?<!\w){wd},?\s+{mon}\s+{day}(?!\d)(?!,?\s+\d)", "weekday"),
        (rf"(?<!\w){mon},?\s+{year}", "month"),
        (rf"(?<!\w){day}\s+{mon}(?!,?\s+\d)", "monthday"),
        (rf"(?<!\w){mon}\s+{day}(?!\d)(?!,?\s+\d)", "monthday"),
        (rf"(?<![\w-]){year}(?![\w-])", "year"),
    ]
    compile_ = lambda forms: [  # noqa: E731
        (re.compile(rf"(?:{_alt(f)})\.?", re.IGNORECASE), int(n)) for n, f in forms.items()
    ]
    return _Grammar(
        patterns=[(re.compile(p, re.IGNORECASE), kind) for p, kind in patterns],
        months=compile_(raw["months"]),
        weekdays=compile_(raw["weekdays"]),
        published_label=re.compile(rf"(?<!\w)(?:{_alt(raw['published_labels'])})(?!\w)\s*[:\-–—]?\s*", re.IGNORECASE),
        updated_label=re.compile(rf"(?<!\w)(?:{_alt(raw['updated_labels'])})(?!\w)\s*[:\-–—]?\s*", re.IGNORECASE),
    )


def _lookup(table: list[tuple[re.Pattern[str], int]], word: str) -> int | None:
    for pattern, value in table:
        if pattern.fullmatch(word):
            return value
    return None


def find_dates(text: str) -> list[FoundDate]:
    """Non-overlapping dates in text order; a more specific pattern wins over a vaguer one."""
    g = grammar()
    taken: list[tuple[int, int]] = []
    found: list[FoundDate] = []
    for pattern, kind in g.patterns:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            parts = m.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else None
            if parts.get("mon"):
                month = _lookup(g.months, parts["mon"])
            weekday = _lookup(g.weekdays, parts["wd"]) if parts.get("wd") else None
            year = int(parts["year"]) if parts.get("year") else None
            day = int(parts["day"]) if parts.get("day") else None
            if kind in ("day", "weekday", "monthday") and not (month and day and 1 <= day <= 31):
                continue
            if kind == "month" and not month:
                continue
            if year is not None and year < MIN_YEAR:
                continue
            item = FoundDate(m.start(), m.end(), kind, year, month, day, weekday)
            if kind == "day" and item.as_date() is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(item)
    found.sort(key=lambda f: f.start)
    return found


def resolve_weekday(item: FoundDate, earliest_year: int, latest: date) -> date | None:
    """The first year from ``earliest_year`` on in which day/month falls on the stated weekday."""
    if item.month is None or item.day is None or item.weekday is None:
        return None
    for year in range(earliest_year, latest.year + 1):
        try:
            candidate = date(year, item.month, item.day)
        except ValueError:
            continue
        if candidate.weekday() == item.weekday and candidate <= latest:
            return candidate
    return None
