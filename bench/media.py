"""Media: SHA-256 of originals beside sha256sum, video fingerprinting speed, near-duplicate search at 1M hashes.

In one run:

* hashing: one 2 GiB file in /tmp (deleted afterwards), hashed by ``sha256sum`` and by docket's streaming
  hash (``docket.store.blobstore.sha256_stream``, what ``verify`` and the readers use), then copied into a
  blob store by ``LocalBlobStore.put`` (hash while copying, fsync): best of ``--repeat`` runs each, the file
  in the page cache for all (each run reads it once before timing starts). Target: docket's hash at least
  0.9 of sha256sum's throughput.
* fingerprinting: a synthetic 1280×720, 30 fps, H.264 (x264 veryfast) video with sound, moving scene;
  ``docket.media.fingerprint.video_fingerprint`` (decode every frame, hash 10 samples a second with three
  crops each, keyframe stills) on one decoding thread: seconds of video per second of one core.
* search: a ``HashIndex`` of 1,000,000 hashes (random, and a clustered set: 2,000 real frame hashes each
  with 500 copies 8..64 bits away, as footage re-posted many times would give); median and 99th-percentile
  time of one query at the matcher's radius (31) and the widest the index takes (47); the time to load
  1,000,000 stored hashes from a SQLite store into a ``MediaIndex``; and matching a 10-second clip.

    .venv/bin/python bench/media.py [--size-gib 2] [--seconds 60] [--write-docs]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "media"))  # mediakit: the synthetic scenes the tests use

from benchdocs import replace_section  # noqa: E402  (bench/ is on sys.path when the script runs)
from docket.media.fingerprint import VARIANTS, video_fingerprint  # noqa: E402
from docket.media.index import HashIndex  # noqa: E402
from docket.store.blobstore import LocalBlobStore, sha256_stream  # noqa: E402

SECTION = "## Media (hashing, fingerprinting, near-duplicate search)"
TARGET_HASH = 0.9
TARGET_QUERY_MS = 10.0
MiB = 1 << 20


def make_file(path: Path, size: int) -> None:
    block = np.random.default_rng(0).integers(0, 256, size=64 * MiB, dtype=np.uint8).tobytes()
    with path.open("wb") as fh:
        written = 0
        while written < size:
            piece = block[: min(len(block), size - written)]
            fh.write(bytes([written // len(block) % 256]) + piece[1:])
            written += len(piece)


def warm(path: Path) -> None:
    with path.open("rb") as fh:
        while fh.read(16 * MiB):
            pass


def best(fn, repeat: int, before=None) -> float:  # type: ignore[no-untyped-def]
    """The shortest of ``repeat`` timed runs of ``fn``, each after an untimed ``before``."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_hash(size: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="docket-bench-media-", dir="/tmp") as tmp:
        big = Path(tmp) / "big.bin"
        make_file(big, size)
        expected = subprocess.run(["sha256sum", str(big)], check=True, capture_output=True, text=True).stdout.split()[0]
        blob_root = Path(tmp) / "blobs"

        def coreutils() -> None:
            subprocess.run(["sha256sum", str(big)], check=True, capture_output=True)

        def docket_hash() -> None:
            with big.open("rb") as fh:
                assert sha256_stream(fh)[0] == expected

        def docket_put() -> None:
            with big.open("rb") as fh:
                assert LocalBlobStore(blob_root).put(fh)[0] == expected

        def fresh() -> None:
            shutil.rmtree(blob_root, ignore_errors=True)
            warm(big)

        t_core = best(coreutils, repeat, lambda: warm(big))
        t_hash = best(docket_hash, repeat, lambda: warm(big))
        t_put = best(docket_put, repeat, fresh)
    mb = size / MiB
    return {"size_mib": mb, "sha256sum": mb / t_core, "docket_hash": mb / t_hash, "docket_put": mb / t_put}


def make_video(path: Path, seconds: int) -> None:
    import mediakit

    mediakit.write_video(path, mediakit.scene(5, seconds, 30, 1280, 720), 30, options={"preset": "veryfast", "crf": "23"},
                         audio_seconds=seconds)


def bench_fingerprint(seconds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="docket-bench-video-", dir="/tmp") as tmp:
        video = Path(tmp) / "720p.mp4"
        make_video(video, seconds)
        t = time.perf_counter()
        cpu = time.process_time()
        fp = video_fingerprint(str(video), duration=float(seconds), threads=1)
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        t = time.perf_counter()
        video_fingerprint(str(video), duration=float(seconds), threads=0)
        wall_auto = time.perf_counter() - t
        size = video.stat().st_size
    return {"seconds": seconds, "frames": fp.frames, "wall": wall, "cpu": cpu, "x_wall": seconds / wall,
            "x_cpu": seconds / cpu, "x_auto": seconds / wall_auto, "mib": size / MiB,
            "stored": len(fp.stored), "query": len(fp.query)}


def real_hashes(n: int) -> np.ndarray:
    """Frame hashes (whole-picture variant) of synthetic scenes: n of them."""
    import mediakit
    from PIL import Image

    from docket.media import pdq

    out = []
    seed = 10
    while len(out) < n:
        for frame in mediakit.scene(seed, 240, 1):
            digest, quality = pdq.variant_hashes(pdq.work_image(Image.fromarray(frame)))[0]
            if quality >= pdq.MIN_QUALITY:
                out.append(digest)
        seed += 1
    return pdq.words(out[:n])


def clustered(base: np.ndarray, copies: int, rng: np.random.Generator) -> np.ndarray:
    rows = np.repeat(base, copies, axis=0)
    flips = rng.integers(8, 65, size=len(rows))
    bits = np.unpackbits(rows.view(np.uint8), axis=1, bitorder="little")
    for i, k in enumerate(flips):
        bits[i, rng.choice(256, k, replace=False)] ^= 1
    return np.packbits(bits, axis=1, bitorder="little").view("<u8").reshape(-1, 4)


def time_queries(index: HashIndex, queries: np.ndarray, radius: int) -> tuple[float, float, float]:
    for q in queries[:5]:
        index.search(q[None, :], radius)
    times, hits = [], 0
    for q in queries:
        t = time.perf_counter()
        found = index.search(q[None, :], radius)
        times.append(time.perf_counter() - t)
        hits += len(found.row)
    ms = np.array(times) * 1000
    return float(np.median(ms)), float(np.percentile(ms, 99)), hits / len(queries)


def bench_search(n: int, n_queries: int) -> dict[str, object]:
    rng = np.random.default_rng(1)
    results: dict[str, object] = {"n": n}
    base = real_hashes(2000)
    sets = {
        "random": rng.integers(0, 2**63, size=(n, 4), dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, size=(n, 4), dtype=np.uint64),
        "clustered": clustered(base, n // len(base), rng),
    }
    for name, rows in sets.items():
        t = time.perf_counter()
        index = HashIndex(rows)
        build = time.perf_counter() - t
        queries = base[rng.choice(len(base), n_queries)] if name == "clustered" else rows[rng.choice(n, n_queries)]
        for radius in (31, 47):
            med, p99, hits = time_queries(index, queries, radius)
            results[f"{name}/{radius}"] = (med, p99, hits)
        results[f"{name}/build"] = build
    results.update(bench_store_load(n, rng))
    return results


def bench_store_load(n: int, rng: np.random.Generator) -> dict[str, float]:
    """1M hashes stored as media fingerprints in SQLite, loaded into a MediaIndex; a 10 s clip's query."""
    from docket import custody
    from docket.media.fingerprint import Track
    from docket.media.similar import load_index
    from docket.model import stable_id
    from docket.store import Store
    from docket.store import media as repo

    samples_per = 1000
    media_count = n // (samples_per * VARIANTS)
    with tempfile.TemporaryDirectory(prefix="docket-bench-store-", dir="/tmp") as tmp:
        store = Store.open(Path(tmp) / "data", None)
        with store.write() as conn:
            for m in range(media_count):
                words = rng.integers(0, 2**63, size=(samples_per, VARIANTS, 4), dtype=np.uint64)
                track = Track(np.arange(samples_per, dtype=np.float64), words)
                media_id = stable_id("med", str(m))
                repo.save_media(conn, {"id": media_id, "sha256": hashlib.sha256(str(m).encode()).hexdigest(),
                                       "name": f"video-{m}.mp4", "kind": "video", "size": 0, "status": "ok",
                                       "ingested_at": custody.now()})
                repo.save_print(conn, media_id, "pdq-crops3", samples_per, track.times_text(), track.hex())
        t = time.perf_counter()
        with store.read() as conn:
            index = load_index(conn)
        load = time.perf_counter() - t
        stored = len(index)
        # A clip: 10 s of one stored video (100 query samples at 0.1 s), 10 bits off each hash.
        source = index.tracks[7]
        picks = np.repeat(np.arange(100, 110), 10)
        words = source.words[picks].copy()
        words[:, :, 0] ^= np.uint64(0x3FF)
        clip = Track(np.arange(100) * 0.1, words)
        index.query(clip)
        t = time.perf_counter()
        found = index.query(clip)
        clip_ms = (time.perf_counter() - t) * 1000
        store.close()
    assert found and found[0].media_id == index.ids[7], found
    return {"store_hashes": stored, "store_load": load, "clip_ms": clip_ms, "clip_offset": found[0].match_at or 0.0}


def report(h: dict, f: dict, s: dict) -> str:
    ratio = h["docket_hash"] / h["sha256sum"]
    lines = [
        SECTION,
        "",
        f"Reproduce with `.venv/bin/python bench/media.py --write-docs` ({platform.machine()}, {os.cpu_count()} cores, "
        f"Linux {platform.release()}, Python {platform.python_version()}; a shared machine: times vary between runs).",
        "",
        f"**SHA-256 of originals**, one {h['size_mib'] / 1024:.1f} GiB file in the page cache, best of runs:",
        "",
        "| hasher | MiB/s | vs sha256sum |",
        "|---|---:|---:|",
        f"| `sha256sum` (GNU coreutils) | {h['sha256sum']:.0f} | 1.00 |",
        f"| docket streaming hash (`sha256_stream`, 1 MiB reads) | {h['docket_hash']:.0f} | {ratio:.2f} |",
        f"| docket `LocalBlobStore.put` (hash while copying, fsync) | {h['docket_put']:.0f} | "
        f"{h['docket_put'] / h['sha256sum']:.2f} |",
        "",
        f"Target ≥ {TARGET_HASH}: {'met' if ratio >= TARGET_HASH else 'NOT met'} ({ratio:.2f}).",
        "",
        f"**Video fingerprinting**, {f['seconds']} s of 1280×720 30 fps H.264 ({f['mib']:.0f} MiB, {f['frames']} frames): "
        f"{f['stored']} stored samples, {f['query']} query samples, each hashed whole and at two crops.",
        "",
        "| decoding | wall s | × real time |",
        "|---|---:|---:|",
        f"| one thread (per core; CPU time {f['cpu']:.1f} s: {f['x_cpu']:.1f}× real time per core) | {f['wall']:.1f} | "
        f"{f['x_wall']:.1f} |",
        f"| FFmpeg's threads, all {os.cpu_count()} cores | {f['seconds'] / f['x_auto']:.1f} | {f['x_auto']:.1f} |",
        "",
        f"**Near-duplicate search**, one query hash against {s['n']:,} stored hashes (multi-index hashing, 16×16-bit "
        "chunks):",
        "",
        "| hashes | radius | median ms | p99 ms | hits per query | build s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("random", "clustered"):
        for radius in (31, 47):
            med, p99, hits = s[f"{name}/{radius}"]
            lines.append(f"| {name} | {radius} | {med:.2f} | {p99:.2f} | {hits:.1f} | {s[f'{name}/build']:.2f} |")
    med31 = max(s["random/31"][0], s["clustered/31"][0])
    lines += [
        "",
        f"Target < {TARGET_QUERY_MS:.0f} ms at radius 31 (what the matcher uses): "
        f"{'met' if med31 < TARGET_QUERY_MS else 'NOT met'} ({med31:.2f} ms).",
        f"Loading {s['store_hashes']:,} stored hashes from a SQLite store into the index: {s['store_load']:.1f} s; "
        f"matching a 10-second clip (100 samples × 3 crops) against them: {s['clip_ms']:.0f} ms "
        f"(found at {s['clip_offset']:.1f} s).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-gib", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--hashes", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    h = bench_hash(int(args.size_gib * 1024 * MiB), args.repeat)
    print(f"hash: {h}", flush=True)
    f = bench_fingerprint(args.seconds)
    print(f"fingerprint: {f}", flush=True)
    s = bench_search(args.hashes, args.queries)
    print(f"search: {s}", flush=True)
    text = report(h, f, s)
    print(text)
    if args.write_docs:
        replace_section(SECTION, text)


if __name__ == "__main__":
    main()
