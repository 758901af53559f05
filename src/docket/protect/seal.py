"""Authenticated encryption with the protection key: AES-256-GCM, a random 96-bit nonce per message.

Each sealed message is bound to what it is (``context``: the document and field, or the original's
SHA-256) as associated data, so a sealed value copied onto another row or file does not open.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from docket.protect.keys import Keyring, ProtectionError, WrongKey

NONCE_BYTES = 12
# Sealed originals (files): magic, the key's fingerprint, nonce, ciphertext and tag.
MAGIC = b"docket-sealed-1\n"
KEY_ID_BYTES = 16


def seal(keyring: Keyring, data: bytes, context: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(keyring.key).encrypt(nonce, data, context.encode("utf-8"))


def unseal(keyring: Keyring, sealed: bytes, context: str) -> bytes:
    try:
        return AESGCM(keyring.key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag:
        raise WrongKey(f"sealed data for {context} does not open with the key from {keyring.source}: a wrong key, "
                       "or the data was altered") from None


def seal_text(keyring: Keyring, value: str, context: str) -> str:
    return base64.b64encode(seal(keyring, value.encode("utf-8"), context)).decode("ascii")


def unseal_text(keyring: Keyring, sealed: str, context: str) -> str:
    return unseal(keyring, base64.b64decode(sealed), context).decode("utf-8")


def seal_file(keyring: Keyring, data: bytes, context: str) -> bytes:
    return MAGIC + keyring.key_id.encode("ascii") + seal(keyring, data, context)


def unseal_file(keyring: Keyring, blob: bytes, context: str) -> bytes:
    if not blob.startswith(MAGIC):
        raise ProtectionError(f"{context}: not a sealed original")
    key_id = blob[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].decode("ascii", "replace")
    if key_id != keyring.key_id:
        raise WrongKey(f"{context} was sealed with key {key_id}; the key from {keyring.source} is {keyring.key_id}")
    return unseal(keyring, blob[len(MAGIC) + KEY_ID_BYTES :], context)
