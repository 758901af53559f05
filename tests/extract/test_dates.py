"""find_dates: absolute, relative, spans, year inference and false dates, in en/ru/uk."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from docket.extract.dates import find_dates

PUB = date(2022, 11, 4)  # a Friday


def one(text: str, published: date | None = PUB, lang: str | None = None) -> dict:
    found = find_dates(text, published, lang)
    assert len(found) == 1, [(m.text, m.value) for m in found]
    return found[0].value.to_json()


def day(iso: str, end: str | None = None) -> dict:
    return {"start": iso, "end": end, "precision": "day"}


def month(iso: str, end: str | None = None) -> dict:
    return {"start": iso, "end": end, "precision": "month"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Astra reported on October 22 that", day("2022-10-22")),
        ("On 7 August 2022, Russian forces shelled", day("2022-08-07")),
        ("on December 1, 2021, the court", day("2021-12-01")),
        ("the 1st of December 2021", day("2021-12-01")),
        ("27.07.2020 в 10:30", day("2020-07-27")),
        ("published 2022-09-15.", day("2022-09-15")),
        ("Суд 22 октября вынес приговор", day("2022-10-22")),
        ("19.11.2020, 17:52", day("2020-11-19")),
        ("Это случилось 3 ноября 2022 года.", day("2022-11-03")),
        ("Це сталося 21 жовтня 2022 року.", day("2022-10-21")),
        ("у жовтні 2022 року", month("2022-10")),
        ("в октябре", month("2022-10")),
        ("в листопаді", month("2022-11")),
        ("October 2022", month("2022-10")),
        ("in the summer of 2020", month("2020-06", "2020-08")),
        ("летом 2020 года", month("2020-06", "2020-08")),
        ("влітку 2021 року", month("2021-06", "2021-08")),
    ],
)
def test_absolute(text: str, expected: dict) -> None:
    assert one(text) == expected


def test_year_only() -> None:
    assert one("в 2017 году") == {"start": "2017", "end": None, "precision": "year"}
    assert one("since 2014 the colony") == {"start": "2014", "end": None, "precision": "year"}
    assert one("у 2017-2018 роках") == {"start": "2017", "end": "2018", "precision": "year"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("From October 1 to October 2 he was", day("2022-10-01", "2022-10-02")),
        ("с 9 по 11 апреля", day("2022-04-09", "2022-04-11")),
        ("с 30 сентября по 2 октября 2021 года", day("2021-09-30", "2021-10-02")),
        ("between June and July", month("2022-06", "2022-07")),
        ("в июне-июле 2022", month("2022-06", "2022-07")),
        ("з червня по серпень", month("2022-06", "2022-08")),
    ],
)
def test_spans(text: str, expected: dict) -> None:
    assert one(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", day("2022-11-03")),
        ("Вчера в колонии", day("2022-11-03")),
        ("позавчера", day("2022-11-02")),
        ("вчора", day("2022-11-03")),
        ("last week", day("2022-10-24", "2022-10-30")),
        ("на прошлой неделе", day("2022-10-24", "2022-10-30")),
        ("минулого тижня", day("2022-10-24", "2022-10-30")),
        ("said on Monday", day("2022-10-31")),
        ("в понедельник", day("2022-10-31")),
        ("у середу", day("2022-11-02")),
        ("earlier this month", month("2022-11")),
        ("в начале октября", month("2022-10")),
        ("in mid-July", month("2022-07")),
        ("in the middle of July", month("2022-07")),
        ("наприкінці вересня", month("2022-09")),
        ("this summer", month("2022-06", "2022-08")),
        ("last year", {"start": "2021", "end": None, "precision": "year"}),
    ],
)
def test_relative(text: str, expected: dict) -> None:
    assert one(text) == expected


def test_weekday_picks_year() -> None:
    assert one("on Monday, December 20", date(2022, 11, 4)) == day("2021-12-20")
    assert one("в субботу, 9 июля", date(2022, 11, 4)) == day("2022-07-09")
    assert one("в субботу, 9 июля", date(2023, 1, 10)) == day("2022-07-09")


def test_year_inference_most_recent_past_with_grace() -> None:
    assert one("21 листопада", date(2022, 11, 4)) == day("2021-11-21")
    assert one("on November 8", date(2022, 11, 4)) == day("2022-11-08")  # a scheduled event
    assert one("on January 3", date(2022, 12, 28)) == day("2023-01-03")
    assert one("in December", date(2022, 11, 4)) == month("2021-12")


def test_without_publication_date() -> None:
    assert find_dates("yesterday and on Monday", None, "en") == []
    found = find_dates("On 19.11.2020 the court ruled; on November 12 it heard", None, "en")
    assert [m.value.to_json()["start"] for m in found] == ["2020-11-19", "2020-11-12"]
    assert find_dates("on November 12 it heard", None, "en") == []


@pytest.mark.parametrize(
    "text",
    [
        "men over 50 may be taken if they are fit",
        "May be, they said",
        "aged 25",
        "статья 328 УК",
        "in IK-15 and IK-6",
        "at 10:30 and 17:52",
        "300,000 reservists",
        "between 7,000 and 10,000 inmates",
        "+7 912 123-45-67",
        "call 8 800 555 35 35",
        "the march to the front",
        "в среде заключённых",
        "version 1.2.3",
    ],
)
def test_false_dates(text: str) -> None:
    assert find_dates(text, PUB, None) == []


def test_offsets_and_all_case_forms() -> None:
    text = "Его задержали 5 октября, а в октябре, октябрю и октябрем жовтня жовтні листопада"
    found = find_dates(text, PUB, "ru")
    assert found[0].text == "5 октября" and text[found[0].start : found[0].end] == "5 октября"
    assert {m.value.start.month for m in found} == {10, 11}
    assert len(found) == 7


def test_acled_notes_sample(shared) -> None:
    records = json.loads((shared / "data/external/acled-ukraine-sample/records.json").read_text("utf-8"))
    sample = records[:200]
    right = 0
    for r in sample:
        gold = datetime.strptime(r["event_date"], "%d-%b-%y").date()
        found = [m for m in find_dates(r["notes"], None, "en") if m.value.precision == "day"]
        right += bool(found) and found[0].value.start == gold
    assert right / len(sample) >= 0.95
