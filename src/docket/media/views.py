"""Media as the command line and the web pages show them: facts, links, incidents and near-duplicates."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from docket.media import speech
from docket.store import media as repo
from docket.store.schema import claims, documents


def where_text(a_at: float | None, b_at: float | None, a: str = "here", b: str = "there") -> str:
    """Where shared footage begins in each of two media: ", at 0.0 s here = 12.4 s there"."""
    if a_at is None and b_at is None:
        return ""
    if a_at is None:
        return f", at {b_at:.1f} s {b}"
    if b_at is None:
        return f", at {a_at:.1f} s {a}"
    return f", from {a_at:.1f} s {a} = {b_at:.1f} s {b}"


def transcript_text(row: dict[str, Any]) -> str:
    """What is said of a media file's speech."""
    if row.get("transcript"):
        return row["transcript"]
    if row["status"] != "ok":
        return "not read"
    if row["kind"] == "image" or not row.get("audio_codec"):
        return "no sound"
    if speech.find_model() is None:
        return speech.NO_MODEL
    return "not transcribed (stored before a speech model was installed)"


def facts(row: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("sha256", row["sha256"]), ("bytes", row["size"]), ("media type", row["media_type"])]
    if row["status"] != "ok":
        return [*out, ("error", row["error"])]
    codecs = " / ".join(c for c in (row["video_codec"], row["audio_codec"]) if c)
    for label, value in (
        ("container", row["container"]), ("codecs", codecs),
        ("duration", f"{row['duration']:.2f} s" if row["duration"] else None),
        ("resolution", f"{row['width']}×{row['height']}" if row["width"] else None),
        ("created", row["created"]), ("device", row["device"]),
        ("GPS", f"{row['lat']:.6f}, {row['lon']:.6f}" if row["lat"] is not None else None),
        ("thumbnail", row["thumbnail"]),
    ):
        if value:
            out.append((label, value))
    tags = (json.loads(row["meta"] or "{}") or {}).get("tags") or {}
    if tags.get("named_as"):
        out.append(("note", f"named {tags['named_as']}"))
    return out


def media_view(conn: Connection, media_id: str) -> dict[str, Any] | None:
    row = repo.get_media(conn, media_id)
    if row is None:
        return None
    links = repo.links_of(conn, media_id)
    doc_ids = [link["target_id"] for link in links if link["target_type"] == "document"]
    names = dict(conn.execute(select(documents.c.id, documents.c.name).where(documents.c.id.in_(doc_ids))).all())
    docs = [link | {"name": names.get(link["target_id"])} for link in links if link["target_type"] == "document"]
    incidents = [{"id": link["target_id"], "via": f"attached by {link['actor']}"} for link in links
                 if link["target_type"] == "incident"]
    found = conn.execute(select(claims.c.incident_id, claims.c.document_id).distinct()
                         .where(claims.c.document_id.in_(doc_ids), claims.c.incident_id.is_not(None)))
    for incident_id, doc_id in sorted(found):
        if all(i["id"] != incident_id for i in incidents):
            incidents.append({"id": incident_id, "via": f"document {doc_id}"})
    printed = repo.get_print(conn, media_id)
    heard = repo.get_audio_print(conn, media_id)
    prints = [("fingerprint", f"{printed['samples']} samples ({printed['algorithm']})")] if printed else []
    if heard:
        prints.append(("sound fingerprint", f"{heard['frames']} frames, one every {heard['hop_us'] / 1000:g} ms "
                                            f"({heard['algorithm']})"))
    return {
        "media": row,
        "facts": facts(row) + prints,
        "transcript": transcript_text(row),
        "keyframes": json.loads(row["keyframes"] or "[]"),
        "documents": docs,
        "incidents": incidents,
        "matches": _matches(conn, media_id),
    }


def _matches(conn: Connection, media_id: str) -> list[dict[str, Any]]:
    return [m | {"where": where_text(m["a_at"], m["b_at"])} for m in repo.matches_of(conn, media_id)]


def linked_media(conn: Connection, *, document_ids: list[str] | None = None, incident_id: str | None = None) -> list[dict[str, Any]]:
    """Media linked to these documents, or to this incident (directly or through its documents), each with
    its near-duplicates; for the document and incident pages."""
    rows = repo.media_linked_to(conn, "document", list(document_ids or []))
    if incident_id is not None:
        docs = [r.document_id for r in conn.execute(
            select(claims.c.document_id).distinct().where(claims.c.incident_id == incident_id))]
        rows = repo.media_linked_to(conn, "incident", [incident_id]) + repo.media_linked_to(conn, "document", docs)
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        out.append({"id": r["id"], "name": r["name"], "kind": r["kind"], "sha256": r["sha256"], "status": r["status"],
                    "relation": r["relation"], "duration": r["duration"], "thumbnail": r["thumbnail"],
                    "matches": _matches(conn, r["id"])})
    return out
