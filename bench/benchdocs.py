"""Shared by the benchmark scripts: write one section of docs/benchmarks.md, leaving the others as they are."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def replace_section(heading: str, body: str, docs: Path = DOCS) -> None:
    """Put ``body`` (which starts with ``heading``, a "## ..." line) in place of that section, or append it."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + body
    else:
        nxt = text.find("\n## ", start + len(heading))
        text = text[:start] + body + ("" if nxt < 0 else "\n" + text[nxt + 1 :])
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(text, encoding="utf-8")
