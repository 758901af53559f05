from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from docket.ingest import read_source, source_for
from docket.model import stable_id


def _read(path: Path):
    return read_source(source_for(path))


def test_plain_text_kept_as_is_with_ids_and_hash(tmp_path: Path) -> None:
    data = "Line one\r\nLine two\rПолиция задержала 20 человек.\n".encode()
    f = tmp_path / "scrape.txt"
    f.write_bytes(data)
    result = _read(f)
    sha = hashlib.sha256(data).hexdigest()
    assert result.error is None and result.sha256 == sha and result.size == len(data)
    assert result.media_type == "text/plain" and result.path == f
    (doc,) = result.documents
    assert doc.raw_text == "Line one\nLine two\nПолиция задержала 20 человек.\n"
    assert doc.id == stable_id("doc", sha, "") and doc.name == "scrape.txt" and doc.format == "txt"
    assert doc.status == "ok" and doc.source_path == str(f)


def test_same_bytes_two_names_same_hash_and_id(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Same report.")
    (tmp_path / "b.txt").write_text("Same report.")
    a, b = _read(tmp_path / "a.txt"), _read(tmp_path / "b.txt")
    assert a.sha256 == b.sha256
    assert a.documents[0].id == b.documents[0].id
    assert (a.documents[0].name, b.documents[0].name) == ("a.txt", "b.txt")


def test_unicode_normalised_to_nfc(tmp_path: Path) -> None:
    f = tmp_path / "nfd.txt"
    f.write_text("Йошкар-Ола".replace("Й", "И\u0306"), encoding="utf-8")
    assert _read(f).documents[0].raw_text == "Йошкар-Ола"


def test_html_metadata_and_rendering(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html lang="ru-RU"><head><meta charset="utf-8">
<title>Заголовок статьи | Вестник</title>
<meta property="og:title" content="Заголовок статьи">
<meta property="og:site_name" content="Вестник">
<meta property="article:published_time" content="2022-11-08T08:15:00+10:00">
<script>var x = "не текст";</script><style>p {color: red}</style></head>
<body><h1>Заголовок</h1><p>Первый абзац.</p><p>Второй <b>абзац</b>.</p></body></html>"""
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    result = _read(f)
    (doc,) = result.documents
    assert result.media_type == "text/html" and doc.format == "html"
    assert doc.html is not None and "<script>" in doc.html
    assert doc.title == "Заголовок статьи" and doc.outlet == "Вестник" and doc.language == "ru"
    assert doc.published is not None and doc.published.iso(doc.published.start) == "2022-11-08"
    assert doc.published_source == "html-meta"
    assert "Первый абзац.\n" in doc.raw_text and "Второй абзац." in doc.raw_text
    assert "не текст" not in doc.raw_text and "color" not in doc.raw_text


def test_html_meta_date_and_time_element(tmp_path: Path) -> None:
    f = tmp_path / "t.htm"
    f.write_text('<html><body><time datetime="2020-04-14">14 April</time><p>Body</p></body></html>')
    doc = _read(f).documents[0]
    assert doc.published is not None and doc.published.iso(doc.published.start) == "2020-04-14"
    g = tmp_path / "m.html"
    g.write_text('<html><head><meta name="date" content="2019-03"></head><body><p>B</p></body></html>')
    doc = _read(g).documents[0]
    assert doc.published is not None and doc.published.precision == "month"


def test_markdown_stripped_with_front_matter(tmp_path: Path) -> None:
    md = """---
title: Weekly brief
date: 2021-11-26
outlet: Behind the Wire
---
# Heading one

Some **bold** and *italic* and __also__ text with a [link](https://x.example/a) and ![photo](p.jpg).

> quoted line
- item one
"""
    f = tmp_path / "brief.md"
    f.write_text(md)
    (doc,) = _read(f).documents
    assert doc.format == "md" and doc.title == "Weekly brief" and doc.outlet == "Behind the Wire"
    assert doc.published is not None and doc.published.iso(doc.published.start) == "2021-11-26"
    text = doc.raw_text
    assert text.startswith("Heading one\n")
    assert "Some bold and italic and also text with a link and ." in text
    assert "quoted line\nitem one" in text
    for syntax in ("**", "](", "![", "# ", "---", "title:"):
        assert syntax not in text
    assert doc.meta["links"] == ["https://x.example/a"]


def test_telegram_export_one_document_per_message(tmp_path: Path) -> None:
    export = {
        "name": "Зона риска",
        "type": "public_channel",
        "id": 1638204417,
        "messages": [
            {
                "id": 10,
                "type": "message",
                "date": "2022-09-14T23:05:40",
                "text": [
                    {"type": "bold", "text": "Заголовок"},
                    "\n\nТекст ",
                    {"type": "link", "text": "https://t.me/x"},
                    " и ",
                    {"type": "text_link", "text": "здесь", "href": "https://example.org/y"},
                ],
            },
            {"id": 11, "type": "service", "date": "2022-09-15T00:00:00", "action": "pin_message", "text": ""},
            {"id": 12, "type": "message", "date": "2022-09-15T10:00:00", "text": ""},
            {
                "id": 13,
                "type": "message",
                "date": "2022-09-16T10:00:00",
                "text": "Переслано",
                "forwarded_from": "Другой канал",
            },
        ],
    }
    f = tmp_path / "result.json"
    f.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    result = _read(f)
    assert result.error is None and result.media_type == "application/json"
    first, second = result.documents
    assert first.raw_text == "Заголовок\n\nТекст https://t.me/x и здесь"
    assert first.name == "result.json" and first.part == "10" and second.part == "13"
    assert first.id == stable_id("doc", result.sha256, "10") and first.id != second.id
    assert first.outlet == "Зона риска" and first.published_source == "telegram"
    assert first.published is not None and first.published.iso(first.published.start) == "2022-09-14"
    assert first.meta["channel"] == "Зона риска" and first.meta["channel_id"] == 1638204417
    assert first.meta["message_id"] == 10
    assert first.meta["links"] == ["https://t.me/x", "https://example.org/y"]
    assert "forwarded_from" not in first.meta and second.meta["forwarded_from"] == "Другой канал"


def test_pdf_with_text_layer(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    f = tmp_path / "report.pdf"
    f.write_bytes(pdf_bytes(["Prisoners of IK-6 were beaten.", "Page two text."], title="Annual report"))
    result = _read(f)
    assert result.error is None and result.media_type == "application/pdf"
    (doc,) = result.documents
    assert doc.format == "pdf" and doc.title == "Annual report"
    assert "Prisoners of IK-6 were beaten." in doc.raw_text and "Page two text." in doc.raw_text
    assert doc.meta["pages"] == 2


def test_pdf_named_txt_is_read_as_pdf(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    f = tmp_path / "disguised.txt"
    f.write_bytes(pdf_bytes(["Hidden PDF text."]))
    result = _read(f)
    assert result.error is None and result.media_type == "application/pdf"
    assert result.documents[0].format == "pdf" and "Hidden PDF text." in result.documents[0].raw_text


def test_html_named_txt_is_read_as_html(tmp_path: Path) -> None:
    f = tmp_path / "page.txt"
    f.write_text("<!DOCTYPE html><html><head><title>T</title></head><body><p>Body text</p></body></html>")
    doc = _read(f).documents[0]
    assert doc.format == "html" and doc.title == "T" and doc.raw_text.strip() == "Body text"
