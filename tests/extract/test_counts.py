"""find_counts: digits and number words in en/ru/uk, qualifiers, vague amounts, unit classes."""

from __future__ import annotations

import pytest

from docket.extract.counts import CountValue, count_unit, find_counts
from docket.model import Count


def first(text: str, lang: str | None = None) -> CountValue:
    found = find_counts(text, lang)
    assert found, text
    return found[0].value


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("around 20 mobilized Russians were held", 20, "approx"),
        ("over 80 prisoners", 80, "at_least"),
        ("roughly a dozen men", 12, "approx"),
        ("a dozen inmates", 12, "exact"),
        ("hundreds of prisoners", 200, "at_least"),
        ("dozens of soldiers", 24, "at_least"),
        ("thousands of convicts", 2000, "at_least"),
        ("tens of thousands of men", 20000, "at_least"),
        ("some 200 inmates", 200, "approx"),
        ("up to 20 people", 20, "at_most"),
        ("at least 8 detainees", 8, "at_least"),
        ("at least eight of the detained men", 8, "at_least"),
        ("nearly 300 recruits", 300, "approx"),
        ("more than 7,000 inmates", 7000, "at_least"),
        ("1,500 prisoners", 1500, "exact"),
        ("between 7,000 and 10,000 inmates", 7000, "at_least"),
        ("Twenty-one Russian men", 21, "exact"),
        ("one hundred and fifty prisoners", 150, "exact"),
        ("20 or more conscripts", 20, "at_least"),
        ("около 150 контрактников", 150, "approx"),
        ("примерно сто пятьдесят человек", 150, "approx"),
        ("более 80 заключённых", 80, "at_least"),
        ("не менее восьмидесяти осуждённых", 80, "at_least"),
        ("десятки мобилизованных", 24, "at_least"),
        ("сотни заключенных", 200, "at_least"),
        ("до 20 человек", 20, "at_most"),
        ("1,5 тысячи человек", 1500, "exact"),
        ("10 000 человек", 10000, "exact"),
        ("5 937 заключённых", 5937, "exact"),
        ("от 7 до 10 тысяч человек", 7000, "at_least"),
        ("20-30 человек", 20, "at_least"),
        ("ста пятидесяти контрактников", 150, "exact"),
        ("двадцати заключённых", 20, "exact"),
        ("двое мужчин", 2, "exact"),
        ("полторы тысячи осуждённых", 1500, "exact"),
        ("80 с лишним человек", 80, "at_least"),
        ("близько 20 військових", 20, "approx"),
        ("понад 80 людей", 80, "at_least"),
        ("щонайменше двох полонених", 2, "at_least"),
        ("десятки військових", 24, "at_least"),
        ("сотні в'язнів", 200, "at_least"),
        ("трьохсот військових", 300, "exact"),
        ("тисячі мобілізованих", 2000, "at_least"),
    ],
)
def test_people_counts(text: str, value: int, qualifier: str) -> None:
    found = find_counts(text)
    assert len(found) == 1, [(m.text, m.value) for m in found]
    got = found[0].value
    assert (got.value, got.qualifier, got.unit) == (value, qualifier, "people")
    assert count_unit(found[0]) == "people"
    assert found[0].start == 0 and text.startswith(found[0].text)


def test_span_covers_qualifier_number_and_noun() -> None:
    text = "Astra said that around 20 mobilized Russians were imprisoned."
    m = find_counts(text, "en")[0]
    assert text[m.start : m.end] == "around 20 mobilized Russians"
    assert m.value.noun == "russian"
    assert m.value.count() == Count(20, "approx")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("under threat of 10 years in prison", "duration"),
        ("от трёх до четырёх лет", "duration"),
        ("на 5 років", "duration"),
        ("penal colony No. 4", "ordinal"),
        ("№ 4", "ordinal"),
        ("article 328", "ordinal"),
        ("статья 328", "ordinal"),
        ("стаття 336", "ordinal"),
        ("the 488th regiment", "ordinal"),
        ("488-й полк", "ordinal"),
        ("in 2022 the colony", "ordinal"),
        ("в 2022 году", "ordinal"),
        ("22 октября", "ordinal"),
        ("100,000 rubles", "money"),
        ("$2,000", "money"),
        ("300 тыс. рублей", "money"),
        ("5000 гривень", "money"),
        ("15% of them", "percent"),
        ("25 percent", "percent"),
        ("aged 25", "age"),
        ("her 33-year-old husband", "age"),
        ("33-летний мужчина", "age"),
        ("в возрасте 40 лет", "age"),
        ("about 40 kilometres from Mariupol", "other"),
        ("two videos", "other"),
    ],
)
def test_non_people_units(text: str, unit: str) -> None:
    assert first(text).unit == unit


@pytest.mark.parametrize("text", ["IK-6", "ИК-1", "Su-25", "at 10:30", "сім'я", "someone", "Abonent"])
def test_no_count(text: str) -> None:
    assert find_counts(text) == []


@pytest.mark.parametrize(
    "text", ["On March 3, 2023 conscripts were handed summonses", "On 3 March 2023 prisoners were beaten",
             "3 марта 2023 заключённых избили", "in May 2023 soldiers refused"],
)
def test_the_year_of_a_date_is_no_count_of_what_follows(text: str) -> None:
    assert all(m.value.unit != "people" for m in find_counts(text, "ru" if "марта" in text else "en"))


def test_many_in_one_text() -> None:
    text = (
        "According to Shoigu, 300,000 people were called up: 82,000 have already been sent "
        "to the front, and 218,000 are in training."
    )
    found = find_counts(text, "en")
    assert [m.value.value for m in found] == [300000, 82000, 218000]
    assert found[0].value.unit == "people" and found[0].value.noun == "people"
