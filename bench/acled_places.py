"""Places against ACLED: each record's notes as a document, the event's main place as ACLED codes it.

Rule for the main place (general, not per record): the first settlement named in the first sentence,
else the first settlement anywhere, else the first first-level division.  Villages that share their name
with others in the same division are then settled by the collection, as the link stage settles them by the
register (``docket.extract.place_prior``): the homonym with the most of the other records' unambiguous
places nearby.  Reports the share within 30 km of ACLED's coordinates, with and without that prior, and the
share whose first-level division agrees with ACLED's ``admin1``.

    .venv/bin/python bench/acled_places.py [--show-misses N]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path

from docket.extract.gazetteer import load_gazetteer, region_entry
from docket.extract.place_prior import PointDensity, candidates, settle
from docket.extract.places import find_places
from docket.model import Mention

RECORDS = Path(__file__).resolve().parents[2] / "shared/data/external/acled-ukraine-sample/records.json"


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def main_place(text: str, mentions: list[Mention]) -> Mention | None:
    """The first settlement of the first sentence, else its first division, else the first settlement;
    settlements outside the document's most-named country are passed over while one inside it is left."""
    first_end = text.find(". ")
    first_end = len(text) if first_end < 0 else first_end
    countries = Counter(m.value.country for m in mentions if m.value.precision != "country")
    home = countries.most_common(1)[0][0] if countries else None
    ranked = sorted(mentions, key=lambda m: (m.start >= first_end, m.value.country != home))
    for precision in ("settlement", "region"):
        for m in ranked:
            if m.value.precision == precision and (m.start < first_end or precision == "settlement"):
                return m
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args()
    records = json.loads(RECORDS.read_text(encoding="utf-8"))
    load_gazetteer()
    t0 = time.perf_counter()
    places = []
    for rec in records:
        text = rec["notes"]
        m = main_place(text, find_places(text, "en"))
        places.append(m.value if m else None)
    density = PointDensity()
    for place in places:
        if place is not None and place.lat is not None and len(candidates(place)) == 1:
            density.add(place.lat, place.lon)
    settled = [settle(p, density) if p is not None else None for p in places]

    found = near = near_unsettled = same_admin1 = with_admin1 = 0
    misses = []
    for rec, raw, place in zip(records, places, settled, strict=True):
        text = rec["notes"]
        if place is not None and place.lat is not None:
            found += 1
            d = km(place.lat, place.lon, rec["latitude"], rec["longitude"])
            near += d <= 30
            near_unsettled += km(raw.lat, raw.lon, rec["latitude"], rec["longitude"]) <= 30
            if d > 30:
                misses.append((round(d), rec["location"], place.name, text[:160]))
        else:
            misses.append((None, rec["location"], None, text[:160]))
        if rec.get("admin1"):
            with_admin1 += 1
            gold = region_entry(rec["admin1"])
            same_admin1 += bool(place and gold and place.admin1 == gold.admin1)
    elapsed = time.perf_counter() - t0
    n = len(records)
    print(f"records {n}, place found {found} ({found / n:.1%}), within 30 km {near} ({near / n:.1%}; "
          f"{near_unsettled / n:.1%} without the collection prior), "
          f"admin1 agrees {same_admin1}/{with_admin1} ({same_admin1 / with_admin1:.1%}); "
          f"{n / elapsed:.0f} docs/s")
    for miss in misses[: args.show_misses]:
        print(miss)


if __name__ == "__main__":
    main()
