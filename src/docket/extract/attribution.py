"""Who made a claim and who passed it on; whether the document hedges it.

Patterns live in `data/attribution.yaml`; `{NAME}` there expands to the proper-name pattern below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from docket.data import load_yaml
from docket.extract.spans import Spans
from docket.morphology import morph

_UPPER = "A-ZА-ЯЁІЇЄҐ"
_WORD = rf"[{_UPPER}][\w’'\-]*(?:\.[a-zа-я]{{2,4}}\b)?"
_JOIN = r"(?:\s+(?:of|the|for|and|de|за|и|і)\s+(?=[" + _UPPER + r"]))"
NAME = (
    rf"(?-i:«[{_UPPER}][^»\n]{{1,60}}»|“[{_UPPER}][^”\n]{{1,60}}”|\"[{_UPPER}][^\"\n]{{1,60}}\"|"
    rf"{_WORD}(?:(?:\s+|{_JOIN}){_WORD}){{0,4}})"
)


@dataclass(frozen=True, slots=True)
class Attribution:
    start: int
    end: int
    who: str
    via: str | None = None
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class _Patterns:
    claims: tuple[re.Pattern[str], ...]
    relays: tuple[re.Pattern[str], ...]
    roles: tuple[tuple[str, re.Pattern[str]], ...]
    not_names: frozenset[str]
    reporting: re.Pattern[str] | None


@cache
def _patterns() -> _Patterns:
    data = load_yaml("attribution.yaml")

    def compile_all(items: list[str]) -> tuple[re.Pattern[str], ...]:
        # Cue words match in any case; names (`NAME`, case-sensitive inside) by their capital letters.
        return tuple(re.compile(p.replace("{NAME}", NAME), re.IGNORECASE) for p in items)

    return _Patterns(
        compile_all(data["patterns"]),
        compile_all(data.get("relays") or []),
        tuple((k, re.compile(v, re.IGNORECASE)) for k, v in (data.get("roles") or {}).items()),
        frozenset(data.get("not_names") or []),
        re.compile("|".join(f"(?:{p})" for p in data["reporting_verbs"]), re.IGNORECASE)
        if data.get("reporting_verbs") else None,
    )


REPORTING_AFTER = 12  # "said late on Monday": from the verb to the date it governs
REPORTING_BEFORE = 40  # "In early October, Gulagu.net published": from the date to the verb


def dates_a_report(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` dates a report: right after a verb of reporting, or
    before one with only its subject between ("In early October, Gulagu.net published ...")."""
    pattern = _patterns().reporting
    if pattern is None:
        return False
    before = text[max(0, start - REPORTING_AFTER - 20) : start]
    after = text[end : end + REPORTING_BEFORE + 20]
    return any(
        m.end() >= len(before) - REPORTING_AFTER and not _CLAUSE_BREAK.search(before[m.end() :])
        for m in pattern.finditer(before)
    ) or any(
        m.start() <= REPORTING_BEFORE and not _CLAUSE_BREAK.search(after[: m.start()])
        for m in pattern.finditer(after)
    )


# The end of a sentence or a clause: a verb beyond it governs something else.
_CLAUSE_BREAK = re.compile(r"[.!?;]\s|,\s*(?:and|but|while|а|и|но|і|але)\b|\n")


def clean_name(raw: str, not_names: frozenset[str], sentence_initial: bool = False) -> str | None:
    name = raw.strip().strip("«»“”\"'").strip(" ,.;:")
    words = name.split()
    while words and words[0] in not_names:
        words = words[1:]
    name = " ".join(words)
    if len(name) < 2 or name in not_names:
        return None
    if sentence_initial and len(words) == 1 and _is_common_word(name):
        return None
    return name


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" «\"“")
    return not before or before[-1] in ".!?\n:—"


_CYRILLIC = re.compile(r"[а-яёієїґ]", re.IGNORECASE)
_PROPER_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "UNKN"})


def _is_common_word(word: str) -> bool:
    """A capitalised Cyrillic word whose readings are all common nouns/verbs ("Запись", "Видео")."""
    if not _CYRILLIC.search(word) or word.isupper():
        return False
    parses = morph("ru").parse(word)
    if not parses or not parses[0].is_known:
        return False
    return not any(_PROPER_TAGS & set(str(p.tag).replace(" ", ",").split(",")) for p in parses[:3])


def find_attributions(text: str, start: int = 0, end: int | None = None) -> list[Attribution]:
    """Every attribution phrase in text[start:end], in text order, without overlaps."""
    pats = _patterns()
    end = len(text) if end is None else end
    found: list[Attribution] = []
    taken = Spans()
    for pattern in pats.relays:
        for m in pattern.finditer(text, start, end):
            who = clean_name(m.group("who"), pats.not_names)
            via = clean_name(m.group("via"), pats.not_names)
            if who:
                found.append(Attribution(m.start(), m.end(), who, via))
                taken.add(m.start(), m.end())
    for pattern in pats.claims:
        for m in pattern.finditer(text, start, end):
            if taken.covers(m.start("who")):
                continue
            who = clean_name(m.group("who"), pats.not_names, _sentence_initial(text, m.start("who")))
            if who:
                found.append(Attribution(m.start("who"), m.end("who"), who))
                taken.add(m.start("who"), m.end("who"))
    found.sort(key=lambda a: a.start)
    return found


def find_roles(text: str, start: int = 0, end: int | None = None) -> list[Attribution]:
    """Unnamed sources (a mother, relatives, a witness), kept anonymous."""
    end = len(text) if end is None else end
    out = [
        Attribution(m.start(), m.end(), role, anonymous=True)
        for role, pattern in _patterns().roles
        for m in pattern.finditer(text, start, end)
    ]
    out.sort(key=lambda a: a.start)
    return out
