"""Telegram Desktop exports (result.json): every message with text is a Document of its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from docket.ingest.dates import parse_iso_date
from docket.ingest.decode import normalise
from docket.ingest.readers.base import FileContext, ReadError, new_document
from docket.ingest.readers.txt import decoded_text
from docket.model import Document, PartialDate

# Entity types whose text is itself a link target; text_link entities carry theirs in "href".
_LINK_ENTITIES = {"link", "url"}


def read_telegram(data: bytes, ctx: FileContext) -> list[Document]:
    source, decode_meta = decoded_text(data)
    if not source.strip():
        raise ReadError("no text (only whitespace)")
    try:
        export = json.loads(source)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON at line {exc.lineno} column {exc.colno} (Telegram export?)") from exc
    chats = list(_chats(export))
    if not chats:
        raise ReadError('JSON but not a Telegram export (no "messages" list)')
    docs: list[Document] = []
    seen: set[str] = set()
    for chat in chats:
        for message in chat["messages"]:
            doc = _message_document(message, chat, ctx, decode_meta)
            if doc is not None and doc.id not in seen:
                seen.add(doc.id)
                docs.append(doc)
    return docs


def _chats(export: object) -> Iterator[dict]:
    """The chat or channel objects: a single-chat export, or the ``chats.list`` of a full account export."""
    if not isinstance(export, dict):
        return
    if isinstance(export.get("messages"), list):
        yield export
        return
    for key in ("chats", "left_chats"):
        group = export.get(key)
        for chat in group.get("list", []) if isinstance(group, dict) else []:
            if isinstance(chat, dict) and isinstance(chat.get("messages"), list):
                yield chat


def _message_document(message: object, chat: dict, ctx: FileContext, decode_meta: dict) -> Document | None:
    if not isinstance(message, dict) or message.get("type", "message") != "message":
        return None
    text, links = message_text(message.get("text"))
    if not text.strip() and isinstance(message.get("text_entities"), list):
        text, links = message_text(message["text_entities"])
    text = normalise(text)
    if not text.strip() or message.get("id") is None:
        return None
    message_id = str(message["id"])
    meta: dict = dict(decode_meta)
    meta.update(
        {
            "channel": chat.get("name"),
            "channel_id": chat.get("id"),
            "message_id": message["id"],
            "links": links,
        }
    )
    for key in ("forwarded_from", "from", "reply_to_message_id", "views", "edited"):
        if message.get(key) not in (None, ""):
            meta[key] = message[key]
    if isinstance(message.get("poll"), dict) and message["poll"].get("question"):
        meta["poll_question"] = message["poll"]["question"]
    if media := message_media(message):
        meta["media"] = media  # files of the export the post carries (docket.media links them to it)
    published = message_date(message)
    return new_document(
        ctx,
        "telegram",
        part=message_id,
        outlet=chat.get("name") or None,
        published=published,
        published_source="telegram" if published else None,
        raw_text=text,
        meta=meta,
    )


def message_media(message: dict) -> list[str]:
    """Paths, relative to the export folder, of the photo and file a message carries; a file the export
    left out ("(File not included. ...)") is not one."""
    found = []
    for key in ("photo", "file"):
        value = message.get(key)
        if isinstance(value, str) and value.strip() and not value.startswith("("):
            found.append(value.strip())
    return found


def message_text(value: object) -> tuple[str, list[str]]:
    """A message's text (a string, or a list of strings and entity objects) and the links in it."""
    if isinstance(value, str):
        return value, []
    if not isinstance(value, list):
        return "", []
    parts: list[str] = []
    links: list[str] = []
    for item in value:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            text = str(item.get("text") or "")
            parts.append(text)
            if item.get("href"):
                links.append(str(item["href"]))
            elif item.get("type") in _LINK_ENTITIES and text:
                links.append(text)
    return "".join(parts), links


def message_date(message: dict) -> PartialDate | None:
    parsed = parse_iso_date(message.get("date"))
    if parsed is not None:
        return PartialDate(parsed.start, "day")
    stamp = message.get("date_unixtime")
    try:
        return PartialDate(datetime.fromtimestamp(int(stamp), UTC).date(), "day") if stamp else None
    except (ValueError, OverflowError, OSError):
        return None
