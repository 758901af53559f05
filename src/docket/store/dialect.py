"""Everything that differs between SQLite and PostgreSQL lives here, and nowhere else.

SQLite: WAL, a busy timeout, foreign keys, and write transactions opened with ``BEGIN IMMEDIATE`` so two
processes never both read the chain head and then race to append. PostgreSQL: a transaction-scoped
advisory lock taken before the chain head is read.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text

BUSY_TIMEOUT_MS = 60_000
WRITE_OPTION = "docket_write"
# An arbitrary constant naming docket's custody lock among PostgreSQL advisory locks.
CHAIN_LOCK_KEY = 0x646F636B6574


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
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
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def lock_chain(conn: Connection) -> None:
    """Serialise custody appends across processes, for the rest of this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    # SQLite: the write transaction already holds the database's write lock (BEGIN IMMEDIATE).
