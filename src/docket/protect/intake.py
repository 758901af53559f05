"""What ingest does with a read file that carries protected values (``docket.pipeline`` calls these).

1. ``values_of``: the file's protected values: its sidecar's, its documents' own (front matter), and
   those of the file it is attached to (an e-mail's attachments are as protected as the e-mail).
2. ``redact_read``: the file's name and every document's texts and metadata redacted, before cleaning.
3. After cleaning, ``redact_prepared`` once more on what cleaning made (text, title): a safety net.
4. The pipeline then stores the original sealed (``docket.protect.sealed``), and the values sealed
   (``docket.protect.records.save_protected``), each with a custody entry.
"""

from __future__ import annotations

from typing import Any

from docket.model import Document
from docket.protect.fields import merge
from docket.protect.keys import KeyMissing, Keyring
from docket.protect.redact import Redactor, redact_document

CUSTODY_ACTION = "protect"  # custody: a document's protected values stored sealed (payload: hash of the rows)


def values_of(result: Any, inherited: dict[str, str] | None = None) -> dict[str, str]:
    return merge(inherited or {}, result.protected, *(doc.protected for doc in result.documents))


def redact_read(result: Any, values: dict[str, str]) -> Redactor:
    redactor = Redactor(values)
    result.name = redactor.text(result.name) or result.name
    if result.error:
        result.error = redactor.text(result.error)
    for doc in result.documents:
        doc.protected = dict(values)
        redact_document(doc, redactor)
    return redactor


def redact_prepared(doc: Document, redactor: Redactor) -> None:
    doc.text = redactor.text(doc.text) or ""
    doc.title = redactor.text(doc.title)


def no_key_message(name: str) -> str:
    return (f"{name}: has protected fields, and no protection key is set up: run `docket key init` "
            "(or set $DOCKET_PROTECTION_KEY); nothing of it was stored")


def require_key(keyring: Keyring | None, name: str) -> None:
    if keyring is None:
        raise KeyMissing(no_key_message(name))
