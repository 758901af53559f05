from __future__ import annotations

import codecs
from pathlib import Path

from docket.ingest import read_source, source_for

RUSSIAN = (
    "Родственники заключённых колонии сообщили, что около двадцати человек увезли на войну. "
    "Сотрудники ФСИН отказались отвечать на вопросы журналистов.\n"
)


def _doc(path: Path):
    result = read_source(source_for(path))
    assert result.error is None, result.error
    (doc,) = result.documents
    return doc


def test_cp1251_russian(tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(RUSSIAN.encode("cp1251"))
    doc = _doc(tmp_path / "win.txt")
    assert doc.raw_text == RUSSIAN and doc.meta["encoding"] == "cp1251"


def test_koi8r_russian(tmp_path: Path) -> None:
    (tmp_path / "koi.txt").write_bytes(RUSSIAN.encode("koi8_r"))
    doc = _doc(tmp_path / "koi.txt")
    assert doc.raw_text == RUSSIAN and doc.meta["encoding"] == "koi8_r"


def test_utf8_with_bom_and_utf16(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + RUSSIAN.encode())
    assert _doc(tmp_path / "bom.txt").raw_text == RUSSIAN
    (tmp_path / "u16.txt").write_bytes(RUSSIAN.encode("utf-16"))
    assert _doc(tmp_path / "u16.txt").raw_text == RUSSIAN
    (tmp_path / "u16be.html").write_bytes(codecs.BOM_UTF16_BE + "<p>Привет</p>".encode("utf-16-be"))
    assert _doc(tmp_path / "u16be.html").raw_text.strip() == "Привет"


def test_invalid_utf8_replaced_and_noted(tmp_path: Path) -> None:
    data = RUSSIAN.encode() + b"broken \xff\xfe byte\n" + RUSSIAN.encode()
    (tmp_path / "bad.txt").write_bytes(data)
    doc = _doc(tmp_path / "bad.txt")
    assert "\ufffd" in doc.raw_text and doc.raw_text.startswith(RUSSIAN)
    assert "invalid UTF-8" in doc.meta["decode_warning"]


def test_html_declared_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>Здравствуйте</p></body></html>'
    (tmp_path / "w.html").write_bytes(page.encode("cp1251"))
    assert _doc(tmp_path / "w.html").raw_text.strip() == "Здравствуйте"
