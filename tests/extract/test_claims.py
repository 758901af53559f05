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


def test_a_channels_hotline_notice_is_not_a_report_but_a_report_beside_it_is() -> None:
    notice = (
        "Горячая линия работает по будням с 10 до 18. Юристы отвечают на вопросы о повестках, отсрочках и "
        "альтернативной гражданской службе."
    )
    assert extract_claims(_doc(notice, "ru")) == []
    assert extract_claims(_doc("Our hotline is open on weekdays. Lawyers answer questions about summonses.")) == []
    report = "В Казани мобилизованных удерживают в подвале военкомата, сообщили родственники."
    (claim,) = extract_claims(_doc(f"{notice}\n\n{report}", "ru"))
    assert "detention" in claim.types and any(p.name == "Kazan" for p in claim.places)


def test_a_trend_naming_nothing_checkable_is_not_an_incident() -> None:
    trend = "A lawyer with Rights Line said that conscripts in central Russia received call-up papers at home."
    assert extract_claims(_doc(trend)) == []
    spokesman = "Pavel Zaitsev, a lawyer with Prison Help, said conscripts in Russia received call-up papers."
    assert extract_claims(_doc(spokesman)) == []
    # the same report with a town, a stated date or a count is one
    for text in (
        "A lawyer with Rights Line said that conscripts in Kazan received call-up papers at home.",
        "A lawyer with Rights Line said that conscripts in Russia received call-up papers on 3 March.",
        "A lawyer with Rights Line said that 40 conscripts in central Russia received call-up papers.",
    ):
        (claim,) = extract_claims(_doc(text))
        assert "unlawful_mobilization" in claim.types, text


def test_one_person_counts_as_one_and_is_marked_inferred() -> None:
    text = "A convict was beaten by guards at penal colony IK-6 in Yoshkar-Ola, the rights group Gulagu.net said."
    (claim,) = extract_claims(_doc(text))
    assert claim.count is not None and claim.count.value == 1 and claim.count.inferred
    assert claim.count.to_json() == {"value": 1, "qualifier": "exact", "inferred": True}


def test_a_count_of_perpetrators_is_not_a_count_of_victims() -> None:
    text = (
        "On June 29, 2017, more than a dozen officers took turns beating an inmate at correctional "
        "colony No. 1 in Yaroslavl, Novaya Gazeta reported."
    )
    (claim,) = extract_claims(_doc(text))
    assert claim.count is not None and claim.count.value == 1


def test_another_facility_in_the_same_region_is_another_happening() -> None:
    text = (
        "An inmate was raped at SIZO-1 in Irkutsk in December, Gulagu.net said.\n\n"
        "Another prisoner was beaten and raped by inmates at IK-6 in Irkutsk, the group said."
    )
    claims = extract_claims(_doc(text))
    facilities = [{p.name for p in c.places if p.precision == "facility"} for c in claims]
    assert len(claims) == 2
    assert any(any("SIZO-1" in f for f in fs) for fs in facilities[:1])
    assert any(any("IK-6" in f for f in fs) for fs in facilities[1:])


def test_region_adjective_before_a_facility_places_it() -> None:
    text = "Заключённого избили сотрудники ярославской ИК-1, сообщает «Новая газета»."
    (claim,) = extract_claims(_doc(text, lang="ru"))
    facility = next(p for p in claim.places if p.precision == "facility")
    assert facility.admin1 == "Yaroslavl Oblast"


def test_a_threat_of_charges_is_not_an_official_response() -> None:
    text = (
        "Mobilized men who refused to fight were held in a basement in Zaitseve and told they would face "
        "criminal charges, their relatives said."
    )
    (claim,) = extract_claims(_doc(text))
    assert "accountability" not in claim.types


def test_a_date_beside_a_verb_of_reporting_dates_the_report_not_the_abuse() -> None:
    text = (
        "Guards beat prisoners at correctional colony No. 2 in Omsk, the rights group said on Monday, "
        "March 6."
    )
    (claim,) = extract_claims(_doc(text))
    assert claim.date is not None and claim.date.inferred
    assert (claim.date.start, claim.date.precision) == (date(2023, 3, 1), "month")
    lo, hi = claim.date.bounds()
    assert lo < date(2023, 3, 1) and hi == date(2023, 3, 31)  # the beating may lie before the statement


def test_an_undated_happening_is_bounded_by_its_report() -> None:
    text = "Prisoners at penal colony IK-2 in Omsk were beaten by guards, the group Gulagu.net said."
    (claim,) = extract_claims(_doc(text))
    assert claim.date is not None and claim.date.inferred and claim.date.precision == "month"
    assert claim.date.to_json()["inferred"] is True


def test_prisoners_signing_up_is_recruitment_in_russian_and_ukrainian() -> None:
    ru = "После выступления в колонии ИК-2 записались около 40 осуждённых."
    uk = "Після виступу в колонії записалися близько 40 засуджених."
    for text, lang in ((ru, "ru"), (uk, "uk")):
        claims = extract_claims(_doc(text, lang))
        assert claims and "recruitment" in claims[0].types, text
        assert claims[0].count is not None and claims[0].count.value == 40
    # signing up for something else is not recruitment
    assert not extract_claims(_doc("Жители записались на приём к врачу в поликлинике.", "ru"))
