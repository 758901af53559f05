"""One pymorphy3 analyser per language, shared by every stage that reads Russian or Ukrainian words.

Loading an analyser costs about a second and tens of MiB; extraction (counts, places, attribution,
person nouns) and linking (entity keys) all ask for the same two.
"""

from __future__ import annotations

from functools import cache

import pymorphy3


@cache
def morph(lang: str) -> pymorphy3.MorphAnalyzer:
    """The analyser for ``lang`` ("ru" or "uk")."""
    return pymorphy3.MorphAnalyzer(lang=lang)
