"""The table of protected values: one row per document and field, the value sealed with the key.

Defined on the store's shared ``metadata`` so a new store creates it with every other table; an older
store gets it from the migration ``_m006_protected_fields``. Imports nothing of docket but the schema.
"""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from docket.store.schema import metadata

protected_fields = Table(
    "protected_fields",
    metadata,
    Column("document_id", String(40), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("sealed", Text, nullable=False),  # base64 of nonce + AES-256-GCM ciphertext and tag
    Column("key_id", String(16), nullable=False),  # fingerprint of the key that sealed it
)

PROTECTION_TABLES = (protected_fields,)
# store_meta key: fingerprint of the key the store's protected data is sealed with (set with the first).
KEY_ID_META = "protection_key_id"
