"""Publication date from the text itself, for documents whose metadata gave none.

Order of trust: a labelled date ("Published 12 March 2023", «Опубликовано ...») near the top or bottom;
a dateline (a short line near the top, then the bottom, that carries a full date); else an inference,
the latest plausible date mentioned anywhere, cut to month (or year) precision; else, where the text
states no year at all, the well-known events it names (``docket.text.anchors``).  Banner lines
("survived 2024 thanks to its readers", "© 2003–2024") never count.
"""

from __future__ import annotations

import re
from datetime import date

from docket.model import DateSource, PartialDate
from docket.text.anchors import anchored_published
from docket.text.boilerplate import patterns
from docket.text.clean_plain import is_metadata_line
from docket.text.dates import FoundDate, find_dates, grammar, resolve_weekday

HEAD_LINES = 10
TAIL_LINES = 6
DATELINE_MAX_CHARS = 100
LABEL_WINDOW = 40
_SENTENCE_END = re.compile(r"[.*_\s]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)[*_\s]*$")


def _lines(text: str) -> list[str]:
    banner = patterns().banner
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not banner.fullmatch(ln.strip())]


def _day(items: list[FoundDate]) -> date | None:
    for item in items:
        if item.kind == "day":
            return item.as_date()
    return None


def _labelled(lines: list[str], latest: date) -> date | None:
    g = grammar()
    for label in (g.published_label, g.updated_label):
        for line in lines:
            for m in label.finditer(line):
                found = _day(find_dates(line[m.end() : m.end() + LABEL_WINDOW]))
                if found and found <= latest:
                    return found
    return None


def _dateline(lines: list[str], latest: date) -> PartialDate | None:
    for line in lines:
        if len(line) > DATELINE_MAX_CHARS:
            continue
        items = [f for f in find_dates(line) if f.kind in ("day", "month")]
        if not is_metadata_line(line.strip("*_#> ")):
            # a date standing as the line's last sentence ("A weekly round-up. 18 July 2022.")
            items = [f for f in items if _SENTENCE_END.fullmatch(line[f.end :])
                     and _SENTENCE_START.search(line[: f.start])]
        for item in items:
            value = item.as_date()
            if value and value <= latest:
                return PartialDate(value, "day" if item.kind == "day" else "month")
    return None


def _inferred(lines: list[str], latest: date) -> PartialDate | None:
    items = [f for line in lines for f in find_dates(line)]
    years = [f.year for f in items if f.year is not None and f.year <= latest.year]
    dated: list[tuple[date, str]] = []
    for item in items:
        if item.kind == "weekday":
            if years:
                resolved = resolve_weekday(item, max(years), latest)
                if resolved:
                    dated.append((resolved, "month"))
            continue
        value = item.as_date()
        if value and value <= latest:
            dated.append((value, "year" if item.kind == "year" else "month"))
    best_month = max((d for d, p in dated if p == "month"), default=None)
    best_year = max((d for d, p in dated if p == "year"), default=None)
    if best_month and (best_year is None or best_year.year <= best_month.year):
        return PartialDate(date(best_month.year, best_month.month, 1), "month")
    if best_year:
        return PartialDate(date(best_year.year, 1, 1), "year")
    return None


def find_published(text: str, latest: date | None = None) -> tuple[PartialDate, DateSource] | None:
    """The publication date text gives or suggests, with its source ("text" or "inferred").

    ``latest`` is the last plausible day (the collection date when known); dates after it are ignored.
    """
    latest = latest or date.today()
    lines = _lines(text)
    if not lines:
        return None
    edges = lines[:HEAD_LINES] + lines[-TAIL_LINES:]
    labelled = _labelled(edges, latest)
    if labelled:
        return PartialDate(labelled, "day"), "text"
    dateline = _dateline(lines[:HEAD_LINES], latest) or _dateline(lines[-TAIL_LINES:], latest)
    if dateline:
        return dateline, "text"
    inferred = _inferred(lines, latest) or anchored_published(text, latest)
    return (inferred, "inferred") if inferred else None
