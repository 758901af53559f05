"""The event taxonomy and actor groups, compiled from `data/taxonomy.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from docket.data import load_yaml

FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    label: str
    cue: re.Pattern[str]
    default_victims: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActorGroup:
    name: str
    role: str  # victim | perpetrator
    cue: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class Taxonomy:
    types: dict[str, EventType]
    actors: dict[str, ActorGroup]
    hedge: re.Pattern[str]
    background: re.Pattern[str]
    unofficial: re.Pattern[str] | None  # threats and demands that make an official-response cue moot
    accused: re.Pattern[str] | None  # words before a count of the accused


def _union(patterns: list[str]) -> re.Pattern[str] | None:
    patterns = [p for p in patterns if p]
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS) if patterns else None


@cache
def taxonomy(name: str = "taxonomy.yaml") -> Taxonomy:
    data = load_yaml(name)
    types = {}
    for key, spec in data["types"].items():
        cues = [c for lang in (spec.get("cues") or {}).values() for c in lang or []]
        types[key] = EventType(key, spec.get("label", key), _union(cues), tuple(spec.get("default_victims") or ()))
    actors = {
        key: ActorGroup(key, spec.get("role", "victim"), _union(spec.get("cues") or []))
        for key, spec in data["actors"].items()
    }
    return Taxonomy(
        types,
        actors,
        _union(data["hedges"]),
        _union(data["background"]),
        _union(data.get("unofficial") or []),
        _union(data.get("accused") or []),
    )
