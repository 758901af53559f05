"""People a report names: "Ivan Astashin", «Ивана Асташина», «похожий на Пригожина», "Chris Owen".

A name is kept as written in Latin script and in the nominative for Cyrillic («Ивана Асташина» -> «Иван
Асташин», «Беловой» -> «Белова»); the link stage compares people by surname (``person_key``), so reports in
other languages and cases meet.  Cyrillic words are read with
pymorphy3: a given name (its ``Name`` tag) followed by a capitalised word, or a capitalised word that one of
its likely readings takes for a surname (``Surn``) and none for a place or an organisation.  Latin script
has no such dictionary: a given name from ``data/first_names.yaml`` followed by a capitalised word.  Words
inside quotes (outlets, operations), places, and all-capital acronyms are never names.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from docket.extract.spans import Spans
from docket.model import Mention
from docket.morphology import morph

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\n]\s*[«\"“(]?\s*)$")
_PARSES = 3  # readings of a word considered
_NOT_PEOPLE = frozenset({"Geox", "Orgn", "Trad"})


@cache
def _first_names() -> frozenset[str]:
    text = resources.files("docket.data").joinpath("first_names.yaml").read_text(encoding="utf-8")
    return frozenset(name.lower() for name in yaml.safe_load(text)["latin"])


def _cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


def _morph_lang(lang: str | None) -> str:
    return "uk" if lang == "uk" else "ru"


@lru_cache(maxsize=32768)
def _reading(word: str, lang: str) -> tuple[str | None, str | None]:
    """(the word as a given name, as a surname), each in the nominative of its own gender, or None."""
    parses = morph(lang).parse(word)[:_PARSES]
    if any(_NOT_PEOPLE & p.tag.grammemes for p in parses):
        return None, None
    given = _nominative(parses[0]) if "Name" in parses[0].tag.grammemes else None
    surname = next((_nominative(p) for p in parses if "Surn" in p.tag.grammemes), None)
    return given, surname


def _nominative(parse: Any) -> str:
    """«Беловой» -> «Белова», «Ивана» -> «Иван»: the nominative singular of the word's own gender."""
    form = parse.inflect({"nomn", "sing"}) or parse.inflect({"nomn"})
    return (form.word if form else parse.normal_form).capitalize()


def _quoted(text: str, start: int) -> bool:
    """Inside «...» or "..." opened earlier in the same sentence."""
    before = text[max(0, start - 80): start]
    before = before[max(before.rfind(". "), before.rfind("\n")) + 1:]
    if before.rfind("«") > before.rfind("»") or before.rfind("“") > before.rfind("”"):
        return True
    return before.count('"') % 2 == 1


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def find_named_people(text: str, lang: str | None, taken: list[tuple[int, int]] = ()) -> list[Mention]:
    """Each person named, as a ``Mention`` of kind "person" whose value is the name in the nominative."""
    tokens = list(_WORD.finditer(text))
    blocked = Spans(list(taken))
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        word = tok.group(0)
        if not _capitalised(word) or blocked.covers(tok.start()) or _quoted(text, tok.start()):
            i += 1
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        follows = (nxt is not None and _capitalised(nxt.group(0)) and text[tok.end(): nxt.start()] == " "
                   and not blocked.covers(nxt.start()))
        initial = _SENTENCE_START.search(text[max(0, tok.start() - 4): tok.start()]) is not None
        if _cyrillic(word):
            given, surname = _reading(word, _morph_lang(lang))
            if given and follows:
                last = nxt.group(0)  # type: ignore[union-attr]
                _, last_surname = _reading(last, _morph_lang(lang))
                value = f"{given} {last_surname or last}"
                found.append(Mention("person", tok.start(), nxt.end(), text[tok.start(): nxt.end()], value))  # type: ignore[union-attr]
                i += 2
                continue
            if surname and not given and not initial:
                found.append(Mention("person", tok.start(), tok.end(), word, surname))
        elif word.lower() in _first_names() and follows:
            last = nxt.group(0).removesuffix("'s").removesuffix("’s")  # type: ignore[union-attr]
            value = f"{word} {last}"
            found.append(Mention("person", tok.start(), nxt.end(), text[tok.start(): nxt.end()], value))  # type: ignore[union-attr]
            i += 2
            continue
        i += 1
    return found
