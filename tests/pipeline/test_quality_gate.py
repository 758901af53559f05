"""Extraction and linking quality on the seeds and dev corpus, gated by pinned floors.

The floors are the issues' bars: extraction's (score and incident F1 at least 0.80, no field below 0.70)
and linking's (linking F1 at least 0.85, and incident F1 no lower than extraction alone scores it, every claim
its own incident). See docs/benchmarks.md, "Incident extraction and linking". Raise them as docket improves,
never lower them to make a change pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from docket.export import write_jsonl
from docket.export.claims import write_claims
from docket.pipeline import ingest_paths
from docket.store import Store

FIELDS = ("type", "place", "date", "count", "victims", "origin")
FLOORS = {"score": 0.80, "incident_f1": 0.80, "linking_f1": 0.85} | {field: 0.70 for field in FIELDS}


def scored(shared: Path, gold_path: Path, predictions: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(shared / "eval/score.py"), str(gold_path), str(predictions), "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    return json.loads(out[: out.rindex("}") + 1])


def extraction_alone(folders: list[Path], out: Path) -> Path:
    """Every claim of every document exported as its own incident: the register before linking."""
    with out.open("w", encoding="utf-8") as fh:
        write_claims(folders, fh)
    return out


def test_quality_does_not_regress(shared: Path, tmp_path: Path) -> None:
    gold = {"documents": []}
    for name in ("seeds", "dev-a", "dev-b"):
        gold["documents"] += json.loads((shared / "data/gold" / f"{name}.json").read_text())["documents"]
    gold_path = tmp_path / "gold.json"
    gold_path.write_text(json.dumps(gold), encoding="utf-8")

    folders = [shared / "data/seeds", shared / "data/dev/docs"]
    store = Store.open(tmp_path / "data")
    ingest_paths(store, folders, actor="quality-gate")
    out = tmp_path / "export.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        write_jsonl(store, fh)
    figures = scored(shared, gold_path, out)
    measured = {
        "score": figures["score"],
        "incident_f1": figures["incidents"]["f1"],
        "linking_f1": figures["linking"]["f1"],
    } | {field: figures["fields"][field] for field in FIELDS}
    below = {k: round(v, 3) for k, v in measured.items() if v < FLOORS[k]}
    assert not below, f"quality fell below its floors {FLOORS}: {below}"

    before = scored(shared, gold_path, extraction_alone(folders, tmp_path / "claims.jsonl"))
    assert measured["incident_f1"] >= before["incidents"]["f1"], (
        f"linking lowered incident F1: {measured['incident_f1']:.3f} after, {before['incidents']['f1']:.3f} before"
    )
