"""Redaction of protected values: names in any case ending and either script, phone numbers written any
way, one mark for a run of finds, metadata and file names too; and the sidecar/front-matter forms."""

from __future__ import annotations

from docket.ingest.readers.base import FileContext
from docket.ingest.readers.markdown import read_markdown
from docket.model import Document
from docket.protect.fields import protected_values
from docket.protect.redact import Redactor, redact_document

MARK = "[protected]"


def test_a_name_is_found_in_its_case_endings_and_in_both_scripts():
    r = Redactor({"witness_name": "Марина Полякова"})
    text = "Поляковой угрожали; Marina Polyakova said so; Полякову вызвали; Марину тоже."
    assert r.text(text) == f"{MARK} угрожали; {MARK} said so; {MARK} вызвали; {MARK} тоже."


def test_words_that_merely_start_like_a_name_are_kept():
    r = Redactor({"witness_name": "Anna Ivanova"})
    assert r.text("The court annulled the sentence.") == "The court annulled the sentence."
    assert r.text("Anna's statement") == f"{MARK}'s statement"


def test_a_phone_number_is_found_however_it_is_written():
    r = Redactor({"contact": "+7 (916) 555-12-34"})
    for written in ("+79165551234", "8 916 555 12 34", "8(916)555-12-34", "+7 916 555-12-34"):
        assert r.text(f"call {written} today") == f"call {MARK} today", written
    assert r.text("case 916-555 of 2022") == "case 916-555 of 2022"


def test_a_value_is_found_however_its_characters_are_spelled():
    r = Redactor({"witness_name": "Марина Полякова", "contact": "+7 (916) 555-12-34"})
    for spelled in (
        "&#1055;&#1086;&#1083;&#1103;&#1082;&#1086;&#1074;&#1072;",  # decimal character references
        "&#x41F;&#x43E;&#x43B;&#x44F;&#x43A;&#x43E;&#x432;&#x430;",  # hexadecimal ones
        "P&#111;lyakova",
        "Поля&shy;кова",
        "Поля\u00adкова",  # a soft hyphen
        "Поля\u200bкова",  # a zero-width space
        "Поляко\u0301ва",  # a stress mark
        "Marina&nbsp;Polyakova",
        "916&#8209;555&#8209;12&#8209;34",  # non-breaking hyphens
        "916\u2011555\u201112\u201134",
        "916-555-12-34",
    ):
        assert r.text(f"said {spelled} today") == f"said {MARK} today", spelled
    assert r.text("AT&T &amp; Co, &foo; Поля, Поле\u0301") == "AT&T &amp; Co, &foo; Поля, Поле\u0301"


def test_an_unknown_field_is_matched_exactly_and_a_relation_as_a_whole():
    r = Redactor({"employer": "Kopeysk Machine Plant", "relation": "his older sister"})
    assert r.text("worked at the kopeysk  machine plant") == f"worked at the {MARK}"
    assert r.text("his older sister and a sister-in-law") == f"{MARK} and a sister-in-law"


def test_documents_are_redacted_everywhere_they_carry_text():
    doc = Document(id="d", name="polyakova-testimony.txt", blob_sha256="0" * 64, format="txt",
                   title="What Polyakova saw", raw_text="Polyakova was there.",
                   meta={"from": "Marina Polyakova <m@example.org>", "links": ["x"]})
    redact_document(doc, Redactor({"witness_name": "Marina Polyakova"}))
    assert doc.name == f"{MARK}-testimony.txt" and doc.title == f"What {MARK} saw"
    assert doc.raw_text == f"{MARK} was there." and doc.meta["from"] == f"{MARK} <m@example.org>"


def test_sidecar_forms_are_flattened_to_canonical_names():
    assert protected_values({"Witness": "A B", "phone": "+1 555 0100", "nested": {"x": 1}}) == {
        "witness_name": "A B", "contact": "+1 555 0100", "nested.x": "1"}
    assert protected_values(["A B", "C D"]) == {"protected.1": "A B", "protected.2": "C D"}
    assert protected_values("A B") == {"protected": "A B"}
    assert protected_values(None) == {} and protected_values({"witness": ""}) == {}


def test_front_matter_protected_fields_leave_the_metadata():
    data = b"---\ntitle: T\nprotected:\n  witness: Oleksandr Kovalchuk\n---\n\nKovalchuk spoke.\n"
    (doc,) = read_markdown(data, FileContext(name="t.md", sha256="0" * 64))
    assert doc.protected == {"witness_name": "Oleksandr Kovalchuk"}
    assert "protected" not in doc.meta.get("front_matter", {}) and "Kovalchuk" not in str(doc.meta)
