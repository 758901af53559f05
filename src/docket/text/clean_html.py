"""Main text of an HTML page: our own pre-cleaning, trafilatura, the line filter, and a fallback.

Pre-cleaning removes blocks that trafilatura sometimes keeps (cookie and donation banners, share bars,
related-article boxes, captions) by tag, ARIA role and class/id words.  trafilatura then picks the main
content; its text goes through the same line-level filter as plain scrapes.  When trafilatura finds
nothing, the fallback takes the text blocks of the page body that survived pre-cleaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from docket.text.clean_plain import filter_units, normalise

# class/id words that mark page furniture; matched as whole words of the attribute
_JUNK_WORDS = (
    "cookie|cookies|consent|gdpr|share|sharing|social|socials|share-bar|sharebar|related|relatedposts|"
    "donate|donation|donations|support-us|paywall|subscribe|subscription|newsletter|signup|promo|"
    "advert|advertisement|ads|ad-slot|banner|sponsored|breadcrumb|breadcrumbs|tags|tag-list|taglist|"
    "comments|comment-list|byline|author-bio|read-also|readalso|more-stories|most-read|popular|"
    "recommended|outbrain|taboola|sidebar|footer|modal|popup"
)
_JUNK_ATTR = re.compile(rf"(?:^|[\s_-])(?:{_JUNK_WORDS})(?:$|[\s_-])", re.IGNORECASE)
_JUNK_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button", "nav", "aside",
              "footer", "figcaption", "select", "dialog")
_JUNK_ROLES = ("navigation", "banner", "complementary", "contentinfo", "dialog", "alertdialog", "search")
_KEEP_TAGS = ("html", "body", "main", "article")
# a furniture-looking container is only removed when it holds less than this share of the page's text
_MAX_JUNK_SHARE = 0.3
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt")
_TITLE_SPLIT = re.compile(r"\s+[|–—:·•]\s+|\s+-\s+|\s+::\s+")


@dataclass(frozen=True, slots=True)
class HtmlText:
    text: str
    title: str | None
    published: str | None  # ISO date string from the page's metadata, when it carries one


def parse(markup: str) -> lxml_html.HtmlElement | None:
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    if not markup.strip():
        return None
    try:
        return lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def _meta(tree: lxml_html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            values = tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            for value in values:
                if value and value.strip():
                    return value.strip()
    return None


def page_title(tree: lxml_html.HtmlElement) -> str | None:
    """og:title, else the first h1, else <title> without the site name."""
    title = _meta(tree, "og:title", "twitter:title")
    if not title:
        heads = [h.text_content().strip() for h in tree.iter("h1")]
        title = next((h for h in heads if h), None)
    if not title:
        raw = tree.findtext(".//title") or ""
        parts = [p.strip() for p in _TITLE_SPLIT.split(raw.strip()) if p.strip()]
        title = max(parts, key=len) if parts else None
    return " ".join(title.split()) if title else None


def page_published(tree: lxml_html.HtmlElement) -> str | None:
    value = _meta(tree, "article:published_time", "og:published_time", "datePublished", "pubdate",
                  "publishdate", "date", "dc.date", "DC.date.issued", "sailthru.date")
    if not value:
        times = tree.xpath("//time/@datetime")
        value = times[0] if times else None
    m = re.match(r"\s*((?:19|20)\d{2}-\d{2}-\d{2})", value or "")
    return m.group(1) if m else None


def _text_len(el: lxml_html.HtmlElement) -> int:
    return len(" ".join(el.itertext()).strip())


def preclean(tree: lxml_html.HtmlElement) -> None:
    """Remove page furniture in place."""
    total = max(1, _text_len(tree.body if tree.find("body") is not None else tree))
    doomed = []
    for el in tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _KEEP_TAGS:
            continue
        if tag in _JUNK_TAGS or (el.get("role") or "").lower() in _JUNK_ROLES or el.get("hidden") is not None:
            doomed.append(el)
            continue
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if attrs.strip() and _JUNK_ATTR.search(attrs) and _text_len(el) < _MAX_JUNK_SHARE * total:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _fallback_units(tree: lxml_html.HtmlElement) -> list[str]:
    body = tree.find("body")
    root = body if body is not None else tree
    units = []
    for el in root.iter(*_BLOCK_TAGS):
        if any(child.tag in _BLOCK_TAGS for child in el.iterdescendants()):
            continue
        text = " ".join(" ".join(el.itertext()).split())
        if text:
            units.append(text)
    return units


def rough_text(markup: str) -> str:
    """Every text block of the page, furniture included, one per line: for datelines and bylines."""
    tree = parse(normalise(markup))
    if tree is None:
        return ""
    for el in tree.iter("script", "style", "noscript", "template"):
        el.drop_tree() if el.getparent() is not None else None
    return "\n".join(_fallback_units(tree))


def _drop_title(units: list[str], title: str | None) -> list[str]:
    if title and units and " ".join(units[0].lower().split()) == title.lower():
        return units[1:]
    return units


def clean_html(markup: str) -> HtmlText:
    """The page's main text (paragraphs separated by a blank line), its title and metadata date."""
    tree = parse(normalise(markup))
    if tree is None:
        return HtmlText("", None, None)
    title = page_title(tree)
    published = page_published(tree)
    extracted = trafilatura.extract(markup, include_comments=False, include_tables=True, favor_precision=True)
    if extracted:
        units = extracted.split("\n")
    else:
        preclean(tree)
        units = _fallback_units(tree)
    units = _drop_title(filter_units(units), title)
    return HtmlText("\n\n".join(units), title, published)
