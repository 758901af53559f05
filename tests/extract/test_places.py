"""Place matching: case forms, transliterations, misspellings, regions, countries and false friends."""

from __future__ import annotations

import math

import pytest

from docket.extract.gazetteer import build_gazetteer, load_gazetteer, region_entry
from docket.extract.places import find_places


def _km(a: float, b: float, c: float, d: float) -> float:
    p1, p2 = math.radians(a), math.radians(c)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _one(text: str, lang: str | None, surface: str):
    hits = [m for m in find_places(text, lang) if m.text == surface]
    assert hits, f"{surface!r} not found in {text!r}: {find_places(text, lang)}"
    return hits[0].value


KREMINNA = ("Luhansk Oblast", "UA", 49.05, 38.22)
RUBIZHNE = ("Luhansk Oblast", "UA", 49.0146, 38.3788)


@pytest.mark.parametrize(
    ("text", "lang", "surface", "expected"),
    [
        ("Их держали в Кременной.", "ru", "Кременной", KREMINNA),
        ("Мобилизованных вывезли из Рубежного.", "ru", "Рубежного", RUBIZHNE),
        ("Їх тримали у Кремінній.", "uk", "Кремінній", KREMINNA),
        ("Его этапировали в Улан-Удэ.", "ru", "Улан-Удэ", ("Republic of Buryatia", "RU", 51.8265, 107.5998)),
        ("Заключённый в Йошкар-Оле.", "ru", "Йошкар-Оле", ("Republic of Mari El", "RU", 56.6344, 47.8999)),
        ("Колония в Тогучине.", "ru", "Тогучине", ("Novosibirsk Oblast", "RU", 55.2333, 84.3833)),
        ("They were held in Kremennaya.", "en", "Kremennaya", KREMINNA),
        ("Fighting near Kreminna continued.", "en", "Kreminna", KREMINNA),
        ("He was taken from Rubezhnoye.", "en", "Rubezhnoye", RUBIZHNE),
        ("Shelling hit Rubizhne again.", "en", "Rubizhne", RUBIZHNE),
        ("He was sent to Yoshkar-Ola.", "en", "Yoshkar-Ola", ("Republic of Mari El", "RU", 56.6344, 47.8999)),
        ("He was transferred to Cheleabinsk.", "en", "Cheleabinsk", ("Chelyabinsk Oblast", "RU", 55.1644, 61.4368)),
    ],
)
def test_settlements(text: str, lang: str, surface: str, expected: tuple) -> None:
    place = _one(text, lang, surface)
    admin1, country, lat, lon = expected
    assert place.precision == "settlement"
    assert (place.admin1, place.country) == (admin1, country)
    assert _km(place.lat, place.lon, lat, lon) <= 30


@pytest.mark.parametrize(
    ("text", "lang", "surface", "admin1", "country"),
    [
        ("held in correctional colony no. 4 in the Kaluga region", "en", "Kaluga region", "Kaluga Oblast", "RU"),
        ("в колонии в Калужской области", "ru", "Калужской области", "Kaluga Oblast", "RU"),
        ("мобілізовані з Луганщини", "uk", "Луганщини", "Luhansk Oblast", "UA"),
        ("Луганська область", "uk", "Луганська область", "Luhansk Oblast", "UA"),
        ("troops of the Luhansk People's Republic", "en", "Luhansk People's Republic", "Luhansk Oblast", "UA"),
        ("бойцы «ЛНР» сообщили", "ru", "ЛНР", "Luhansk Oblast", "UA"),
        ("sent from the Republic of Buryatia", "en", "Republic of Buryatia", "Republic of Buryatia", "RU"),
        ("в Красноярском крае", "ru", "Красноярском крае", "Krasnoyarsk Krai", "RU"),
        ("a prison in the Perevalsk region of Luhansk", "en", "Perevalsk region", "Luhansk Oblast", "UA"),
    ],
)
def test_regions(text: str, lang: str, surface: str, admin1: str, country: str) -> None:
    place = _one(text, lang, surface)
    assert place.precision == "region"
    assert (place.admin1, place.country) == (admin1, country)
    assert place.lat is not None and place.lon is not None


def test_region_has_its_capitals_coordinates() -> None:
    place = _one("the Kaluga region", "en", "Kaluga region")
    assert _km(place.lat, place.lon, 54.53, 36.27) <= 30


@pytest.mark.parametrize(
    ("text", "lang", "surface", "country"),
    [("returned to Russia", "en", "Russia", "RU"), ("вернулся в Россию", "ru", "Россию", "RU"),
     ("повернувся до Росії", "uk", "Росії", "RU"), ("in Ukraine", "en", "Ukraine", "UA"),
     ("citizens of Uzbekistan", "en", "Uzbekistan", "UZ"), ("из Белоруссии", "ru", "Белоруссии", "BY")],
)
def test_countries(text: str, lang: str, surface: str, country: str) -> None:
    place = _one(text, lang, surface)
    assert (place.precision, place.country, place.admin1) == ("country", country, None)


@pytest.mark.parametrize(
    ("text", "lang", "absent"),
    [
        ("Volodymyr Osyechkin, the founder of Gulagu.net, said so.", "en", "Volodymyr"),
        ("Vladimir Putin signed the decree.", "en", "Vladimir"),
        ("Human rights defenders were detained.", "en", "Human"),
        ("Мир узнал об этом. Победа любой ценой.", "ru", "Мир"),
        ("Мир узнал об этом. Победа любой ценой.", "ru", "Победа"),
        ("Nadezhda said her son was beaten.", "en", "Nadezhda"),
        ("Former inmates in the Volga region received call-up papers.", "en", "Volga region"),
        ("Мужчин из Поволжья отправили на Волгу.", "ru", "Волгу"),
    ],
)
def test_false_friends_are_not_places(text: str, lang: str, absent: str) -> None:
    assert absent not in {m.text for m in find_places(text, lang)}


def test_person_like_place_after_a_locative() -> None:
    place = _one("He was sent to a colony in Vladimir.", "en", "Vladimir")
    assert place.admin1 == "Vladimir Oblast"


def test_place_before_region_is_disambiguated_by_it() -> None:
    mentions = find_places("Russian forces shelled Zaitseve, Donetsk region.", "en")
    assert mentions[0].value.admin1 == "Donetsk Oblast"


def test_bare_region_name_after_a_place_is_the_region() -> None:
    mentions = find_places("the men were held in Kreminna, Luhansk, for weeks", "en")
    assert [m.value.precision for m in mentions] == ["settlement", "region"]
    assert mentions[1].value.admin1 == "Luhansk Oblast"


def test_offsets_point_into_the_text() -> None:
    text = "Из Рубежного их перевезли в Калужскую область."
    for m in find_places(text, "ru"):
        assert text[m.start:m.end] == m.text


def test_every_place_states_its_precision() -> None:
    text = "Moscow, Saint Petersburg, Kharkiv Oblast, Russia, Бахмут, Донецкая область"
    mentions = find_places(text, None)
    assert len(mentions) == 6
    assert all(m.value.precision in ("settlement", "region", "country") for m in mentions)


def test_region_entry_reads_acled_spellings() -> None:
    assert region_entry("Zaporizhia").admin1 == "Zaporizhzhia Oblast"
    assert region_entry("Kirovograd").admin1 == "Kirovohrad Oblast"
    assert region_entry("Kyiv City").admin1 == "Kyiv"


def test_cache_is_reused_not_rebuilt() -> None:
    path = build_gazetteer()
    assert path.exists()
    stamp = path.stat().st_mtime_ns
    load_gazetteer.cache_clear()
    gaz = load_gazetteer()
    assert path.stat().st_mtime_ns == stamp
    assert len(gaz.entries) > 10_000
