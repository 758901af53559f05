"""Users, roles and permissions; Argon2 password hashes; API tokens and browser sessions.

Roles grant permissions, and code asks for a permission, never for a role by name, so a finer
permission (such as reading protected witness fields) can be added to a role without touching the
checks that already exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, bindparam, select

from docket import custody
from docket.review.tables import api_tokens, users, web_sessions

READ = "read"  # browse the register, documents, entities, exports
REVIEW = "review"  # confirm, dispute, reject, edit, note, merge, split
ADMIN = "admin"  # manage users and tokens
PROTECTED = "protected"  # see testimonies' protected witness fields and their sealed originals (docket.protect)
TESTIFY = "testify"  # enter a testimony, with its protected fields, in the web form

ROLES: dict[str, frozenset[str]] = {
    "viewer": frozenset({READ}),
    "analyst": frozenset({READ, REVIEW, PROTECTED, TESTIFY}),
    "admin": frozenset({READ, REVIEW, ADMIN, PROTECTED, TESTIFY}),
}
ROLE_ORDER = ("viewer", "analyst", "admin")
MIN_PASSWORD = 8
SESSION_DAYS = 7
TOKEN_PREFIX = "dkt_"

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# A hash to verify against when the user does not exist, so a wrong name costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A request about users that cannot be honoured (unknown role, name taken, weak password)."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str

    @property
    def permissions(self) -> frozenset[str]:
        return ROLES.get(self.role, frozenset())

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _user(row: object) -> User:
    m = row._mapping  # type: ignore[attr-defined]
    return User(m["id"], m["name"], m["role"])


def validate_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
        raise AccountError("a user name is 1 to 64 printable characters without spaces")
    return name


def add_user(conn: Connection, name: str, role: str, password: str, *, actor: str) -> User:
    """Create a user; the custody chain records who created whom with which role (never the hash)."""
    name = validate_name(name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLE_ORDER)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if get_user(conn, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    at = now()
    result = conn.execute(
        users.insert().values(name=name, role=role, password_hash=_hasher.hash(password), disabled=False, created_at=at)
    )
    user = User(int(result.inserted_primary_key[0]), name, role)
    custody.append(
        conn, actor=actor, action="user-add", object_type="user", object_id=name,
        payload_hash=custody.json_hash({"name": name, "role": role, "at": at}),
    )
    return user


def set_role(conn: Connection, name: str, role: str, *, actor: str) -> User:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLE_ORDER)}")
    user = get_user(conn, name)
    if user is None:
        raise AccountError(f"no user {name!r}")
    conn.execute(users.update().where(users.c.id == user.id).values(role=role))
    custody.append(
        conn, actor=actor, action="user-role", object_type="user", object_id=name,
        payload_hash=custody.json_hash({"name": name, "before": user.role, "after": role}),
    )
    return User(user.id, user.name, role)


def set_password(conn: Connection, name: str, password: str, *, actor: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    user = get_user(conn, name)
    if user is None:
        raise AccountError(f"no user {name!r}")
    conn.execute(users.update().where(users.c.id == user.id).values(password_hash=_hasher.hash(password)))
    conn.execute(web_sessions.delete().where(web_sessions.c.user_id == user.id))
    custody.append(
        conn, actor=actor, action="user-password", object_type="user", object_id=name,
        payload_hash=custody.json_hash({"name": name, "at": now()}),
    )


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(users).where(users.c.name == name, users.c.disabled.is_(False))).first()
    return _user(row) if row else None


def list_users(conn: Connection) -> list[dict]:
    rows = conn.execute(select(users.c.id, users.c.name, users.c.role, users.c.disabled, users.c.created_at).order_by(users.c.name))
    return [dict(r._mapping) for r in rows]


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    """The user if the password is theirs, else None (same work either way)."""
    row = conn.execute(select(users).where(users.c.name == name, users.c.disabled.is_(False))).first()
    stored = row.password_hash if row else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(stored):
        conn.execute(users.update().where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return _user(row)


# -- API tokens -----------------------------------------------------------------------------------------


def create_token(conn: Connection, name: str, label: str, *, actor: str) -> str:
    """A new API token for user ``name``; returned once, only its hash is kept."""
    user = get_user(conn, name)
    if user is None:
        raise AccountError(f"no user {name!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    digest = sha256_hex(token)
    conn.execute(
        api_tokens.insert().values(
            user_id=user.id, name=label or "token", token_hash=digest, created_at=now(), revoked=False
        )
    )
    custody.append(
        conn, actor=actor, action="token-add", object_type="user", object_id=name,
        payload_hash=custody.json_hash({"name": name, "label": label, "token_hash": digest}),
    )
    return token


def list_tokens(conn: Connection, name: str | None = None) -> list[dict]:
    q = (
        select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.last_used_at,
               api_tokens.c.revoked, users.c.name.label("user"))
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id)
    )
    if name is not None:
        q = q.where(users.c.name == name)
    return [dict(r._mapping) for r in conn.execute(q)]


def revoke_token(conn: Connection, token_id: int, *, actor: str) -> bool:
    done = conn.execute(
        api_tokens.update().where(api_tokens.c.id == token_id, api_tokens.c.revoked.is_(False)).values(revoked=True)
    ).rowcount
    if done:
        custody.append(
            conn, actor=actor, action="token-revoke", object_type="user", object_id=f"token:{token_id}",
            payload_hash=custody.json_hash({"token": token_id}),
        )
    return bool(done)


# Asked on every request: built once, bound per call.
_BY_TOKEN = (
    select(users)
    .join(api_tokens, api_tokens.c.user_id == users.c.id)
    .where(api_tokens.c.token_hash == bindparam("hash"), api_tokens.c.revoked.is_(False), users.c.disabled.is_(False))
)
_BY_SESSION = (
    select(users, web_sessions.c.csrf, web_sessions.c.expires_at)
    .join(web_sessions, web_sessions.c.user_id == users.c.id)
    .where(web_sessions.c.token_hash == bindparam("hash"), users.c.disabled.is_(False))
)


def user_for_token(conn: Connection, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = conn.execute(_BY_TOKEN, {"hash": sha256_hex(token)}).first()
    return _user(row) if row else None


# -- browser sessions ------------------------------------------------------------------------------------


def start_session(conn: Connection, user: User) -> tuple[str, str]:
    """A new session for ``user``: (cookie token, CSRF token). Only the token's hash is stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    created = datetime.now(UTC)
    conn.execute(
        web_sessions.insert().values(
            token_hash=sha256_hex(token),
            user_id=user.id,
            csrf=csrf,
            created_at=created.isoformat(timespec="seconds"),
            expires_at=(created + timedelta(days=SESSION_DAYS)).isoformat(timespec="seconds"),
        )
    )
    return token, csrf


def session_user(conn: Connection, token: str) -> tuple[User, str] | None:
    """The session's user and CSRF token, if the session exists and has not expired."""
    row = conn.execute(_BY_SESSION, {"hash": sha256_hex(token)}).first()
    if row is None or row.expires_at < now():
        return None
    return _user(row), row.csrf


def end_session(conn: Connection, token: str) -> None:
    conn.execute(web_sessions.delete().where(web_sessions.c.token_hash == sha256_hex(token)))
