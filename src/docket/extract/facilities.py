"""Penal and military facilities named in a text («ИК-6», "correctional colony no. 4", «в/ч 12345»).

Patterns live in ``data/facilities.yaml``.  Every pattern is run, and overlapping matches are settled
longest first, so «воспитательная колония № 5» is one juvenile colony, not also a colony No. 5.
``resolve_facility_region`` then places a facility in the settlement or division named nearest to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import yaml

from docket.extract.places import region_by_adjective
from docket.extract.sentences import split_sentences
from docket.model import Mention, Place


@dataclass(frozen=True, slots=True)
class _Kind:
    code: str
    label: str
    abbr: str
    patterns: tuple[re.Pattern[str], ...]


@cache
def _kinds() -> tuple[_Kind, ...]:
    raw = yaml.safe_load(resources.files("docket.data").joinpath("facilities.yaml").read_text(encoding="utf-8"))
    number = raw["number"]
    kinds = []
    for code, spec in raw["kinds"].items():
        patterns = tuple(re.compile(p.replace("{number}", number)) for p in spec["patterns"])
        kinds.append(_Kind(code, spec["label"], spec.get("abbr") or "", patterns))
    return tuple(kinds)


def facility_name(kind: str, number: str | None) -> str:
    """The normalised English name: "Correctional colony No. 4 (IK-4)", "Military unit 40318"."""
    spec = next(k for k in _kinds() if k.code == kind)
    if number and not spec.abbr:
        return f"{spec.label} {number}"
    if number:
        return f"{spec.label} No. {number} ({spec.abbr}-{number})"
    return f"{spec.label} ({spec.abbr})" if spec.abbr else spec.label


def find_facilities(text: str, lang: str | None = None) -> list[Mention]:
    """Every facility the text names, as ``Mention``s of kind "facility" with a facility-precision ``Place``.

    ``admin1``/``country``/coordinates are left empty here: see ``resolve_facility_region``."""
    found: list[tuple[int, int, int, _Kind, str | None]] = []
    order = 0
    for kind in _kinds():
        for pattern in kind.patterns:
            for m in pattern.finditer(text):
                number = m.group(1) if pattern.groups and m.group(1) else None
                if number:
                    number = number.replace("А", "A").lstrip("0") or "0"
                found.append((m.start(), m.end(), order, kind, number))
            order += 1
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2]))
    taken: list[tuple[int, int]] = []
    mentions: list[Mention] = []
    for start, end, _, kind, number in found:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        place = Place(name=facility_name(kind.code, number), precision="facility", facility_kind=kind.code)
        mentions.append(Mention("facility", start, end, text[start:end], place))
    mentions.sort(key=lambda m: m.start)
    return mentions


ADJACENT = 25  # characters: "IK-6 in Yoshkar-Ola", «ИК-6 в Йошкар-Оле»


def resolve_facility_regions(facilities: list[Mention], places: list[Mention], text: str) -> list[Place]:
    """Each facility mention placed as ``resolve_facility_region`` does, consistently over a document.

    A facility placed once keeps that place at later mentions ("IK-15 near Angarsk ... at IK-15, when a
    commission from Moscow was there"), unless a later mention names its own place right beside it."""
    sentences = split_sentences(text) or []
    known: dict[str, Place] = {}
    resolved = []
    for facility in facilities:
        assert isinstance(facility.value, Place)
        base = facility.value.name
        own = resolve_facility_region(facility, places, text, sentences)
        earlier = known.get(base)
        if earlier is not None and not _adjacent_place(facility, places, text):
            own = earlier
        elif own.admin1 or own.country:
            known.setdefault(base, own)
        resolved.append(own)
    return resolved


def _adjacent_place(facility: Mention, places: list[Mention], text: str) -> bool:
    return _adjective_region(facility, text) is not None or any(_gap(facility, m) <= ADJACENT for m in places
               if isinstance(m.value, Place) and m.value.precision in ("settlement", "region"))


def resolve_facility_region(
    facility: Mention, places: list[Mention], text: str, sentences: list | None = None
) -> Place:
    """The facility's ``Place`` with admin1, country and coordinates from the nearest place mention.

    The nearest settlement or division in the same sentence wins, then in the sentences either side,
    then in the whole document (the most named division).  A settlement also lends its name:
    "Correctional colony No. 6 (IK-6), Yoshkar-Ola"."""
    place = facility.value
    assert isinstance(place, Place)
    named = _adjective_region(facility, text)
    if named is not None:
        return replace(place, country=named.country, admin1=named.admin1, lat=named.lat, lon=named.lon)
    usable = [m for m in places if isinstance(m.value, Place) and m.value.precision in ("settlement", "region")]
    if not usable:
        return place
    if sentences is None:
        sentences = split_sentences(text) or []
    index = _sentence_index(sentences, facility.start)

    def nearest(cands: list[Mention]) -> Mention | None:
        if not cands:
            return None
        # after the facility is slightly preferred ("IK-6 in Yoshkar-Ola"), and a settlement over a region
        return min(cands, key=lambda m: (_gap(facility, m) * (1.0 if m.start >= facility.end else 1.3),
                                         m.value.precision != "settlement"))

    chosen: Mention | None = None
    if index is not None:
        for width in (0, 1):
            lo, hi = sentences[max(0, index - width)].start, sentences[min(len(sentences) - 1, index + width)].end
            chosen = nearest([m for m in usable if lo <= m.start < hi])
            if chosen is not None:
                break
    if chosen is None:
        counts: dict[str, int] = {}
        for m in usable:
            if m.value.admin1:
                counts[m.value.admin1] = counts.get(m.value.admin1, 0) + 1
        if not counts:
            return place
        top = max(counts, key=lambda a: counts[a])
        chosen = nearest([m for m in usable if m.value.admin1 == top])
    assert chosen is not None
    found: Place = chosen.value  # type: ignore[assignment]
    name = f"{place.name}, {found.name}" if found.precision == "settlement" else place.name
    return replace(place, name=name, country=found.country, admin1=found.admin1, lat=found.lat, lon=found.lon)


_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s+$")


def _adjective_region(facility: Mention, text: str) -> Place | None:
    """«в ярославской ИК-1», «харківському СІЗО»: a region adjective right before the facility."""
    m = _WORD_BEFORE.search(text, max(0, facility.start - 40), facility.start)
    return region_by_adjective(m.group(1)) if m else None


def _gap(a: Mention, b: Mention) -> int:
    return max(b.start - a.end, a.start - b.end, 0)


def _sentence_index(sentences: list, offset: int) -> int | None:
    for s in sentences:
        if s.start <= offset < s.end:
            return s.index
    return None
