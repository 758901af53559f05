from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import text

from docket import custody
from docket.pipeline import ingest_paths
from docket.store import Store

REPORT = "On 3 October 2022 summonses were handed to about 60 workers at a factory in Kazan.\n"


def _count(store: Store, table: str) -> int:
    with store.read() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_same_bytes_twice_adds_nothing_and_says_so(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "first.txt").write_text(REPORT, encoding="utf-8")
    store = Store.open(tmp_path / "data")
    first = ingest_paths(store, [tmp_path / "in"], actor="t")
    before = {t: _count(store, t) for t in ("blobs", "documents", "claims", "incidents", "custody")}
    copy = tmp_path / "copy.txt"
    copy.write_bytes((tmp_path / "in" / "first.txt").read_bytes())
    again = ingest_paths(store, [tmp_path / "in", copy], actor="t")
    assert first.count("added") == 1
    assert [(o.name, o.status, o.message) for o in again.outcomes] == [
        ("first.txt", "skipped", "same bytes as first.txt"),
        ("copy.txt", "skipped", "same bytes as first.txt"),
    ]
    assert {t: _count(store, t) for t in before} == before
    assert custody.verify(store) == []


def test_failed_file_is_recorded_and_the_batch_goes_on(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-bad.pdf").write_bytes(b"%PDF-1.4\n garbage \x00\x01")
    (tmp_path / "in" / "b-good.txt").write_text(REPORT, encoding="utf-8")
    store = Store.open(tmp_path / "data")
    report = ingest_paths(store, [tmp_path / "in"], actor="t")
    assert [(o.name, o.status) for o in report.outcomes] == [("a-bad.pdf", "failed"), ("b-good.txt", "added")]
    with store.read() as conn:
        rows = conn.execute(text("SELECT name, status, error, format FROM documents ORDER BY name")).all()
        blobs = conn.execute(text("SELECT first_name FROM blobs ORDER BY first_name")).scalars().all()
    assert rows[0][:2] == ("a-bad.pdf", "failed") and "a-bad.pdf" in rows[0][2] and rows[0][3] == "pdf"
    assert rows[1][:3] == ("b-good.txt", "ok", None)
    # The original of a failed file is evidence too: it is kept.
    assert blobs == ["a-bad.pdf", "b-good.txt"]
    assert custody.verify(store) == []


def test_email_attachments_get_their_own_blobs_and_documents(tmp_path: Path):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "b@example.org", "Report from Kazan"
    msg["Date"] = "Mon, 10 Oct 2022 10:00:00 +0000"
    msg.set_content("Forwarding the testimony below.\n")
    msg.add_attachment(REPORT.encode(), maintype="text", subtype="plain", filename="testimony.txt")
    (tmp_path / "mail.eml").write_bytes(bytes(msg))
    store = Store.open(tmp_path / "data")
    ingest_paths(store, [tmp_path / "mail.eml"], actor="t")
    with store.read() as conn:
        blobs = conn.execute(text("SELECT first_name, sha256 FROM blobs ORDER BY first_name")).all()
        docs = conn.execute(text("SELECT name, blob_sha256, parent_id FROM documents ORDER BY name")).all()
    assert [b.first_name for b in blobs] == ["mail.eml", "testimony.txt"]
    assert {d.blob_sha256 for d in docs} == {b.sha256 for b in blobs}
    assert all(store.blobs.exists(b.sha256) for b in blobs)
    # The attachment's bytes are stored, so ingesting it on its own later adds nothing.
    (tmp_path / "testimony.txt").write_text(REPORT, encoding="utf-8")
    again = ingest_paths(store, [tmp_path / "testimony.txt"], actor="t")
    assert again.outcomes[0].status == "skipped"
    assert custody.verify(store) == []
