"""Claim assembly on reports written for these tests (not the dev corpus)."""

from __future__ import annotations

from datetime import date

from docket.extract import extract_claims
from docket.model import Document, PartialDate


def _doc(text: str, lang: str = "en", published: date | None = date(2023, 3, 10), outlet: str | None = None) -> Document:
    return Document(
        id="doc_test",
        name="report.txt",
        blob_sha256="0" * 64,
        format="txt",
        language=lang,
        text=text,
        raw_text=text,
        outlet=outlet,
        published=PartialDate(published, "day") if published else None,
    )


def test_one_happening_gets_type_place_count_victims_origin() -> None:
    text = (
        "About 30 mobilized men who refused to return to the front are being held in a basement in "
        "Kreminna, according to the Telegram channel Astra.\n\n"
        "Their relatives say the men were threatened with prosecution."
    )
    claims = extract_claims(_doc(text))
    assert len(claims) == 1
    claim = claims[0]
    assert "detention" in claim.types and "refusal_to_serve" in claim.types
    assert claim.places and claim.places[0].name == "Kreminna"
    assert claim.places[0].admin1 == "Luhansk Oblast"
    assert claim.count is not None and claim.count.value == 30 and claim.count.qualifier == "approx"
    assert "mobilized" in claim.victims
    assert claim.origin == "Astra"
    start, end = claim.spans[0]
    assert text[start:end].startswith("About 30 mobilized men")


def test_two_regions_two_claims() -> None:
    text = (
        "Guards at a penal colony in the Kaluga region beat prisoners who refused to go to war, "
        "Gulagu.net reported.\n\n"
        "Separately, the management of a factory in Chelyabinsk handed out mobilization summonses to "
        "citizens of Uzbekistan, the outlet SOTA wrote on March 1."
    )
    claims = extract_claims(_doc(text))
    assert len(claims) == 2
    first, second = claims
    assert "torture" in first.types and first.origin == "Gulagu.net"
    assert first.places[0].admin1 == "Kaluga Oblast"
    assert second.types[0] == "unlawful_mobilization"
    assert "foreign_nationals" in second.victims
    assert second.origin == "SOTA"
    assert second.date is not None and second.date.start == date(2023, 3, 1)


def test_russian_report_with_hedge() -> None:
    text = (
        "В колонии ИК-6 в Йошкар-Оле около ста пятидесяти заключённых завербовали в ЧВК «Вагнер», "
        "сообщает «Медиазона». Независимо проверить эти данные не удалось."
    )
    claims = extract_claims(_doc(text, lang="ru"))
    assert len(claims) == 1
    claim = claims[0]
    assert claim.types[0] == "recruitment"
    assert claim.victims[0] == "prisoners" and "pmc" in claim.perpetrators
    assert claim.count is not None and claim.count.value == 150
    assert claim.hedged
    assert any(p.precision == "facility" and p.admin1 == "Republic of Mari El" for p in claim.places)


def test_background_only_text_has_no_claims() -> None:
    text = "Analysts say it is likely that the war will continue for years. The weather was warm."
    assert extract_claims(_doc(text)) == []
