"""Full-text search over documents, and over incidents through their source documents.

One index, two engines, one query language (PostgreSQL's ``websearch_to_tsquery``): words must all
occur (``мобилизованный колония``), ``"a phrase"`` matches words in order, ``or`` between two words
accepts either, and ``-word`` excludes. Words match in any inflection: both engines stem with the
Snowball algorithms, Russian for Russian and Ukrainian text, English for English, none otherwise.

- PostgreSQL: table ``search_documents(document_id, config regconfig, tsv tsvector)`` with a GIN index;
  ``tsv`` is ``to_tsvector(config, title)`` (weight A) ``|| to_tsvector(config, text)`` (weight B), the
  configuration (``russian`` | ``english`` | ``simple``) chosen by the document's language. A query is
  parsed once per configuration and each row is matched with its own configuration's query.
- SQLite: an FTS5 table ``search_documents(document_id, title, body)`` holding the words already
  stemmed here (``snowballstemmer``: Cyrillic words by the Russian stemmer, Latin ones by the English),
  queried with the query's words stemmed the same way.

The index is created with the schema (``metadata``'s after-create hook, so a new store has it) or by the
migration that introduced it (which also indexes the documents already stored), and kept current by
``save_document``. It is not covered by custody: it can be rebuilt from the documents at any time
(``reindex_documents``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer
from sqlalchemy import Connection, TextClause, event, select, text

from docket.store.driver import execute
from docket.store.schema import documents, metadata

TABLE = "search_documents"
# Document language -> PostgreSQL text-search configuration (and, on SQLite, how words are stemmed).
CONFIGS = {"ru": "russian", "uk": "russian", "be": "russian", "en": "english"}
DEFAULT_CONFIG = "simple"
ALL_CONFIGS = ("russian", "english", DEFAULT_CONFIG)
# Longer texts are indexed up to here (a tsvector is at most 1 MB); search finds what their start says.
MAX_INDEXED_CHARS = 500_000
SNIPPET_CHARS = 240
MAX_QUERY_CHARS = 1000


def search_config(language: str | None) -> str:
    return CONFIGS.get((language or "").split("-")[0].lower(), DEFAULT_CONFIG)


# -- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentHit:
    id: str
    name: str
    title: str | None
    language: str | None
    published: str | None  # start of the publication date, ISO
    score: float  # higher is better; the scale is the engine's own
    snippet: str  # a stretch of the text around the first matching word ("" when none is found)


@dataclass(frozen=True, slots=True)
class IncidentHit:
    id: str
    score: float  # the best score among its matching documents
    document_ids: list[str] = field(default_factory=list)  # its matching source documents, best first


def search_documents(conn: Connection, query: str, limit: int = 20, offset: int = 0) -> list[DocumentHit]:
    """Documents matching ``query``, best first."""
    ranked = _ranked_documents(conn, query, limit, offset)
    if not ranked:
        return []
    c = documents.c
    rows = {
        r.id: r
        for r in conn.execute(
            select(c.id, c.name, c.title, c.language, c.published_start, c.text, c.raw_text).where(
                c.id.in_([doc_id for doc_id, _ in ranked])
            )
        )
    }
    stems = _query_stems(query)
    hits = []
    for doc_id, score in ranked:
        r = rows.get(doc_id)
        if r is not None:
            body = r.text or r.raw_text or ""
            hits.append(DocumentHit(r.id, r.name, r.title, r.language, r.published_start, score, snippet(body, stems)))
    return hits


def search_incidents(conn: Connection, query: str, limit: int = 20, offset: int = 0) -> list[IncidentHit]:
    """Incidents with a source document matching ``query``, by their best document, best first."""
    matched = _matches(conn, query)
    if matched is None:
        return []
    sql = (
        f"WITH m AS MATERIALIZED ({matched}) SELECT c.incident_id AS incident_id, max(m.score) AS score FROM m "
        "JOIN claims c ON c.document_id = m.document_id WHERE c.incident_id IS NOT NULL "
        "GROUP BY c.incident_id ORDER BY score DESC, c.incident_id LIMIT :limit OFFSET :offset"
    )
    params = _params(conn, query) | {"limit": max(0, limit), "offset": max(0, offset)}
    page = [(r.incident_id, float(r.score)) for r in conn.execute(text(sql), params)]
    if not page:
        return []
    ids = [incident_id for incident_id, _ in page]
    sql = (
        f"WITH m AS MATERIALIZED ({matched}) SELECT c.incident_id AS incident_id, m.document_id AS document_id, "
        "m.score AS score FROM m JOIN claims c ON c.document_id = m.document_id"
    )
    docs: dict[str, dict[str, float]] = {i: {} for i in ids}
    for r in conn.execute(text(sql), _params(conn, query)):
        if r.incident_id in docs:
            docs[r.incident_id][r.document_id] = float(r.score)
    return [
        IncidentHit(i, score, sorted(docs[i], key=lambda d: (-docs[i][d], d))) for i, score in page
    ]


def matching_incident_ids(conn: Connection, query: str) -> set[str]:
    """Every incident with a source document matching ``query`` (for filtering a list)."""
    matched = _matches(conn, query)
    if matched is None:
        return set()
    sql = (
        f"WITH m AS MATERIALIZED ({matched}) SELECT DISTINCT c.incident_id FROM m "
        "JOIN claims c ON c.document_id = m.document_id "
        "WHERE c.incident_id IS NOT NULL"
    )
    return set(conn.execute(text(sql), _params(conn, query)).scalars())


def incident_ids_sql(conn: Connection, query: str) -> TextClause | None:
    """A subquery of the ids of incidents with a source document matching ``query``, unranked: for
    filtering a list inside the database (``incidents.c.id.in_(...)``). None: nothing can match."""
    if conn.dialect.name == "postgresql":
        if not _has_positive_word(query):
            return None
        matched = " OR ".join(
            f"(s.config = '{cfg}'::regconfig AND s.tsv @@ websearch_to_tsquery('{cfg}', :search_q))" for cfg in ALL_CONFIGS
        )
        docs = f"SELECT s.document_id FROM {TABLE} s WHERE {matched}"
    else:
        if not fts5_query(query):
            return None
        docs = f"SELECT document_id FROM {TABLE} WHERE {TABLE} MATCH :search_q"
    sql = f"SELECT c.incident_id FROM claims c WHERE c.incident_id IS NOT NULL AND c.document_id IN ({docs})"
    return text(sql).bindparams(search_q=_params(conn, query)["q"])


def count_documents(conn: Connection, query: str) -> int:
    """How many documents match ``query`` (for paging)."""
    matched = _matches(conn, query)
    if matched is None:
        return 0
    return int(conn.execute(text(f"WITH m AS MATERIALIZED ({matched}) SELECT count(*) FROM m"), _params(conn, query)).scalar() or 0)


def _ranked_documents(conn: Connection, query: str, limit: int, offset: int) -> list[tuple[str, float]]:
    matched = _matches(conn, query)
    if matched is None:
        return []
    sql = (
        f"WITH m AS MATERIALIZED ({matched}) SELECT m.document_id, m.score FROM m "
        "ORDER BY m.score DESC, m.document_id LIMIT :limit OFFSET :offset"
    )
    params = _params(conn, query) | {"limit": max(0, limit), "offset": max(0, offset)}
    return [(r.document_id, float(r.score)) for r in conn.execute(text(sql), params)]


def _matches(conn: Connection, query: str) -> str | None:
    """A query of (document_id, score) for the documents matching ``query``; None: nothing can match.

    Callers wrap it in ``WITH m AS MATERIALIZED (...)``: SQLite allows bm25() only where it is computed.
    """
    if conn.dialect.name == "postgresql":
        if not _has_positive_word(query):
            return None  # as on SQLite: "-word" alone finds nothing rather than everything else
        matched = " OR ".join(f"(s.config = '{cfg}'::regconfig AND s.tsv @@ q.{cfg})" for cfg in ALL_CONFIGS)
        rank = " ".join(f"WHEN '{cfg}'::regconfig THEN q.{cfg}" for cfg in ALL_CONFIGS)
        parsed = ", ".join(f"websearch_to_tsquery('{cfg}', :q) AS {cfg}" for cfg in ALL_CONFIGS)
        return (
            f"SELECT s.document_id AS document_id, ts_rank_cd(s.tsv, CASE s.config {rank} END) AS score "
            f"FROM {TABLE} s, (SELECT {parsed}) q WHERE {matched}"
        )
    if not fts5_query(query):
        return None
    # bm25: smaller is better; title words weigh twice body words.
    return (
        f"SELECT document_id AS document_id, -bm25({TABLE}, 0.0, 2.0, 1.0) AS score "
        f"FROM {TABLE} WHERE {TABLE} MATCH :q"
    )


def _has_positive_word(query: str) -> bool:
    return any(
        not token.startswith("-") and token.lower() != "or" and words(token)
        for token in query[:MAX_QUERY_CHARS].replace('"', " ").split()
    )


def _params(conn: Connection, query: str) -> dict[str, Any]:
    query = query[:MAX_QUERY_CHARS]
    return {"q": query if conn.dialect.name == "postgresql" else fts5_query(query)}


# -- keeping the index --------------------------------------------------------------------------------


def create_search_index(conn: Connection) -> None:
    """Create the index's table (idempotent)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (document_id VARCHAR(40) PRIMARY KEY, "
                "config REGCONFIG NOT NULL, tsv TSVECTOR NOT NULL)"
            )
        )
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING GIN (tsv)"))
    elif conn.dialect.name == "sqlite":
        conn.execute(
            text(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(document_id UNINDEXED, title, body, "
                "tokenize = 'unicode61 remove_diacritics 0')"
            )
        )


@event.listens_for(metadata, "after_create")
def _after_create(_target: Any, connection: Connection, **_kw: Any) -> None:
    create_search_index(connection)


def index_document(conn: Connection, row: Mapping[str, Any], new: bool = False) -> None:
    """(Re-)index one stored document row (``save_document`` calls this with ``new``: a document saved
    just now has no entry to replace, and FTS5 finds one only by scanning the whole index)."""
    doc_id = row["id"]
    title = (row.get("title") or "")[:MAX_INDEXED_CHARS]
    body = (row.get("text") or row.get("raw_text") or "")[:MAX_INDEXED_CHARS]
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"INSERT INTO {TABLE} (document_id, config, tsv) VALUES (:id, CAST(:cfg AS regconfig), "
                "setweight(to_tsvector(CAST(:cfg AS regconfig), :title), 'A') || "
                "setweight(to_tsvector(CAST(:cfg AS regconfig), :body), 'B')) "
                "ON CONFLICT (document_id) DO UPDATE SET config = EXCLUDED.config, tsv = EXCLUDED.tsv"
            ),
            {"id": doc_id, "cfg": search_config(row.get("language")), "title": title, "body": body},
        )
    elif conn.dialect.name == "sqlite":
        if not new:
            execute(conn, f"DELETE FROM {TABLE} WHERE document_id = ?", (doc_id,))
        execute(
            conn,
            f"INSERT INTO {TABLE} (document_id, title, body) VALUES (?, ?, ?)",
            (doc_id, " ".join(stems(title)), " ".join(stems(body))),
        )


def reindex_documents(conn: Connection, batch: int = 200) -> int:
    """Index every stored document (after the index is created on an older store); returns how many."""
    c = documents.c
    done, last = 0, ""
    while True:
        rows = conn.execute(
            select(c.id, c.title, c.text, c.raw_text, c.language).where(c.id > last).order_by(c.id).limit(batch)
        ).all()
        for r in rows:
            index_document(conn, r._mapping)
        done += len(rows)
        if len(rows) < batch:
            return done
        last = rows[-1].id


# -- words and stems (SQLite's index, snippets) ------------------------------------------------------

_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
_STEMMERS = {"russian": snowballstemmer.stemmer("russian"), "english": snowballstemmer.stemmer("english")}
# Words a query drops (as PostgreSQL's russian/english configurations do); kept inside "phrases".
_STOPWORDS = """a an and are as at be by for from has have in is it its of on or that the to was were will with
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было
    вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас
    нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их
    чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой
    совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при
    наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три
    эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно
    всю между"""
STOPWORDS = frozenset(_STOPWORDS.split())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A lower-cased word's Snowball stem: Russian for Cyrillic words, English for Latin ones."""
    word = word.replace("ё", "е")
    if _CYRILLIC.search(word):
        return _STEMMERS["russian"].stemWord(word)
    if _LATIN.search(word):
        return _STEMMERS["english"].stemWord(word)
    return word


def words(value: str) -> list[str]:
    return _WORD.findall(value.lower())


def stems(value: str) -> list[str]:
    return [stem(w) for w in words(value)]


def fts5_query(query: str) -> str:
    """The FTS5 query for a websearch-style query, its words stemmed; "" when nothing can match."""
    positives: list[str] = []
    negatives: list[str] = []
    alternatives: list[str] = []
    pending_or = False
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', query[:MAX_QUERY_CHARS]):
        negate = bool(match.group(1)) or (match.group(3) or "").startswith("-")
        if match.group(3) is not None and match.group(3).lower() == "or":
            pending_or = bool(alternatives)
            continue
        if match.group(2) is not None:
            terms = stems(match.group(2))
        else:
            terms = [stem(w) for w in words(match.group(3)) if w not in STOPWORDS]
        if not terms:
            continue
        phrase = '"' + " ".join(t.replace('"', "") for t in terms) + '"'
        if negate:
            negatives.append(phrase)
            pending_or = False
            continue
        if pending_or and alternatives:
            alternatives[-1] = f"{alternatives[-1]} OR {phrase}"
        else:
            alternatives.append(phrase)
        pending_or = False
    positives = [f"({a})" if " OR " in a else a for a in alternatives]
    if not positives:
        return ""
    matched = " AND ".join(positives)
    if negatives:
        matched = f"({matched}) NOT ({' OR '.join(negatives)})"
    return matched


def _query_stems(query: str) -> set[str]:
    return {s for s in stems(query.replace("-", " ")) if s not in STOPWORDS and s != "or"}


def snippet(body: str, wanted: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """A stretch of ``body`` around the first word whose stem is one of ``wanted``."""
    wanted = set(wanted)
    for match in _WORD.finditer(body):
        if stem(match.group().lower()) in wanted:
            start = max(0, match.start() - width // 3)
            if start:
                space = body.find(" ", start, match.start())
                start = space + 1 if space >= 0 else start
            end = min(len(body), start + width)
            if end < len(body):
                space = body.rfind(" ", match.end(), end)
                end = space if space > 0 else end
            out = " ".join(body[start:end].split())
            return ("…" if start else "") + out + ("…" if end < len(body) else "")
    return ""


__all__ = [
    "DocumentHit",
    "IncidentHit",
    "count_documents",
    "incident_ids_sql",
    "index_document",
    "matching_incident_ids",
    "reindex_documents",
    "search_documents",
    "search_incidents",
]
