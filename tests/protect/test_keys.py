"""The protection key: created by `docket key init`, kept outside the database; a store with protected data
refuses to open (CLI commands and `docket serve`) without it or with another key, saying so clearly."""

from __future__ import annotations

import base64
import os
import secrets
import stat

import pytest
from typer.testing import CliRunner

from docket.cli import app
from docket.pipeline import ingest_paths
from docket.protect import KeyMissing, WrongKey
from docket.protect.keys import KEY_ENV, Keyring, encode_key
from docket.protect.seal import seal_file, seal_text, unseal_file, unseal_text
from docket.store import Store
from witnesskit import leaks, no_key, use_new_key, write_testimonies


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _protected_store(tmp_path, monkeypatch) -> tuple:
    keyring = use_new_key(monkeypatch, tmp_path)
    txt, _ = write_testimonies(tmp_path / "in")
    store = Store.open(tmp_path / "data")
    ingest_paths(store, [txt], actor="tester")
    store.close()
    return keyring, tmp_path / "data"


def test_key_init_writes_an_owner_only_key_beside_the_data_dir_and_never_overwrites_it(runner, tmp_path, monkeypatch):
    no_key(monkeypatch)
    data = tmp_path / "data"
    result = runner.invoke(app, ["--data-dir", str(data), "key", "init"])
    assert result.exit_code == 0, result.output
    key_file = tmp_path / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and not data.exists()
    again = runner.invoke(app, ["--data-dir", str(data), "key", "init"])
    assert again.exit_code == 2 and "never overwrites" in again.output
    shown = runner.invoke(app, ["--data-dir", str(data), "key", "show"])
    assert shown.exit_code == 0 and str(key_file) in shown.output and "no protected data yet" in shown.output


@pytest.mark.parametrize("command", [["incidents"], ["export"], ["verify"], ["serve", "--port", "1"], ["serve", "--public"]])
def test_a_store_with_protected_data_refuses_to_start_without_its_key(runner, tmp_path, monkeypatch, command):
    keyring, data = _protected_store(tmp_path, monkeypatch)
    no_key(monkeypatch)
    result = runner.invoke(app, ["--data-dir", str(data), *command])
    assert result.exit_code == 2, result.output
    assert "holds protected witness data" in result.output and keyring.key_id in result.output
    assert "DOCKET_PROTECTION_KEY" in result.output and "Traceback" not in result.output
    with pytest.raises(KeyMissing):
        Store.open(data)


def test_a_wrong_key_is_refused_naming_both_fingerprints(runner, tmp_path, monkeypatch):
    keyring, data = _protected_store(tmp_path, monkeypatch)
    no_key(monkeypatch)
    other = Keyring(secrets.token_bytes(32), "test")
    monkeypatch.setenv(KEY_ENV, encode_key(other.key))
    result = runner.invoke(app, ["--data-dir", str(data), "incidents"])
    assert result.exit_code == 2 and "wrong protection key" in result.output
    assert keyring.key_id in result.output and other.key_id in result.output
    with pytest.raises(WrongKey):
        Store.open(data)
    monkeypatch.setenv(KEY_ENV, "not a key!")
    bad = runner.invoke(app, ["--data-dir", str(data), "incidents"])
    assert bad.exit_code == 2 and "not a docket protection key" in bad.output


def test_the_key_from_the_environment_opens_the_store(runner, tmp_path, monkeypatch):
    keyring, data = _protected_store(tmp_path, monkeypatch)
    no_key(monkeypatch)
    monkeypatch.setenv(KEY_ENV, encode_key(keyring.key))
    result = runner.invoke(app, ["--data-dir", str(data), "verify"])
    assert result.exit_code == 0 and result.output.startswith("ok:"), result.output


def test_ingesting_protected_fields_without_a_key_stores_nothing(runner, tmp_path, monkeypatch):
    no_key(monkeypatch)
    write_testimonies(tmp_path / "in")
    data = tmp_path / "data"
    result = runner.invoke(app, ["--data-dir", str(data), "ingest", str(tmp_path / "in")])
    assert result.exit_code == 0 and "2 failed" in result.output and "docket key init" in result.output
    store = Store.open(data)  # no protected data was recorded: it still opens without a key
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM documents").scalar() == 0
    assert list(store.blobs.iter()) == [] and list(store.sealed.iter()) == []
    store.close()
    for path in data.rglob("*"):
        if path.is_file():
            assert leaks(path.read_bytes()) == [], path


def test_sealed_values_open_only_with_their_key_and_in_their_place():
    key, other = Keyring(os.urandom(32), "a"), Keyring(os.urandom(32), "b")
    sealed = seal_text(key, "Marina Polyakova", "doc_1/witness_name")
    assert unseal_text(key, sealed, "doc_1/witness_name") == "Marina Polyakova"
    assert b"Polyakova" not in base64.b64decode(sealed)
    for keyring, context in ((other, "doc_1/witness_name"), (key, "doc_2/witness_name")):
        with pytest.raises(WrongKey):
            unseal_text(keyring, sealed, context)
    blob = seal_file(key, b"original bytes", "sha")
    assert unseal_file(key, blob, "sha") == b"original bytes"
    with pytest.raises(WrongKey, match=key.key_id):
        unseal_file(other, blob, "sha")
