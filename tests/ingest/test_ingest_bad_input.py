from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfWriter

from docket.ingest import read_source, source_for


def _error(path: Path) -> str:
    result = read_source(source_for(path))
    assert result.documents == []
    assert result.error is not None
    return result.error


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert _error(tmp_path / "empty.txt") == "empty.txt: empty file"


def test_whitespace_only(tmp_path: Path) -> None:
    (tmp_path / "blank.md").write_text(" \n\n\t\n")
    assert _error(tmp_path / "blank.md").startswith("blank.md: no text")


def test_binary_named_txt(tmp_path: Path) -> None:
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 40)
    assert _error(tmp_path / "blob.txt").startswith("blob.txt: binary data, not a text report")
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "PNG image" in _error(tmp_path / "image.html")


def test_truncated_pdf(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    data = pdf_bytes(["Some text that will be cut off."])
    (tmp_path / "trunc.pdf").write_bytes(data[: len(data) // 2])
    assert _error(tmp_path / "trunc.pdf") == "trunc.pdf: truncated or damaged PDF"


def test_damaged_pdf_body(tmp_path: Path) -> None:
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4\n garbage garbage \n%%EOF\n")
    assert _error(tmp_path / "junk.pdf").startswith("junk.pdf: ")


def test_pdf_without_text_layer(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    (tmp_path / "scan.pdf").write_bytes(pdf_bytes(["", ""]))
    assert _error(tmp_path / "scan.pdf") == "scan.pdf: no text layer (scanned PDF?)"


def test_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret-password", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    (tmp_path / "locked.pdf").write_bytes(buf.getvalue())
    assert _error(tmp_path / "locked.pdf").startswith("locked.pdf: encrypted PDF")


def test_broken_telegram_json_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{\n "name": "x",\n "messages": [,\n')
    assert (
        _error(tmp_path / "broken.json") == "broken.json: invalid JSON at line 3 column 15 (Telegram export?)"
    )


def test_json_that_is_not_a_telegram_export(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text('{"rows": [1, 2, 3]}')
    assert "not a Telegram export" in _error(tmp_path / "data.json")


def test_txt_starting_like_json_stays_text(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text('{"messages" is what they called the leaked chat}')
    result = read_source(source_for(tmp_path / "note.txt"))
    assert result.error is None and result.documents[0].format == "txt"


def test_directory_and_unreadable_never_raise(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    assert _error(tmp_path / "dir.txt").startswith("dir.txt: ")


def test_sparse_huge_file_fails_fast_without_loading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(1024**3)
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = read_source(source_for(huge))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "huge.txt: 1.0 GB is over the 64 MiB limit for a text report"
    assert result.size == 1024**3 and len(result.sha256) == 64
    assert peak < 16 * 1024 * 1024
    assert time.monotonic() - started < 30


def test_text_named_eml_without_headers_reads_as_text(tmp_path: Path) -> None:
    (tmp_path / "note.eml").write_text("Just a forwarded testimony, no headers at all.\n")
    result = read_source(source_for(tmp_path / "note.eml"))
    assert result.error is None and result.documents[0].format == "txt"


def test_nothing_raises_on_damaged_copies_of_good_files(
    tmp_path: Path, pdf_bytes: Callable[..., bytes]
) -> None:
    good = pdf_bytes(["Some text about a colony."])
    page = b"<html><head><title>T</title></head><body><p>Text</p></body></html>"
    telegram = b'{"name": "c", "messages": [{"id": 1, "type": "message", "text": "hi"}]}'
    for index, (data, suffix) in enumerate([(good, ".pdf"), (page, ".html"), (telegram, ".json")]):
        for cut in range(0, len(data), max(1, len(data) // 25)):
            damaged = bytearray(data[:cut] + data[cut + 7 :])
            if damaged:
                damaged[cut % len(damaged)] ^= 0x5A
            f = tmp_path / f"d{index}-{cut}{suffix}"
            f.write_bytes(bytes(damaged))
            result = read_source(source_for(f))
            assert result.error is None or result.error.startswith(f.name + ": ")
            assert "unexpected" not in (result.error or "")
