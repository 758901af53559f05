"""Boilerplate line patterns from ``data/boilerplate.yaml``, compiled once and merged across languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
KINDS = ("drop", "lists", "inline", "trailer", "credit", "banner")


@dataclass(frozen=True, slots=True)
class Patterns:
    drop: re.Pattern[str]
    lists: re.Pattern[str]
    inline: re.Pattern[str]
    trailer: re.Pattern[str]
    credit: re.Pattern[str]
    banner: re.Pattern[str]


def _union(parts: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts) or r"(?!)", re.IGNORECASE)


@cache
def patterns() -> Patterns:
    raw = yaml.safe_load((DATA / "boilerplate.yaml").read_text(encoding="utf-8"))
    merged: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for per_language in raw.values():
        for kind in KINDS:
            merged[kind].extend(per_language.get(kind) or [])
    return Patterns(**{kind: _union(merged[kind]) for kind in KINDS})
