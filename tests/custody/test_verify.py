from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from docket import custody
from docket.pipeline import ingest_paths
from docket.store import Store

REPORT = (
    "On 3 October 2022 military commissariat staff handed summonses to about 60 workers at a factory "
    "in Kazan, according to the rights group Volga Monitor.\n"
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    reports = tmp_path / "in"
    reports.mkdir()
    (reports / "a.txt").write_text(REPORT, encoding="utf-8")
    (reports / "b.txt").write_text("Second report: prisoners were beaten in a colony in 2023.\n", encoding="utf-8")
    store = Store.open(tmp_path / "data")
    ingest_paths(store, [reports], actor="tester")
    return store


def _sql(store: Store, statement: str) -> None:
    with store.write() as conn:
        conn.execute(text(statement))


def _names(problems: list[custody.Problem]) -> list[str]:
    return [f"{p.kind} {p.name}" for p in problems]


def test_untouched_store_verifies_clean(store):
    assert custody.verify(store) == []


def test_entry_hash_covers_every_field():
    base = ("1", "t", "a", "store", "document", "doc_1", "p" * 64, "0" * 64)
    digest = custody.entry_hash(1, *base[1:])
    for i in range(1, len(base)):
        changed = list(base)
        changed[i] = changed[i] + "x"
        assert custody.entry_hash(1, *changed[1:]) != digest


def test_flipped_byte_in_an_original_is_named(store):
    blob = next(p for p in (store.data_dir / "blobs").rglob("*") if p.is_file() and p.parent.name != "tmp")
    data = bytearray(blob.read_bytes())
    data[0] ^= 0x01
    blob.write_bytes(bytes(data))
    problems = custody.verify(store)
    assert len(problems) == 1 and problems[0].kind == "blob"
    assert blob.name[:12] in problems[0].name and "content changed" in problems[0].message


def test_missing_original_is_named(store):
    blob = next(p for p in (store.data_dir / "blobs").rglob("*") if p.is_file() and p.parent.name != "tmp")
    blob.unlink()
    problems = custody.verify(store)
    assert [p.kind for p in problems] == ["blob"] and "missing" in problems[0].message


def test_edited_entry_is_named(store):
    _sql(store, "UPDATE custody SET actor = 'mallory' WHERE seq = 2")
    assert _names(custody.verify(store)) == ["entry #2"]


def test_deleted_entry_is_named(store):
    _sql(store, "DELETE FROM custody WHERE seq = 3")
    problems = custody.verify(store)
    assert "entry #3" in _names(problems)
    assert all("deleted" in p.message for p in problems if p.kind == "entry")


def test_deleting_the_newest_entry_is_noticed(store):
    with store.read() as conn:
        last = conn.execute(text("SELECT max(seq) FROM custody")).scalar()
    _sql(store, f"DELETE FROM custody WHERE seq = {last}")
    assert f"entry #{last}" in _names(custody.verify(store))


def test_changed_document_row_is_named(store):
    with store.read() as conn:
        doc_id = conn.execute(text("SELECT id FROM documents WHERE name = 'a.txt'")).scalar()
    _sql(store, f"UPDATE documents SET text = 'nothing happened' WHERE id = '{doc_id}'")
    problems = custody.verify(store)
    assert _names(problems) == [f"row document {doc_id} (a.txt)"]
    assert "changed since custody entry" in problems[0].message


def test_changed_claims_are_named(store):
    with store.read() as conn:
        row = conn.execute(text("SELECT id, document_id FROM claims LIMIT 1")).first()
    if row is None:
        pytest.skip("the extractor found no claim to tamper with")
    _sql(store, f"UPDATE claims SET data = replace(data, '\"hedged\": false', '\"hedged\": true') WHERE id = '{row.id}'")
    assert f"row claims of document {row.document_id}" in _names(custody.verify(store))


def test_chain_links_each_entry_to_the_one_before(store):
    with store.read() as conn:
        chain = list(custody.entries(conn))
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == custody.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in zip(chain, chain[1:], strict=False))
    assert {e.action for e in chain} >= {"ingest", "store", "extract"}
    assert {e.actor for e in chain} == {"tester"}
