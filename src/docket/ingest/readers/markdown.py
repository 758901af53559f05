"""Markdown (newsletters, notes): syntax stripped to plain text; YAML front matter read as metadata."""

from __future__ import annotations

import re

import yaml

from docket.ingest.dates import parse_iso_date
from docket.ingest.readers.base import FileContext, ReadError, new_document
from docket.ingest.readers.txt import decoded_text
from docket.model import Document
from docket.protect.fields import PROTECTED_KEY, protected_values

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^[ \t]{0,3}(>[ \t]?)+")
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+(\[[ xX]\][ \t]+)?")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)|!\[([^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_CODE = re.compile(r"`+([^`]+?)`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPH_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EMPH_UNDER = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")
_FIELD_ALIASES = {
    "title": ("title",),
    "outlet": ("outlet", "publication", "site", "site_name", "source", "newsletter"),
    "url": ("url", "link", "canonical_url"),
    "language": ("language", "lang"),
    "published": ("published", "date", "pubdate", "published_at", "publish_date"),
}


def read_markdown(data: bytes, ctx: FileContext) -> list[Document]:
    source, meta = decoded_text(data)
    if not source.strip():
        raise ReadError("no text (only whitespace)")
    front, body = split_front_matter(source)
    # A testimony's protected fields (docket.protect) never go into the metadata kept in clear.
    fields: dict = {"protected": protected_values(front.pop(PROTECTED_KEY, None))}
    fields |= front_matter_fields(front)
    if front:
        meta["front_matter"] = {
            k: v if isinstance(v, str | int | float | bool) else str(v) for k, v in front.items()
        }
    text, links, first_heading = strip_markdown(body)
    if links:
        meta["links"] = links
    if "title" not in fields and first_heading:
        fields["title"] = first_heading
    return [new_document(ctx, "md", raw_text=text, meta=meta, **fields)]


def split_front_matter(source: str) -> tuple[dict, str]:
    m = _FRONT_MATTER.match(source)
    if not m:
        return {}, source
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}, source
    if not isinstance(data, dict):
        return {}, source
    return {str(k).lower(): v for k, v in data.items()}, source[m.end() :]


def front_matter_fields(front: dict) -> dict:
    fields: dict = {}
    for field, keys in _FIELD_ALIASES.items():
        value = next((front[k] for k in keys if front.get(k) not in (None, "")), None)
        if value is None:
            continue
        if field == "published":
            parsed = parse_iso_date(value)
            if parsed is not None:
                fields["published"] = parsed
                fields["published_source"] = "metadata"
        else:
            fields[field] = str(value).strip()
    return fields


def strip_markdown(body: str) -> tuple[str, list[str], str | None]:
    """Plain text, the link targets, and the first level-1 heading."""
    out: list[str] = []
    links: list[str] = []
    first_heading: str | None = None
    in_fence = False
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line)
            continue
        if _REF_DEF.match(line):
            links.append(line.split(":", 1)[1].strip().split()[0])
            continue
        if _RULE.match(line) or (_SETEXT.match(line) and i > 0 and lines[i - 1].strip()):
            out.append("")
            continue
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
            if first_heading is None and _is_h1(lines[i]):
                first_heading = _inline(line, [])
        line = _QUOTE.sub("", line)
        line = _BULLET.sub(r"\1", line)
        out.append(_inline(line, links))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n", links, first_heading


def _is_h1(line: str) -> bool:
    return bool(re.match(r"^[ \t]{0,3}#[ \t]", line))


def _inline(line: str, links: list[str]) -> str:
    line = _IMAGE.sub("", line)

    def link(m: re.Match[str]) -> str:
        if m.group(2):
            links.append(m.group(2))
        return m.group(1)

    line = _LINK.sub(link, line)
    line = _REF_LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(lambda m: links.append(m.group(1)) or m.group(1), line)
    line = _CODE.sub(r"\1", line)
    line = _TAG.sub("", line)
    for pattern in (_STRONG, _STRIKE):
        line = pattern.sub(lambda m: m.group(m.lastindex or 1), line)
    line = _EMPH_STAR.sub(r"\1", line)
    line = _EMPH_UNDER.sub(r"\1", line)
    return line.rstrip()
