"""Small pieces of HTML every list shows per row (a date, a count, a place, a status), written in Python:
the incident list renders 25 rows of four each per request, and a Jinja macro call costs ten times a
function's. ``templates/macros.html`` delegates its macros of the same names here, so both agree."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

QUALIFIER_MARKS = {"approx": "~", "at_least": "≥", "at_most": "≤"}
_MUTED = '<span class="muted">{}</span>'
_PRECISION = ' <span class="precision">({})</span>'


def date_text(d: dict[str, Any] | None) -> Markup:
    if not d or not d.get("start"):
        return Markup(_MUTED.format("unknown"))
    end = f" – {escape(d['end'])}" if d.get("end") else ""
    return Markup(f"{escape(d['start'])}{end}" + _PRECISION.format(escape(d.get("precision"))))


def count_text(c: dict[str, Any] | None) -> Markup:
    if not c:
        return Markup(_MUTED.format("—"))
    mark = QUALIFIER_MARKS.get(c.get("qualifier") or "", "")
    return Markup(f"{mark}{escape(c.get('value'))}" + _PRECISION.format(escape(c.get("qualifier"))))


def place_short(p: dict[str, Any]) -> Markup:
    name, admin1, country = p.get("name") or "", p.get("admin1"), p.get("country")
    text = escape(name)
    if admin1 and admin1 not in name:
        text += Markup(", ") + escape(admin1)
    if country:
        text += Markup(", ") + escape(country)
    return Markup(text + _PRECISION.format(escape(p.get("precision"))))


def status_badge(s: str) -> Markup:
    return Markup(f'<span class="status status-{escape(s)}">{escape(s)}</span>')


GLOBALS = {"fmt_date": date_text, "fmt_count": count_text, "fmt_place": place_short, "fmt_status": status_badge}
