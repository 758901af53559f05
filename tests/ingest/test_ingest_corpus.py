from __future__ import annotations

from pathlib import Path

from docket.ingest import iter_sources, read_source


def test_every_shared_document_reads_without_error(shared: Path) -> None:
    folders = [shared / "data" / "dev" / "docs", shared / "data" / "seeds"]
    results = [read_source(s) for s in iter_sources(folders)]
    assert len(results) >= 40
    assert [r.error for r in results if r.error] == []
    for result in results:
        assert result.documents, result.name
        for doc in result.documents:
            assert doc.raw_text.strip() and "\r" not in doc.raw_text
    telegram = [r for r in results if r.media_type == "application/json"]
    assert telegram and all(len(r.documents) > 1 for r in telegram)
