"""Main-text extraction benchmark: docket's HTML cleaner against plain ``trafilatura.extract``.

Runs on scrapinghub's article-extraction-benchmark (``html/*.html.gz`` + ``ground-truth.json``) as kept
in ``../shared/data/external/article-extraction-benchmark``.  The metric is the benchmark's own
(``evaluate.py`` there): the extracted body and the gold ``articleBody`` are cut into ``\\w+`` tokens
(case kept, as the original does; ``--lowercase`` folds case), then into 4-token shingles counted as a
*multiset*; per page tp/fp/fn are normalised to sum to 1, precision and recall are averaged over pages
and F1 is the harmonic mean of those two averages.

    .venv/bin/python bench/article_extraction.py [--limit N] [--write-docs]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO.parent / "shared" / "data" / "external" / "article-extraction-benchmark"
DOCS = REPO / "docs" / "benchmarks.md"
SECTION = "## Main-text extraction"

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)

Extractor = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Page:
    stem: str
    html: str
    gold: str


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    seconds: float
    pages: int


def load_pages(root: Path = DEFAULT_ROOT, limit: int | None = None, stride: int = 1) -> list[Page]:
    """Pages in a fixed order (sorted by stem); ``stride``/``limit`` pick a spread-out subset."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    stems = sorted(truth)[::stride]
    if limit is not None:
        stems = stems[:limit]
    pages = []
    for stem in stems:
        with gzip.open(root / "html" / f"{stem}.html.gz", "rt", encoding="utf-8") as fh:
            pages.append(Page(stem, fh.read(), truth[stem].get("articleBody") or ""))
    return pages


def _shingles(text: str, n: int, lowercase: bool) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text.lower() if lowercase else text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(true: str, pred: str, n: int = 4, lowercase: bool = False) -> tuple[float, float, float]:
    """Multiset shingle matching, normalised so that long pages weigh no more than short ones."""
    gold, got = _shingles(true, n, lowercase), _shingles(pred, n, lowercase)
    tp = sum((gold & got).values())
    fp = sum((got - gold).values())
    fn = sum((gold - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def evaluate(pages: list[Page], extract: Extractor, lowercase: bool = False) -> Score:
    counts = []
    started = time.perf_counter()
    for page in pages:
        counts.append(tp_fp_fn(page.gold, extract(page.html) or "", lowercase=lowercase))
    seconds = time.perf_counter() - started
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, seconds, len(pages))


def docket_extractor(html: str) -> str:
    from docket.text.clean_html import clean_html

    return clean_html(html).text


def trafilatura_extractor(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def _table(scores: dict[str, Score]) -> str:
    lines = [
        "| extractor | precision | recall | F1 | ms/page |",
        "|---|---|---|---|---|",
    ]
    for name, s in scores.items():
        ms = 1000 * s.seconds / max(1, s.pages)
        lines.append(f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {ms:.0f} |")
    return "\n".join(lines)


def _machine() -> str:
    import os

    import trafilatura

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, trafilatura {trafilatura.__version__}"
    )


def write_docs(table: str, pages: int, lowercase: bool) -> None:
    body = (
        f"{SECTION}\n\n"
        "scrapinghub article-extraction-benchmark "
        f"({pages} pages, `../shared/data/external/article-extraction-benchmark`). Metric as the benchmark's "
        "`evaluate.py`: 4-token `\\w+` shingles, multiset, "
        f"{'lowercased' if lowercase else 'case kept'}, tp/fp/fn normalised per page, precision and recall "
        "averaged over pages, F1 of the averages. Both extractors run in the same process, one after the "
        "other. Published figure for trafilatura 2.0.0: F1 0.958.\n\n"
        f"{table}\n\n"
        "Command: `.venv/bin/python bench/article_extraction.py --write-docs`\n\n"
        f"Machine: {_machine()}; ms/page is wall time on a shared machine and varies between runs.\n"
    )
    from benchdocs import replace_section  # bench/ is on sys.path when the script runs

    replace_section(SECTION, body, DOCS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--lowercase", action="store_true")
    parser.add_argument("--only-docket", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    pages = load_pages(args.root, args.limit, args.stride)
    extractors: dict[str, Extractor] = {"docket": docket_extractor}
    if not args.only_docket:
        extractors["trafilatura"] = trafilatura_extractor
    scores = {name: evaluate(pages, fn, args.lowercase) for name, fn in extractors.items()}
    table = _table(scores)
    print(table)
    if args.write_docs:
        write_docs(table, len(pages), args.lowercase)
    return 0


if __name__ == "__main__":
    sys.exit(main())
