"""Facilities: patterns in three languages, normalised names, and the region each one is in."""

from __future__ import annotations

import math

import pytest

from docket.extract.facilities import find_facilities, resolve_facility_region
from docket.extract.places import find_places


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("сидит в ИК-6", "Correctional colony No. 6 (IK-6)", "IK"),
        ("в ИК № 4", "Correctional colony No. 4 (IK-4)", "IK"),
        ("в СИЗО-1", "Pre-trial detention centre No. 1 (SIZO-1)", "SIZO"),
        ("в ЛИУ-23", "Medical correctional institution No. 23 (LIU-23)", "LIU"),
        ("в ОТБ-1", "Tuberculosis hospital No. 1 (OTB-1)", "OTB"),
        ("исправительная колония № 15", "Correctional colony No. 15 (IK-15)", "IK"),
        ("колония строгого режима", "Correctional colony (IK)", "IK"),
        ("у СІЗО", "Pre-trial detention centre (SIZO)", "SIZO"),
        ("penal colony No. 6", "Correctional colony No. 6 (IK-6)", "IK"),
        ("correctional colony no. 4", "Correctional colony No. 4 (IK-4)", "IK"),
        ("IK-15", "Correctional colony No. 15 (IK-15)", "IK"),
        ("pre-trial detention centre No. 1", "Pre-trial detention centre No. 1 (SIZO-1)", "SIZO"),
        ("tuberculosis hospital No. 1", "Tuberculosis hospital No. 1 (OTB-1)", "OTB"),
        ("в/ч 12345", "Military unit 12345", "MIL"),
        ("military unit 40318", "Military unit 40318", "MIL"),
    ],
)
def test_facility_patterns(text: str, name: str, kind: str) -> None:
    found = find_facilities(text, None)
    assert len(found) == 1, found
    place = found[0].value
    assert (place.name, place.facility_kind, place.precision) == (name, kind, "facility")
    assert text[found[0].start:found[0].end] == found[0].text


def test_juvenile_colony_is_one_facility() -> None:
    found = find_facilities("в воспитательной колонии № 5", "ru")
    assert [f.value.facility_kind for f in found] == ["VK"]


def _km(a: float, b: float, c: float, d: float) -> float:
    p1, p2 = math.radians(a), math.radians(c)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.mark.parametrize(
    ("text", "lang", "admin1", "lat", "lon"),
    [
        ("He is serving his sentence in correctional colony no. 4 in the Kaluga region.", "en",
         "Kaluga Oblast", 54.53, 36.27),
        ("Его перевели в ИК-6 в Йошкар-Оле.", "ru", "Republic of Mari El", 56.6344, 47.8999),
        ("Заключённого доставили в ОТБ-1. Больница находится в Саратове.", "ru", "Saratov Oblast", 51.53, 46.03),
    ],
)
def test_facility_region(text: str, lang: str, admin1: str, lat: float, lon: float) -> None:
    places = find_places(text, lang)
    facility = find_facilities(text, lang)[0]
    place = resolve_facility_region(facility, places, text)
    assert (place.precision, place.admin1, place.country) == ("facility", admin1, "RU")
    assert _km(place.lat, place.lon, lat, lon) <= 30


def test_same_sentence_beats_document() -> None:
    text = "Мобилизованный из Бурятии. Позже его перевели в СИЗО-1 в Иркутске."
    place = resolve_facility_region(find_facilities(text, "ru")[0], find_places(text, "ru"), text)
    assert place.admin1 == "Irkutsk Oblast"
    assert place.name == "Pre-trial detention centre No. 1 (SIZO-1), Irkutsk"
