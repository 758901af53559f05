"""Places named in a document: settlements, first-level divisions and countries, from the gazetteer.

One pass over the word tokens: at each capitalised token the longest run of up to five tokens whose
normalised form is a gazetteer key wins (exact key first, then the loose key that absorbs case endings
and transliteration variants, then a pymorphy3 lemma, then a one-letter fuzzy match on long names).
Ambiguous names are resolved by the divisions the document itself names, then Russia/Ukraine, then
population.  No regular expression per place: the cost is a few dict lookups per capitalised token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

from docket.extract.gazetteer import (
    COUNTRY,
    REGION,
    SETTLEMENT,
    Entry,
    admin1_rows,
    load_gazetteer,
    loose_key,
    norm,
    region_entry,
)
from docket.model import Mention, Place
from docket.morphology import morph

MAX_SPAN = 5
_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_JOINER = re.compile(r"[ \u00a0]?[-‐‑–]?[ \u00a0]?")  # what may stand between the words of one name
_SENTENCE_END = re.compile(r"[.!?…:;\n]\s*[«\"“(]?\s*$")
_HOME = ("RU", "UA")


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    key: str  # normalised


@dataclass(slots=True)
class _Match:
    first: int  # token index
    last: int
    ids: tuple[int, ...]
    how: str  # exact | loose | lemma | fuzzy | acronym


@cache
def _rules() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load(resources.files("docket.data").joinpath("places.yaml").read_text(encoding="utf-8"))
    out = {}
    for name, words in raw.items():
        keys = {norm(str(w)) for w in words}
        if name in ("stoplist", "person_like"):
            keys |= {loose_key(k) for k in keys}
        out[name] = frozenset(keys)
    return out


@lru_cache(maxsize=32768)
def _lemmas(word: str, lang: str | None) -> tuple[str, ...]:
    langs = [lang] if lang in ("ru", "uk") else ["ru", "uk"]
    out: list[str] = []
    for code in langs:
        for parse in morph(code).parse(word):
            form = norm(parse.normal_form)
            if form not in out:
                out.append(form)
    return tuple(out)


def _levenshtein(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(), norm(m.group())) for m in _TOKEN.finditer(text)]


def _joined(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    """Tokens i..j stand next to each other as the words of one name (space or hyphen between)."""
    return all(_JOINER.fullmatch(text, tokens[k].end, tokens[k + 1].start) for k in range(i, j))


def _capitalised(token: _Token) -> bool:
    return token.text[0].isupper()


def _sentence_initial(text: str, token: _Token) -> bool:
    before = text[max(0, token.start - 4): token.start]
    return token.start == 0 or bool(_SENTENCE_END.search(before)) or not before.strip()


def _lookup(text: str, tokens: list[_Token], i: int, lang: str | None) -> _Match | None:
    gaz = load_gazetteer()
    first = tokens[i]
    if first.text.isupper() and first.text in gaz.case_sensitive:
        return _Match(i, i, gaz.case_sensitive[first.text], "acronym")
    for j in range(min(len(tokens), i + MAX_SPAN) - 1, i - 1, -1):
        if j > i and not _joined(text, tokens, i, j):
            continue
        keys = [" ".join(t.key for t in tokens[i: j + 1])]
        if tokens[j].text.endswith(("'s", "’s")):
            keys.append(keys[0][:-1])
        for key in keys:
            if key in gaz.exact:
                return _Match(i, j, gaz.exact[key], "exact")
            if len(key) >= 4 and (lk := loose_key(key)) in gaz.loose:
                return _Match(i, j, gaz.loose[lk], "loose")
    word = first.text
    if "\u0400" <= word[0] <= "\u04ff":
        for lemma in _lemmas(word, lang):
            if lemma in gaz.exact:
                return _Match(i, i, gaz.exact[lemma], "lemma")
    if len(first.key) >= 7 and not _sentence_initial(text, first):
        ids = _fuzzy(first.key)
        if ids:
            return _Match(i, i, ids, "fuzzy")
    return None


@lru_cache(maxsize=32768)
def _fuzzy(key: str) -> tuple[int, ...]:
    """The one place whose name is within a small edit distance of ``key``; empty when none or several."""
    gaz = load_gazetteer()
    index = gaz.fuzzy_index()
    lk = loose_key(key)
    limit = 1 if len(lk) < 10 else 2
    found: set[int] = set()
    for variant in {lk, *(lk[:k] + lk[k + 1:] for k in range(len(lk)))}:
        for cand in index.get(variant, ()):
            if _levenshtein(lk, cand, limit) <= limit:
                found.update(gaz.loose[cand])
    places = {(gaz.entries[i].name, gaz.entries[i].country) for i in found}
    return tuple(sorted(found)) if len(places) == 1 else ()


def _region_of(entry: Entry) -> Entry | None:
    gaz = load_gazetteer()
    if entry.admin1 and entry.admin1 in gaz.regions:
        return gaz.entries[gaz.regions[entry.admin1]]
    return None


def _choose(ids: tuple[int, ...], context: set[str], local: str | None) -> Entry:
    gaz = load_gazetteer()
    cands = [gaz.entries[i] for i in ids]
    if any(c.kind != SETTLEMENT for c in cands):
        cands = [c for c in cands if c.kind != SETTLEMENT]
    # A village placed only by its community stands in for a name when the text puts it in that village's
    # division ("Spirne, Donetsk") or when nothing else bears the name; never on the document's context alone.
    cands = [c for c in cands if not c.estimated or c.admin1 == local] or cands

    def score(e: Entry) -> tuple:
        return (e.admin1 is not None and e.admin1 == local, e.admin1 in context, e.country in _HOME,
                e.population)

    return max(cands, key=score)


def _as_place(entry: Entry, precision: str | None = None, name: str | None = None) -> Place:
    return Place(
        name=name or entry.name,
        precision=precision or entry.kind,  # type: ignore[arg-type]
        country=entry.country,
        admin1=entry.admin1,
        lat=entry.lat,
        lon=entry.lon,
        geonames_id=entry.geonames_id if (precision or entry.kind) != REGION else None,
    )


REGION_NOUNS = frozenset({"область", "край", "республика", "округ"})


@cache
def _region_adjectives() -> dict[str, str]:
    """Lemma of a region's adjective («ярославский», «харківський») -> the region's English name."""
    found: dict[str, str] = {}
    for row in admin1_rows():
        for alias in row.aliases:
            words = alias.lower().split()
            if len(words) != 2 or words[1] not in REGION_NOUNS:
                continue
            for lang in ("ru", "uk"):
                for parse in morph(lang).parse(words[0])[:2]:
                    if "ADJF" in parse.tag:
                        found.setdefault(parse.normal_form, row.name)
    return found


@lru_cache(maxsize=8192)
def region_by_adjective(word: str) -> Place | None:
    """The region an adjective names: «ярославской (колонии)» -> Yaroslavl Oblast."""
    table = _region_adjectives()
    for lang in ("ru", "uk"):
        for parse in morph(lang).parse(word.lower())[:2]:
            name = table.get(parse.normal_form) if "ADJF" in parse.tag else None
            entry = region_entry(name) if name else None
            if entry is not None:
                return _as_place(entry, REGION)
    return None


def find_places(text: str, lang: str | None = None) -> list[Mention]:
    """Every place the text names, in order, each a ``Mention`` of kind "place" holding a ``Place``."""
    rules = _rules()
    tokens = _tokens(text)
    gaz = load_gazetteer()
    matches: list[_Match] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not _capitalised(tok):
            i += 1
            continue
        match = _lookup(text, tokens, i, lang)
        if match is None:
            i += 1
            continue
        if _keep(text, tokens, match, rules, lang):
            matches.append(match)
        i = match.last + 1

    # Divisions the document names, and those of its unambiguous settlements, guide ambiguous names.
    context: set[str] = set()
    for m in matches:
        entries = [gaz.entries[k] for k in m.ids]
        if len({(e.name, e.admin1) for e in entries}) == 1 and entries[0].admin1:
            context.add(entries[0].admin1)

    mentions: list[Mention] = []
    for n, m in enumerate(matches):
        nxt = matches[n + 1] if n + 1 < len(matches) else None
        local = _following_region(text, tokens, m, nxt)
        entry = _choose(m.ids, context, local)
        start, end = tokens[m.first].start, tokens[m.last].end
        place = _as_place(entry)
        prev = matches[n - 1] if n else None
        if local and entry.kind == SETTLEMENT and entry.admin1 != local:
            # "Heorhiivka, Donetsk" where the gazetteer knows no Heorhiivka in Donetsk Oblast: a place
            # we cannot pin down, but whose division the text states.
            region = gaz.entries[gaz.regions[local]] if local in gaz.regions else None
            if region is not None:
                place = _as_place(region)
        elif entry.kind == SETTLEMENT and _is_region_tail(text, tokens, prev, m, context):
            region = _region_of(entry)
            if region is not None:
                place = _as_place(region)
        elif entry.kind == SETTLEMENT and m.last + 1 < len(tokens):
            after = tokens[m.last + 1]
            if after.key in rules["district_words"] and _joined(text, tokens, m.last, m.last + 1):
                # A district named after its town: the town's division at region precision, but the
                # town's coordinates, which are nearer the district than the division's capital.
                place = _as_place(entry, precision="region", name=entry.admin1 or entry.name)
                end = after.end
        mentions.append(Mention("place", start, end, text[start:end], place))
    return mentions


def _keep(text: str, tokens: list[_Token], m: _Match, rules: dict, lang: str | None) -> bool:
    gaz = load_gazetteer()
    kinds = {gaz.entries[k].kind for k in m.ids}
    if kinds & {REGION, COUNTRY} or m.how == "acronym":
        return True
    key = " ".join(t.key for t in tokens[m.first: m.last + 1])
    if key in rules["stoplist"] or loose_key(key) in rules["stoplist"]:
        return False
    following = tokens[m.last + 1] if m.last + 1 < len(tokens) else None
    if (following is not None and _capitalised(following) and following.key not in rules["place_followers"]
            and text[tokens[m.last].end: following.start] == " "
            and _lookup(text, tokens, m.last + 1, lang) is None):
        return False  # "Volodymyr Osyechkin", "Владимир Путин": a given name, not a place
    if key in rules["person_like"] or loose_key(key) in rules["person_like"]:
        prev = tokens[m.first - 1] if m.first else None
        return prev is not None and prev.key in rules["locative_cues"]
    if m.how == "fuzzy" and following is not None and _capitalised(following):
        return False
    return _plausible_settlement(text, tokens, m, rules)


# Below this size a name is as likely a surname or a word ("Makarov", «Они») as a village: such names
# count as places only where the text introduces them as one ("in Makariv", «в селе Завитне»).
_BARE_NAME_MIN_POPULATION = 50_000
_HOME_COUNTRIES = frozenset({"RU", "UA"})


def _region_follows(text: str, tokens: list[_Token], m: _Match) -> bool:
    """"Vovchansk, Kharkiv" or "Bakhmutske (Donetsk region)": a region named right after the name."""
    if m.last + 1 >= len(tokens):
        return False
    nxt = tokens[m.last + 1]
    if text[tokens[m.last].end : nxt.start] not in (", ", " (", ","):
        return False
    gaz = load_gazetteer()
    return nxt.key in gaz.region_cores or any(gaz.entries[k].kind == REGION for k in gaz.exact.get(nxt.key, ()))


_PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})


@lru_cache(maxsize=32768)
def _is_personal_name(word: str) -> bool:
    """«Александр», «Сергей», «Макаров»: a given name or surname in the morphological dictionary."""
    if not any("а" <= ch <= "я" or ch in "ёієїґ" for ch in word.lower()):
        return False
    return any(
        _PERSON_TAGS & set(str(parse.tag).replace(" ", ",").split(","))
        for code in ("ru", "uk")
        for parse in morph(code).parse(word)[:2]
    )


def _personal_name(tokens: list[_Token], m: _Match) -> bool:
    return m.how != "exact" and m.first == m.last and _is_personal_name(tokens[m.first].text)


_ADJECTIVE_ENDINGS = ("ской", "ская", "ский", "ском", "ского", "ских", "скую", "ськ", "ська", "ської", "ському", "ський")


def _adjective_before_noun(tokens: list[_Token], m: _Match) -> bool:
    last = tokens[m.last]
    following = tokens[m.last + 1] if m.last + 1 < len(tokens) else None
    return (
        last.key.endswith(_ADJECTIVE_ENDINGS)
        and following is not None
        and not _capitalised(following)
        and following.key not in _rules()["district_words"]
    )


def _plausible_settlement(text: str, tokens: list[_Token], m: _Match, rules: dict) -> bool:
    if all(t.text.isupper() for t in tokens[m.first : m.last + 1]):
        return False  # СИЗО, ОНК, FSIN: acronyms, not villages
    gaz = load_gazetteer()
    entries = [gaz.entries[k] for k in m.ids]
    big = max(e.population for e in entries) >= _BARE_NAME_MIN_POPULATION
    home = any(e.country in _HOME_COUNTRIES for e in entries)
    if m.how != "fuzzy" and big and home and not _personal_name(tokens, m):
        return True
    if _adjective_before_noun(tokens, m):
        return False  # «на Софийской овощебазе»: an adjective naming a depot, not the town
    prev = tokens[m.first - 1] if m.first else None
    following = tokens[m.last + 1] if m.last + 1 < len(tokens) else None
    introduced = (
        (prev is not None and prev.key in rules["locative_cues"])
        or (following is not None and following.key in rules["district_words"])
        or _region_follows(text, tokens, m)
    )
    if m.how == "exact" and home:
        return introduced or big
    return introduced and (home or big)


def _following_region(text: str, tokens: list[_Token], m: _Match, nxt: _Match | None) -> str | None:
    """The division named right after a place ("Zaitseve, Donetsk region", "Bakhmut, Donetsk")."""
    if nxt is None or text[tokens[m.last].end: tokens[nxt.first].start] not in (", ", " (", ","):
        return None
    gaz = load_gazetteer()
    for k in nxt.ids:
        e = gaz.entries[k]
        if e.kind == REGION:
            return e.admin1
    key = " ".join(t.key for t in tokens[nxt.first: nxt.last + 1])
    if key in gaz.region_cores:
        return gaz.entries[gaz.region_cores[key]].admin1
    return None


def _is_region_tail(text: str, tokens: list[_Token], prev: _Match | None, m: _Match, context: set[str]) -> bool:
    """``m`` is the bare name of a division after a place: "Kreminna, Luhansk" means Luhansk Oblast."""
    gaz = load_gazetteer()
    key = " ".join(t.key for t in tokens[m.first: m.last + 1])
    if key not in gaz.region_cores or m.first == 0:
        return False
    if text[tokens[m.first - 1].end: tokens[m.first].start] not in (", ", ","):
        return False
    region = gaz.entries[gaz.region_cores[key]].admin1
    before = tokens[m.first - 1]
    if prev is not None and prev.last == m.first - 1:
        if any(gaz.entries[k].admin1 == region for k in prev.ids if gaz.entries[k].kind == SETTLEMENT):
            return True
        # "Makiivka, Luhansk" (a Makiivka the gazetteer places elsewhere): still the division, unless the
        # names go on as a list of towns ("Kharkiv, Donetsk and Mariupol").
        return not _list_goes_on(text, tokens, m)
    return _capitalised(before) and not _sentence_initial(text, before)


def _list_goes_on(text: str, tokens: list[_Token], m: _Match) -> bool:
    if m.last + 1 >= len(tokens):
        return False
    gap = text[tokens[m.last].end: tokens[m.last + 1].start]
    nxt = tokens[m.last + 1]
    return gap in (", ", ",") and _capitalised(nxt) or nxt.key in _LIST_WORDS


_LIST_WORDS = frozenset({"and", "or", "и", "или", "і", "й", "та", "або"})
