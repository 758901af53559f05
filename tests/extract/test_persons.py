"""Nouns for a person and their grammatical number, in English, Russian and Ukrainian."""

from __future__ import annotations

import pytest

from docket.extract.persons import find_persons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A convict who had been transferred died", ["sing"]),
        ("prisoners were beaten", ["plur"]),
        ("Осуждённого избили сотрудники колонии", ["sing"]),
        ("заключенных пытали", ["plur"]),
        ("Ув’язненого катували", ["sing"]),
        ("мобілізованих тримають у підвалі", ["plur"]),
        ("her son and two mobilized men", ["sing", "plur"]),
    ],
)
def test_number_of_person_nouns(text: str, expected: list[str]) -> None:
    assert [m.number for m in find_persons(text)] == expected


def test_ambiguous_case_forms_are_left_out() -> None:
    # «мужчины» is a genitive singular or a nominative plural
    assert find_persons("мужчины") == []


def test_offsets_point_into_the_original_text() -> None:
    text = "Тело заключённого нашли"
    (mention,) = find_persons(text)
    assert text[mention.start : mention.end] == "заключённого"
