"""Protected values found in a document replaced by a mark, before the document is cleaned or stored.

Redaction runs on what a reader produced (decoded text, HTML, title, file name, metadata), so the
cleaned text, the search index, the extracted sentences and every snippet are made from redacted text
and the plain value is never stored. How each field is matched is data (``data/protection.yaml``):
the whole value; each word of a name in any case ending and either script («Петровой», "Petrova");
the digits of a phone number with any separators. Overlapping or adjacent finds become one mark.

Values are found however a text spells their characters: through HTML character references
(``&#1055;&#1086;…``, ``Polya&shy;kova``), soft hyphens and zero-width characters inside a word, and
stress marks over its vowels («Поляко́ва»); the mark then covers the whole spelling.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

from docket.data import load_yaml
from docket.model import Document
from docket.protect.fields import config, spec_of

_WORD = re.compile(r"\w+")
_SEPARATORS = r"[\s\-().\u00a0\u2010-\u2015\u2212]*"
_GAP = re.compile(r"[\s,.\-]*")  # what may lie between two finds that become one mark
# What a text may hold inside a value without changing how it reads: character references, invisible
# format characters (soft hyphen, zero-width space and joiners, word joiner, BOM) and combining accents.
_HIDDEN = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?"
    r"|[\u00ad\u200b-\u200d\u2060\ufeff\u0300-\u036f]"
)


@cache
def _translit() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    data = load_yaml("translit.yaml")
    return {k: v or "" for k, v in data["cyrillic"].items()}, tuple((a, b) for a, b in data["latin_folds"])


@cache
def fold(word: str) -> str:
    """A word as one spelling across scripts and romanisations: «Петрова», "Petrova" -> "petrova"."""
    table, folds = _translit()
    text = unicodedata.normalize("NFKD", word.casefold())
    text = "".join(table.get(c, c) for c in text if not unicodedata.combining(c))
    for a, b in folds:
        text = text.replace(a, b)
    return text


def _name_key(word: str) -> str | None:
    """The part of a name word that its case endings keep: trailing vowels off ("petrova" -> "petrov")."""
    folded = fold(word)
    key = folded.rstrip("aeiou")
    if len(key) < config()["min_word"]:
        key = folded
    return key if len(key) >= config()["min_word"] else None


class Redactor:
    """Finds and marks the given protected values in any text."""

    def __init__(self, values: dict[str, str]) -> None:
        cfg = config()
        self.mark: str = cfg["mark"]
        self.patterns: list[re.Pattern[str]] = []
        self.name_keys: set[str] = set()
        for name, value in values.items():
            for matcher in spec_of(name).match:
                if matcher == "exact":
                    self.patterns.append(_exact(value))
                elif matcher == "name_words":
                    self.name_keys |= {k for w in _WORD.findall(value) if (k := _name_key(w))}
                elif matcher == "digits" and (p := _digits(value, cfg["min_digits"], cfg["phone_tail"])):
                    self.patterns.append(p)
        self.max_ending: int = cfg["max_ending"]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the values are in ``text``: merged (start, end) spans of the text as given."""
        view, starts, ends = _view(text)
        found = self._spans(view)
        if view is text:
            return found
        return _merge([(starts[a], ends[b - 1]) for a, b in found], text)

    def _spans(self, text: str) -> list[tuple[int, int]]:
        found = [m.span() for p in self.patterns for m in p.finditer(text) if m.end() > m.start()]
        if self.name_keys:
            for m in _WORD.finditer(text):
                folded = fold(m.group())
                if any(folded.startswith(k) and len(folded) - len(k) <= self.max_ending for k in self.name_keys):
                    found.append(m.span())
        return _merge(found, text)

    def text(self, text: str | None) -> str | None:
        if not text:
            return text
        out, pos = [], 0
        for a, b in self.spans(text):
            out += [text[pos:a], self.mark]
            pos = b
        return "".join(out) + text[pos:] if out else text

    def value(self, value: Any) -> Any:
        """Strings redacted anywhere inside lists and dicts (metadata), keys included."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value


def _view(text: str) -> tuple[str, list[int], list[int]]:
    """The text as it reads (character references decoded, hidden characters dropped), and for each of
    its characters the start and end of what spells it in ``text``. ``text`` itself when nothing is hidden."""
    if "&" not in text and not _HIDDEN.search(text):
        return text, [], []
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _HIDDEN.finditer(text):
        for i in range(pos, m.start()):
            out.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        spelled = m.group()
        if spelled.startswith("&"):
            decoded = html.unescape(spelled)
            if decoded == spelled:  # not a reference: its characters as they are
                for i in range(m.start(), m.end()):
                    out.append(text[i])
                    starts.append(i)
                    ends.append(i + 1)
            else:
                for ch in decoded:
                    if _HIDDEN.fullmatch(ch):  # &shy;, &zwj;, ...: dropped as the characters themselves are
                        continue
                    out.append(ch)
                    starts.append(m.start())
                    ends.append(m.end())
        pos = m.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        starts.append(i)
        ends.append(i + 1)
    return "".join(out), starts, ends


def _exact(value: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in value.split()]
    body = r"\s+".join(words)
    before = r"(?<!\w)" if value[:1].isalnum() else ""
    after = r"(?!\w)" if value[-1:].isalnum() else ""
    return re.compile(before + body + after, re.IGNORECASE)


def _digits(value: str, min_digits: int, tail: int) -> re.Pattern[str] | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < min_digits:
        return None
    core = digits[-tail:]
    body = _SEPARATORS.join(core)
    return re.compile(r"(?<!\d)(?:\+?\d{1,3}" + _SEPARATORS + ")?" + body + r"(?!\d)")


def _merge(spans: Iterable[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Sorted spans, overlapping ones and ones apart only by white space, commas, stops or hyphens joined."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and (a <= out[-1][1] or _GAP.fullmatch(text, out[-1][1], a)):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


TEXT_FIELDS = ("name", "source_path", "part", "title", "outlet", "url", "collected_by", "raw_text", "text", "html")


def redact_document(doc: Document, redactor: Redactor) -> None:
    """Every text a document carries, redacted in place (before ``text.prepare``, and again after)."""
    for name in TEXT_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str):
            setattr(doc, name, redactor.text(value))
    doc.meta = redactor.value(doc.meta)
    if doc.error:
        doc.error = redactor.text(doc.error)
