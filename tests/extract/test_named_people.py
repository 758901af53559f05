"""People named in reports, kept by surname so that languages and cases meet."""

from __future__ import annotations

from datetime import date

from docket.extract import extract_claims
from docket.extract.named_people import find_named_people
from docket.link.entities import person_key
from docket.model import Document, PartialDate


def names(text: str, lang: str) -> list[str]:
    return [m.value for m in find_named_people(text, lang)]


def test_given_name_and_surname_in_each_language() -> None:
    assert names("According to independent researcher Chris Owen, the video shows it.", "en") == ["Chris Owen"]
    assert names("Правозащитник Иван Асташин говорит, что записались 150 человек.", "ru") == ["Иван Асташин"]
    assert names("Як повідомив Сергій Гайдай, мобілізованих утримують у підвалі.", "uk") == ["Сергій Гайдай"]
    assert names("По словам Екатерины Беловой, мужчин держали в подвале.", "ru") == ["Екатерина Белова"]


def test_a_bare_surname_in_another_case_is_brought_to_its_dictionary_form() -> None:
    assert names("Видео: человек, похожий на Пригожина, агитирует заключённых.", "ru") == ["Пригожин"]


def test_places_quotes_and_ordinary_capitals_are_not_people() -> None:
    assert names("Задержанных отвезли в Москву, а потом в Бурятию.", "ru") == []
    assert names("Об этом сообщила «Новая газета» в понедельник.", "ru") == []
    assert names("The Federal Penitentiary Service said on Monday in Moscow.", "en") == []


def test_person_keys_meet_across_scripts_cases_and_genders() -> None:
    assert person_key("Пригожина") == person_key("Prigozhin") == person_key("Yevgeny Prigozhin")
    assert person_key("Бєлова") == person_key("Belova") == person_key("Белов")
    assert person_key("Осечкина") == person_key("Osechkin")
    assert person_key("Osechkin") != person_key("Astashin")


def test_a_claim_lists_its_participants_but_not_its_source() -> None:
    text = ("Правозащитник Иван Асташин рассказал, что заключённого Дениса Петрова избили сотрудники "
            "колонии ИК-6 в Йошкар-Оле.")
    doc = Document(id="d", name="r.txt", blob_sha256="0" * 64, format="txt", language="ru", text=text,
                   raw_text=text, published=PartialDate(date(2023, 3, 10), "day"))
    (claim,) = extract_claims(doc)
    assert claim.people == ["Денис Петров"]
