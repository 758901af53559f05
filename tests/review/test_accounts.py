"""Users, Argon2 hashes, API tokens, sessions; and the CLI that mirrors the library."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from docket import custody
from docket.cli import app
from docket.review import accounts
from docket.review.accounts import AccountError
from docket.review.tables import api_tokens, users
from docket.store.register import list_incidents


def test_users_are_stored_with_argon2_hashes(store):
    with store.write() as conn:
        user = accounts.add_user(conn, "alice", "analyst", "correct horse", actor="admin")
    with store.read() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.id == user.id)).scalar()
        assert stored.startswith("$argon2id$") and "correct horse" not in stored
        assert accounts.authenticate(conn, "alice", "correct horse") == user
        assert accounts.authenticate(conn, "alice", "wrong horse!") is None
        assert accounts.authenticate(conn, "nobody", "correct horse") is None
        last = list(custody.entries(conn))[-1]
    assert (last.action, last.object_id) == ("user-add", "alice")
    assert user.can("review") and not user.can("admin")


@pytest.mark.parametrize(
    "name,role,password",
    [("bob", "superuser", "long enough"), ("bob", "viewer", "short"), ("b o b", "viewer", "long enough"), ("", "viewer", "long enough")],
)
def test_bad_users_are_refused(store, name, role, password):
    with pytest.raises(AccountError), store.write() as conn:
        accounts.add_user(conn, name, role, password, actor="admin")


def test_duplicate_user_is_refused(store):
    with store.write() as conn:
        accounts.add_user(conn, "alice", "viewer", "long enough", actor="admin")
    with pytest.raises(AccountError), store.write() as conn:
        accounts.add_user(conn, "alice", "admin", "long enough", actor="admin")


def test_tokens_are_kept_only_as_hashes_and_can_be_revoked(store):
    with store.write() as conn:
        accounts.add_user(conn, "script", "viewer", "long enough", actor="admin")
        token = accounts.create_token(conn, "script", "nightly export", actor="admin")
    with store.read() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash)).scalars().all()
        assert token not in stored and accounts.sha256_hex(token) in stored
        assert accounts.user_for_token(conn, token).name == "script"
        assert accounts.user_for_token(conn, token + "x") is None
        token_id = accounts.list_tokens(conn, "script")[0]["id"]
    with store.write() as conn:
        assert accounts.revoke_token(conn, token_id, actor="admin")
    with store.read() as conn:
        assert accounts.user_for_token(conn, token) is None


def test_sessions_end_and_die_with_a_new_password(store):
    with store.write() as conn:
        user = accounts.add_user(conn, "alice", "admin", "long enough", actor="admin")
        token, csrf = accounts.start_session(conn, user)
    with store.read() as conn:
        assert accounts.session_user(conn, token) == (user, csrf)
    with store.write() as conn:
        accounts.set_password(conn, "alice", "another long one", actor="alice")
    with store.read() as conn:
        assert accounts.session_user(conn, token) is None


def test_cli_user_add_and_review_mirror_the_library(store):
    runner = CliRunner()
    data = str(store.data_dir)
    result = runner.invoke(app, ["--data-dir", data, "user", "add", "carol", "--role", "analyst", "--password-stdin"],
                           input="a good password\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--data-dir", data, "user", "add", "carol", "--role", "analyst", "--password-stdin"],
                           input="a good password\n")
    assert result.exit_code == 2 and "already exists" in result.output
    with store.read() as conn:
        assert accounts.authenticate(conn, "carol", "a good password").role == "analyst"
        a, b = (i["id"] for i in list_incidents(conn)[:2])
    for args in (["confirm", a[:10], "--note", "checked"], ["note", a, "call back"],
                 ["edit", a, "count", '{"value": 7, "qualifier": "exact"}'], ["edit", a, "victims", "prisoners,relatives"],
                 ["merge", a, b], ["history", a]):
        result = runner.invoke(app, ["--data-dir", data, "review", *args, "--actor", "carol"] if args[0] != "history"
                               else ["--data-dir", data, "review", *args])
        assert result.exit_code == 0, result.output
    assert "merge" in result.output and "confirm" in result.output
    result = runner.invoke(app, ["--data-dir", data, "review", "edit", a, "types", "nonsense"])
    assert result.exit_code == 2 and "unknown nonsense" in result.output
    result = runner.invoke(app, ["--data-dir", data, "user", "token", "carol"])
    assert result.exit_code == 0 and result.output.startswith("dkt_")
    with store.read() as conn:
        assert accounts.user_for_token(conn, result.output.strip()).name == "carol"
