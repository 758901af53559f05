"""Everything that differs between SQLite and PostgreSQL lives here (and, for full-text search, in search.py).

SQLite: WAL, a busy timeout, foreign keys, and write transactions opened with ``BEGIN IMMEDIATE`` so two
processes never both read the chain head and then race to append. PostgreSQL: write transactions take a
transaction-scoped advisory lock as their first statement, so writers (ingests, the web application,
reviewers) run one at a time exactly as on SQLite, while readers never wait; custody appends take the
same lock again (re-entrant) for transactions opened without the write option.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 60_000
# SQLite's page cache per connection (its default is 2 MiB): the writer's index look-ups and inserts
# (blocking keys, near-copy bands) reach all over tables of hundreds of MiB in a large register.
PAGE_CACHE_KIB = 128 * 1024
WRITE_OPTION = "docket_write"
# An arbitrary constant naming docket's write (and custody) lock among PostgreSQL advisory locks.
CHAIN_LOCK_KEY = 0x646F636B6574
POSTGRES_DRIVER = "psycopg"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def normalize_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs use the psycopg (3) driver docket installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return f"postgresql+{POSTGRES_DRIVER}://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    if make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        _configure_postgresql(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event decide how a transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA wal_autocheckpoint=10000")
        cur.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            # The driver opens the transaction with this statement; the lock lasts until commit/rollback.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})")


def lock_chain(conn: Connection) -> None:
    """Serialise custody appends across processes, for the rest of this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    # SQLite: the write transaction already holds the database's write lock (BEGIN IMMEDIATE).

