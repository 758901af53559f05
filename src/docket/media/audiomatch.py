"""Finding stored sound in a query's audio fingerprint (``docket.media.audioprint``), with the offset.

``AudioIndex`` holds every stored fingerprint; its sub-fingerprints (every ``SEED_STEP``-th frame, 0s left
out) are sorted by value, so a query frame's value, and every value one bit away from it (a copy flips a
few bits), is found by binary search. Each hit (a "seed") says where the query would sit in the stored
sound (offset = stored frame − query frame). Seeds are counted per media and offset; the best-supported
offsets (``MIN_SEEDS`` or more) are checked by the bit error rate over every frame the two share there
(both informative): the same sound when it is at most ``MAX_BER`` over at least ``MIN_FRAMES`` frames
(Haitsma and Kalker's threshold is 0.35; unrelated sound is 0.5). This finds a re-encoded copy, and a clip
cut out of a longer recording and where it begins, and rejects sound that only shares a few frames.

A match is a ``docket.media.match.Match``: ``distance`` is the bit error rate scaled to 256 (as picture
distances are out of 256 bits), ``frames`` the shared frames within ``CLOSE_BITS`` of 32, ``overlap`` the
frames compared, ``query_at`` and ``match_at`` where the shared sound begins in each (seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from docket.media.audioprint import AudioPrint
from docket.media.match import Match

SEED_STEP = 2  # every other stored frame is looked up (a copy's frames meet one of them at any offset)
MAX_BUCKET = 2000  # a value held by more frames than this says nothing (a hum, a test tone): not a seed
MIN_SEEDS = 4
OFFSETS_TRIED = 3
MIN_FRAMES = 150  # 2.4 s of informative frames shared
MAX_BER = 0.30
CLOSE_BITS = 6
_FLIPS = np.concatenate([[0], 1 << np.arange(32)]).astype(np.uint32)


@dataclass
class _Stored:
    media_id: str
    kind: str
    print: AudioPrint


class AudioIndex:
    """Stored audio fingerprints, searchable together; built from the store or added to as media arrive."""

    def __init__(self) -> None:
        self.items: list[_Stored] = []
        self._position: dict[str, int] = {}
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._values = np.empty(0, dtype=np.uint32)
        self._owner = np.empty(0, dtype=np.int32)
        self._frame = np.empty(0, dtype=np.int32)

    def __len__(self) -> int:
        """Frames looked up (informative frames of the stored fingerprints, every SEED_STEP-th)."""
        return len(self._values) + sum(len(p[0]) for p in self._parts)

    def __contains__(self, media_id: str) -> bool:
        return media_id in self._position

    def add(self, media_id: str, kind: str, sound: AudioPrint) -> None:
        if media_id in self._position or not sound.informative:
            return
        owner = len(self.items)
        self._position[media_id] = owner
        self.items.append(_Stored(media_id, kind, sound))
        frames = np.arange(0, len(sound), SEED_STEP, dtype=np.int32)
        frames = frames[sound.prints[frames] != 0]
        self._parts.append((sound.prints[frames], np.full(len(frames), owner, dtype=np.int32), frames))

    def _build(self) -> None:
        if not self._parts:
            return
        values = np.concatenate([self._values, *(p[0] for p in self._parts)])
        owner = np.concatenate([self._owner, *(p[1] for p in self._parts)])
        frame = np.concatenate([self._frame, *(p[2] for p in self._parts)])
        order = np.argsort(values, kind="stable")
        self._values, self._owner, self._frame = values[order], owner[order], frame[order]
        self._parts = []

    def query(self, sound: AudioPrint, *, exclude: str | None = None) -> list[Match]:
        """Stored media whose sound ``sound`` shares, best first."""
        self._build()
        if not len(self._values) or sound.informative < MIN_FRAMES:
            return []
        q_frames = np.flatnonzero(sound.prints)
        probes = (sound.prints[q_frames][:, None] ^ _FLIPS[None, :]).reshape(-1)
        lo = np.searchsorted(self._values, probes, side="left")
        hi = np.searchsorted(self._values, probes, side="right")
        sizes = np.where(hi - lo > MAX_BUCKET, 0, hi - lo)
        total = int(sizes.sum())
        if not total:
            return []
        rows = np.repeat(lo - (np.cumsum(sizes) - sizes), sizes) + np.arange(total)
        query_frame = np.repeat(np.repeat(q_frames, len(_FLIPS)), sizes)
        owners = self._owner[rows]
        offsets = self._frame[rows].astype(np.int64) - query_frame
        skip = self._position.get(exclude or "", -1)
        matches = []
        for owner in np.unique(owners):
            if owner == skip:
                continue
            found = self._match(sound, int(owner), offsets[owners == owner])
            if found is not None:
                matches.append(found)
        return sorted(matches, key=lambda m: (m.distance, -m.frames, m.media_id))

    def _match(self, sound: AudioPrint, owner: int, offsets: np.ndarray) -> Match | None:
        stored = self.items[owner]
        values, counts = np.unique(offsets, return_counts=True)
        best: tuple[float, int, int, int] | None = None  # (ber, close, compared, offset)
        for i in np.argsort(-counts, kind="stable")[:OFFSETS_TRIED]:
            if counts[i] < MIN_SEEDS:
                break
            for offset in (int(values[i]) - 1, int(values[i]), int(values[i]) + 1):
                found = bit_errors(sound.prints, stored.print.prints, offset)
                if found is not None and (best is None or found[0] < best[0]):
                    best = (*found, offset)
        if best is None or best[0] > MAX_BER:
            return None
        ber, close, compared, offset = best
        hop = stored.print.hop
        return Match(stored.media_id, stored.kind, int(round(ber * 256)), close, compared,
                     max(0, -offset) * hop, max(0, offset) * hop, by="sound")


def bit_errors(query: np.ndarray, stored: np.ndarray, offset: int) -> tuple[float, int, int] | None:
    """(bit error rate, frames within CLOSE_BITS, frames compared) of the frames the two share when query frame
    ``i`` is stored frame ``i + offset`` (informative in both); None when they share fewer than MIN_FRAMES."""
    start, end = max(0, -offset), min(len(query), len(stored) - offset)
    if end - start < MIN_FRAMES:
        return None
    q, s = query[start:end], stored[start + offset : end + offset]
    both = (q != 0) & (s != 0)
    compared = int(both.sum())
    if compared < MIN_FRAMES:
        return None
    errors = np.bitwise_count(q[both] ^ s[both])
    return float(errors.sum()) / (32 * compared), int((errors <= CLOSE_BITS).sum()), compared
