"""The main job on the shared seeds and dev corpus, scored by the shared scorer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from docket import custody
from docket.export import write_jsonl
from docket.pipeline import ingest_paths
from docket.store import Store


@pytest.mark.parametrize(("gold", "folder"), [("seeds", "data/seeds"), ("dev-a", "data/dev/docs"), ("dev-b", "data/dev/docs")])
def test_pipeline_export_is_scored(shared: Path, tmp_path: Path, gold: str, folder: str):
    prefix = {"dev-a": "da-", "dev-b": "db-"}.get(gold, "")
    paths = sorted(p for p in (shared / folder).iterdir() if p.name.startswith(prefix) and not p.name.endswith(".meta.json"))
    store = Store.open(tmp_path / "data")
    report = ingest_paths(store, paths, actor="e2e")
    assert report.count("added") + report.count("failed") == len(paths)
    out = tmp_path / "export.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        write_jsonl(store, fh)
    assert custody.verify(store) == []
    scored = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), str(shared / "data" / "gold" / f"{gold}.json"), str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.strip().splitlines()[-1].startswith("score:")
