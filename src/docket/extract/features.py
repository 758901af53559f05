"""Per-sentence evidence: which types, actors, places, dates, counts and sources each sentence carries.

This is the one place where the extractors (dates, places, facilities, counts, attribution, taxonomy
cues) are run over a document; the claim builder only reads the result.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from docket.extract.attribution import Attribution, dates_a_report, find_attributions, find_roles
from docket.extract.counts import CountValue, count_unit, find_counts
from docket.extract.dates import find_dates
from docket.extract.facilities import find_facilities, resolve_facility_regions
from docket.extract.named_people import find_named_people
from docket.extract.persons import Number, find_persons
from docket.extract.places import find_places
from docket.extract.sentences import Sentence, split_sentences
from docket.extract.taxonomy import taxonomy
from docket.model import Count, Document, Mention, PartialDate, Place

ACCOUNTABILITY = "accountability"


@dataclass(slots=True)
class SentenceEvidence:
    sentence: Sentence
    types: dict[str, int] = field(default_factory=dict)  # type -> number of cue hits
    victims: set[str] = field(default_factory=set)
    perpetrators: set[str] = field(default_factory=set)
    places: list[Place] = field(default_factory=list)
    dates: list[PartialDate] = field(default_factory=list)
    report_dates: list[PartialDate] = field(default_factory=list)  # "said on Monday": when it was reported
    counts: list[Count] = field(default_factory=list)
    # "eleven former guards", "more than a dozen officers": who an official response concerns, but never
    # the victims of an abuse
    official_counts: list[Count] = field(default_factory=list)
    persons: list[Number] = field(default_factory=list)  # grammatical number of each noun for a person
    people: list[str] = field(default_factory=list)  # surnames of the people the sentence names
    attributions: list[Attribution] = field(default_factory=list)
    roles: list[Attribution] = field(default_factory=list)
    hedged: bool = False
    background: bool = False

    @property
    def has_anchor(self) -> bool:
        return bool(self.places or self.dates or self.report_dates or self.counts or self.official_counts)


@dataclass(slots=True)
class DocumentEvidence:
    doc: Document
    sentences: list[SentenceEvidence]
    published: date | None


def gather(doc: Document) -> DocumentEvidence:
    text = doc.text
    lang = doc.language
    published = doc.published.start if doc.published and doc.published.start else None
    sentences = split_sentences(text)
    evidence = [SentenceEvidence(s) for s in sentences]
    if not sentences:
        return DocumentEvidence(doc, evidence, published)
    starts = [s.start for s in sentences]

    def owner(pos: int) -> SentenceEvidence:
        return evidence[max(0, bisect_right(starts, pos) - 1)]

    tax = taxonomy()
    first_official: dict[int, int] = {}  # sentence index -> offset of its first official-response cue
    first_unofficial: dict[int, int] = {}  # ... of its first threat or demand
    for m in tax.unofficial.finditer(text) if tax.unofficial else ():
        first_unofficial.setdefault(owner(m.start()).sentence.index, m.start())
    abuse_hits: list[tuple[str, int]] = []
    for name, event_type in tax.types.items():
        for m in event_type.cue.finditer(text):
            if name == ACCOUNTABILITY:
                ev = owner(m.start())
                if first_unofficial.get(ev.sentence.index, len(text)) < m.start():
                    continue  # "told they would face criminal charges", «просят возбудить дело»
                ev.types[name] = ev.types.get(name, 0) + 1
                index = ev.sentence.index
                first_official[index] = min(first_official.get(index, m.start()), m.start())
            else:
                abuse_hits.append((name, m.start()))
    for name, pos in abuse_hits:
        ev = owner(pos)
        # "Guards sentenced for torturing a prisoner" reports the verdict; the abuse is its subject. But
        # "a convict died, days after officials were detained" reports the death first.
        if first_official.get(ev.sentence.index, len(text)) < pos:
            continue
        ev.types[name] = ev.types.get(name, 0) + 1
    for name, group in tax.actors.items():
        if group.cue is None:
            continue
        for m in group.cue.finditer(text):
            target = owner(m.start()).victims if group.role == "victim" else owner(m.start()).perpetrators
            target.add(name)
    for m in tax.hedge.finditer(text):
        owner(m.start()).hedged = True
    for m in tax.background.finditer(text):
        owner(m.start()).background = True

    place_mentions = find_places(text, lang)
    for mention in place_mentions:
        owner(mention.start).places.append(mention.value)  # type: ignore[arg-type]
    facility_mentions = find_facilities(text, lang)
    facility_places = resolve_facility_regions(facility_mentions, place_mentions, text)
    for mention, place in zip(facility_mentions, facility_places, strict=True):
        owner(mention.start).places.insert(0, place)
    for mention in find_dates(text, published, lang):
        ev = owner(mention.start)
        target = ev.report_dates if dates_a_report(text, mention.start, mention.end) else ev.dates
        target.append(mention.value)  # type: ignore[arg-type]
    perpetrator_cues = [g.cue for g in tax.actors.values() if g.role != "victim" and g.cue is not None]
    for mention in find_counts(text, lang):
        if count_unit(mention) != "people":
            continue
        if any(cue.search(mention.text) for cue in perpetrator_cues) or _counts_accused(text, mention.start):
            owner(mention.start).official_counts.append(_count_of(mention))
        else:
            owner(mention.start).counts.append(_count_of(mention))
    for person in find_persons(text):
        owner(person.start).persons.append(person.number)
    places_taken = [(m.start, m.end) for m in place_mentions + facility_mentions]
    for named in find_named_people(text, lang, places_taken):
        owner(named.start).people.append(named.value)  # type: ignore[arg-type]
    for attribution in find_attributions(text):
        owner(attribution.start).attributions.append(attribution)
    for role in find_roles(text):
        owner(role.start).roles.append(role)
    return DocumentEvidence(doc, evidence, published)


ACCUSED_REACH = 40  # characters before a count in which "against", «в отношении» mark the accused


def _counts_accused(text: str, start: int) -> bool:
    """"probes opened against guards and ten inmates": the count is of the accused."""
    accused = taxonomy().accused
    before = text[max(0, start - ACCUSED_REACH) : start]
    before = before[max(before.rfind(". "), before.rfind(", but"), before.rfind("\n")) + 1 :]
    return accused is not None and accused.search(before) is not None


def _count_of(mention: Mention) -> Count:
    value = mention.value
    return value.count() if isinstance(value, CountValue) else value  # type: ignore[return-value]
