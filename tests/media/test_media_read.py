"""What media files are, and the facts read from them: sniffing, ISO 6709 and EXIF GPS, PDQ, the index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mediakit import Footage

from docket.media import pdq, tags
from docket.media.analyse import analyse
from docket.media.index import HashIndex
from docket.media.kinds import is_media_file, sniff_media
from docket.media.metadata import MediaError


@pytest.mark.parametrize(("text", "point"), [
    ("+48.4647+035.0462/", (48.4647, 35.0462)),
    ("+48.4647+035.0462+112.000/", (48.4647, 35.0462)),
    ("-3330.5+15050.25/", (-33.508333, 150.8375)),  # ±DDMM.M, ±DDDMM.M
    ("+404530-0735959CRSWGS_84/", (40.758333, -73.999722)),  # ±DDMMSS, ±DDDMMSS
    ("+91.0+010.0/", None),
    ("somewhere", None),
])
def test_iso6709(text: str, point: tuple[float, float] | None) -> None:
    found = tags.parse_iso6709(text)
    assert found == (pytest.approx(point) if point else None)


def test_device_names() -> None:
    assert tags.device_of("Apple", "iPhone 12") == "Apple iPhone 12"
    assert tags.device_of("Canon", "Canon EOS 5D") == "Canon EOS 5D"
    assert tags.device_from_tags({"com.android.manufacturer": "samsung", "com.android.model": "SM-G991B"}) == "samsung SM-G991B"
    assert tags.device_of(None, " ") is None


def test_sniffing_and_routing(tmp_path: Path, footage: Footage) -> None:
    assert sniff_media(footage.original.read_bytes()[:64]).kind == "video"
    assert sniff_media(footage.photo.read_bytes()[:64]).media_type == "image/jpeg"
    assert sniff_media(footage.audio.read_bytes()[:64]).kind == "audio"
    assert sniff_media(b"plain text") is None
    renamed = tmp_path / "evidence.bin"
    renamed.write_bytes(footage.photo.read_bytes())
    text_named_jpg = tmp_path / "photo.txt"
    text_named_jpg.write_bytes(footage.photo.read_bytes())
    note = tmp_path / "note.txt"
    note.write_text("a report")
    assert is_media_file(renamed) and is_media_file(footage.original)
    assert not is_media_file(text_named_jpg) and not is_media_file(note)  # report names stay with the readers


def test_a_photo_named_as_video_is_read_as_what_it_is(tmp_path: Path, footage: Footage) -> None:
    odd = tmp_path / "clip.mp4"
    odd.write_bytes(footage.photo.read_bytes())
    analysis = analyse(odd, odd.name)
    assert analysis.info.kind == "image" and "named_as" in analysis.info.tags
    (tmp_path / "noise.mp4").write_bytes(bytes(range(256)) * 64)
    with pytest.raises(MediaError, match="named as video but holds"):
        analyse(tmp_path / "noise.mp4", "noise.mp4")


def test_pdq_hashes_are_balanced_and_flat_pictures_have_no_quality() -> None:
    rng = np.random.default_rng(1)
    digest, quality = pdq.hash_luma(rng.integers(0, 256, (64, 64)))
    assert len(digest) == 32 and quality == 100
    assert int(np.unpackbits(np.frombuffer(digest, np.uint8)).sum()) == 128  # median split
    assert pdq.hash_luma(np.full((64, 64), 90))[1] == 0
    a, b = pdq.hash_luma(rng.integers(0, 256, (64, 64)))[0], pdq.hash_luma(rng.integers(0, 256, (64, 64)))[0]
    assert 90 < pdq.distance(a, b) < 166


def _flip(words: np.ndarray, bits: np.ndarray) -> np.ndarray:
    out = words.copy()
    for b in bits:
        out[b // 64] ^= np.uint64(1) << np.uint64(b % 64)
    return out


@pytest.mark.parametrize("radius", [0, 15, 31, 47])
def test_multi_index_finds_exactly_what_a_scan_finds(radius: int) -> None:
    rng = np.random.default_rng(radius)
    rows = rng.integers(0, 2**63, size=(20_000, 4), dtype=np.uint64)
    # Planted neighbours at distances around the radius, and a cluster sharing one chunk value.
    queries = rows[rng.choice(len(rows), 12, replace=False)]
    near = np.array([_flip(q, rng.choice(256, d, replace=False)) for q in queries for d in (radius, radius + 1)])
    rows[:200, 0] &= ~np.uint64(0xFFFF)
    index = HashIndex(rows[:15_000])
    index.add(np.concatenate([rows[15_000:], near]))  # pending rows are searched too
    hits = index.search(queries, radius)
    everything = np.concatenate([rows, near])
    expected = set()
    for qi, q in enumerate(queries):
        d = np.bitwise_count(everything ^ q).sum(axis=1)
        expected |= {(qi, int(r)) for r in np.flatnonzero(d <= radius)}
    assert set(zip(hits.query.tolist(), hits.row.tolist(), strict=True)) == expected
    assert all(int(np.bitwise_count(everything[r] ^ queries[q]).sum()) == d
               for q, r, d in zip(hits.query, hits.row, hits.distance, strict=True))
    assert len(expected) >= 24  # each query and its neighbour at the radius
