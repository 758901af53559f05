"""Media belong to documents (Telegram post, e-mail, report beside them) and so to incidents; a reviewer
attaches media to an incident; the incident and document pages list them with hashes and near-duplicates."""

from __future__ import annotations

import email.message
import hashlib
import json
import re
import shutil
import warnings
from pathlib import Path

import pytest
from mediakit import Footage
from typer.testing import CliRunner

from docket import custody
from docket.cli import app
from docket.model import stable_id
from docket.pipeline import ingest_paths
from docket.review import accounts, actions
from docket.review.actions import ReviewError
from docket.store import Store
from docket.store import media as repo
from docket.store.register import list_incidents

REPORT = (Path(__file__).resolve().parents[2] / "examples" / "reports" / "melitopol-detainees.txt").read_text("utf-8")
PASSWORD = "a long test password"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def _links(store: Store, name: str) -> list[tuple[str, str, str]]:
    with store.read() as conn:
        row = next(r for r in repo.list_media(conn) if r["name"] == name)
        return [(link["target_type"], link["target_id"], link["relation"]) for link in repo.links_of(conn, row["id"])]


def _media_id(store: Store, name: str) -> str:
    with store.read() as conn:
        return next(r["id"] for r in repo.list_media(conn) if r["name"] == name)


def test_telegram_photo_and_video_link_to_their_posts(store: Store, tmp_path: Path, footage: Footage) -> None:
    export = tmp_path / "export"
    (export / "photos").mkdir(parents=True)
    (export / "video_files").mkdir()
    shutil.copy(footage.photo, export / "photos" / "photo_7@11-07-2023_14-02-40.jpg")
    shutil.copy(footage.copies["clip"], export / "video_files" / "clip.mp4")
    messages = [
        {"id": 7, "type": "message", "date": "2023-07-11T14:02:40", "text": REPORT,
         "photo": "photos/photo_7@11-07-2023_14-02-40.jpg", "width": 800, "height": 600},
        {"id": 8, "type": "message", "date": "2023-07-11T15:00:00", "text": "Видео из колонии, присланное читателем.",
         "file": "video_files/clip.mp4", "media_type": "video_file", "mime_type": "video/mp4"},
        {"id": 9, "type": "message", "date": "2023-07-11T16:00:00", "text": "Ещё одно видео.",
         "file": "(File not included. Change data exporting settings to download.)", "media_type": "video_file"},
    ]
    (export / "result.json").write_text(json.dumps({"name": "Channel", "type": "public_channel", "id": 1,
                                                    "messages": messages}, ensure_ascii=False), "utf-8")
    report = ingest_paths(store, [export], actor="tester")
    assert {o.name: o.status for o in report.outcomes} == {
        "result.json": "added", "photo_7@11-07-2023_14-02-40.jpg": "added", "clip.mp4": "added"}
    sha = hashlib.sha256((export / "result.json").read_bytes()).hexdigest()
    assert _links(store, "photo_7@11-07-2023_14-02-40.jpg") == [("document", stable_id("doc", sha, "7"), "telegram")]
    assert _links(store, "clip.mp4") == [("document", stable_id("doc", sha, "8"), "telegram")]
    assert custody.verify(store) == []


def test_an_image_attached_to_an_email_links_to_it(store: Store, tmp_path: Path, footage: Footage) -> None:
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "witness@example.org", "desk@example.org", "Melitopol"
    msg["Date"] = "Fri, 03 Mar 2023 10:00:00 +0000"
    msg.set_content(REPORT)
    msg.add_attachment(footage.photo.read_bytes(), maintype="image", subtype="jpeg", filename="scene.jpg")
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "tip.eml").write_bytes(msg.as_bytes())
    report = ingest_paths(store, [folder], actor="tester")
    assert [(o.name, o.status) for o in report.outcomes] == [("tip.eml", "added"), ("scene.jpg", "added")]
    mail_doc = stable_id("doc", hashlib.sha256((folder / "tip.eml").read_bytes()).hexdigest(), "")
    assert _links(store, "scene.jpg") == [("document", mail_doc, "attachment")]
    again = ingest_paths(store, [folder], actor="tester")  # the attachment is not taken up twice
    assert [(o.name, o.status, o.message) for o in again.outcomes][1:] == [("scene.jpg", "skipped", "done already")]
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]


def test_reports_beside_media_same_stem_then_sole_report(store: Store, tmp_path: Path, footage: Footage) -> None:
    two = tmp_path / "two-reports"
    two.mkdir()
    (two / "melitopol.txt").write_text(REPORT, "utf-8")
    (two / "other.md").write_text("# Note\n\nNothing happened here that we know of.\n", "utf-8")
    shutil.copy(footage.photo, two / "melitopol_1.jpg")
    shutil.copy(footage.photo_copies["resized"], two / "unnamed.jpg")  # two reports, no stem: no link
    one = tmp_path / "one-report"
    one.mkdir()
    (one / "statement.txt").write_text(REPORT.replace("Melitopol", "Berdiansk"), "utf-8")
    shutil.copy(footage.copies["clip"], one / "VID_0001.mp4")
    ingest_paths(store, [two, one], actor="tester")
    melitopol = stable_id("doc", hashlib.sha256((two / "melitopol.txt").read_bytes()).hexdigest(), "")
    statement = stable_id("doc", hashlib.sha256((one / "statement.txt").read_bytes()).hexdigest(), "")
    assert _links(store, "melitopol_1.jpg") == [("document", melitopol, "same-stem")]
    assert _links(store, "unnamed.jpg") == []
    assert _links(store, "VID_0001.mp4") == [("document", statement, "folder")]


def test_media_added_before_its_report_is_linked_when_the_folder_is_ingested(store: Store, tmp_path: Path,
                                                                            footage: Footage) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copy(footage.photo, folder / "case.jpg")
    runner = CliRunner()
    result = runner.invoke(app, ["--data-dir", str(store.data_dir), "media", "add", str(folder / "case.jpg")])
    assert result.exit_code == 0, result.output
    assert _links(store, "case.jpg") == []
    (folder / "case.txt").write_text(REPORT, "utf-8")
    report = ingest_paths(store, [folder], actor="tester")
    assert [(o.name, o.status) for o in report.outcomes] == [("case.txt", "added"), ("case.jpg", "skipped")]
    assert report.outcomes[1].message == "done already; 1 new link"
    assert [relation for _, _, relation in _links(store, "case.jpg")] == ["same-stem"]


def _login(client, name: str):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303
    return client


def test_a_reviewer_attaches_media_and_the_pages_list_it(store: Store, tmp_path: Path, footage: Footage) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "melitopol.txt").write_text(REPORT, "utf-8")
    shutil.copy(footage.photo, folder / "melitopol.jpg")
    loose = tmp_path / "loose"
    loose.mkdir()
    shutil.copy(footage.photo_copies["watermarked"], loose / "forwarded.jpg")
    shutil.copy(footage.unrelated_photos[0], loose / "elsewhere.jpg")
    ingest_paths(store, [folder, loose], actor="tester")
    with store.read() as conn:
        [incident] = list_incidents(conn)
    loose_id = _media_id(store, "elsewhere.jpg")
    runner = CliRunner()
    args = ["--data-dir", str(store.data_dir), "media", "attach", loose_id[:10], incident["id"][:12], "--note", "same yard"]
    result = runner.invoke(app, args, env={"DOCKET_ACTOR": "analyst-anna"})
    assert result.exit_code == 0, result.output
    assert f"attached {loose_id} to {incident['id']} by analyst-anna" in result.output
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "attached to" in again.output and "already" in again.output
    with store.read() as conn:
        [review] = [h for h in actions.history(conn, incident["id"]) if h["action"] == "attach-media"]
        entries = [(e.action, e.object_type, e.object_id, e.actor) for e in custody.entries(conn)]
    assert (review["actor"], review["after"]["media_id"], review["note"]) == ("analyst-anna", loose_id, "same yard")
    assert ("attach-media", "incident", incident["id"], "analyst-anna") in entries
    assert ("link", "media", loose_id, "analyst-anna") in entries
    assert _links(store, "elsewhere.jpg") == [("incident", incident["id"], "reviewer")]
    with store.write() as conn, pytest.raises(ReviewError, match="no media"):
        actions.attach_media(conn, incident["id"], "med_nonexistent", "analyst-anna")
    assert custody.verify(store) == []

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        from docket.web import create_app
    with store.write() as conn:
        accounts.add_user(conn, "viewer", "viewer", PASSWORD, actor="setup")
    client = _login(TestClient(create_app(store)), "viewer")
    photo = _media_id(store, "melitopol.jpg")
    with store.read() as conn:
        photo_sha = repo.get_media(conn, photo)["sha256"]
        forwarded_sha = repo.get_media(conn, _media_id(store, "forwarded.jpg"))["sha256"]
        [doc_id] = {link["target_id"] for link in repo.links_of(conn, photo)}
    page = client.get(f"/incidents/{incident['id']}").text
    assert "Media (2)" in page and "melitopol.jpg" in page and "elsewhere.jpg" in page
    assert f"sha256 {photo_sha}" in page and f"sha256 {forwarded_sha}" in page  # its near-duplicate
    assert re.search(r"similar: forwarded\.jpg .*distance \d+/256", page)
    doc_page = client.get(f"/documents/{doc_id}").text
    assert "Media (1)" in doc_page and "same-stem" in doc_page and f"sha256 {photo_sha}" in doc_page

    # Detached again by a reviewer on the command line: recorded the same way; the document's link stays.
    detach = ["--data-dir", str(store.data_dir), "media", "detach", loose_id, incident["id"], "--note", "other yard"]
    result = runner.invoke(app, detach, env={"DOCKET_ACTOR": "analyst-boris"})
    assert result.exit_code == 0 and f"detached {loose_id} from {incident['id']} by analyst-boris" in result.output
    assert _links(store, "elsewhere.jpg") == []
    refused = runner.invoke(app, ["--data-dir", str(store.data_dir), "media", "detach", photo, incident["id"]])
    assert refused.exit_code == 2 and "not attached" in refused.output
    assert _links(store, "melitopol.jpg") == [("document", doc_id, "same-stem")]
    with store.read() as conn:
        [undone] = [h for h in actions.history(conn, incident["id"]) if h["action"] == "detach-media"]
    assert (undone["actor"], undone["before"]["attached_by"], undone["note"]) == ("analyst-boris", "analyst-anna",
                                                                                 "other yard")
    assert "Media (1)" in client.get(f"/incidents/{incident['id']}").text
    assert custody.verify(store) == []
