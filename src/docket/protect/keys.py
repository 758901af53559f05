"""The protection key: 32 random bytes, kept outside the database, named by a fingerprint.

Where docket looks, first found wins:

1. ``$DOCKET_PROTECTION_KEY``: the key itself (URL-safe base64, as ``docket key init`` writes it);
2. the file ``$DOCKET_KEY_FILE``;
3. the file ``<data dir>.key`` beside the data dir (``./docket-data.key`` for ``./docket-data``), so a
   copy of the data dir alone carries no key.

The store records only the key's fingerprint (``store_meta.protection_key_id``), never the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

KEY_ENV = "DOCKET_PROTECTION_KEY"
KEY_FILE_ENV = "DOCKET_KEY_FILE"
KEY_FILE_SUFFIX = ".key"
KEY_BYTES = 32


class ProtectionError(Exception):
    """Protected data cannot be handled as asked (no key, wrong key, unreadable key or sealed data)."""


class KeyMissing(ProtectionError):
    pass


class WrongKey(ProtectionError):
    pass


@dataclass(frozen=True)
class Keyring:
    key: bytes
    source: str  # where it came from, for messages: "$DOCKET_PROTECTION_KEY" or the file's path

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise ProtectionError(f"{self.source}: a protection key is {KEY_BYTES} bytes, this one {len(self.key)}")

    @property
    def key_id(self) -> str:
        """A fingerprint naming the key (not revealing it): what the store records."""
        return hashlib.sha256(b"docket protection key id\x00" + self.key).hexdigest()[:16]

    def __repr__(self) -> str:  # never print the key itself
        return f"Keyring(key_id={self.key_id!r}, source={self.source!r})"


def default_key_file(data_dir: Path) -> Path:
    """``$DOCKET_KEY_FILE``, else ``<data dir>.key`` beside the data dir."""
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return Path(named)
    resolved = Path(data_dir).resolve()
    return resolved.with_name(resolved.name + KEY_FILE_SUFFIX)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def parse_key(text: str, source: str) -> Keyring:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ProtectionError(f"{source}: not a docket protection key (URL-safe base64 of {KEY_BYTES} bytes)") from None
    return Keyring(key, source)


def load_keyring(data_dir: Path) -> Keyring | None:
    """The key from the environment or the key file; None where none is set up."""
    env = os.environ.get(KEY_ENV)
    if env:
        return parse_key(env, f"${KEY_ENV}")
    path = default_key_file(data_dir)
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtectionError(f"{path}: cannot read the protection key ({exc})") from None
    return parse_key(text, str(path))


def where_keys_are_looked_for(data_dir: Path) -> str:
    return f"${KEY_ENV}, or the key file {default_key_file(data_dir)} (${KEY_FILE_ENV} names another)"


def create_key_file(path: Path) -> Keyring:
    """A new random key in a new file readable by its owner only; never overwrites a key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ProtectionError(f"{path} exists already: docket never overwrites a key (data sealed with it "
                              "could no longer be read)") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(encode_key(key) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return Keyring(key, str(path))
