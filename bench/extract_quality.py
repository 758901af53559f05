"""Score extraction alone (no store, no linking): every claim exported as its own incident.

    python bench/extract_quality.py [--out DIR] [-v]

Reads ../shared/data/seeds and ../shared/data/dev/docs in place, writes one JSONL per gold set and prints
score.py's figures for each. Linking is scored by the full pipeline (`docket ingest` + `docket export`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from docket.export.claims import write_claims

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SETS = {"seeds": SHARED / "data/seeds", "dev-a": SHARED / "data/dev/docs", "dev-b": SHARED / "data/dev/docs"}


def run(folder: Path, out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        write_claims([folder], fh)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="docket-extract-")))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    done: dict[Path, Path] = {}
    for name, folder in SETS.items():
        if folder not in done:
            done[folder] = args.out / f"{folder.name}.jsonl"
            run(folder, done[folder])
        gold = SHARED / "data/gold" / f"{name}.json"
        cmd = [sys.executable, str(SHARED / "eval/score.py"), str(gold), str(done[folder])]
        print(f"== {name}")
        print(subprocess.run(cmd + (["-v"] if args.verbose else []), capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
