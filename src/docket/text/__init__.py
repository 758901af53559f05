"""Text stage: clean main text, language, publication date.

Placeholder until the cleaner lands: copies the decoded text unchanged.
"""

from __future__ import annotations

from docket.model import Document


def prepare(doc: Document) -> Document:
    if not doc.text:
        doc.text = doc.raw_text
    return doc
