"""Finding stored media in a query's fingerprint: pictures by distance, footage by sequences of frames.

``MediaIndex`` holds every stored track (``docket.media.fingerprint``) in one ``HashIndex``; each row is one
hash of one sample (one crop variant), and knows its media and sample. A query track's hashes are looked
up within ``SEED_RADIUS`` (the hits are "seeds"); the distance of two samples is the least over their crop
variants, so a copy cut at its edges meets the original's cropped hash.

* A picture (a track of one sample) on either side: the match is the best seed, at the time it was found.
* Two videos: each seed says where the query sits in the stored video (offset = stored time − query
  time). Offsets are grouped (within ``OFFSET_TOLERANCE``), the best-supported groups checked: every stored
  sample that falls inside the query at that offset is compared with the query samples nearest to it
  (the query track has ten samples a second); the footage is the same when at least half of them are
  within ``VERIFY_RADIUS`` (and at least three, or all of them if fewer overlap). This finds a clip cut out
  of a longer video and says where, and rejects unrelated footage that has a lookalike frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from docket.media.fingerprint import VARIANTS, Track
from docket.media.index import HashIndex

SEED_RADIUS = 31  # of 256 bits: chunk radius 1 in the multi-index (17 buckets per chunk)
VERIFY_RADIUS = 48
OFFSET_TOLERANCE = 0.35  # seconds
GROUPS_TRIED = 3


@dataclass
class Match:
    media_id: str
    kind: str
    distance: int  # median distance of the compared samples (pictures: the best)
    frames: int  # samples within VERIFY_RADIUS
    overlap: int  # samples compared
    query_at: float | None  # where the shared footage begins in the query (seconds; None for a picture)
    match_at: float | None  # and in the stored media
    by: str = "picture"  # what they share: picture (footage, photos) or sound (``docket.media.audiomatch``)


class MediaIndex:
    """Stored tracks of many media, searchable together; built from the store or added to as media arrive."""

    def __init__(self) -> None:
        self.hashes = HashIndex()
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.tracks: list[Track] = []
        self._owner: list[np.ndarray] = []
        self._sample: list[np.ndarray] = []
        self._owner_all: np.ndarray | None = None
        self._sample_all: np.ndarray | None = None
        self._position: dict[str, int] = {}

    def __len__(self) -> int:
        """Hashes held (samples × crop variants)."""
        return len(self.hashes)

    def build(self) -> None:
        """Make every added track searchable through the tables (see ``HashIndex.build``)."""
        self.hashes.build()

    def __contains__(self, media_id: str) -> bool:
        return media_id in self._position

    def add(self, media_id: str, kind: str, track: Track, *, build: bool = True) -> None:
        if media_id in self._position or not len(track):
            return
        owner = len(self.ids)
        self._position[media_id] = owner
        self.ids.append(media_id)
        self.kinds.append(kind)
        self.tracks.append(track)
        k = len(track)
        self._owner.append(np.full(k * VARIANTS, owner, dtype=np.int32))
        self._sample.append(np.repeat(np.arange(k, dtype=np.int32), VARIANTS))
        self._owner_all = self._sample_all = None
        self.hashes.add(track.words.reshape(-1, 4), build=build)

    def _rows(self) -> tuple[np.ndarray, np.ndarray]:
        if self._owner_all is None or self._sample_all is None:
            self._owner_all = np.concatenate(self._owner) if self._owner else np.empty(0, np.int32)
            self._sample_all = np.concatenate(self._sample) if self._sample else np.empty(0, np.int32)
            self._owner, self._sample = [self._owner_all], [self._sample_all]
        return self._owner_all, self._sample_all

    def query(self, track: Track, *, exclude: str | None = None, radius: int = SEED_RADIUS) -> list[Match]:
        """Stored media that ``track`` (a query track) shares pictures or footage with, best first."""
        if not len(track) or not len(self.hashes):
            return []
        hits = self.hashes.search(track.words.reshape(-1, 4), radius)
        owner_of, sample_of = self._rows()
        owners = owner_of[hits.row]
        skip = self._position.get(exclude or "", -1)
        matches = []
        for owner in np.unique(owners):
            if owner == skip:
                continue
            pick = owners == owner
            q_sample = hits.query[pick] // VARIANTS
            s_sample = sample_of[hits.row[pick]]
            found = self._match(track, int(owner), q_sample, s_sample, hits.distance[pick])
            if found is not None:
                matches.append(found)
        return sorted(matches, key=lambda m: (m.distance, -m.frames, m.media_id))

    def _match(self, query: Track, owner: int, q_sample: np.ndarray, s_sample: np.ndarray,
               dist: np.ndarray) -> Match | None:
        stored = self.tracks[owner]
        media_id, kind = self.ids[owner], self.kinds[owner]
        if len(stored) == 1 or len(query) == 1:
            best = int(np.argmin(dist))
            q_at = float(query.times[q_sample[best]]) if len(query) > 1 else None
            s_at = float(stored.times[s_sample[best]]) if len(stored) > 1 else None
            return Match(media_id, kind, int(dist[best]), 1, 1, q_at, s_at)
        offsets = stored.times[s_sample] - query.times[q_sample]
        best: Match | None = None
        for offset in _offset_groups(offsets, s_sample)[:GROUPS_TRIED]:
            found = verify(query, stored, offset)
            if found is None:
                continue
            distance, frames, overlap = found
            candidate = Match(media_id, kind, distance, frames, overlap, max(0.0, -offset), max(0.0, offset))
            if best is None or (candidate.frames, -candidate.distance) > (best.frames, -best.distance):
                best = candidate
        return best


def _offset_groups(offsets: np.ndarray, samples: np.ndarray) -> list[float]:
    """Median offsets of groups of nearby seed offsets, best supported (most stored samples) first."""
    order = np.argsort(offsets)
    values, owners = offsets[order], samples[order]
    breaks = np.flatnonzero(np.diff(values) > OFFSET_TOLERANCE) + 1
    groups = []
    for part_values, part_samples in zip(np.split(values, breaks), np.split(owners, breaks), strict=True):
        groups.append((len(np.unique(part_samples)), float(np.median(part_values))))
    groups.sort(key=lambda g: (-g[0], g[1]))
    return [offset for _, offset in groups]


def verify(query: Track, stored: Track, offset: float) -> tuple[int, int, int] | None:
    """(median distance, samples within VERIFY_RADIUS, samples compared) of the stored samples that fall
    inside the query at this offset, or None when they do not make the same footage."""
    step = float(np.median(np.diff(query.times))) if len(query) > 1 else 0.1
    at = stored.times - offset  # stored samples on the query's clock
    inside = np.flatnonzero((at >= query.times[0] - step) & (at <= query.times[-1] + step))
    if not len(inside):
        return None
    nearest = np.searchsorted(query.times, at[inside])
    around = np.clip(nearest[:, None] + np.array([-1, 0, 1])[None, :], 0, len(query) - 1)  # (m, 3)
    s_words = stored.words[inside][:, None, :, None, :]  # (m, 1, V, 1, 4)
    q_words = query.words[around][:, :, None, :, :]  # (m, 3, 1, V, 4)
    dist = np.bitwise_count(s_words ^ q_words).sum(axis=-1).reshape(len(inside), -1).min(axis=1)
    overlap = len(inside)
    good = int((dist <= VERIFY_RADIUS).sum())
    if good < max(min(3, overlap), math.ceil(overlap / 2)):
        return None
    return int(np.median(dist)), good, overlap
