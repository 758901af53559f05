"""Witness protection: the protected fields of testimonies, encrypted at rest, redacted from their text.

- ``keys``: the protection key, kept outside the database (``$DOCKET_PROTECTION_KEY`` or a key file).
- ``seal``: authenticated encryption (AES-256-GCM) of values and originals with that key.
- ``fields``: which protected values a sidecar, front matter or form gives (``data/protection.yaml``).
- ``redact``: protected values found in a document's text replaced by a mark before anything is stored.
- ``tables`` and ``records``: the sealed values in the database, and the store's key fingerprint.
- ``sealed``: originals of protected testimonies, stored encrypted beside the plain blob store.
- ``intake``: what the ingest pipeline does with a read file that carries protected values.
- ``testimony``: a testimony entered in the web form, ingested like a file.
"""

from docket.protect.keys import KeyMissing, Keyring, ProtectionError, WrongKey

__all__ = ["KeyMissing", "Keyring", "ProtectionError", "WrongKey"]
