"""Text stage: clean main text, language, title and publication date.

``prepare(doc)`` fills ``doc.text`` (deterministic for the same input: claim spans point into it),
``doc.language``, ``doc.title`` when missing, and ``doc.published``/``published_source`` when no
metadata gave them.  The text starts with the headline as its own paragraph (once), then the body.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from docket.model import Document, PartialDate
from docket.text.clean_html import clean_html, rough_text
from docket.text.clean_plain import clean_plain
from docket.text.language import detect_language
from docket.text.published import find_published

__all__ = ["prepare", "clean_html", "clean_plain", "detect_language", "find_published"]

TITLE_MAX_CHARS = 200


def _looks_like_title(paragraph: str) -> bool:
    words = paragraph.split()
    return len(words) >= 3 and len(paragraph) <= TITLE_MAX_CHARS and not paragraph.endswith((".", ":", ";"))


def _latest(doc: Document) -> date:
    """Dates after the collection date cannot be the publication date."""
    if doc.collected_at:
        try:
            return datetime.fromisoformat(doc.collected_at.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    return date.today()


def _same(a: str, b: str) -> bool:
    return re.findall(r"\w+", a.lower()) == re.findall(r"\w+", b.lower())


def prepare(doc: Document) -> Document:
    meta_published: str | None = None
    if doc.html:
        page = clean_html(doc.html)
        body, title, meta_published = page.text, page.title, page.published
        if not body and doc.raw_text:
            body = clean_plain(doc.raw_text)
        paragraphs = body.split("\n\n") if body else []
        if title and not (paragraphs and _same(paragraphs[0], title)):
            paragraphs.insert(0, title)
    else:
        paragraphs = [p for p in clean_plain(doc.raw_text).split("\n\n") if p]
        title = paragraphs[0] if paragraphs and _looks_like_title(paragraphs[0]) else None
    doc.text = "\n\n".join(paragraphs)
    if not doc.title and title:
        doc.title = title
    if not doc.language:
        doc.language = detect_language(doc.text)
    if doc.published is None:
        if meta_published:
            doc.published = PartialDate(date.fromisoformat(meta_published), "day")
            doc.published_source = "html-meta"
        else:
            source = doc.raw_text or (rough_text(doc.html) if doc.html else "")
            found = find_published(source, _latest(doc))
            if found:
                doc.published, doc.published_source = found
    return doc
