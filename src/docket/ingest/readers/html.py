"""HTML pages: the markup kept for the cleaner, a rough text rendering, and the page's own metadata."""

from __future__ import annotations

import json
import re

import lxml.html
from lxml import etree

from docket.ingest.dates import parse_iso_date
from docket.ingest.readers.base import FileContext, ReadError, new_document
from docket.ingest.readers.txt import decoded_text
from docket.model import Document

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DROP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "article",
    "section",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "hr",
    "address",
    "form",
    "button",
    "title",
}
# Separators publishers put between an article title and the site name in <title>.
_TITLE_SEPARATORS = re.compile(r"\s+[|—–\-·:]\s+")
_PUBLISHED_META = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "date"),
    ("name", "pubdate"),
    ("name", "publish-date"),
    ("name", "dc.date"),
    ("name", "dcterms.created"),
    ("property", "og:published_time"),
)


def declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def read_html(data: bytes, ctx: FileContext) -> list[Document]:
    markup, meta = decoded_text(data, declared_charset(data))
    if not markup.strip():
        raise ReadError("no text (only whitespace)")
    root = parse_markup(markup)
    fields = page_metadata(root)
    meta.update(fields.pop("meta"))
    doc = new_document(ctx, "html", html=markup, raw_text=render_text(root), meta=meta, **fields)
    return [doc]


def parse_markup(markup: str) -> etree._Element:
    try:
        # lxml rejects str input that declares an encoding; bytes with an explicit parser are safe.
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        root = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"unparseable HTML ({exc})") from exc
    return root


def render_text(root: etree._Element) -> str:
    """Text with a line break at block boundaries; scripts, styles and <head> dropped."""
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _DROP:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag.lower() in _BLOCK
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = "".join(parts)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def page_metadata(root: etree._Element) -> dict:
    """title, outlet, url, language and published as the page states them, plus meta extras."""
    metas = _meta_tags(root)
    html_title = _clean(
        " ".join(root.xpath("//head/title//text()")) or " ".join(root.xpath("//title//text()"))
    )
    og_title = metas.get(("property", "og:title"))
    outlet = (
        metas.get(("property", "og:site_name"))
        or _outlet_from_title(html_title, og_title)
        or _outlet_from_home_link(root, html_title)
    )
    fields: dict = {"meta": {}}
    if og_title or html_title:
        fields["title"] = og_title or html_title
    if html_title:
        fields["meta"]["html_title"] = html_title
    if outlet:
        fields["outlet"] = outlet
    url = metas.get(("property", "og:url")) or _first(root.xpath("//link[@rel='canonical']/@href"))
    if url:
        fields["url"] = url.strip()
    language = _language(root, metas)
    if language:
        fields["language"] = language
    published = _published(root, metas)
    if published is not None:
        fields["published"] = published
        fields["published_source"] = "html-meta"
    return fields


def _meta_tags(root: etree._Element) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                found.setdefault(
                    (attr, key.strip().lower() if attr != "itemprop" else key.strip()), content.strip()
                )
    return found


def _published(root: etree._Element, metas: dict[tuple[str, str], str]) -> object:
    for key in _PUBLISHED_META:
        value = metas.get((key[0], key[1] if key[0] == "itemprop" else key[1].lower()))
        parsed = parse_iso_date(value) if value else None
        if parsed is not None:
            return parsed
    for script in root.xpath("//script[@type='application/ld+json']/text()"):
        parsed = _ld_json_date(script)
        if parsed is not None:
            return parsed
    for value in root.xpath("//time/@datetime"):
        parsed = parse_iso_date(value)
        if parsed is not None:
            return parsed
    return None


def _ld_json_date(script: str) -> object:
    try:
        data = json.loads(script)
    except json.JSONDecodeError:
        return None
    items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    for item in items:
        if isinstance(item, dict) and item.get("datePublished"):
            parsed = parse_iso_date(item["datePublished"])
            if parsed is not None:
                return parsed
    return None


def _language(root: etree._Element, metas: dict[tuple[str, str], str]) -> str | None:
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    value = value or metas.get(("property", "og:locale")) or metas.get(("name", "language"))
    if not value:
        return None
    code = re.split(r"[-_]", value.strip())[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _outlet_from_title(html_title: str | None, og_title: str | None) -> str | None:
    """``<title>`` is often og:title plus " | Site"; the last segment of that suffix names the outlet."""
    if not html_title or not og_title:
        return None
    head, title = _clean(og_title), html_title
    if not title.startswith(head) or len(title) == len(head):
        return None
    suffix = title[len(head) :]
    if not _TITLE_SEPARATORS.match(suffix):
        return None
    segments = [s for s in _TITLE_SEPARATORS.split(suffix) if s.strip()]
    return segments[-1].strip() if segments else None


def _outlet_from_home_link(root: etree._Element, html_title: str | None) -> str | None:
    """The last segment of ``<title>`` when the page also shows it on its own (a masthead, a logo link)."""
    if not html_title:
        return None
    segments = [s.strip() for s in _TITLE_SEPARATORS.split(html_title) if s.strip()]
    if len(segments) < 2:
        return None
    wanted = segments[-1].casefold()
    for el in root.iter("a", "div", "span", "p", "strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"):
        if len(el.text_content()) <= 2 * len(wanted) and _clean(el.text_content()).casefold() == wanted:
            return segments[-1]
    return None


def _clean(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _first(values: list) -> str | None:
    return str(values[0]) if values else None
