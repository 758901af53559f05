"""Sentence and paragraph boundaries with character offsets into the cleaned text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Ends a sentence: terminal punctuation (maybe followed by a closing quote or bracket), then space and
# an upper-case letter, digit or opening quote; or a semicolon, which joins two statements ("officials
# detained as probe widens; former inmate dies").  Abbreviations are checked separately.
_BOUNDARY = re.compile(r"[.!?…]+[»\"”’)\]]*\s+(?=[«\"“(\[]?[A-ZА-ЯЁІЇЄҐ0-9])|;\s+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:No|no|Nos|St|Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Jr|Sr|vs|etc|approx|incl|Art|art|Inc|Ltd|Co|U\.S|"
    r"т\.е|т\.к|т\.д|т\.п|г|гг|ул|ст|ч|им|тыс|млн|млрд|руб|др|пр|см|рис|обл|р-н|пос|с|д|№|ім|вул|тис)"
    r"|\b[A-ZА-ЯЁІЇЄҐ])\.$"
)
_PARAGRAPH = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    para_start = 0
    for paragraph, para_match in enumerate([*_PARAGRAPH.finditer(text), None]):
        para_end = para_match.start() if para_match else len(text)
        _split_paragraph(text, para_start, para_end, paragraph, out)
        if para_match is not None:
            para_start = para_match.end()
    return out


def _split_paragraph(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        head = text[max(cursor, match.start() - 12) : match.start() + 1]
        if _ABBREVIATION.search(head):
            continue
        _add(text, cursor, match.end(), paragraph, out)
        cursor = match.end()
    _add(text, cursor, end, paragraph, out)


def _add(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(len(out), start, end, paragraph, text[start:end]))
