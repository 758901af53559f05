"""Score the whole pipeline (ingest → text → extract → link → export) on the seeds and dev corpus.

    .venv/bin/python bench/pipeline_quality.py [--write-docs]

Ingests ../shared/data/seeds and ../shared/data/dev/docs into a fresh SQLite store, exports JSONL, and
scores it with ../shared/eval/score.py against the three gold files together and each one alone. With
``--write-docs`` the table replaces the "Incident extraction and linking" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from docket.export import write_jsonl
from docket.export.claims import write_claims
from docket.pipeline import ingest_paths
from docket.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = ("seeds", "dev-a", "dev-b")
FIELDS = ("type", "place", "date", "count", "victims", "origin")
BARS = {"score": "≥ 0.80", "incident F1": "≥ 0.80 and ≥ extraction alone", "linking F1": "≥ 0.85"} | {f: "≥ 0.70" for f in FIELDS}
HEADING = "## Incident extraction and linking (seeds + dev corpus)"


def score(gold: dict, predictions: Path, work: Path) -> dict:
    gold_path = work / f"gold-{len(gold['documents'])}-{id(gold)}.json"
    gold_path.write_text(json.dumps(gold), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(SHARED / "eval/score.py"), str(gold_path), str(predictions), "--json"],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out[: out.rindex("}") + 1])


def figures(result: dict, unlinked: dict) -> dict[str, float | None]:
    return {
        "score": result["score"],
        "incident F1": result["incidents"]["f1"],
        "incident F1, extraction alone (before linking)": unlinked["incidents"]["f1"],
        **{f: result["fields"][f] for f in FIELDS},
        "linking F1": result["linking"]["f1"],
        "published": result["published"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docket-quality-"))
    store = Store.open(work / "data")
    ingest_paths(store, [SHARED / "data/dev/docs", SHARED / "data/seeds"], actor="bench")
    predictions = work / "export.jsonl"
    with predictions.open("w", encoding="utf-8") as fh:
        write_jsonl(store, fh)
    alone = work / "claims.jsonl"
    with alone.open("w", encoding="utf-8") as fh:
        write_claims([SHARED / "data/dev/docs", SHARED / "data/seeds"], fh)
    golds = {name: json.loads((SHARED / "data/gold" / f"{name}.json").read_text()) for name in SETS}
    every = {"documents": [d for g in golds.values() for d in g["documents"]]}
    columns = {"all gold": figures(score(every, predictions, work), score(every, alone, work))}
    columns |= {
        name: figures(score(gold, predictions, work), score(gold, alone, work)) for name, gold in golds.items()
    }

    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
    rows = [f"| figure | {' | '.join(columns)} | issue bar |", "|---" * (len(columns) + 2) + "|"]
    for key in columns["all gold"]:
        rows.append(f"| {key} | {' | '.join(fmt(c[key]) for c in columns.values())} | {BARS.get(key, '')} |")
    table = "\n".join(rows)
    print(table)
    if args.write_docs:
        from benchdocs import replace_section  # bench/ is on sys.path when the script runs

        replace_section(HEADING, f"""{HEADING}

Measured {date.today().isoformat()} with `.venv/bin/python bench/pipeline_quality.py --write-docs`: the whole
pipeline (ingest → text → extract → link → export) into a fresh SQLite store, scored with
`../shared/eval/score.py` against the three gold files together and each alone.

{table}

"Extraction alone" exports every claim as its own incident (the register before linking; per document
with `python bench/extract_quality.py -v`). `tests/pipeline/test_quality_gate.py` holds the issues' bars:
score and incident F1 at least 0.80, every field at least 0.70, linking F1 at least 0.85, and incident F1
after linking no lower than extraction alone.
""")


if __name__ == "__main__":
    main()
