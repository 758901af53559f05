"""Character ranges already claimed by one extractor: "does this position or range touch any of them?"
in logarithmic time, so that a long document costs linear time, not quadratic."""

from __future__ import annotations

from bisect import bisect_right


class Spans:
    """A union of half-open ranges [start, end), kept merged and sorted."""

    def __init__(self, ranges: list[tuple[int, int]] | tuple[()] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in ranges:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        if end <= start:
            return
        i = bisect_right(self._starts, start) - 1
        if i >= 0 and self._ends[i] >= start:  # touches the range before: grow it
            start = self._starts[i]
        else:
            i += 1
        j = i
        while j < len(self._starts) and self._starts[j] <= end:
            end = max(end, self._ends[j])
            j += 1
        self._starts[i:j] = [start]
        self._ends[i:j] = [end]

    def covers(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self._ends[i] > start
