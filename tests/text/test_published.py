from datetime import date

from docket.model import Document, PartialDate
from docket.text import prepare
from docket.text.published import find_published

LATEST = date(2025, 6, 1)


def _iso(found):
    value, source = found
    return value.iso(value.start), value.precision, source


def test_dateline_at_top():
    text = "Новини | Війна\n\nЛюдей тримають у підвалі\n\n15 листопада 2022, 12:40\n\nРосійські військові утримують у підвалі близько трьохсот мобілізованих."
    assert _iso(find_published(text, LATEST)) == ("2022-11-15", "day", "text")


def test_published_label_in_russian():
    text = "Суд оправдал начальника колонии\nОпубликовано: 19.11.2020, 17:52\nЗаволжский районный суд вынес приговор."
    assert _iso(find_published(text, LATEST)) == ("2020-11-19", "day", "text")


def test_banner_and_copyright_years_are_not_publication_dates():
    text = (
        "On Monday, December 20, the group published a new video. The recording is dated July 27, 2020.\n"
        "Meduza survived 2024 thanks to its readers!\n"
        "Let's stick together for 2025.\n"
        "© 2003–2024 Example Media"
    )
    # the weekday fixes the year of "Monday, December 20" after the last year mentioned (2020) -> 2021
    assert _iso(find_published(text, LATEST)) == ("2021-12", "month", "inferred")


def test_banner_alone_gives_nothing():
    assert find_published("Guards beat inmates.\n© 2024 Example Media. All rights reserved.", LATEST) is None


def test_dates_after_collection_are_ignored():
    text = "The hearing is scheduled for 3 March 2031.\nThe guards were detained in May 2023."
    assert _iso(find_published(text, LATEST)) == ("2023-05", "month", "inferred")


def test_prepare_keeps_metadata_date():
    meta = PartialDate(date(2022, 9, 15), "day")
    doc = Document(id="d", name="d.txt", blob_sha256="", format="txt", raw_text="March 3, 2021\n\nText.",
                   published=meta, published_source="metadata")
    prepare(doc)
    assert doc.published == meta and doc.published_source == "metadata"


def test_a_text_without_a_year_is_dated_by_the_events_it_names() -> None:
    text = (
        "Mobilization was announced on September 21. On October 28 the defence minister said it was over.\n"
        "Relatives say the men were still held in a basement on November 3."
    )
    found = find_published(text, date(2026, 1, 1))
    assert found is not None
    published, source = found
    assert source == "inferred"
    assert (published.start, published.precision) == (date(2022, 11, 1), "month")


def test_the_war_month_counts_from_the_invasion() -> None:
    text = "The invasion of Ukraine, which is approaching its sixth month, goes on.\nNo other date is given."
    published, _ = find_published(text, date(2026, 1, 1))
    assert (published.start, published.precision) == (date(2022, 8, 1), "month")


def test_a_stated_year_wins_over_named_events() -> None:
    text = "Partial mobilization was declared, and in March 2023 the men were sent to the front.\n"
    published, _ = find_published(text, date(2026, 1, 1))
    assert published.start == date(2023, 3, 1)
