"""Benchmark find_dates / find_counts on ACLED notes (shared/data/external/acled-ukraine-sample).

Each record's ``notes`` is a document.  The event date is chosen as a claims builder would: the first
day-precision date in the first sentence, else the first date anywhere.  Run twice: with the
publication date unknown, and with it set to the record's ACLED ``timestamp`` (upload time, always
after the event).  Counts: where a sentence reports people killed/dead, the first people count in
it is compared with ACLED ``fatalities``.

    .venv/bin/python bench/acled_dates.py [path/to/records.json]
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from docket.extract.counts import count_unit, find_counts
from docket.extract.dates import find_dates
from docket.model import Mention

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/external/acled-ukraine-sample/records.json"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_DEATH = re.compile(r"(?i)\b(?:kill|killing|killed|dead|died|death|fatalit)")


def event_date(mentions: list[Mention], text: str) -> Mention | None:
    first_end = m.start() if (m := _SENTENCE_END.search(text)) else len(text)
    first = [d for d in mentions if d.start < first_end]
    for pool in (first, mentions):
        for d in pool:
            if d.value.precision == "day":
                return d
    return mentions[0] if mentions else None


def fatality_count(text: str) -> int | None:
    for sentence in _SENTENCE_END.split(text):
        if not _DEATH.search(sentence):
            continue
        for c in find_counts(sentence, "en"):
            if count_unit(c) == "people":
                return c.value.value
    return None


def main(path: Path) -> None:
    records = json.loads(path.read_text("utf-8"))
    t0 = time.perf_counter()
    for label, use_ts in (("published unknown", False), ("published = ACLED timestamp", True)):
        right = 0
        misses: list[tuple[str, str, str | None]] = []
        for r in records:
            gold = datetime.strptime(r["event_date"], "%d-%b-%y").date()
            pub: date | None = datetime.fromtimestamp(r["timestamp"], UTC).date() if use_ts else None
            got = event_date(find_dates(r["notes"], pub, "en"), r["notes"])
            ok = got is not None and got.value.precision == "day" and got.value.start == gold
            right += ok
            if not ok:
                misses.append((r["event_date"], r["notes"][:110], got.text if got else None))
        print(f"dates, {label}: {right}/{len(records)} = {right / len(records):.1%}")
        for miss in misses[:8]:
            print("   miss:", miss)
    stated = agree = 0
    for r in records:
        n = fatality_count(r["notes"])
        if n is not None:
            stated += 1
            agree += n == r["fatalities"]
    print(
        f"fatalities: note states a killed/dead people count in {stated} records; "
        f"equal to ACLED fatalities in {agree} ({agree / max(stated, 1):.1%})"
    )
    chars = sum(len(r["notes"]) for r in records)
    t1 = time.perf_counter()
    for r in records:
        find_dates(r["notes"], None, "en")
        find_counts(r["notes"], "en")
    t2 = time.perf_counter()
    print(
        f"throughput (dates+counts, warm): {chars / (t2 - t1) / 1000:.0f} k chars/s; total run {t2 - t0:.1f}s"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
