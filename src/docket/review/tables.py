"""Tables for people who use docket: users, their API tokens and their web sessions.

Defined on the store's shared ``metadata`` so a new store creates them with every other table; an
older store gets them from the migration ``_m002_accounts`` (``docket.store.migrations``). This module
imports nothing of docket but the schema, so the migrations can import it while the store is loading.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text

from docket.store.schema import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # admin | analyst | viewer
    Column("password_hash", Text, nullable=False),  # Argon2id, in the PHC string format
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", String(32), nullable=False),
)

# Tokens for scripts: only the SHA-256 of a token is stored; the token itself is shown once.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("last_used_at", String(32)),
    Column("revoked", Boolean, nullable=False, default=False),
)

# Browser sessions: the cookie carries a random token; only its SHA-256 is stored here.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

ACCOUNT_TABLES = (users, api_tokens, web_sessions)
