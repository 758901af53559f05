"""Nouns for a person and their grammatical number: does a sentence speak of one person or of many?

A report of one beaten prisoner rarely says "one"; the singular noun is the count. Vocabulary:
``docket/data/persons.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

from docket.extract.dates import word_alternation
from docket.morphology import morph

Number = Literal["sing", "plur"]


@dataclass(frozen=True, slots=True)
class PersonMention:
    start: int
    end: int
    number: Number


@dataclass(frozen=True, slots=True)
class _Lexicon:
    number_of: dict[str, Number]
    pattern: re.Pattern[str]


def _slavic_forms(lemma: str, lang: str) -> dict[str, set[str]]:
    """Each case form of the noun with the grammatical numbers it can carry."""
    numbers: dict[str, set[str]] = {}
    plain = lemma.replace("ё", "е")
    for parse in morph(lang).parse(lemma):
        # Nouns made of participles («осуждённый») have the verb as their normal form.
        if plain not in (parse.normal_form.replace("ё", "е"), parse.word.replace("ё", "е")):
            continue
        for form in parse.lexeme:
            # Ukrainian tags leave the singular implicit in the gender.
            number = form.tag.number or ("sing" if form.tag.gender else None)
            if number:
                numbers.setdefault(form.word.replace("ё", "е"), set()).add(number)
    return numbers


_PLAIN = str.maketrans({"ё": "е", "Ё": "Е", "’": "'", "ʼ": "'"})


def _plain(text: str) -> str:
    """One spelling of «ё» and of the apostrophe; the same length, so offsets hold."""
    return text.translate(_PLAIN)


@cache
def _lexicon() -> _Lexicon:
    raw = yaml.safe_load(resources.files("docket").joinpath("data/persons.yaml").read_text("utf-8"))
    number_of: dict[str, Number] = {}
    for singular, plural in raw["en"].items():
        number_of[str(singular)] = "sing"
        number_of[str(plural)] = "plur"
    ambiguous: set[str] = set()
    for lang in ("ru", "uk"):
        for lemma in raw[lang]:
            for form, numbers in _slavic_forms(str(lemma), lang).items():
                spelled = _plain(form)
                if len(numbers) != 1 or spelled in ambiguous:
                    ambiguous.add(spelled)
                    number_of.pop(spelled, None)
                else:
                    number_of[spelled] = next(iter(numbers))  # type: ignore[assignment]
    words = word_alternation(sorted(number_of))
    return _Lexicon(number_of, re.compile(rf"(?i)(?<![\w'-])(?:{words})(?![\w'-])"))


def find_persons(text: str) -> list[PersonMention]:
    lex = _lexicon()
    found = []
    for m in lex.pattern.finditer(_plain(text)):
        number = lex.number_of.get(m.group(0).lower())
        if number:
            found.append(PersonMention(m.start(), m.end(), number))
    return found
