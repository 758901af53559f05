"""Export time and peak memory on an existing store, for this checkout and a baseline side by side.

    .venv/bin/python bench/export_memory.py DATA_DIR [--baseline SRC_DIR] [--repeat 2]

Each run is a fresh process exporting the store at ``DATA_DIR`` (its SQLite database; no originals needed)
as JSONL to /dev/null, and reports wall seconds and peak RSS (``ru_maxrss``). ``--baseline`` names the
``src`` folder of another checkout (``git worktree add /tmp/base <commit>``) whose ``docket`` is imported
instead, for the ratio against it; runs alternate. The store is copied first so that neither run migrates
or touches the original.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from docket.export import write_jsonl
from docket.store import Store
store = Store.open(Path(sys.argv[1]))
start = time.perf_counter()
with open(os.devnull, "w") as out:
    n = write_jsonl(store, out)
seconds = time.perf_counter() - start
store.close()
print(json.dumps({"incidents": n, "seconds": seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(src: Path, data: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(data)], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--baseline", type=Path, help="the src folder of the checkout to compare with")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not (args.data_dir / "docket.sqlite").is_file():
        parser.error(f"{args.data_dir}: no docket.sqlite here (give the data folder of a SQLite store)")
    sides = {"this": REPO / "src"} | ({"baseline": args.baseline} if args.baseline else {})
    results: dict[str, list[dict]] = {name: [] for name in sides}
    with tempfile.TemporaryDirectory(prefix="docket-export-") as tmp:
        for name in sides:
            copy = Path(tmp) / name
            copy.mkdir()
            for f in args.data_dir.glob("docket.sqlite*"):
                shutil.copy2(f, copy / f.name)
        for _ in range(args.repeat):
            for name, src in sides.items():
                result = run(src, Path(tmp) / name)
                results[name].append(result)
                print(name, json.dumps(result), file=sys.stderr)
    for name, runs in results.items():
        best = min(runs, key=lambda r: r["seconds"])
        print(f"{name}: {best['incidents']} incidents, {best['seconds']:.1f} s, "
              f"peak RSS {max(r['peak_rss_mib'] for r in runs):.0f} MiB")
    if args.baseline:
        this, base = (min(r["seconds"] for r in results[k]) for k in ("this", "baseline"))
        mem = max(r["peak_rss_mib"] for r in results["this"]) / max(r["peak_rss_mib"] for r in results["baseline"])
        print(f"this / baseline: time {this / base:.2f}×, peak memory {mem:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
