"""Near-duplicates of a file among the stored media: the indexes built from the store (pictures and sound),
and a lookup in both."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from docket.media.analyse import Analysis, analyse
from docket.media.audiomatch import AudioIndex
from docket.media.audioprint import AudioPrint
from docket.media.fingerprint import Track
from docket.media.match import Match, MediaIndex
from docket.store import media as repo


def load_index(conn: Connection) -> MediaIndex:
    """Every stored picture fingerprint, in one in-memory index."""
    index = MediaIndex()
    for media_id, kind, times_ms, hashes in repo.iter_prints(conn):
        index.add(media_id, kind, Track.from_text(times_ms, hashes), build=False)
    index.build()
    return index


def load_audio_index(conn: Connection) -> AudioIndex:
    """Every stored sound fingerprint, in one in-memory index."""
    index = AudioIndex()
    for media_id, kind, row in repo.iter_audio_prints(conn):
        index.add(media_id, kind, AudioPrint.from_hex(row["prints"], row["hop_us"], row["start_ms"]))
    return index


def combine(pictures: list[Match], sounds: list[Match]) -> list[Match]:
    """One match per stored media, best first: by pictures where they share some, else by sound."""
    seen = {m.media_id for m in pictures}
    return sorted([*pictures, *(m for m in sounds if m.media_id not in seen)],
                  key=lambda m: (m.distance, -m.frames, m.media_id))


@dataclass
class Found:
    match: Match
    name: str
    sha256: str


def similar_to_file(conn: Connection, path: Path, index: MediaIndex | None = None,
                    audio_index: AudioIndex | None = None) -> tuple[Analysis, list[Found]]:
    """The file read (``MediaError`` if it cannot be) and the stored media it shares pictures, footage or
    sound with."""
    analysis = analyse(path, path.name, transcribe=False)
    pictures = sounds = []
    if analysis.fingerprint is not None:
        pictures = (index or load_index(conn)).query(analysis.fingerprint.query)
    if analysis.sound is not None:
        sounds = (audio_index or load_audio_index(conn)).query(analysis.sound)
    found = []
    for m in combine(pictures, sounds):
        row = repo.get_media(conn, m.media_id)
        if row is not None:
            found.append(Found(m, row["name"], row["sha256"]))
    return analysis, found
