"""Linking upper bound: gold incidents as claims, linked in a fresh SQLite store, scored with score.py.

    .venv/bin/python bench/link_on_gold.py [--gold dev-a.json dev-b.json] [--out link_gold.jsonl]

Each gold incident becomes a Claim of its gold document (origin = its first accepted origin); documents
are linked in name order; the register is written in the export form and scored per gold file and on
all of them together (clusters may span files).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

from sqlalchemy import Connection, create_engine, select

from docket.link import incident_sources, link_document
from docket.model import Claim, Count, Document, PartialDate, Place, stable_id
from docket.store.schema import documents, incidents, metadata

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def partial(value: str | None) -> PartialDate | None:
    if not value:
        return None
    precision = {1: "year", 2: "month", 3: "day"}[len(value.split("-"))]
    return PartialDate.from_json({"start": value, "precision": precision})


def document(name: str, published: str | None, docs_dir: Path) -> Document:
    path = docs_dir / name
    text = path.read_text("utf-8", errors="replace") if path.exists() else ""
    return Document(
        id=stable_id("doc", name),
        name=name,
        blob_sha256="0" * 64,
        format=path.suffix.lstrip("."),
        published=partial(published),
        text=text,
    )


def insert_document(conn: Connection, doc: Document) -> None:
    p = doc.published
    conn.execute(
        documents.insert().values(
            id=doc.id,
            name=doc.name,
            blob_sha256=doc.blob_sha256,
            format=doc.format,
            text=doc.text,
            outlet=doc.outlet,
            published_start=p.iso(p.start) if p else None,
            published_precision=p.precision if p else None,
            status="ok",
            ingested_at="bench",
        )
    )


def claim(doc: Document, gold: dict) -> Claim:
    return Claim(
        id=stable_id("clm", doc.name, gold["id"]),
        document_id=doc.id,
        types=list(gold["types"]),
        date=PartialDate.from_json(gold.get("date")),
        places=[Place.from_json(p) for p in gold.get("places") or []],
        count=Count.from_json(gold.get("count")),
        victims=list(gold.get("victims") or []),
        perpetrators=list(gold.get("perpetrators") or []),
        origin=(gold.get("origin") or [None])[0],
    )


def export(conn: Connection) -> list[dict]:
    out = []
    for row in conn.execute(select(incidents)).mappings():
        out.append(
            {
                "id": row["id"],
                "types": json.loads(row["types"]),
                "date": {
                    "start": row["date_start"],
                    "end": row["date_end"],
                    "precision": row["date_precision"],
                },
                "places": json.loads(row["places"] or "[]"),
                "count": json.loads(row["count"]) if row["count"] else None,
                "victims": json.loads(row["victims"] or "[]"),
                "perpetrators": json.loads(row["perpetrators"] or "[]"),
                "status": row["status"],
                "sources": incident_sources(conn, row["id"]),
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", nargs="+", default=["dev-a.json", "dev-b.json"])
    ap.add_argument("--docs", default=str(SHARED / "data" / "dev" / "docs"))
    ap.add_argument("--out", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    golds = {g: json.loads((SHARED / "data" / "gold" / g).read_text("utf-8")) for g in args.gold}
    entries = sorted((d for g in golds.values() for d in g["documents"]), key=lambda d: d["document"])
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/link.db")
        metadata.create_all(engine)
        with engine.begin() as conn:
            for entry in entries:
                doc = document(entry["document"], entry.get("published"), Path(args.docs))
                insert_document(conn, doc)
                link_document(conn, doc, [claim(doc, g) for g in entry["incidents"]])
            preds = export(conn)
        engine.dispose()
    if args.out:
        Path(args.out).write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), "utf-8")

    scorer = load_scorer()
    runs = dict(golds)
    if len(golds) > 1:
        runs["all"] = {"documents": entries}
    for name, gold in runs.items():
        r = scorer.score(gold, preds, verbose=args.verbose)
        inc, lk = r["incidents"], r["linking"]
        print(
            f"{name:12s} incident F1 {inc['f1']:.3f}  linking P {lk['precision'] or 0:.3f} "
            f"R {lk['recall'] or 0:.3f} F1 {lk['f1'] or 0:.3f} (tp {lk['tp']} fp {lk['fp']} fn {lk['fn']})"
            f"  score {r['score']:.3f}"
        )
        if args.verbose:
            print("\n".join(r["details"]), file=sys.stderr)


if __name__ == "__main__":
    main()
