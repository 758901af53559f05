from __future__ import annotations

import json
from pathlib import Path

import pytest

from docket.ingest import iter_sources, read_source


def test_walks_folders_sorted_skipping_sidecars_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "a.txt.meta.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git" / "config").write_text("x")
    names = [s.path.relative_to(tmp_path).as_posix() for s in iter_sources([tmp_path])]
    assert names == ["a.txt", "b/z.txt"]


def test_explicit_file_and_duplicates(tmp_path: Path) -> None:
    f = tmp_path / "one.txt"
    f.write_text("x")
    sources = list(iter_sources([f, tmp_path, str(f)]))
    assert [s.name for s in sources] == ["one.txt"]


def test_missing_path_raises_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "x.txt"
    with pytest.raises(FileNotFoundError, match="nowhere"):
        iter_sources([tmp_path, missing])


def test_sidecar_applies_to_every_document_and_wins(tmp_path: Path) -> None:
    export = {
        "name": "Chan",
        "type": "public_channel",
        "id": 7,
        "messages": [
            {"id": 1, "type": "message", "date": "2022-09-14T23:05:40", "text": "first"},
            {"id": 2, "type": "message", "date": "2022-09-15T01:00:00", "text": "second"},
        ],
    }
    (tmp_path / "c.json").write_text(json.dumps(export))
    (tmp_path / "c.json.meta.json").write_text(
        json.dumps(
            {
                "url": "https://x.example/c",
                "outlet": "Outlet X",
                "published": "2022-10",
                "language": "ru",
                "collected_by": "tester",
                "collected_at": "2022-11-05T07:12:44Z",
            }
        )
    )
    (source,) = list(iter_sources([tmp_path]))
    assert source.sidecar and source.sidecar["outlet"] == "Outlet X"
    docs = read_source(source).documents
    assert len(docs) == 2
    for doc in docs:
        assert doc.outlet == "Outlet X" and doc.url == "https://x.example/c" and doc.language == "ru"
        assert doc.published is not None and doc.published.precision == "month"
        assert doc.published.iso(doc.published.start) == "2022-10"
        assert doc.published_source == "metadata"
        assert doc.collected_by == "tester" and doc.collected_at == "2022-11-05T07:12:44Z"


def test_sidecar_overrides_html_meta_date(tmp_path: Path) -> None:
    page = (
        '<html lang="en"><head><meta property="article:published_time" content="2021-01-02T10:00:00Z">'
        "</head><body><p>Text of the report.</p></body></html>"
    )
    (tmp_path / "p.html").write_text(page)
    (tmp_path / "p.html.meta.json").write_text('{"published": "2021"}')
    (doc,) = read_source(next(iter_sources([tmp_path]))).documents
    assert doc.published is not None and doc.published.precision == "year"
    assert doc.published_source == "metadata"


def test_broken_sidecar_is_noted_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text("A report.")
    (tmp_path / "r.txt.meta.json").write_text("{not json")
    result = read_source(next(iter_sources([tmp_path])))
    assert result.error is None
    assert "r.txt.meta.json" in result.documents[0].meta["sidecar_error"]
