"""``docket verify`` for media: each media row, fingerprint (pictures, sound) and set of links still hashes to
what its latest custody entry recorded (``docket.media.record``); the originals are re-hashed with every blob."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table, select

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
    rows, gone_rows = _table_problems(conn, repo.media, "id", record.row_hash, latest["row"],
                                      lambda d: f"media {d['id']} ({d['name']})", "media {}")
    prints, gone_prints = _table_problems(conn, repo.media_prints, "media_id", record.print_hash, latest["print"],
                                          lambda d: f"fingerprint of media {d['media_id']}", "fingerprint of media {}")
    sounds, gone_sounds = _table_problems(
        conn, repo.media_audio_prints, "media_id", record.audio_print_hash, latest["audio"],
        lambda d: f"sound fingerprint of media {d['media_id']}", "sound fingerprint of media {}",
    )
    links: list[tuple[str, str]] = []
    linked = {r.media_id for r in conn.execute(select(repo.media_links.c.media_id).distinct())}
    for media_id in sorted(linked | set(latest["links"])):
        links += _compare(f"links of media {media_id}", record.links_hash(conn, media_id), latest["links"].get(media_id))
    return rows + prints + sounds + links + gone_rows + gone_prints + gone_sounds


def _table_problems(
    conn: Connection,
    table: Table,
    key: str,
    digest: Callable[[dict], str],
    recorded: dict[str, CustodyEntry],
    label: Callable[[dict], str],
    gone_label: str,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Rows of ``table`` (by ``key``) whose hash differs from their latest custody entry, and entries whose
    row is gone."""
    changed: list[tuple[str, str]] = []
    present = set()
    for row in conn.execute(select(table).order_by(table.c[key])):
        data = dict(row._mapping)
        present.add(data[key])
        changed += _compare(label(data), digest(data), recorded.get(data[key]))
    gone = [(gone_label.format(object_id), f"deleted after custody entry #{recorded[object_id].seq}")
            for object_id in sorted(set(recorded) - present)]
    return changed, gone


def _compare(name: str, digest: str, entry: CustodyEntry | None) -> list[tuple[str, str]]:
    if entry is None:
        return [(name, "has no custody entry")]
    if digest != entry.payload_hash:
        return [(name, f"changed since custody entry #{entry.seq}")]
    return []
