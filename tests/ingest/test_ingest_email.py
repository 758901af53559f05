from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from docket.ingest import read_source, source_for


def _message(pdf: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Tipster <tips@example.org>"
    msg["To"] = "desk@example.org"
    msg["Subject"] = "Mobilized men held in a basement"
    msg["Date"] = "Tue, 15 Nov 2022 08:05:00 +0300"
    msg.set_content("Relatives say 20 men were locked in a basement.\nSee the attached files.\n")
    msg.add_alternative("<p>Relatives say <b>20</b> men were locked in a basement.</p>", subtype="html")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="statement.pdf")
    msg.add_attachment(
        "Показания родственника.\n".encode(), maintype="text", subtype="plain", filename="testimony.txt"
    )
    msg.add_attachment(b"\x89PNG\r\n\x1a\n\x00\x00", maintype="image", subtype="png", filename="photo.png")
    return msg.as_bytes()


def test_email_with_attachments(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    f = tmp_path / "tip.eml"
    f.write_bytes(_message(pdf_bytes(["Signed statement of the detainees."])))
    result = read_source(source_for(f))
    assert result.error is None and result.media_type == "message/rfc822"
    (doc,) = result.documents
    assert doc.format == "eml" and doc.title == "Mobilized men held in a basement"
    assert doc.raw_text.startswith("Relatives say 20 men were locked in a basement.")
    assert doc.published is not None and doc.published.iso(doc.published.start) == "2022-11-15"
    assert doc.meta["headers"]["from"] == "Tipster <tips@example.org>"
    pdf, txt, png = result.children
    assert (pdf.name, txt.name, png.name) == ("statement.pdf", "testimony.txt", "photo.png")
    assert pdf.data is not None and pdf.media_type == "application/pdf"
    assert "Signed statement of the detainees." in pdf.documents[0].raw_text
    assert txt.documents[0].raw_text == "Показания родственника.\n"
    for child in (pdf, txt):
        assert child.documents[0].parent_id == doc.id
        assert child.documents[0].id != doc.id
    assert png.error is not None and png.error.startswith("photo.png: binary data")
    assert [d.format for d in result.all_documents()] == ["eml", "pdf", "txt"]


def test_eml_named_txt_sniffed(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    f = tmp_path / "forwarded.txt"
    f.write_bytes(_message(pdf_bytes(["x"])))
    result = read_source(source_for(f))
    assert result.documents[0].format == "eml" and len(result.children) == 3


def test_html_only_email(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Subject"] = "Only HTML"
    msg["Date"] = "Wed, 16 Nov 2022 10:00:00 +0000"
    msg.set_content("<html><body><p>Beaten in <i>SIZO-1</i>.</p></body></html>", subtype="html")
    (tmp_path / "h.eml").write_bytes(msg.as_bytes())
    (doc,) = read_source(source_for(tmp_path / "h.eml")).documents
    assert doc.html is not None and doc.raw_text.strip() == "Beaten in SIZO-1."
