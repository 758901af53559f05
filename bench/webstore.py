"""A synthetic register for the web benchmark: N incidents, each with one source document (English or
Russian, from templates) and its claim, the full-text index filled as ``save_document`` would, and a mix
of statuses as reviewers leave them. Built once per size and kept (``--cache-dir``), as a store
``docket serve`` opens like any other.

The store is created by ``Store.open`` (schema, migrations, search index), then filled in bulk, bypassing
extraction and linking: the benchmark measures serving a large register, not building one.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from docket.model import stable_id
from docket.store import Store
from docket.store.schema import claims, documents, incidents
from docket.store.search import stems

VERSION = 2  # bump when what is built changes, so an old cache is rebuilt
BATCH = 5000

TYPES = ["recruitment", "unlawful_mobilization", "refusal_to_serve", "detention", "torture", "death",
         "rights_denial", "accountability", "coerced_statement", "sexual_violence"]
VICTIMS = ["prisoners", "mobilized", "contract_soldiers", "conscripts", "foreign_nationals", "civilians"]
PERPETRATORS = ["prison_staff", "military_command", "military_commissariat", "pmc", "security_service", "police"]
STATUSES = [("reported", 0.70), ("corroborated", 0.20), ("verified", 0.06), ("disputed", 0.03), ("rejected", 0.01)]
EN = (
    "{who} say that {n} {victims} were {verb} at {place} in {month}. According to {source}, the men were {detail}. "
    "The {org} did not respond to a request for comment. {extra}"
)
RU = (
    "{who} сообщают, что {n} {victims} {verb} в {place} в {month}. По данным {source}, {detail}. "
    "В {org} на запрос не ответили. {extra}"
)
EN_WORDS = [
    "basement", "colony", "summons", "video", "lawyer", "relatives", "commander", "unit", "prison",
    "court", "statement", "beaten", "detained", "recruited", "refused", "deserted", "threatened",
    "prosecuted", "wounded", "contract", "payment", "training"
]
RU_WORDS = [
    "подвал", "колония", "повестка", "видео", "адвокат", "родственники", "командир", "часть", "тюрьма",
    "суд", "заявление", "избили", "задержали", "завербовали", "отказались", "мобилизованных",
    "угрожали", "контракт", "выплаты", "обучение", "военкомат"
]
# Filler words, so that each meaningful word above occurs in a share of the documents, as real words do.
FILLER = 3000
MEANINGFUL_PER_DOC = 6
RU_VICTIMS = {"prisoners": "заключённых", "mobilized": "мобилизованных", "contract_soldiers": "контрактников",
              "conscripts": "срочников", "foreign_nationals": "мигрантов", "civilians": "мирных жителей"}


def store_dir(cache: Path, size: int) -> Path:
    return cache / f"web-{size}-v{VERSION}"


def cached_store(cache: Path, size: int, seed: int = 5) -> Path:
    """The data dir of a store of ``size`` incidents: built now unless a complete one is cached."""
    data = store_dir(cache, size)
    if (data / "COMPLETE").exists():
        return data
    if data.exists():
        shutil.rmtree(data)
    t0 = time.perf_counter()
    build(data, size, random.Random(seed))
    (data / "COMPLETE").write_text(f"{size} incidents, built in {time.perf_counter() - t0:.0f}s\n")
    return data


def _fillers(rng: random.Random, consonants: str, vowels: str) -> list[str]:
    return ["".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))) for _ in range(FILLER)]


def _places(rng: random.Random, n: int = 400) -> list[dict]:
    out = []
    for i in range(n):
        country = "RU" if i % 4 else "UA"
        out.append({"name": f"Town {i}", "admin1": f"Region {i % 60}", "country": country,
                    "lat": round(rng.uniform(44, 62), 3), "lon": round(rng.uniform(30, 110 if country == "RU" else 40), 3),
                    "precision": "settlement"})
    return out


def _status(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for status, share in STATUSES:
        acc += share
        if x < acc:
            return status
    return "reported"


def _words(rng: random.Random, meaningful: list[str], fillers: list[str], k: int) -> str:
    picked = rng.sample(meaningful, MEANINGFUL_PER_DOC // 2) + rng.choices(fillers, k=k)
    rng.shuffle(picked)
    return " ".join(picked)


def _rows(n: int, rng: random.Random, places: list[dict], fillers: dict[str, list[str]]) -> tuple[dict, dict, dict, tuple[str, str, str]]:
    doc_id, claim_id, inc_id = f"doc_b{n:014x}", stable_id("clm", str(n)), stable_id("inc", str(n))
    russian = rng.random() < 0.4
    day = date(2018, 1, 1) + timedelta(days=rng.randrange(8 * 365))
    precision = "month" if rng.random() < 0.6 else "day"
    start = None if rng.random() < 0.02 else (day.strftime("%Y-%m") if precision == "month" else day.isoformat())
    types = rng.sample(TYPES, rng.choice([1, 1, 2, 3]))
    place = rng.choice(places)
    victims, perps = [rng.choice(VICTIMS)], rng.sample(PERPETRATORS, rng.choice([1, 2]))
    origin = f"{'Канал' if russian else 'Outlet'} {rng.randrange(300)}"
    count = {"value": rng.randrange(2, 400), "qualifier": "approx"} if rng.random() < 0.6 else None
    words, filler = (RU_WORDS, fillers["ru"]) if russian else (EN_WORDS, fillers["en"])
    body = (RU if russian else EN).format(
        who="Родственники" if russian else "Relatives", n=count["value"] if count else "несколько" if russian else "several",
        victims=RU_VICTIMS[victims[0]] if russian else victims[0], verb=types[0], place=place["name"],
        month=day.strftime("%m.%Y") if russian else day.strftime("%B %Y"), source=origin,
        detail=_words(rng, words, filler, 30), org="ведомстве" if russian else "ministry",
        extra=_words(rng, words, filler, 50))
    title = _words(rng, words, filler, 3).capitalize()
    status = _status(rng)
    doc = {"id": doc_id, "name": f"report-{n}.txt", "blob_sha256": "0" * 64, "format": "txt", "title": title,
           "language": "ru" if russian else "en", "outlet": origin, "published_start": "2025-01-01",
           "published_precision": "day", "raw_text": body, "text": body, "meta": "{}", "status": "ok",
           "ingested_at": "bench"}
    dated = {"start": start, "end": None, "precision": precision if start else "unknown"}
    claim = {"id": claim_id, "document_id": doc_id, "incident_id": inc_id, "created_at": "bench",
             "data": json.dumps({"id": claim_id, "document_id": doc_id, "types": types, "date": dated,
                                 "places": [place], "count": count, "victims": victims, "perpetrators": perps,
                                 "origin": origin, "via": [], "hedged": False, "spans": [[0, len(body) // 2]]},
                                ensure_ascii=False)}
    machine = {"types": types, "date": dated, "places": [place], "count": count, "victims": victims,
               "perpetrators": perps, "origins": [origin], "status": status if status in ("reported", "corroborated") else "reported"}
    inc = {"id": inc_id, "types": json.dumps(types), "main_type": types[0], "date_start": start, "date_end": None,
           "date_precision": dated["precision"], "places": json.dumps([place], ensure_ascii=False),
           "country": place["country"], "admin1": place["admin1"], "lat": place["lat"], "lon": place["lon"],
           "count": json.dumps(count) if count else None, "victims": json.dumps(victims),
           "perpetrators": json.dumps(perps), "status": status, "origins": json.dumps([origin], ensure_ascii=False),
           "machine": json.dumps(machine, ensure_ascii=False),
           "overrides": json.dumps({"status": status}) if status not in ("reported", "corroborated") else None,
           "locked": False, "created_at": "bench", "updated_at": "bench"}
    return doc, claim, inc, (doc_id, title, body)


def build(data: Path, size: int, rng: random.Random) -> None:
    store = Store.open(data)
    places = _places(rng)
    fillers = {"en": _fillers(rng, "bcdfgklmnprstvz", "aeiou"), "ru": _fillers(rng, "бвгдзклмнпрстфх", "аеиоуя")}
    postgres = store.engine.dialect.name == "postgresql"
    with store.write() as conn:  # one transaction: with WAL, one sync at its end
        for start in range(0, size, BATCH):
            docs, cls, incs, index = [], [], [], []
            for n in range(start, min(size, start + BATCH)):
                doc, claim, inc, fts = _rows(n, rng, places, fillers)
                docs.append(doc)
                cls.append(claim)
                incs.append(inc)
                index.append(fts if postgres else (fts[0], " ".join(stems(fts[1])), " ".join(stems(fts[2]))))
            conn.execute(documents.insert(), docs)
            conn.execute(claims.insert(), cls)
            conn.execute(incidents.insert(), incs)
            _index(conn, index, {d["id"]: d["language"] for d in docs}, postgres)
    store.close()


def _index(conn, rows: list[tuple[str, str, str]], languages: dict[str, str], postgres: bool) -> None:  # type: ignore[no-untyped-def]
    if postgres:
        from docket.store.search import search_config

        conn.execute(text(
            "INSERT INTO search_documents (document_id, config, tsv) VALUES (:id, CAST(:cfg AS regconfig), "
            "setweight(to_tsvector(CAST(:cfg AS regconfig), :title), 'A') || "
            "setweight(to_tsvector(CAST(:cfg AS regconfig), :body), 'B'))"),
            [{"id": i, "cfg": search_config(languages[i]), "title": t, "body": b} for i, t, b in rows])
    else:
        conn.execute(text("INSERT INTO search_documents (document_id, title, body) VALUES (:id, :title, :body)"),
                     [{"id": i, "title": t, "body": b} for i, t, b in rows])
