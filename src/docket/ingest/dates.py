"""Publication dates written in metadata (ISO strings, e-mail headers) to PartialDate."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from docket.model import PartialDate

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T?\d{4,6}(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")


def parse_iso_date(value: object) -> PartialDate | None:
    """``2022``, ``2022-11``, ``2022-11-04`` or a full ISO timestamp; precision from what is given.

    A timestamp keeps the calendar day written in it (the publisher's local day), not a UTC conversion.
    """
    if isinstance(value, datetime):
        return PartialDate(value.date(), "day")
    if isinstance(value, date):
        return PartialDate(value, "day")
    if not isinstance(value, str | int):
        return None
    text = str(value)
    m = _ISO.match(text) or _COMPACT.match(text)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return PartialDate(date(int(year), int(month), int(day)), "day")
        if month:
            return PartialDate(date(int(year), int(month), 1), "month")
        return PartialDate(date(int(year), 1, 1), "year")
    except ValueError:
        return None


def parse_pdf_date(value: object) -> PartialDate | None:
    """PDF dates look like ``D:20221015093000+03'00'``."""
    if not isinstance(value, str):
        return None
    m = re.match(r"^D:(\d{4})(\d{2})?(\d{2})?", value.strip())
    if not m:
        return None
    return parse_iso_date("-".join(part for part in m.groups() if part))


def parse_email_date(value: str | None) -> PartialDate | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return parse_iso_date(value)
    return PartialDate(parsed.date(), "day") if parsed else None
