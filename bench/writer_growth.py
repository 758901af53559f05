"""The writer's cost as the register grows, for two or more source trees side by side.

    .venv/bin/python bench/writer_growth.py --files 30000 --trees ../base .   [--window 2000]

A corpus of ``--files`` synthetic reports (``scale_out.make_corpus``, shape ``article``) is read, cleaned and
extracted once, on 2 processes, and the corpus and its prepared sources kept in ``--cache``. Each tree
(a checkout of docket, e.g. a ``git worktree`` of the commit to compare against) then writes them all into a
fresh SQLite store as ``docket ingest --workers`` does (``record.SourceWriter``, 32 sources per
transaction), each in a process of its own, all at once, so that the trees share the machine's load as
they share its cores. Reported per tree: the writer's CPU time, in all and per source by window of
``--window`` sources, and a digest of the register it left (incidents' machine values, which incident each
claim joined, near-copy pairs): equal digests, the same register. ``--first N`` writes only the first N
prepared sources (the start of a large cached corpus, for a quicker comparison).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import gc, hashlib, json, pickle, sys, tempfile, time
from pathlib import Path
import docket
from docket.outcome import IngestReport
from docket.parallel import COMMIT_EVERY
from docket.record import SourceWriter
from docket.store import Store
from scale_out import warm_up

cache, window, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
items = pickle.loads(Path(cache).read_bytes())
items = items[:first] if first else items
warm_up()
gc.freeze()  # the whole prepared corpus, held only by this bench, is kept out of the collector's walks
with tempfile.TemporaryDirectory() as tmp:
    store = Store.open(Path(tmp) / "store")
    writer = SourceWriter(store, actor="bench", report=IngestReport(), total=len(items), commit_every=COMMIT_EVERY)
    windows, start = [], time.process_time()
    last, since = start, 0
    for i, item in enumerate(items, 1):
        writer.add(item)
        if i % window == 0 or i == len(items):
            writer.flush()
            now = time.process_time()
            windows.append(round(1000 * (now - last) / (i - since), 2))
            last, since = now, i
    total = time.process_time() - start
    digest = hashlib.sha256()
    with store.read() as conn:
        for sql in ("SELECT id, machine FROM incidents ORDER BY id",
                    "SELECT id, incident_id FROM claims ORDER BY id",
                    "SELECT doc_a, doc_b, similarity FROM syndication ORDER BY doc_a, doc_b"):
            for row in conn.exec_driver_sql(sql):
                digest.update(repr(tuple(row)).encode())
        incidents = conn.exec_driver_sql("SELECT count(*) FROM incidents").scalar()
        documents = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar()
    store.close()
print(json.dumps({"module": docket.__file__, "cpu": round(total, 1), "windows": windows, "incidents": incidents,
                  "documents": documents, "digest": digest.hexdigest()[:16]}))
"""


def prepared_cache(files: int, cache_dir: Path) -> Path:
    """The prepared sources of a ``files``-report corpus, made (2 processes) unless cached already. The
    corpus is kept beside them: writing a source stores its original, read from the file."""
    from docket.ingest import iter_sources
    from docket.prepare import prepare_source
    from scale_out import make_corpus, warm_up

    cache = cache_dir / f"writer-growth-article-{files}.pkl"
    corpus = cache_dir / f"writer-growth-article-{files}"
    if cache.exists() and corpus.is_dir():
        return cache
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not corpus.is_dir():  # made whole beside it, then renamed: an interrupted run leaves no half corpus
        partial_corpus = corpus.with_name(corpus.name + ".part")
        shutil.rmtree(partial_corpus, ignore_errors=True)
        make_corpus(files, partial_corpus, shape="article")
        partial_corpus.replace(corpus)
    sources = list(iter_sources([corpus]))
    with Pool(2, initializer=warm_up) as pool:
        items = pool.map(prepare_source, sources, chunksize=16)
    partial = cache.with_suffix(".part")
    partial.write_bytes(pickle.dumps(items))
    partial.replace(cache)
    return cache


def describe(tree: Path) -> str:
    done = subprocess.run(["git", "-C", str(tree), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return done.stdout.strip() or str(tree)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=30_000)
    parser.add_argument("--trees", type=Path, nargs="+", required=True, help="docket checkouts to compare")
    parser.add_argument("--window", type=int, default=2_000)
    parser.add_argument("--first", type=int, default=0, help="write only the first N prepared sources (0: all)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "docket-bench")
    args = parser.parse_args()
    if args.window <= 0 or args.files <= 0 or args.first < 0:
        parser.error("--files and --window must be positive, --first not negative")
    for tree in args.trees:
        if not (tree / "src" / "docket").is_dir():
            parser.error(f"{tree}: not a docket checkout (no src/docket)")
    cache = prepared_cache(args.files, args.cache)
    children = []
    for tree in args.trees:
        env = os.environ | {"PYTHONPATH": f"{tree.resolve() / 'src'}{os.pathsep}{tree.resolve() / 'bench'}"}
        children.append(subprocess.Popen([sys.executable, "-c", CHILD, str(cache), str(args.window), str(args.first)],
                                         env=env, stdout=subprocess.PIPE, text=True))
    results = []
    for tree, child in zip(args.trees, children, strict=True):
        out, _ = child.communicate()
        if child.returncode:
            sys.exit(f"{tree}: the writer failed (exit {child.returncode})")
        result = json.loads(out.strip().splitlines()[-1])
        if not result["module"].startswith(str(tree.resolve())):
            sys.exit(f"{tree}: the writer ran {result['module']}, not this tree's code")
        results.append(result)
    print(report(args, results))


def report(args: argparse.Namespace, results: list[dict]) -> str:
    from scale_out import machine

    base = results[0]["cpu"]
    lines = [
        f"Writer alone, {f'the first {args.first:,} sources of ' if args.first else ''}{args.files:,} `article` files "
        f"({results[0]['documents']:,} documents written), "
        f"trees side by side (`bench/writer_growth.py --files {args.files} --window {args.window} "
        + (f"--first {args.first} " if args.first else "") + "--trees "
        + " ".join(str(t) for t in args.trees) + "`):",
        "",
        "| tree | writer CPU s | against the first | ms per source, first window | last window | incidents | register digest |",
        "|---|---|---|---|---|---|---|",
    ]
    names = [describe(tree) for tree in args.trees]
    for name, r in zip(names, results, strict=True):
        lines.append(f"| {name} | {r['cpu']:.1f} | {r['cpu'] / base:.2f} | {r['windows'][0]} | "
                     f"{r['windows'][-1]} | {r['incidents']:,} | {r['digest']} |")
    lines += ["", f"ms per source by window of {args.window:,} sources:"]
    lines += [f"- {name}: {', '.join(str(w) for w in r['windows'])}" for name, r in zip(names, results, strict=True)]
    lines += ["", f"Machine: {machine()}. Date: {dt.date.today().isoformat()}."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
