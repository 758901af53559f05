import pytest

from docket.model import Document
from docket.text import prepare
from docket.text.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Guards beat the prisoners who refused to fight.", "en"),
        ("Охранники избили заключённых, отказавшихся воевать.", "ru"),
        ("Охоронці побили в'язнів, які відмовилися воювати.", "uk"),
        ("Їх тримають у підвалі вже тиждень.", "uk"),
        ("Их держат в подвале уже неделю.", "ru"),
    ],
)
def test_language_of_short_texts(text, code):
    assert detect_language(text) == code


def test_language_from_metadata_is_kept():
    doc = Document(id="d", name="d.txt", blob_sha256="", format="txt", raw_text="Guards beat the prisoners.",
                   language="ru")
    assert prepare(doc).language == "ru"
