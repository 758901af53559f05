"""Full-text search (docket.store.search), on whichever engine the suite runs (tests/dbkit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbkit import ON_POSTGRES, rows
from docket.model import Document
from docket.pipeline import ingest_paths
from docket.store import Store
from docket.store.documents import save_document
from docket.store.search import count_documents, matching_incident_ids, search_documents, search_incidents

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "reports"

RU = (
    "В колонии под Саратовом содержат мобилизованных, отказавшихся возвращаться на фронт. "
    "Родственники говорят, что их избивали."
)
EN = "Prisoners in the penal colony were beaten by guards after they refused to sign contracts."
UK = "Мобілізованих утримують у підвалі в Бахмуті, розповіли родичі."


def _doc(doc_id: str, text: str, language: str, title: str | None = None) -> Document:
    return Document(
        id=doc_id, name=f"{doc_id}.txt", blob_sha256="0" * 64, format="txt", text=text, language=language, title=title
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "data")
    with store.write() as conn:
        for doc in (_doc("doc_ru", RU, "ru"), _doc("doc_en", EN, "en", title="Beatings in a colony"), _doc("doc_uk", UK, "uk")):
            save_document(conn, doc, "2024-01-01T00:00:00+00:00")
    return store


def _ids(store: Store, query: str) -> list[str]:
    with store.read() as conn:
        return [hit.id for hit in search_documents(conn, query)]


def test_russian_word_in_another_inflection_finds_the_document(store):
    # Stored: «мобилизованных» (genitive plural); asked: «мобилизованный» (nominative singular).
    assert _ids(store, "мобилизованный") == ["doc_ru"]
    assert _ids(store, "Мобилизованные колония") == ["doc_ru"]
    assert _ids(store, "избиения") == []  # a different word (noun, not the verb) is not a match
    assert _ids(store, "мобилизованный Бахмут") == []  # every word must occur


def test_english_and_ukrainian_inflections(store):
    assert _ids(store, "prisoner") == ["doc_en"]
    assert _ids(store, "refuse contract") == ["doc_en"]
    # Ukrainian goes through the Russian stemmer: the endings the two languages share are matched.
    assert _ids(store, "мобілізованого") == ["doc_uk"]
    assert _ids(store, "підвалі Бахмуті") == ["doc_uk"]


def test_phrases_alternatives_and_exclusions(store):
    assert _ids(store, '"penal colony"') == ["doc_en"]
    assert _ids(store, '"colony penal"') == []
    assert sorted(_ids(store, "prisoners or мобилизованный")) == ["doc_en", "doc_ru"]
    assert _ids(store, "prisoners -guards") == []
    assert _ids(store, "the") == [] and _ids(store, "") == [] and _ids(store, "-colony") == []
    with store.read() as conn:
        assert count_documents(conn, "prisoners or мобилизованный") == 2


def test_hits_carry_the_document_a_snippet_and_pages(store):
    with store.read() as conn:
        (hit,) = search_documents(conn, "beaten")
        assert (hit.id, hit.name, hit.title, hit.language) == ("doc_en", "doc_en.txt", "Beatings in a colony", "en")
        assert "beaten" in hit.snippet and hit.score > 0
        both = search_documents(conn, "prisoners or мобилизованный")
        assert [h.id for h in search_documents(conn, "prisoners or мобилизованный", limit=1, offset=1)] == [both[1].id]
        assert search_documents(conn, "prisoners or мобилизованный", limit=1, offset=2) == []


def test_ingested_reports_are_searchable_and_lead_to_their_incidents(tmp_path):
    store = Store.open(tmp_path / "data")
    ingest_paths(store, [EXAMPLES / "smert-mobilizovannogo.txt", EXAMPLES / "refusers-pits.txt"], actor="tester")
    with store.read() as conn:
        docs = search_documents(conn, "гауптвахта мобилизованного")
        assert [d.name for d in docs] == ["smert-mobilizovannogo.txt"]
        assert "гауптвахт" in docs[0].snippet
        incidents = search_incidents(conn, "гауптвахта")
        assert incidents and all(docs[0].id in hit.document_ids for hit in incidents)
        assert {h.id for h in incidents} == matching_incident_ids(conn, "гауптвахта")
        linked = {r[0] for r in rows(store.url, "SELECT incident_id FROM claims WHERE document_id = :d", d=docs[0].id)}
        assert {h.id for h in incidents} == linked - {None}
        assert search_incidents(conn, "гауптвахта Zaitseve") == []


def test_the_index_lives_in_the_engines_own_full_text_search(store):
    if ON_POSTGRES:
        configs = rows(store.url, "SELECT document_id, config::text FROM search_documents ORDER BY document_id")
        assert configs == [("doc_en", "english"), ("doc_ru", "russian"), ("doc_uk", "russian")]
        index = rows(store.url, "SELECT indexdef FROM pg_indexes WHERE tablename = 'search_documents'")
        assert any("gin" in r[0].lower() for r in index)
    else:
        sql = rows(store.url, "SELECT sql FROM sqlite_master WHERE name = 'search_documents'")
        assert "fts5" in sql[0][0].lower()
