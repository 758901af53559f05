"""Repository for protected values: sealed on the way in, opened only for whoever may see them; and the
store's key fingerprint, checked each time a store is opened."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, select

from docket.protect.keys import KeyMissing, Keyring, ProtectionError, WrongKey, where_keys_are_looked_for
from docket.protect.seal import seal_text, unseal_text
from docket.protect.tables import KEY_ID_META, protected_fields
from docket.store.schema import store_meta

_RECORDED_KEY = select(store_meta.c.value).where(store_meta.c.key == KEY_ID_META)
_OF_DOCUMENT = (
    select(protected_fields.c.field, protected_fields.c.sealed, protected_fields.c.key_id)
    .where(protected_fields.c.document_id == bindparam("id"))
    .order_by(protected_fields.c.field)
)


def _context(document_id: str, field: str) -> str:
    return f"docket protected field\x1f{document_id}\x1f{field}"


def recorded_key_id(conn: Connection) -> str | None:
    return conn.execute(_RECORDED_KEY).scalar()


def check_store_key(engine: Engine, keyring: Keyring | None, data_dir: Path) -> None:
    """Refuse a store that holds protected data without its key, or with another key."""
    with engine.connect() as conn:
        recorded = recorded_key_id(conn)
    if recorded is None:
        return
    if keyring is None:
        raise KeyMissing(
            f"this store holds protected witness data sealed with protection key {recorded}, and no key was "
            f"found: give it in {where_keys_are_looked_for(data_dir)}"
        )
    if keyring.key_id != recorded:
        raise WrongKey(
            f"wrong protection key: this store's protected witness data is sealed with key {recorded}, "
            f"the key in {keyring.source} is {keyring.key_id}"
        )


def _claim_store_key(conn: Connection, keyring: Keyring) -> None:
    recorded = recorded_key_id(conn)
    if recorded is None:
        conn.execute(store_meta.insert().values(key=KEY_ID_META, value=keyring.key_id))
    elif recorded != keyring.key_id:
        raise WrongKey(f"wrong protection key: the store's is {recorded}, the key in {keyring.source} is {keyring.key_id}")


def save_protected(conn: Connection, keyring: Keyring | None, document_id: str, values: dict[str, str]) -> list[dict]:
    """Seal and store a document's protected values; returns the rows as stored (custody hashes them)."""
    if not values:
        return []
    if keyring is None:
        raise KeyMissing("protected values cannot be stored without a protection key: run `docket key init`")
    _claim_store_key(conn, keyring)
    rows = [
        {"document_id": document_id, "field": field, "sealed": seal_text(keyring, value, _context(document_id, field)),
         "key_id": keyring.key_id}
        for field, value in sorted(values.items())
    ]
    conn.execute(protected_fields.insert(), rows)
    return rows


def stored_rows(conn: Connection, document_id: str) -> list[dict]:
    """A document's sealed rows as stored (for custody)."""
    return [{"document_id": document_id, **dict(r._mapping)} for r in conn.execute(_OF_DOCUMENT, {"id": document_id})]


def field_names(conn: Connection, document_id: str) -> list[str]:
    return [r.field for r in conn.execute(_OF_DOCUMENT, {"id": document_id})]


def open_values(conn: Connection, keyring: Keyring | None, document_id: str) -> dict[str, str]:
    """A document's protected values in clear: only for a caller that checked who is asking."""
    rows = list(conn.execute(_OF_DOCUMENT, {"id": document_id}))
    if rows and keyring is None:
        raise KeyMissing("protected values cannot be opened without the protection key")
    out = {}
    for r in rows:
        if keyring is not None and r.key_id != keyring.key_id:
            raise WrongKey(f"protected values of {document_id} are sealed with key {r.key_id}, not {keyring.key_id}")
        assert keyring is not None
        out[r.field] = unseal_text(keyring, r.sealed, _context(document_id, r.field))
    return out


def protected_document_ids(conn: Connection, ids: Iterable[str] | None = None) -> set[str]:
    """Which of ``ids`` (every document: None) carry protected values."""
    query = select(protected_fields.c.document_id).distinct()
    if ids is not None:
        ids = list(set(ids))
        if not ids:
            return set()
        query = query.where(protected_fields.c.document_id.in_(ids))
    return set(conn.execute(query).scalars())


__all__ = [
    "ProtectionError",
    "check_store_key",
    "field_names",
    "open_values",
    "protected_document_ids",
    "save_protected",
    "stored_rows",
]
