"""E-mail (.eml): the message body is a Document; attachments are handed back to be read on their own."""

from __future__ import annotations

import email
import email.policy
import mimetypes
from email.message import EmailMessage, Message

from docket.ingest.dates import parse_email_date
from docket.ingest.decode import normalise
from docket.ingest.readers.base import Attachment, FileContext, ReadError, new_document
from docket.ingest.readers.html import parse_markup, render_text
from docket.model import Document

_HEADERS = ("from", "to", "cc", "date", "message-id", "subject", "reply-to")


def read_email(data: bytes, ctx: FileContext) -> tuple[list[Document], list[Attachment]]:
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything raised here means unreadable input
        raise ReadError(f"unreadable e-mail ({exc})") from exc
    if not isinstance(message, EmailMessage) or not message.keys():
        raise ReadError("not an e-mail (no headers)")
    meta: dict = {"headers": {k: str(message[k]) for k in _HEADERS if message[k] is not None}}
    if message.defects:
        meta["email_defects"] = [type(d).__name__ for d in message.defects]
    raw_text, html, charset_warning = _body(message)
    if charset_warning:
        meta["decode_warning"] = charset_warning
    attachments = list(_attachments(message))
    if attachments:
        meta["attachments"] = [a.name for a in attachments]
    subject = _header(message, "subject")
    published = parse_email_date(_header(message, "date"))
    doc = new_document(
        ctx,
        "eml",
        title=subject or None,
        published=published,
        published_source="metadata" if published else None,
        raw_text=raw_text,
        html=html,
        meta=meta,
    )
    if not raw_text.strip() and not attachments:
        raise ReadError("e-mail has no text body and no attachments")
    return [doc], attachments


def _header(message: Message, name: str) -> str | None:
    try:
        value = message[name]
    except Exception:  # malformed header values raise on access under the modern policy
        return None
    return str(value).strip() if value is not None else None


def _body(message: EmailMessage) -> tuple[str, str | None, str | None]:
    """Text of the body (text/plain preferred, else rendered text/html), its markup, a decoding warning."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", None, None
    content, warning = _part_text(part)
    if part.get_content_subtype() == "html":
        return render_text(parse_markup(content)) if content.strip() else "", content, warning
    return content, None, warning


def _part_text(part: Message) -> tuple[str, str | None]:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return normalise(payload.decode(charset)), None
    except (LookupError, UnicodeDecodeError):
        text = payload.decode(charset if _codec_exists(charset) else "utf-8", errors="replace")
        return normalise(text), f"body not valid {charset}; read with replacement characters"


def _codec_exists(name: str) -> bool:
    try:
        "".encode(name)
    except LookupError:
        return False
    return True


def _attachments(message: EmailMessage) -> list[Attachment]:
    found: list[Attachment] = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            payload = inner[0].as_bytes() if isinstance(inner, list) and inner else part.as_bytes()
        else:
            payload = part.get_payload(decode=True) or b""
        name = part.get_filename() or f"attachment-{index}{mimetypes.guess_extension(content_type) or '.bin'}"
        if content_type == "message/rfc822" and not part.get_filename():
            name = f"attachment-{index}.eml"
        found.append(Attachment(name=name.replace("/", "_"), data=payload, content_type=content_type))
    return found
