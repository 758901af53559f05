"""Recall of the gold places in their documents (a corpus figure, not per-file rules)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from docket.extract.facilities import find_facilities, resolve_facility_region
from docket.extract.places import find_places


def _km(a: float, b: float, c: float, d: float) -> float:
    p1, p2 = math.radians(a), math.radians(c)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _found(gold: dict, places: list) -> bool:
    for p in places:
        if gold["precision"] == "country" and p.country == gold["country"]:
            return True
        if gold["precision"] in ("region", "facility") and p.admin1 == gold["admin1"]:
            return True
        if (gold["precision"] == "settlement" and p.lat is not None
                and _km(p.lat, p.lon, gold["lat"], gold["lon"]) <= 30):
            return True
    return False


def gold_place_recall(shared: Path) -> tuple[int, int, list[str]]:
    hits = total = 0
    missed: list[str] = []
    for gold_file in sorted((shared / "data/gold").glob("*.json")):
        for doc in json.loads(gold_file.read_text(encoding="utf-8"))["documents"]:
            folder = shared / ("data/seeds" if gold_file.stem == "seeds" else "data/dev/docs")
            path = folder / doc["document"]
            if not path.exists():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            mentions = find_places(text, None)
            places = [m.value for m in mentions]
            places += [resolve_facility_region(f, mentions, text) for f in find_facilities(text, None)]
            seen = set()
            for inc in doc["incidents"]:
                for gold in inc["places"]:
                    key = (gold["name"], gold["precision"])
                    if key in seen:
                        continue
                    seen.add(key)
                    total += 1
                    if _found(gold, places):
                        hits += 1
                    else:
                        missed.append(f"{doc['document']}: {gold['name']}")
    return hits, total, missed


def test_gold_places_recall(shared: Path) -> None:
    hits, total, missed = gold_place_recall(shared)
    assert total > 50
    assert hits / total >= 0.9, missed
