"""Assemble claims (one per reported happening) from per-sentence evidence.

A document is read sentence by sentence. A sentence with event cues either continues the happening
being described or starts a new one; it starts a new one when it moves to another place (a different
first-level division or country) or, in a new paragraph, to other event types with anchors of its own.
Sentences without cues lend their places, dates and counts to the happening of their paragraph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from docket.extract.features import DocumentEvidence, SentenceEvidence
from docket.extract.taxonomy import taxonomy
from docket.model import Claim, Count, PartialDate, Place, stable_id

PRECISION_ORDER = {"facility": 0, "settlement": 1, "region": 2, "country": 3}
MAX_TYPES = 3
ACCOUNTABILITY = "accountability"


@dataclass(slots=True)
class _Draft:
    """Sentences of one happening, with running totals so that segmenting stays linear in the document."""

    sentences: list[SentenceEvidence] = field(default_factory=list)  # sentences with cues
    context: list[SentenceEvidence] = field(default_factory=list)  # same-paragraph sentences without cues
    paragraphs: set[int] = field(default_factory=set)
    types: Counter[str] = field(default_factory=Counter)
    _regions: set[tuple[str | None, str | None]] = field(default_factory=set)
    _facilities: set[str] = field(default_factory=set)

    def add(self, ev: SentenceEvidence) -> None:
        self.sentences.append(ev)
        self.paragraphs.add(ev.sentence.paragraph)
        self.types.update(ev.types)
        self._regions.update(_region_key(p) for p in ev.places if p.precision != "country")
        self._facilities.update(_facilities([ev]))

    def regions(self) -> set[tuple[str | None, str | None]]:
        return self._regions

    def facilities(self) -> set[str]:
        return self._facilities


def _facilities(sentences: Iterable[SentenceEvidence]) -> set[str]:
    return {p.name for s in sentences for p in s.places if p.precision == "facility"}


def _region_key(place: Place) -> tuple[str | None, str | None]:
    return (place.country, place.admin1)


def build_claims(evidence: DocumentEvidence) -> list[Claim]:
    drafts = _segment(evidence.sentences)
    drafts = [d for d in drafts if _salient(d)]
    claims = [_assemble(evidence, d, i) for i, d in enumerate(drafts)]
    return [c for c in claims if c.types and _checkable(c)]


def _checkable(claim: Claim) -> bool:
    """A claim names something a reader could check: a place below the country, a date the text states
    or a count. "A lawyer said conscripts across Russia received call-up papers" names none (the lawyer
    is its source): a trend, not an incident."""
    return bool(
        any(p.precision != "country" for p in claim.places)
        or (claim.date and not claim.date.inferred)
        or (claim.count and not claim.count.inferred)
    )


def _inherit_paragraph_places(sentences: list[SentenceEvidence]) -> None:
    """A cue sentence naming no place happens where its paragraph's opening said ("Moscow. Police ...")."""
    lead: list = []
    paragraph = -1
    for ev in sentences:
        if ev.sentence.paragraph != paragraph:
            paragraph, lead = ev.sentence.paragraph, []
        local = [p for p in ev.places if p.precision != "country"]
        if local:
            lead = local
        elif lead and ev.types:
            ev.places = list(lead) + ev.places


def _segment(sentences: list[SentenceEvidence]) -> list[_Draft]:
    _inherit_paragraph_places(sentences)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for ev in sentences:
        if not ev.types:
            if current and ev.sentence.paragraph in current.paragraphs:
                current.context.append(ev)
            continue
        if current is None or _starts_new(current, ev):
            current = _resumable(drafts, ev) or _Draft()
            if current not in drafts:
                drafts.append(current)
        current.add(ev)
    return drafts


def _official(types: dict[str, int] | Counter[str]) -> bool | None:
    """True where official responses outweigh abuses, False where abuses do, None for a tie."""
    official = types.get(ACCOUNTABILITY, 0)
    abuse = sum(n for t, n in types.items() if t != ACCOUNTABILITY)
    return None if official == abuse else official > abuse


def _starts_new(current: _Draft, ev: SentenceEvidence) -> bool:
    if ev.background and not ev.has_anchor:
        return False
    own_regions = {_region_key(p) for p in ev.places if p.precision != "country"}
    if own_regions and current.regions() and not (own_regions & current.regions()):
        return True
    # Another named colony or detention centre in the same region is another happening.
    own_facilities, theirs_facilities = _facilities([ev]), current.facilities()
    if own_facilities and theirs_facilities and not (own_facilities & theirs_facilities):
        return True
    # An official response (a case opened, a verdict) is its own happening, apart from the abuse.
    mine, theirs = _official(ev.types), _official(current.types)
    if mine is not None and theirs is not None and mine != theirs:
        return True
    new_paragraph = ev.sentence.paragraph not in current.paragraphs
    return bool(new_paragraph and ev.has_anchor and not (set(ev.types) & set(current.types)))


def _resumable(drafts: list[_Draft], ev: SentenceEvidence) -> _Draft | None:
    """An earlier draft the sentence returns to: same region and the same kind of happening."""
    own_regions = {_region_key(p) for p in ev.places if p.precision != "country"}
    if not own_regions:
        return None
    mine = _official(ev.types)
    own_facilities = _facilities([ev])
    for draft in reversed(drafts):
        theirs = _official(draft.types)
        if not (own_regions & draft.regions()) or not (mine is None or theirs is None or mine == theirs):
            continue
        if own_facilities and draft.facilities() and not (own_facilities & draft.facilities()):
            continue
        return draft
    return None


def _salient(draft: _Draft) -> bool:
    """Drop drafts that are background or a single passing mention without anchors."""
    if all(s.background for s in draft.sentences):
        return False
    strength = sum(draft.types.values())
    anchored = any(s.has_anchor for s in draft.sentences + draft.context)
    return strength >= 2 or anchored


def _assemble(evidence: DocumentEvidence, draft: _Draft, index: int) -> Claim:
    doc = evidence.doc
    everything = draft.sentences + draft.context
    everything.sort(key=lambda s: s.sentence.index)
    types = _choose_types(draft.types)
    official = bool(types) and types[0] == ACCOUNTABILITY
    victims = _actors(everything, "victims")
    if not victims and types:
        victims = list(taxonomy().types[types[0]].default_victims)
    perpetrators = _actors(everything, "perpetrators")
    places = _places(everything) or _document_places(evidence)
    when = (_lead_date(draft.sentences, evidence.published, official)
            or _date(draft.context, evidence.published, official)
            or _reported_on(everything, evidence.published) or _fallback_date(evidence, types))
    count = (_count(draft.sentences, official) or _one_person(draft.sentences)
             or _count(draft.context, official))
    origin, via, anonymous = _origin(draft, evidence, index)
    hedged = any(s.hedged for s in everything) or (index == 0 and _document_hedged(evidence))
    spans = _spans(draft.sentences)
    return Claim(
        id=stable_id("clm", doc.id, str(index), str(spans[0][0] if spans else 0)),
        document_id=doc.id,
        types=types,
        date=when,
        places=places,
        count=count,
        victims=victims,
        perpetrators=perpetrators,
        origin=origin,
        via=via,
        hedged=hedged,
        spans=spans,
        facilities=[p.name for p in places if p.precision == "facility"],
        people=_people(everything, [origin or "", *via]),
        confidence=0.4 if anonymous else 0.6,
    )


def _people(sentences: list[SentenceEvidence], sources: list[str]) -> list[str]:
    """The people the claim's sentences name, less those it cites as its sources."""
    cited = " ".join(sources).lower()
    named = dict.fromkeys(p for s in sentences for p in s.people)
    return [p for p in named if _stem(p.split()[-1]) not in cited]


def _stem(word: str) -> str:
    """Enough of a surname to find it in any case: «Асташин» in «Асташина»."""
    word = word.lower()
    return word[: max(4, len(word) - 2)]


def _choose_types(counts: Counter[str]) -> list[str]:
    if not counts:
        return []
    top = counts.most_common()
    best = top[0][1]
    return [name for name, n in top if n * 2 >= best][:MAX_TYPES]


def _actors(sentences: list[SentenceEvidence], role: str) -> list[str]:
    seen: Counter[str] = Counter()
    for s in sentences:
        seen.update(sorted(getattr(s, role)))  # sets: sorted, so ties rank the same in every run
    return [name for name, _ in seen.most_common()]


def _places(sentences: list[SentenceEvidence]) -> list[Place]:
    found: dict[tuple, Place] = {}
    for s in sentences:
        for p in s.places:
            key = (p.name, p.precision, p.country)
            found.setdefault(key, p)
    places = list(found.values())
    places.sort(key=lambda p: PRECISION_ORDER.get(p.precision, 9))
    return places


def _document_places(evidence: DocumentEvidence) -> list[Place]:
    """The document's most mentioned place, for a claim that names none of its own."""
    tally: Counter[tuple] = Counter()
    first: dict[tuple, Place] = {}
    for s in evidence.sentences:
        for p in s.places:
            key = (p.name, p.precision, p.country)
            tally[key] += 1
            first.setdefault(key, p)
    if not tally:
        return []
    key, _ = tally.most_common(1)[0]
    return [first[key]]


def _date(sentences: list[SentenceEvidence], published: date | None, official: bool = False) -> PartialDate | None:
    """The earliest date given; for an official response, which is dated by its announcement too, the
    latest ("the trial of men charged over the April 2020 riot opened in mid-July")."""
    candidates = _by(published, [d for s in sentences for d in (s.dates + s.report_dates if official else s.dates)])
    if not candidates:
        return None
    if official:
        return max(candidates, key=lambda d: (d.start, _rank(d.precision)))
    return min(candidates, key=lambda d: (d.start, -_rank(d.precision)))


def _by(published: date | None, dates: list[PartialDate]) -> list[PartialDate]:
    """The dates that can have happened by the report's publication."""
    return [d for d in dates if d.start is not None and (not published or d.start <= published)]


def _lead_date(sentences: list[SentenceEvidence], published: date | None, official: bool) -> PartialDate | None:
    """The date the report leads with: the earliest in the first paragraph that gives one. A later
    paragraph's older date is usually history ("where prisoners rioted in April 2020")."""
    for paragraph in sorted({s.sentence.paragraph for s in sentences}):
        found = _date([s for s in sentences if s.sentence.paragraph == paragraph], published, official)
        if found:
            return found
    return None


def _reported_on(sentences: list[SentenceEvidence], published: date | None) -> PartialDate | None:
    """"The rights group said on Monday": the earliest report bounds the happening, as publication does,
    to the month."""
    candidates = _by(published, [d for s in sentences for d in s.report_dates])
    if not candidates:
        return None
    first = min(candidates, key=lambda d: (d.start, -_rank(d.precision)))
    if first.precision == "year":
        return PartialDate(first.start, "year", inferred=True)
    return PartialDate(date(first.start.year, first.start.month, 1), "month", inferred=True)


def _fallback_date(evidence: DocumentEvidence, types: list[str]) -> PartialDate | None:
    """No date in the text: the happening is bounded by the report. Official responses (a verdict, a
    dismissal) are news on the day they happen; other happenings are placed in the month of the report."""
    doc_date = evidence.doc.published
    if not evidence.published or doc_date is None:
        return None
    published = evidence.published
    if types and types[0] == ACCOUNTABILITY and doc_date.precision == "day":
        return PartialDate(published, "day", inferred=True)
    return PartialDate(date(published.year, published.month, 1), "month", inferred=True)


def _rank(precision: str) -> int:
    return {"day": 3, "month": 2, "year": 1}.get(precision, 0)


def _count(sentences: list[SentenceEvidence], official: bool) -> Count | None:
    for s in sentences:
        if not official and _official(s.types):
            continue  # "probes opened against ten inmates" counts the accused, not the victims
        counts = s.official_counts + s.counts if official else s.counts
        if counts:
            return counts[0]
    return None


def _one_person(sentences: list[SentenceEvidence]) -> Count | None:
    """A report that speaks of "a convict" or «осуждённого», and never of several, concerns one person."""
    numbers = [n for s in sentences for n in s.persons]
    return Count(1, "exact", inferred=True) if numbers and "plur" not in numbers else None


def _origin(draft: _Draft, evidence: DocumentEvidence, index: int) -> tuple[str | None, list[str], bool]:
    named = [a for s in draft.sentences + draft.context for a in s.attributions]
    named.sort(key=lambda a: a.start)
    if not named and index == 0:
        named = [a for s in evidence.sentences[:4] for a in s.attributions]
    if named:
        first = named[0]
        via: list[str] = [first.via] if first.via else []
        for a in named[1:]:
            if a.who != first.who and a.who not in via and first.who not in a.who:
                via.append(a.who)
        return first.who, via[:3], False
    roles = [a for s in draft.sentences + draft.context for a in s.roles]
    if roles:
        return roles[0].who, [], True
    doc = evidence.doc
    fallback = doc.outlet or (doc.meta or {}).get("channel")
    return fallback, [], False


def _document_hedged(evidence: DocumentEvidence) -> bool:
    return any(s.hedged for s in evidence.sentences)


def _spans(sentences: list[SentenceEvidence]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for s in sorted(sentences, key=lambda s: s.sentence.start):
        start, end = s.sentence.start, s.sentence.end
        if spans and start - spans[-1][1] <= 2:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
