"""Copies of footage and photos are found as the same, with distance and where; unrelated media are not."""

from __future__ import annotations

import pytest
from mediakit import CLIP_START, Footage

from docket.media.match import VERIFY_RADIUS, MediaIndex


def _index(footage: Footage, *paths) -> MediaIndex:  # type: ignore[no-untyped-def]
    index = MediaIndex()
    for path in paths:
        kind = "image" if path.suffix in (".jpg", ".png") else "video"
        index.add(path.name, kind, footage.fingerprint(path).stored)
    return index


@pytest.mark.parametrize("copy", ["reencoded", "resized", "cropped", "watermarked"])
def test_a_transformed_copy_of_a_video_is_the_same_footage_both_ways(footage: Footage, copy: str) -> None:
    path = footage.copies[copy]
    found = _index(footage, footage.original, footage.unrelated).query(footage.fingerprint(path).query)
    assert [m.media_id for m in found] == ["original.mp4"]
    match = found[0]
    assert match.distance <= VERIFY_RADIUS and match.frames >= 0.8 * match.overlap >= 0.8 * 30
    assert match.query_at == pytest.approx(0.0, abs=0.2) and match.match_at == pytest.approx(0.0, abs=0.2)
    back = _index(footage, path, footage.unrelated).query(footage.fingerprint(footage.original).query)
    assert [m.media_id for m in back] == [path.name]


def test_a_ten_second_clip_is_found_inside_the_video_with_its_offset(footage: Footage) -> None:
    clip = footage.copies["clip"]
    found = _index(footage, footage.original, footage.unrelated).query(footage.fingerprint(clip).query)
    assert [m.media_id for m in found] == ["original.mp4"]
    assert found[0].match_at == pytest.approx(CLIP_START, abs=0.15) and found[0].query_at == 0.0
    assert found[0].overlap >= 9
    # And the other way round: the long video holds the stored clip, starting 12.4 s in.
    back = _index(footage, clip, footage.unrelated).query(footage.fingerprint(footage.original).query)
    assert [m.media_id for m in back] == ["clip.mp4"]
    assert back[0].query_at == pytest.approx(CLIP_START, abs=0.15) and back[0].match_at == 0.0


def test_unrelated_footage_and_photos_are_not_matched(footage: Footage) -> None:
    index = _index(footage, footage.original, *footage.copies.values(), footage.photo)
    assert index.query(footage.fingerprint(footage.unrelated).query) == []
    for other in footage.unrelated_photos:
        assert index.query(footage.fingerprint(other).query) == []


@pytest.mark.parametrize("copy", ["resized", "recompressed", "cropped", "watermarked"])
def test_a_transformed_copy_of_a_photo_is_found(footage: Footage, copy: str) -> None:
    index = _index(footage, footage.photo, *footage.unrelated_photos)
    found = index.query(footage.fingerprint(footage.photo_copies[copy]).query)
    assert [m.media_id for m in found] == ["photo.jpg"]
    assert found[0].distance <= 31 and found[0].query_at is None


def test_a_photo_is_not_matched_to_itself_when_excluded(footage: Footage) -> None:
    index = _index(footage, footage.photo)
    assert index.query(footage.fingerprint(footage.photo).query, exclude="photo.jpg") == []
    assert index.query(footage.fingerprint(footage.photo).query)[0].distance == 0
