"""The claimed-ranges helper that keeps extractors linear on long documents."""

from __future__ import annotations

import random

from docket.extract.spans import Spans


def test_covers_and_overlaps_agree_with_a_plain_scan() -> None:
    rng = random.Random(5)
    for _ in range(200):
        ranges = []
        spans = Spans()
        for _ in range(rng.randrange(0, 12)):
            a = rng.randrange(0, 100)
            b = a + rng.randrange(0, 15)
            ranges.append((a, b))
            spans.add(a, b)
        for pos in range(0, 120):
            assert spans.covers(pos) == any(a <= pos < b for a, b in ranges), (ranges, pos)
        for _ in range(30):
            s = rng.randrange(0, 110)
            e = s + rng.randrange(1, 12)
            assert spans.overlaps(s, e) == any(s < b and a < e for a, b in ranges if a < b), (ranges, s, e)
