"""Regression gate: docket's HTML cleaner on a spread-out subset of the article-extraction benchmark."""

import importlib.util
import sys
from pathlib import Path

import pytest

from docket.text.clean_html import clean_html

REPO = Path(__file__).resolve().parents[2]
F1_FLOOR = 0.96  # measured 0.978 on this subset (40 pages, every 4th); see docs/benchmarks.md


def _bench():
    spec = importlib.util.spec_from_file_location("article_extraction", REPO / "bench" / "article_extraction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_docket_f1_on_benchmark_subset(shared):
    root = shared / "data" / "external" / "article-extraction-benchmark"
    if not (root / "ground-truth.json").exists():
        pytest.skip("article-extraction benchmark not present")
    bench = _bench()
    pages = bench.load_pages(root, limit=40, stride=4)
    assert len(pages) == 40
    score = bench.evaluate(pages, lambda markup: clean_html(markup).text)
    assert score.f1 >= F1_FLOOR, score


def test_metric_penalises_extra_and_missing_text():
    bench = _bench()
    gold = "one two three four five six seven eight"
    assert bench.tp_fp_fn(gold, gold) == (1.0, 0.0, 0.0)
    tp, fp, fn = bench.tp_fp_fn(gold, "one two three four five")
    assert fp == 0 and fn > 0
