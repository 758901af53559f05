"""Fingerprints: PDQ hashes of a picture, or of a video's frames sampled in time.

A video gets two tracks from one decoding pass:

* the stored track: one sample a second (the first frame at or after 0 s, 1 s, 2 s, ...) plus the kept
  keyframes; kept in the store and searched by ``docket media similar``;
* the query track: a sample every 0.1 s, kept only while the file is being ingested or looked up. A copy's
  samples fall anywhere between the original's, and a panning camera moves the picture enough in half a
  second to change a hash; ten samples a second put one within 0.05 s of each stored sample.

Each sample has one hash per crop of ``pdq.CROPS`` (whole, 2.5% and 5% off each edge); samples too flat to
hash (``pdq.MIN_QUALITY``) are left out. An image is one sample at time 0 in both tracks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np

from docket.media import frames as fr
from docket.media import pdq
from docket.media.metadata import MediaError

STORED_STEP = 1.0
QUERY_STEP = 0.1
MAX_KEYFRAMES = 12
VARIANTS = len(pdq.CROPS)


@dataclass
class Track:
    """Samples in time order: ``times`` (k,) seconds, ``words`` (k, VARIANTS, 4) uint64 hashes."""

    times: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    words: np.ndarray = field(default_factory=lambda: np.empty((0, VARIANTS, 4), dtype=np.uint64))

    def __len__(self) -> int:
        return len(self.times)

    @classmethod
    def of(cls, samples: list[tuple[float, bytes]]) -> Track:
        """From (time, VARIANTS × 32 hash bytes) pairs."""
        samples = sorted(samples, key=lambda s: s[0])
        if not samples:
            return cls()
        times = np.array([s[0] for s in samples], dtype=np.float64)
        words = pdq.words(b"".join(s[1] for s in samples)).reshape(-1, VARIANTS, 4)
        return cls(times, words)

    def hex(self) -> str:
        """The hashes as one hex string, sample by sample, variant by variant (how the store keeps them)."""
        return np.ascontiguousarray(self.words, dtype="<u8").tobytes().hex()

    def times_text(self) -> str:
        return ",".join(str(int(round(t * 1000))) for t in self.times)

    @classmethod
    def from_text(cls, times_ms: str, hashes_hex: str) -> Track:
        if not times_ms:
            return cls()
        times = np.array([int(v) for v in times_ms.split(",")], dtype=np.float64) / 1000
        return cls(times, pdq.from_hex_concat(hashes_hex).reshape(-1, VARIANTS, 4))


@dataclass
class Fingerprint:
    stored: Track
    query: Track
    thumbnail: bytes | None = None  # JPEG
    keyframes: list[tuple[float, bytes]] = field(default_factory=list)  # (time, JPEG)
    frames: int = 0  # frames decoded
    last_time: float = 0.0  # time of the last frame decoded


def _sample(grey: Any) -> bytes | None:
    """VARIANTS hashes of a WORK×WORK grey picture, or None when it is too flat to hash."""
    hashes = pdq.variant_hashes(grey)
    if hashes[0][1] < pdq.MIN_QUALITY:
        return None
    return b"".join(h for h, _ in hashes)


def image_fingerprint(image: Any) -> Fingerprint:
    """One sample (time 0) of a decoded Pillow image, and its thumbnail."""
    sample = _sample(pdq.work_image(image))
    track = Track.of([(0.0, sample)] if sample else [])
    return Fingerprint(track, track, thumbnail=fr.still(image), frames=1)


def video_fingerprint(src: str | BinaryIO, *, duration: float | None = None, threads: int = 0) -> Fingerprint:
    """Both tracks, a thumbnail and up to MAX_KEYFRAMES keyframe stills, from one pass over the frames."""
    stored: list[tuple[float, bytes]] = []
    query: list[tuple[float, bytes]] = []
    keyframes: list[tuple[float, bytes]] = []
    key_gap = max(2.0, (duration or 0) / MAX_KEYFRAMES)
    thumb_at = min(1.0, (duration or 0) / 10)
    thumbnail: bytes | None = None
    next_stored, next_query, last_key = 0.0, 0.0, -1e9
    count, last = 0, 0.0
    for when, frame in fr.video_frames(src, threads=threads):
        count, last = count + 1, when
        is_stored = when + 1e-6 >= next_stored
        is_key = bool(frame.key_frame) and len(keyframes) < MAX_KEYFRAMES and when - last_key >= key_gap
        if not (is_stored or is_key or when + 1e-6 >= next_query or (thumbnail is None and when >= thumb_at)):
            continue
        sample = _sample(fr.grey(frame))
        if when + 1e-6 >= next_query:
            next_query = _next(next_query, when, QUERY_STEP)
            if sample:
                query.append((when, sample))
        if is_stored:
            next_stored = _next(next_stored, when, STORED_STEP)
            if sample:
                stored.append((when, sample))
        if is_key and sample:
            last_key = when
            keyframes.append((when, fr.still(frame)))
            if not is_stored:
                stored.append((when, sample))
        if thumbnail is None and when >= thumb_at and sample:
            thumbnail = fr.still(frame)
    if count == 0:
        raise MediaError("no picture could be decoded")
    if duration and last < duration * 0.9 - 1.0:
        raise MediaError(f"truncated or damaged: pictures end at {last:.1f} s of {duration:.1f} s")
    return Fingerprint(Track.of(stored), Track.of(query), thumbnail, keyframes, count, last)


def _next(current: float, when: float, step: float) -> float:
    nxt = current + step
    while nxt <= when + 1e-6:
        nxt += step
    return nxt
