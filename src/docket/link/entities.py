"""Canonical entities: one entry per person or organisation, matched across scripts and spellings."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from sqlalchemy import Connection

from docket.link.cache import MISSING, TxMemo
from docket.model import stable_id
from docket.morphology import morph
from docket.store import incidents as repo

_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _translit() -> tuple[dict[str, str], list[tuple[str, str]]]:
    data = yaml.safe_load(resources.files("docket.data").joinpath("translit.yaml").read_text("utf-8"))
    table = {k: v or "" for k, v in data["cyrillic"].items()}
    folds = [(a, b) for a, b in data["latin_folds"]]
    return table, folds


def to_latin(text: str) -> str:
    """Casefolded, accents stripped, Cyrillic transliterated: 'Осечкин' -> 'osechkin'."""
    table, _ = _translit()
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    # NFKD splits й/ё into base + combining mark; the marks were dropped above, which is what we want.
    return "".join(table.get(c, c) for c in text)


# A Cyrillic word, but not part of a domain name («Гулагу.нет» is a name, not a dative of «гулаг»).
_CYRILLIC_WORD = re.compile(r"(?<![.\w])[а-яёіїєґ][а-яёіїєґ'’ʼ-]*(?![.]\w)", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _nominative(word: str) -> str:
    """A Cyrillic word in its dictionary form: «Новой газеты» and «Новая газета» name one outlet,
    «Осечкина» and «Осечкин» one person."""
    lang = "uk" if any(c in "іїєґ" for c in word.lower()) else "ru"
    return morph(lang).parse(word.lower())[0].normal_form


@lru_cache(maxsize=65536)
def canonical_key(name: str) -> str:
    """A key under which spelling variants of one name meet (Osechkin / Osyechkin / Осечкин / Осечкина,
    «Новая газета» / «Новой газеты»)."""
    return _spelling_key(_CYRILLIC_WORD.sub(lambda m: _nominative(m.group(0)), name))


def _spelling_key(name: str) -> str:
    """Latin letters only, with transliteration variants folded (Osyechkin -> osechkin)."""
    _, folds = _translit()
    text = _NON_WORD.sub("", to_latin(name))
    for a, b in folds:
        text = text.replace(a, b)
    return text


_FEMININE_ENDINGS = (("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("yna", "yn"), ("skaya", "sky"), ("ska", "sky"))


@lru_cache(maxsize=65536)
def person_key(name: str) -> str:
    """A key for a person by surname, in any case, gender and script: Пригожина / Пригожин / Prigozhin,
    Бєлова / Белова / Belova / Belov (relatives sharing a surname meet too: a prior, not an identity)."""
    words = _tokens(name)
    if not words:
        return ""
    word = words[-1]
    if _CYRILLIC_WORD.fullmatch(word):
        lang = "uk" if any(c in "іїєґ" for c in word.lower()) else "ru"
        parses = morph(lang).parse(word)
        word = next((p.normal_form for p in parses[:4] if "Surn" in p.tag.grammemes), parses[0].normal_form)
    key = _spelling_key(word)
    for feminine, masculine in _FEMININE_ENDINGS:
        if key.endswith(feminine) and len(key) > len(feminine) + 2:
            return key[: -len(feminine)] + masculine
    return key


def _tokens(name: str) -> list[str]:
    return [t for t in _NON_WORD.split(name) if t]


def surname_key(name: str) -> str | None:
    """'Vladimir Osechkin' -> weak key of its last word, so a bare 'Osechkin' finds the person."""
    tokens = _tokens(name)
    return "~" + canonical_key(tokens[-1]) if len(tokens) >= 2 else None


@dataclass(frozen=True, slots=True)
class SeedEntity:
    id: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    part_of: str | None


@lru_cache(maxsize=1)
def seed_entities() -> tuple[SeedEntity, ...]:
    data = yaml.safe_load(resources.files("docket.data").joinpath("aliases.yaml").read_text("utf-8"))
    return tuple(
        SeedEntity(e["id"], e["kind"], e["name"], tuple(e.get("aliases") or []), e.get("part_of"))
        for e in data["entities"]
    )


@lru_cache(maxsize=1)
def _seed_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for e in seed_entities():
        for alias in (e.name, *e.aliases):
            index.setdefault(canonical_key(alias), e.id)
        if e.kind == "person":
            weak = surname_key(e.name)
            if weak:
                index.setdefault(weak, e.id)
    return index


def seed_lookup(name: str) -> str | None:
    """The seed entity id a name denotes, without touching a store."""
    index = _seed_index()
    key = canonical_key(name)
    return index.get(key) or index.get("~" + key)


@lru_cache(maxsize=1)
def _part_of() -> dict[str, str]:
    return {e.id: e.part_of for e in seed_entities() if e.part_of}


def speaks_for(entity_id: str) -> str:
    """The entity whose voice this one is (a spokesperson -> their organisation), else itself."""
    return _part_of().get(entity_id, entity_id)


_SEEDED = TxMemo()
# alias key -> entity id, for keys stored as an alias: such a row is never changed or removed, so the
# answer holds for good once its transaction committed. Weak ("~") matches are not kept: a later exact
# alias may take precedence over them.
_ALIASES = TxMemo()
_NAMES = TxMemo()


def ensure_seeded(conn: Connection) -> None:
    """Load aliases.yaml into the entity tables once per store (remembered per store once committed)."""
    if _SEEDED.get(conn, "seeded") is not MISSING:
        return
    if not repo.entity_exists(conn, seed_entities()[-1].id):
        rows, aliases = [], []
        for e in seed_entities():
            rows.append({"id": e.id, "kind": e.kind, "name": e.name})
            aliases += [
                {"key": canonical_key(a)[:200], "entity_id": e.id, "alias": a} for a in (e.name, *e.aliases)
            ]
            weak = surname_key(e.name) if e.kind == "person" else None
            if weak:
                aliases.append({"key": weak, "entity_id": e.id, "alias": e.name})
        repo.add_entities_bulk(conn, rows, aliases)
    _SEEDED.put(conn, "seeded", True)


def guess_kind(name: str) -> str:
    """People are named by two or three capitalised words; anything else is taken as an organisation."""
    tokens = _tokens(name)
    if 2 <= len(tokens) <= 3 and all(t[:1].isupper() and t[1:].islower() for t in tokens):
        return "person"
    return "organisation"


def resolve_entity(conn: Connection, name: str, kind: str | None = None) -> str | None:
    """The canonical entity id for a name, creating the entity (and its aliases) when it is new."""
    return resolve_entity_stably(conn, name, kind)[0]


def resolve_entity_stably(conn: Connection, name: str, kind: str | None = None) -> tuple[str | None, bool]:
    """``resolve_entity``, and whether the answer holds for good: True unless it came from a weak
    (surname) alias, which an exact alias added later would override."""
    key = canonical_key(name)
    if not key:
        return None, True
    memo_key = key[:200]
    found = _ALIASES.get(conn, memo_key)
    if found is not MISSING:
        return found, True
    ensure_seeded(conn)
    found = repo.entity_by_alias(conn, key)
    if found is not None:
        _ALIASES.put(conn, memo_key, found)
        return found, True
    if len(_tokens(name)) == 1:
        found = repo.entity_by_alias(conn, "~" + key)
        if found is not None:
            return found, False
    kind = kind or guess_kind(name)
    entity_id = stable_id("ent", key)
    repo.add_entity(conn, entity_id, kind, name.strip())
    repo.add_alias(conn, key, entity_id, name.strip())
    weak = surname_key(name) if kind == "person" else None
    if weak:
        repo.add_alias(conn, weak, entity_id, name.strip())
    _ALIASES.put(conn, memo_key, entity_id)
    return entity_id, True


def entity_names(conn: Connection, ids: list[str]) -> dict[str, str]:
    """Display names of entities by id (an entity's name never changes once stored)."""
    out: dict[str, str] = {}
    missing = []
    for eid in ids:
        name = _NAMES.get(conn, eid)
        if name is MISSING:
            missing.append(eid)
        else:
            out[eid] = name
    if missing:
        found = repo.entity_names(conn, missing)
        for eid, name in found.items():
            _NAMES.put(conn, eid, name)
        out |= found
    return out
