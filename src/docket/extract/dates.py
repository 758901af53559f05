"""Date expressions in English, Russian and Ukrainian text, resolved to ``PartialDate``s.

A handful of compiled regexes find candidates (day-month-year, month-day-year, numeric, month, year,
season, weekday, fixed relative phrases); overlapping candidates keep the longest; year-less and
relative dates are resolved against the publication date; adjacent dates joined by "to"/«по»/"-"
become spans.  Vocabulary lives in ``docket/data/dates.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources
from itertools import chain

import yaml

from docket.extract.spans import Spans
from docket.model import PRECISION_RANK, Mention, PartialDate

_YEAR = r"(?:19|20)\d{2}"


def word_alternation(words: list[str]) -> str:
    """A regex alternation of ``words`` as a prefix trie (longest match first).

    Python's ``re`` tries plain alternatives one by one; a trie fails at the first wrong character,
    which keeps the big month/number-word patterns fast.
    """
    trie: dict = {}
    for word in set(words):
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return "(?:" + body + ")?"
    return body


_alt = word_alternation


def _cased(form: str, lang: str) -> list[str]:
    if lang == "en":
        return [form, form.upper()]
    return [form, form.capitalize(), form.upper()]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    month: dict[str, int]  # exact form -> month number
    abbr: frozenset[str]
    ambiguous: frozenset[str]
    weekday: dict[str, int]  # lower-case form -> 0..6
    relative: dict[str, tuple[str, int]]
    season: dict[str, tuple[int, int]]
    season_adverbs: frozenset[str]
    season_needs_year: frozenset[str]
    season_this: frozenset[str]
    season_last: frozenset[str]
    connectors: frozenset[str]
    needs_opener: frozenset[str]
    grace: int
    dmy: re.Pattern[str]
    mdy: re.Pattern[str]
    numeric: re.Pattern[str]
    iso: re.Pattern[str]
    month_re: re.Pattern[str]
    year_re: re.Pattern[str]
    season_re: re.Pattern[str]
    weekday_re: re.Pattern[str]
    relative_re: re.Pattern[str]
    month_ctx: re.Pattern[str]
    year_ctx: re.Pattern[str]
    opener: re.Pattern[str]
    last_word: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    raw = yaml.safe_load(resources.files("docket").joinpath("data/dates.yaml").read_text("utf-8"))
    month: dict[str, int] = {}
    abbr: set[str] = set()
    for key, is_abbr in (("months", False), ("month_abbr", True)):
        for lang, table in raw[key].items():
            for num, forms in table.items():
                for form in forms:
                    for variant in _cased(str(form), lang):
                        month[variant] = int(num)
                        if is_abbr:
                            abbr.add(variant)
    month_alt = _alt(list(month))
    months = rf"(?<!\w)(?:{month_alt})(?:(?<=[^\W\d])\.)?(?!\w)"

    weekday: dict[str, int] = {}
    for key in ("weekdays", "weekday_forms_with_date"):
        for table in raw[key].values():
            for num, forms in table.items():
                for form in forms:
                    weekday[str(form).lower()] = int(num)
    wd_with_date = [str(f) for t in raw["weekday_forms_with_date"].values() for fs in t.values() for f in fs]
    wd_with_date += [str(f) for fs in raw["weekdays"]["en"].values() for f in fs]
    wd_any = _alt([v for f in wd_with_date for v in (f, f.capitalize())])
    wd_prefix = rf"(?:(?:(?:on|в|во|у)\s+)?(?P<wd>{wd_any}),?\s+)?"

    year_words = _alt([str(w) for w in raw["year_words"]])
    year_tail = rf"(?:\s*(?:{year_words})(?!\w))?"
    day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|-?(?:го|е|й|ого))?"
    day2 = r"(?P<d2>[0-3]?\d)(?:st|nd|rd|th|-?(?:го|е|й|ого))?"
    joiner = r"\s*(?:-|–|—|по|до|to|and|и|і|й|та)\s*"
    dmy = re.compile(
        rf"{wd_prefix}(?<![\d.,:/№-]){day}(?:{joiner}{day2})?(?!\d)\s*(?:of\s+)?(?P<m>{months})"
        rf"(?:\s*,?\s*(?P<y>{_YEAR})(?!\d){year_tail})?"
    )
    en_months = _alt([v for f, m in month.items() if f.isascii() for v in (f,)])
    mdy = re.compile(
        rf"{wd_prefix}(?<!\w)(?P<m>(?:{en_months})\.?)\s+(?<![\d.,])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
        rf"(?:\s*(?:-|–|—|to|and)\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?)?(?![\d%:]|[.,]\d)"
        rf"(?:,?\s+(?P<y>{_YEAR})(?!\d))?"
    )
    numeric = re.compile(
        rf"(?<![\d.,/+:-])(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[01]?\d)(?P=sep)(?P<y>{_YEAR}|\d{{2}})"
        rf"(?![\d]|[./-]\d){year_tail}"
    )
    iso = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])")
    modifiers = [str(w) for ws in raw["month_modifiers"].values() for w in ws]
    mod_alt = _alt([v for w in modifiers for v in (w, w.capitalize())])
    month_re = re.compile(
        rf"(?:(?P<mod>{mod_alt})\s*(?<=[\s-]))?(?P<m>{months})"
        rf"(?:\s*,?\s*(?:of\s+)?(?P<y>{_YEAR})(?!\d){year_tail})?"
    )
    year_re = re.compile(
        rf"(?<![\d.,/№-])(?P<y>{_YEAR})(?:\s*[-–—]\s*(?P<y2>{_YEAR}))?(?!\d|[.,:]\d|-\w)"
        rf"(?:\s*(?P<yw>{year_words})(?!\w))?"
    )
    season: dict[str, tuple[int, int]] = {}
    for table in raw["seasons"].values():
        for form, (m1, m2) in table.items():
            season[str(form)] = (int(m1), int(m2))
    rel_words = {k: [str(w) for w in v] for k, v in raw["season_relative"].items()}
    season_re = re.compile(
        rf"(?i)(?<!\w)(?:(?P<pre>in|during)\s+)?(?:the\s+)?(?:(?P<rel>{_alt(rel_words['this'] + rel_words['last'])})\s+)?"
        rf"(?P<s>{_alt(list(season))})(?!\w)(?:\s*,?\s*(?:of\s+)?(?P<y>{_YEAR})(?!\d){year_tail})?"
    )
    wd_pre = _alt([str(w) for ws in raw["weekday_prepositions"].values() for w in ws])
    en_wd = _alt([str(f) for fs in raw["weekdays"]["en"].values() for f in fs])
    other_wd = _alt([str(f) for lang in ("ru", "uk") for fs in raw["weekdays"][lang].values() for f in fs])
    weekday_re = re.compile(
        rf"(?:(?<!\w)(?P<pre1>(?i:{wd_pre}))\s+)?(?<!\w)(?P<en>{en_wd})(?!\w)"
        rf"|(?<!\w)(?P<pre2>(?i:{wd_pre}))\s+(?P<xx>(?i:{other_wd}))(?!\w)"
    )
    relative = {
        str(k).lower(): (str(v[0]), int(v[1])) for table in raw["relative"].values() for k, v in table.items()
    }
    relative_re = re.compile(rf"(?i)(?<!\w)(?:{_alt(list(relative))})(?!\w)")
    ctx = _alt([str(w) for ws in raw["month_context"].values() for w in ws])
    month_ctx = re.compile(rf"(?i)(?:^|\W)(?:{ctx})[\s-]*$")
    year_ctx = re.compile(rf"(?i)(?:^|\W)(?:{_alt([str(w) for w in raw['year_context']])})\s*$")
    opener = re.compile(rf"(?i)(?:^|\W)(?:{_alt([str(w) for w in raw['span_openers']])})\s+$")
    return _Lexicon(
        month=month,
        abbr=frozenset(abbr),
        ambiguous=frozenset(str(w) for w in raw["ambiguous_months"]),
        weekday=weekday,
        relative=relative,
        season=season,
        season_adverbs=frozenset(str(w) for w in raw["season_adverbs"]),
        season_needs_year=frozenset(str(w) for w in raw["season_needs_year"]),
        season_this=frozenset(rel_words["this"]),
        season_last=frozenset(rel_words["last"]),
        connectors=frozenset(str(w) for w in raw["span_connectors"]),
        needs_opener=frozenset(str(w) for w in raw["span_needs_opener"]),
        grace=int(raw["future_grace_days"]),
        dmy=dmy,
        mdy=mdy,
        numeric=numeric,
        iso=iso,
        month_re=month_re,
        year_re=year_re,
        season_re=season_re,
        weekday_re=weekday_re,
        relative_re=relative_re,
        month_ctx=month_ctx,
        year_ctx=year_ctx,
        opener=opener,
        last_word=re.compile(r"(?i)(?:last|прошл|минувш|минул)"),
    )


@dataclass(frozen=True, slots=True)
class _Cand:
    """A date candidate before year resolution: absent parts are None."""

    start: int
    end: int
    precision: str  # day / month / year
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year2: int | None = None
    month2: int | None = None
    day2: int | None = None
    weekday: int | None = None
    resolved: PartialDate | None = None  # relative expressions come pre-resolved


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _two_digit_year(text: str) -> int:
    y = int(text)
    return y if y >= 100 else (2000 + y if y < 70 else 1900 + y)


def _candidates(text: str, lang: str | None, published: date | None) -> list[_Cand]:
    lex = _lexicon()
    out: list[_Cand] = []

    def weekday_of(m: re.Match[str]) -> int | None:
        wd = m.group("wd")
        return lex.weekday.get(wd.lower()) if wd else None

    for m in chain(lex.dmy.finditer(text), lex.mdy.finditer(text)):  # «9 июля», "July 9"
        mon = lex.month[m.group("m").rstrip(".")]
        d = int(m.group("d"))
        d2 = int(m.group("d2")) if m.group("d2") else None
        y = int(m.group("y")) if m.group("y") else None
        if not 1 <= d <= 31 or (d2 is not None and not d < d2 <= 31):
            continue
        out.append(
            _Cand(
                m.start(),
                m.end(),
                "day",
                y,
                mon,
                d,
                y if d2 else None,
                mon if d2 else None,
                d2,
                weekday_of(m),
            )
        )
    for m in lex.numeric.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        y_text = m.group("y")
        if len(y_text) == 2 and (len(m.group("a")) != 2 or len(m.group("b")) != 2):
            continue
        y = _two_digit_year(y_text)
        d, mon = a, b
        if m.group("sep") == "/" and lang == "en" and a <= 12:
            d, mon = b, a
        if not _valid(y, mon, d) and _valid(y, d, mon):
            d, mon = mon, d
        if _valid(y, mon, d):
            out.append(_Cand(m.start(), m.end(), "day", y, mon, d))
    for m in lex.iso.finditer(text):
        y, mon, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if _valid(y, mon, d):
            out.append(_Cand(m.start(), m.end(), "day", y, mon, d))
    for m in lex.month_re.finditer(text):
        form = m.group("m").rstrip(".")
        y = int(m.group("y")) if m.group("y") else None
        if y is None and not m.group("mod"):
            if form in lex.abbr:
                continue
            needs_ctx = form.isascii() and (form in lex.ambiguous or form.capitalize() in lex.ambiguous)
            needs_ctx |= not form.isascii() and form[:1].isupper() and form.capitalize() in lex.ambiguous
            if needs_ctx and not lex.month_ctx.search(text[max(0, m.start() - 24) : m.start()]):
                continue
        elif y is None and form in lex.abbr:
            continue
        out.append(_Cand(m.start(), m.end(), "month", y, lex.month[form]))
    for m in lex.year_re.finditer(text):
        if not m.group("yw") and not lex.year_ctx.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        y = int(m.group("y"))
        y2 = int(m.group("y2")) if m.group("y2") else None
        if y2 is not None and y2 <= y:
            y2 = None
        out.append(_Cand(m.start(), m.end(), "year", y, year2=y2))
    for m in lex.season_re.finditer(text):
        c = _season(m, lex, published)
        if c is not None:
            out.append(c)
    if published is not None:
        for m in lex.weekday_re.finditer(text):
            form = (m.group("en") or m.group("xx")).lower()
            pre = (m.group("pre1") or m.group("pre2") or "").lower()
            back = (published.weekday() - lex.weekday[form]) % 7
            if back == 0 and lex.last_word.search(pre):
                back = 7
            day = published - timedelta(days=back)
            out.append(_Cand(m.start(), m.end(), "day", resolved=PartialDate(day, "day")))
        for m in lex.relative_re.finditer(text):
            unit, offset = lex.relative[m.group(0).lower()]
            out.append(_Cand(m.start(), m.end(), "day", resolved=_relative(unit, offset, published)))
    return out


def _season(m: re.Match[str], lex: _Lexicon, published: date | None) -> _Cand | None:
    form = m.group("s").lower()
    m1, m2 = lex.season[form]
    rel = (m.group("rel") or "").lower()
    y = int(m.group("y")) if m.group("y") else None
    if y is not None:
        start_year = y - 1 if m1 > m2 else y
    else:
        if published is None:
            return None
        bare_ok = form in lex.season_adverbs or (m.group("pre") and form.isascii())
        if form in lex.season_needs_year or not (rel or bare_ok):
            return None
        start_year = published.year if m1 <= published.month or m1 < m2 else published.year - 1
        if m1 > m2 and published.month == 12:
            start_year = published.year
        if rel in lex.season_last:
            end_year = start_year + (1 if m1 > m2 else 0)
            if date(end_year, m2, 1) >= date(published.year, published.month, 1):
                start_year -= 1
        elif not rel and date(start_year, m1, 1) > published:
            start_year -= 1
    end_year = start_year + 1 if m1 > m2 else start_year
    return _Cand(
        m.start(),
        m.end(),
        "month",
        resolved=PartialDate(date(start_year, m1, 1), "month", date(end_year, m2, 1)),
    )


def _relative(unit: str, offset: int, published: date) -> PartialDate:
    if unit == "day":
        return PartialDate(published + timedelta(days=offset), "day")
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
        return PartialDate(monday, "day", min(monday + timedelta(days=6), published))
    if unit == "month":
        index = published.year * 12 + published.month - 1 + offset
        return PartialDate(date(index // 12, index % 12 + 1, 1), "month")
    return PartialDate(date(published.year + offset, 1, 1), "year")


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest candidates first; drop any that overlaps one already kept."""
    kept: list[_Cand] = []
    taken = Spans()
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start)):
        if taken.overlaps(c.start, c.end):
            continue
        kept.append(c)
        taken.add(c.start, c.end)
    return sorted(kept, key=lambda c: c.start)


def _pick_year(c: _Cand, anchor: date, grace: int) -> int | None:
    """The year for a year-less day or month: weekday match, else latest not after anchor (+grace)."""
    assert c.month is not None
    if c.day is not None and c.weekday is not None:
        options = [
            y
            for y in range(anchor.year - 7, anchor.year + 2)
            if _valid(y, c.month, c.day) and date(y, c.month, c.day).weekday() == c.weekday
        ]
        if options:
            return min(options, key=lambda y: (abs((date(y, c.month, c.day) - anchor).days), -y))
    limit = anchor + timedelta(days=grace)
    for y in (anchor.year + 1, anchor.year, anchor.year - 1, anchor.year - 2):
        if _valid(y, c.month, c.day or 1) and date(y, c.month, c.day or 1) <= limit:
            return y
    return None


def _resolve(c: _Cand, anchor: date | None, grace: int) -> PartialDate | None:
    if c.resolved is not None:
        return c.resolved
    y = c.year
    if y is None and c.month is not None:
        if anchor is None:
            return None
        y = _pick_year(c, anchor, grace)
        if y is None:
            return None
    assert y is not None
    if c.precision == "year":
        return PartialDate(date(y, 1, 1), "year", date(c.year2, 1, 1) if c.year2 else None)
    assert c.month is not None
    if c.precision == "month":
        return PartialDate(date(y, c.month, 1), "month")
    if not _valid(y, c.month, c.day or 1):
        return None
    start = date(y, c.month, c.day or 1)
    end = None
    if c.day2 is not None and c.month2 is not None and _valid(y, c.month2, c.day2):
        end = date(y, c.month2, c.day2)
    return PartialDate(start, "day", end)


def _document_anchor(cands: list[_Cand]) -> date | None:
    """Without a publication date, the latest explicitly dated day or month in the text."""
    best: date | None = None
    for c in cands:
        if c.year is not None and c.month is not None and _valid(c.year, c.month, c.day or 1):
            d = date(c.year, c.month, c.day or 1)
            best = d if best is None or d > best else best
    return best


def _joined(text: str, a: _Cand, b: _Cand, lex: _Lexicon) -> bool:
    gap = text[a.end : b.start]
    if len(gap) > 12:
        return False
    word = gap.strip().lower()
    if word not in lex.connectors:
        return False
    if word in lex.needs_opener or (word and word[0].isalpha() and not gap[:1].isspace()):
        return bool(lex.opener.search(text[max(0, a.start - 12) : a.start]))
    return True


def _merge(a: _Cand, b: _Cand) -> _Cand:
    """Two candidates joined into a span; the first borrows the second's year and month."""
    year = a.year
    if year is None and b.year is not None and b.month is not None and a.month is not None:
        year = b.year - 1 if a.month > b.month else b.year
    elif year is None and b.year is not None and a.month is None:
        year = b.year
    return replace(a, end=b.end, year=year)


def find_dates(text: str, published: date | None, lang: str | None = None) -> list[Mention]:
    """Every date expression in ``text`` as ``Mention(kind="date", value=PartialDate)``.

    Year-less and relative expressions are resolved against ``published``; without it, year-less
    dates take their year from the latest explicit date in the text and relative ones are dropped.
    """
    lex = _lexicon()
    cands = _select(_candidates(text, lang, published))
    anchor = published or _document_anchor(cands)
    out: list[Mention] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if (
            i + 1 < len(cands)
            and a.resolved is None
            and cands[i + 1].resolved is None
            and _joined(text, a, cands[i + 1], lex)
        ):
            b = cands[i + 1]
            pa = _resolve(_merge(a, b), anchor, lex.grace)
            pb = _resolve(b, anchor, lex.grace)
            if pa is not None and pb is not None and pa.start is not None and pb.start is not None:
                precision = min(pa.precision, pb.precision, key=lambda p: PRECISION_RANK[p])
                last = pb.end or pb.start
                if last >= pa.start:
                    out.append(
                        Mention(
                            "date",
                            a.start,
                            b.end,
                            text[a.start : b.end],
                            PartialDate(pa.start, precision, last),
                        )
                    )
                    i += 2
                    continue
        value = _resolve(a, anchor, lex.grace)
        if value is not None:
            out.append(Mention("date", a.start, a.end, text[a.start : a.end], value))
        i += 1
    return out


def month_number(word: str) -> int | None:
    """The month a word names in any of the languages («октября» -> 10), else None."""
    return _lexicon().month.get(word.rstrip("."))
