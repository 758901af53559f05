"""``docket verify`` for media: each media row, fingerprint (pictures, sound) and set of links still hashes to
what its latest custody entry recorded (``docket.media.record``); the originals are re-hashed with every blob."""

from __future__ import annotations

from sqlalchemy import Connection, select

from docket import custody
from docket.media import record
from docket.model import CustodyEntry
from docket.store import media as repo


def media_problems(conn: Connection, chain: list[CustodyEntry]) -> list[tuple[str, str]]:
    """(what, problem) for every media record that no longer matches the chain."""
    latest: dict[str, dict[str, CustodyEntry]] = {"row": {}, "print": {}, "audio": {}, "links": {}}
    for e in chain:
        if e.object_type != record.OBJECT:
            continue
        if e.action in (custody.STORE, custody.FAIL):
            latest["row"][e.object_id] = e
        elif e.action == record.FINGERPRINT:
            latest["print"][e.object_id] = e
        elif e.action == record.AUDIO_FINGERPRINT:
            latest["audio"][e.object_id] = e
        elif e.action == custody.LINK:
            latest["links"][e.object_id] = e
    problems: list[tuple[str, str]] = []
    seen = set()
    for row in conn.execute(select(repo.media).order_by(repo.media.c.id)):
        data = dict(row._mapping)
        seen.add(data["id"])
        problems += _compare(f"media {data['id']} ({data['name']})", record.row_hash(data), latest["row"].get(data["id"]))
    printed = set()
    for row in conn.execute(select(repo.media_prints).order_by(repo.media_prints.c.media_id)):
        data = dict(row._mapping)
        printed.add(data["media_id"])
        problems += _compare(f"fingerprint of media {data['media_id']}", record.print_hash(data),
                             latest["print"].get(data["media_id"]))
    heard = set()
    for row in conn.execute(select(repo.media_audio_prints).order_by(repo.media_audio_prints.c.media_id)):
        data = dict(row._mapping)
        heard.add(data["media_id"])
        problems += _compare(f"sound fingerprint of media {data['media_id']}", record.audio_print_hash(data),
                             latest["audio"].get(data["media_id"]))
    linked = {r.media_id for r in conn.execute(select(repo.media_links.c.media_id).distinct())}
    for media_id in sorted(linked | set(latest["links"])):
        problems += _compare(f"links of media {media_id}", record.links_hash(conn, media_id), latest["links"].get(media_id))
    for media_id in sorted(set(latest["row"]) - seen):
        problems.append((f"media {media_id}", f"deleted after custody entry #{latest['row'][media_id].seq}"))
    for media_id in sorted(set(latest["print"]) - printed):
        problems.append((f"fingerprint of media {media_id}", f"deleted after custody entry #{latest['print'][media_id].seq}"))
    for media_id in sorted(set(latest["audio"]) - heard):
        problems.append((f"sound fingerprint of media {media_id}",
                         f"deleted after custody entry #{latest['audio'][media_id].seq}"))
    return problems


def _compare(name: str, digest: str, entry: CustodyEntry | None) -> list[tuple[str, str]]:
    if entry is None:
        return [(name, "has no custody entry")]
    if digest != entry.payload_hash:
        return [(name, f"changed since custody entry #{entry.seq}")]
    return []
