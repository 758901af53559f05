"""Line-level boilerplate filter for plain-text scrapes, Telegram posts, e-mail bodies and extractor output.

Input is split into units (one per line, or one per paragraph where a block is hard-wrapped); units that
are navigation, share bars, bylines, datelines, "read also" lists, footers and banners are dropped; the
rest are joined with a blank line between paragraphs.  Pure string work, deterministic.
"""

from __future__ import annotations

import re
import unicodedata

from docket.text.boilerplate import patterns
from docket.text.dates import find_dates

TRAILER_MAX_CHARS = 1200  # a footer opener drops the rest only if this little text follows it
LIST_ITEM_MAX_CHARS = 160  # an unmarked headline under a "Read also" header
LIST_BULLET_MAX_CHARS = 300  # a bulleted one
LINE_PATTERN_MAX_CHARS = 400
CREDIT_MAX_CHARS = 100
HEAD_ZONE = 8  # datelines and kicker lines are only dropped this close to the start ...
TAIL_ZONE = 6  # ... or the end

_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_BULLET = re.compile(r"^(?:[-*•▪◦·–—]|\d{1,2}[.)])\s+")
_NAV_SPLIT = re.compile(r"\s*[|·•/]\s*|\s{2,}")
_TERMINAL = re.compile(r"[.!?…:;»\"”)\]。！？]$")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text)


def _units(text: str) -> list[str]:
    """Lines, except that a hard-wrapped block (e-mail style) is joined into one paragraph."""
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if len(lines) > 1 and _hard_wrapped(lines):
            units.append(" ".join(lines))
        else:
            units.extend(lines)
    return units


def _hard_wrapped(lines: list[str]) -> bool:
    inner = lines[:-1]
    wrapped = [ln for ln in inner if 40 <= len(ln) <= 100 and not _TERMINAL.search(ln) and not _BULLET.match(ln)]
    return len(wrapped) >= 0.6 * len(inner) and not any(_BULLET.match(ln) for ln in lines[1:])


def _words(line: str) -> int:
    return len(_WORD.findall(line))


def _is_nav(line: str) -> bool:
    """Menus and section paths: three or more short segments separated by pipes, dots or wide gaps."""
    if line.startswith("|") and line.endswith("|"):  # a table row
        return False
    segments = [s for s in _NAV_SPLIT.split(line) if s]
    if len(segments) < 3:
        return False
    return all(_words(s) <= 4 and len(s) <= 40 and not s.endswith(".") for s in segments)


def is_metadata_line(line: str) -> bool:
    """A dateline or byline strip: a date plus only short labels ("Siberia Desk | July 12, 2022")."""
    if len(line) > 120:
        return False
    dates = [d for d in find_dates(line) if d.kind in ("day", "month", "weekday")]
    if not dates:
        return False
    rest = line
    for d in reversed(dates):
        rest = rest[: d.start] + " | " + rest[d.end :]
    rest = re.sub(r"\b\d{1,2}:\d{2}\b|\(?\S*https?://\S*", " ", rest)
    segments = [s for s in re.split(r"\s*[|·•,]\s*|\s{2,}", rest) if _WORD.search(s)]
    return all(_words(s) <= 3 and not re.search(r"[.!?…]$", s.strip("*_ ")) for s in segments)


def _same(a: str, b: str) -> bool:
    return _WORD.findall(a.lower()) == _WORD.findall(b.lower())


def filter_units(units: list[str]) -> list[str]:
    p = patterns()
    nav = [_is_nav(u.strip()) for u in units]
    units = [_SPACE.sub(" ", u).strip() for u in units]
    units = [p.credit.sub("", u).strip() if ":" in u[-CREDIT_MAX_CHARS:] else u for u in units]
    keep: list[str] = []
    n = len(units)
    in_list = False
    for i, unit in enumerate(units):
        bare = unit.strip("*_#> ").strip()
        if not bare:
            continue
        probe = _BULLET.sub("", bare)
        if in_list:
            if _BULLET.match(bare) and len(bare) <= LIST_BULLET_MAX_CHARS:
                continue
            if len(bare) <= LIST_ITEM_MAX_CHARS and not _TERMINAL.search(bare):
                continue
            in_list = False
        if len(bare) > LINE_PATTERN_MAX_CHARS:  # boilerplate lines are short; spare the regexes
            keep.append(bare)
            continue
        if p.lists.fullmatch(probe):
            in_list = True
            continue
        if p.trailer.fullmatch(probe):
            if sum(len(u) for u in units[i + 1 :]) <= TRAILER_MAX_CHARS:
                break
            continue
        if nav[i] or p.drop.fullmatch(probe) or p.inline.match(probe):
            continue
        near_edge = i < HEAD_ZONE or i >= n - TAIL_ZONE
        if near_edge and is_metadata_line(probe):
            continue
        keep.append(bare)
    keep = _trim_edges(keep)
    if len(keep) > 1 and _same(keep[0], keep[1]):
        del keep[1]
    return keep


def _trim_edges(units: list[str]) -> list[str]:
    """Kicker words before the first real line ("EXPLAINER") and stray short tokens after the last."""
    start = 0
    while start < len(units) and _words(units[start]) <= 2 and start < HEAD_ZONE:
        start += 1
    end = len(units)
    while end > start and _words(units[end - 1]) <= 3 and len(units[end - 1]) < 40 and not _TERMINAL.search(units[end - 1]):
        if re.match(r"https?://", units[end - 1]):
            break
        end -= 1
    return units[start:end] if start < len(units) else units


def clean_plain(text: str) -> str:
    """Main text of a plain-text document: paragraphs separated by a blank line."""
    return "\n\n".join(filter_units(_units(normalise(text))))
