"""Counts in English, Russian and Ukrainian text: digits, number words, vague amounts, qualifiers.

One compiled regex finds numbers (digits with an optional multiplier word, number-word phrases in
any case form, vague amounts like "dozens"/«сотни»); a look behind finds the qualifier, a look
ahead the range partner, the counted noun and its unit class.  Each ``Mention.value`` is a
``CountValue`` (a ``Count`` plus ``unit`` and ``noun``).  Vocabulary: ``docket/data/numbers.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

import yaml

from docket.extract.dates import month_number, word_alternation
from docket.model import Count, Mention
from docket.morphology import morph

CountUnit = Literal["people", "money", "duration", "ordinal", "percent", "age", "other"]
_UK_LETTERS = frozenset("іїєґІЇЄҐ'’ʼ")
_WORD = re.compile(r"[^\W\d_][\w'’ʼ-]*")
_MONTH_BEFORE = re.compile(r"([^\W\d_]+)\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?$")  # "March 3, " / "May "


@dataclass(frozen=True, slots=True)
class CountValue(Count):
    """A count with what it counts: ``unit`` class and the counted noun's lemma when known."""

    unit: CountUnit = "other"
    noun: str | None = None

    def count(self) -> Count:
        return Count(self.value, self.qualifier)


def count_unit(mention: Mention) -> CountUnit:
    """The unit class of a count mention ("people" for counts of people)."""
    return mention.value.unit if isinstance(mention.value, CountValue) else "other"


_alt = word_alternation


@dataclass(frozen=True, slots=True)
class _Lexicon:
    word_value: dict[str, float]
    multipliers: frozenset[str]  # forms that multiply what precedes them
    vague: dict[str, int]
    number_re: re.Pattern[str]
    qualifier_re: re.Pattern[str]
    qualifier_of: dict[str, str]
    suffix_re: re.Pattern[str]
    range_re: re.Pattern[str]
    range_opener: re.Pattern[str]
    units: dict[str, str]  # lemma -> unit class
    currency_before: re.Pattern[str]
    currency_after: re.Pattern[str]
    age_after: re.Pattern[str]
    age_before: re.Pattern[str]
    ordinal_before: re.Pattern[str]
    ordinal_suffix: re.Pattern[str]
    en_modifiers: frozenset[str]
    en_irregular: dict[str, str]
    of_words: re.Pattern[str]


def _forms(lemma: str, lang: str) -> set[str]:
    forms = {lemma}
    for parse in morph(lang).parse(lemma)[:2]:
        if parse.normal_form.replace("ё", "е") == lemma.replace("ё", "е"):
            forms |= {f.word for f in parse.lexeme}
    return forms


@cache
def _lexicon() -> _Lexicon:
    raw = yaml.safe_load(resources.files("docket").joinpath("data/numbers.yaml").read_text("utf-8"))
    word_value: dict[str, float] = {}
    spelled: set[str] = set()  # forms as written, «ё» included, for the regex
    for lang, table in raw["words"].items():
        for lemma, value in table.items():
            forms = {str(lemma)} if lang == "en" else _forms(str(lemma), lang)
            for form in forms:
                spelled.add(form)
                word_value.setdefault(form.replace("ё", "е"), float(value))
    for form, value in raw["extra_forms"].items():
        spelled.add(str(form))
        word_value[str(form)] = float(value)
    mult_from = int(raw["multiply_from"])
    multipliers = {f for f, v in word_value.items() if v >= mult_from} | set(raw["en_multipliers"])
    vague = {str(k): int(v) for k, v in raw["vague"].items()}

    # A word-phrase is number words joined by spaces, hyphens or "and"; an abbreviation ends with a dot.
    words = _alt(sorted(spelled | set(word_value)))
    word = rf"(?:{words})(?:(?<=\.)|(?![\w'’ʼ]))"
    mult = _alt(sorted(multipliers))
    number_re = re.compile(
        rf"(?i)(?<![\w.,])(?P<vague>{_alt(list(vague))})(?!\w)"
        rf"|(?<![\w.,:/])(?<![^\W\d]-)(?P<digits>\d{{1,3}}(?:(?:,|\u00a0|\u202f| )\d{{3}})+(?!\d)|\d+(?:[.,]\d+)?)"
        rf"(?![\d:]|[.,]\d)(?:\s?(?P<mult>(?:{mult})(?:(?<=\.)|(?!\w))))?"
        rf"|(?<![\w-])(?:an?\s+)?(?P<words>{word}(?:(?:\s+|-|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+){word})*)"
    )
    qualifier_of: dict[str, str] = {}
    for qual, phrases in raw["qualifiers"].items():
        for phrase in phrases:
            qualifier_of[str(phrase).lower()] = qual
    qualifier_re = re.compile(rf"(?i)(?:^|[^\w~])(?P<q>{_alt(list(qualifier_of))})\s*(?:an?\s+)?$")
    suffix = {str(k): str(v) for k, v in raw["suffix_qualifiers"].items()}
    suffix_re = re.compile(rf"(?i)\s*(?P<s>{_alt(list(suffix))})(?!\w)")
    qualifier_of.update({k.lower(): v for k, v in suffix.items()})
    range_re = re.compile(rf"(?i)\s*(?:{_alt([str(w) for w in raw['range_connectors']])})\s*")
    units: dict[str, str] = {}
    for unit, table in raw["units"].items():
        for lemmas in table.values():
            for lemma in lemmas:
                units.setdefault(str(lemma).lower().replace("ё", "е"), unit)
    symbols = _alt([str(s) for s in raw["currency_symbols"]])
    return _Lexicon(
        word_value=word_value,
        multipliers=frozenset(m.lower() for m in multipliers),
        vague=vague,
        number_re=number_re,
        qualifier_re=qualifier_re,
        qualifier_of=qualifier_of,
        suffix_re=suffix_re,
        range_re=range_re,
        range_opener=re.compile(rf"(?i)(?:^|\W)({_alt([str(w) for w in raw['range_openers']])})\s+$"),
        units=units,
        currency_before=re.compile(rf"(?:{symbols})\s?$"),
        currency_after=re.compile(rf"\s?(?:{symbols})"),
        age_after=re.compile(rf"(?i)(?:{_alt([str(s) for s in raw['age_suffixes']])})"),
        age_before=re.compile(rf"(?i)(?:^|\W)(?:{_alt([str(s) for s in raw['age_prefixes']])})\s*$"),
        ordinal_before=re.compile(
            rf"(?i)(?:(?:^|[^\w№#])(?:{_alt([str(s) for s in raw['ordinal_prefixes']])})[\s-]*|[^\W\d]-)$"
        ),
        ordinal_suffix=re.compile(str(raw["ordinal_suffix"])),
        en_modifiers=frozenset(str(w) for w in raw["en_modifiers"]),
        en_irregular={str(k): str(v) for k, v in raw["en_irregular"].items()},
        of_words=re.compile(rf"(?i)\s+(?:{_alt([str(s) for s in raw['of_words']])})(?=\s)"),
    )


@dataclass(slots=True)
class _Number:
    start: int
    end: int
    value: float
    vague: bool = False
    has_mult: bool = False
    bare_digits: bool = False


def _digits_value(digits: str, mult: str | None, lex: _Lexicon) -> float:
    if re.fullmatch(r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+", digits) and not (
        mult and "," in digits and len(digits) == 5
    ):
        base = float(re.sub(r"\D", "", digits))
    else:
        base = float(digits.replace(",", "."))
    if mult:
        base *= lex.word_value.get(mult.lower().replace("ё", "е"), 1.0)
    return base


def _words_value(phrase: str, lex: _Lexicon) -> float | None:
    total, current = 0.0, 0.0
    for token in re.split(r"\s+|-", phrase.lower().replace("ё", "е")):
        if token in ("and", "", "a", "an"):
            continue
        value = lex.word_value.get(token)
        if value is None:
            return None
        if token in lex.multipliers:
            current = max(current, 1.0) * value
            if value >= 1000:
                total, current = total + current, 0.0
        else:
            current += value
    return total + current


def _number_at(m: re.Match[str], lex: _Lexicon) -> _Number | None:
    if m.group("vague"):
        return _Number(m.start(), m.end(), lex.vague[m.group("vague").lower()], vague=True)
    if m.group("digits"):
        mult = m.group("mult")
        return _Number(
            m.start(),
            m.end(),
            _digits_value(m.group("digits"), mult, lex),
            has_mult=bool(mult),
            bare_digits=not mult,
        )
    value = _words_value(m.group("words"), lex)
    if value is None:
        return None
    phrase = m.group("words").lower()
    return _Number(m.start(), m.end(), value, has_mult=phrase.split()[-1] in lex.multipliers)


def _lang_of(word: str, lang: str | None) -> str:
    if word.isascii():
        return "en"
    if lang == "uk" or any(ch in _UK_LETTERS for ch in word):
        return "uk"
    return "ru"


@lru_cache(maxsize=8192)
def _lemma(word: str, lang: str) -> tuple[str, bool]:
    """Lemma of a word and whether it may modify a following noun (adjective, participle)."""
    low = word.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    if lang == "en":
        lex = _lexicon()
        if low in lex.en_irregular:
            return lex.en_irregular[low], False
        # adjectives, adverbs ("recently naturalised") and capitalised words ("Buryat", "Wagner") modify
        modifier = low in lex.en_modifiers or word[:1].isupper() or (low.endswith("ly") and len(low) > 4)
        if low.endswith("ies") and len(low) > 4:
            return low[:-3] + "y", modifier
        if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
            return low[:-1], modifier
        return low, modifier
    parse = morph(lang).parse(low)[0]
    tag = parse.tag
    if {"ADJF", "PRTF"} & set(tag.grammemes):
        inflected = parse.inflect({"masc", "sing", "nomn"})
        lemma = inflected.word if inflected else parse.normal_form
        return lemma.replace("ё", "е"), True
    return parse.normal_form.replace("ё", "е"), False


def _noun(text: str, pos: int, lang: str | None, lex: _Lexicon) -> tuple[str | None, str, int]:
    """The counted noun after ``pos``: (lemma, unit class, end offset), skipping modifiers.

    An adjective that is itself a people word ("mobilized", «мобилизованных») counts, but a head
    noun right after it ("mobilized men") wins.
    """
    of = lex.of_words.match(text, pos)
    if of:
        pos = of.end()
    best: tuple[str | None, str, int] | None = None
    for _ in range(3):
        m = _WORD.search(text, pos, pos + 40)
        if not m or text[pos : m.start()].strip().strip("\"“”«»„"):  # around 20 "new Russians"
            break
        word = m.group(0).strip("-")
        lang_w = _lang_of(word, lang)
        lemma, modifier = _lemma(word, lang_w)
        unit = lex.units.get(lemma) or lex.units.get(word.lower())
        if unit is None and lang_w == "ru" and lang is None:
            # Cyrillic without Ukrainian letters may still be Ukrainian («полонених»)
            lemma_uk, modifier_uk = _lemma(word, "uk")
            if lex.units.get(lemma_uk):
                lemma, modifier, unit = lemma_uk, modifier_uk, lex.units[lemma_uk]
        if unit:
            best = (lemma, unit, m.end())
            if not modifier:
                return best
        elif not modifier:
            return best or (lemma, "other", m.end())
        pos = m.end()
    return best or (None, "other", pos)


def _unit(
    text: str, num: _Number, end: int, lang: str | None, lex: _Lexicon
) -> tuple[CountUnit, str | None, int]:
    before = text[max(0, num.start - 24) : num.start]
    after = text[end : end + 16]
    if lex.currency_before.search(before) or lex.currency_after.match(after):
        return "money", None, end
    if after.startswith(("%", " %")):
        return "percent", None, end + after.index("%") + 1
    if lex.age_after.match(after) or lex.age_before.search(before):
        return "age", None, end
    if num.bare_digits and (lex.ordinal_before.search(before) or lex.ordinal_suffix.match(after)):
        return "ordinal", None, end
    nxt = _WORD.match(text, end + (len(after) - len(after.lstrip())))
    if nxt and month_number(nxt.group(0)) is not None:
        return "ordinal", None, end  # a day of the month
    lemma, unit, noun_end = _noun(text, end, lang, lex)
    year_like = num.bare_digits and 1900 <= num.value <= 2100 and float(num.value).is_integer()
    if year_like and (month := _MONTH_BEFORE.search(before)) and month_number(month.group(1)) is not None:
        return "ordinal", None, end  # "March 3, 2023 conscripts": the year of a date, whatever follows
    if year_like and unit in ("other", "duration") and (unit == "other" or lemma in ("год", "рік", "year")):
        return "ordinal", None, end  # a calendar year
    if unit == "other":
        return "other", lemma, end
    return unit, lemma, noun_end  # type: ignore[return-value]


def find_counts(text: str, lang: str | None = None) -> list[Mention]:
    """Every count in ``text`` as ``Mention(kind="count", value=CountValue)``.

    The span covers the qualifier, the number (or range) and the counted noun when it follows.
    """
    lex = _lexicon()
    out: list[Mention] = []
    pos = 0
    while True:
        m = lex.number_re.search(text, pos)
        if m is None:
            break
        num = _number_at(m, lex)
        pos = m.end()
        if num is None:
            continue
        start, end = num.start, num.end
        qualifier = "at_least" if num.vague else "exact"
        q = lex.qualifier_re.search(text, max(0, start - 30), start)
        if q:
            qualifier = lex.qualifier_of[q.group("q").lower()]
            start = q.start("q")
        # a range "7,000 to 10,000", «от 7 до 10 тысяч»: keep the lower bound as at_least
        r = lex.range_re.match(text, end)
        if r and not num.vague:
            m2 = lex.number_re.match(text, r.end())
            num2 = _number_at(m2, lex) if m2 else None
            if num2 is not None and not num2.vague:
                if num.bare_digits and num2.has_mult and num.value < 1000:
                    num.value *= _multiplier_of(num2)
                if num2.value > num.value:
                    end = num2.end
                    opener = lex.range_opener.search(text, max(0, start - 12), start)
                    start = opener.start(1) if opener else start
                    pos = m2.end()  # type: ignore[union-attr]
                    num.has_mult = num2.has_mult
                    num.bare_digits = num.bare_digits and num2.bare_digits
                    if qualifier == "exact":
                        qualifier = "at_least"
        s = lex.suffix_re.match(text, end)
        if s:
            qualifier = lex.qualifier_of[s.group("s").lower()]
            end = s.end()
        unit, noun, noun_end = _unit(text, num, end, lang, lex)
        value = CountValue(int(round(num.value)), qualifier, unit=unit, noun=noun)  # type: ignore[arg-type]
        out.append(Mention("count", start, noun_end, text[start:noun_end], value))
        pos = max(pos, noun_end)
    return out


def _multiplier_of(num: _Number) -> float:
    for base in (1_000_000_000, 1_000_000, 1000):
        if num.value >= base and num.has_mult:
            return float(base)
    return 1.0
