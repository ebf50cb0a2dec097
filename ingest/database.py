"""Open the database and bring its schema to the newest migration: the schema's one owner.

One database holds the account store's tables and the service's. Its schema is made only by the Alembic migrations
here (``ingest/migrations``), so every opener migrates the same way: the CLI's imports and batch scoring through
``AccountStore``, the service and its child processes through ``open_database``. They live with the store, the
lowest layer that opens the database, and ship inside the package, so an installed wheel migrates without the
source tree or an ``alembic.ini``.

A database made before the migrations owned the schema (``AccountStore`` used to run ``create_all``: ``accounts``
and ``posts`` only, with or without ``platform``, and no ``alembic_version``) is upgraded from the first revision
like an empty one: 0001 creates only the tables missing and 0004 adds ``platform`` only when missing, so the
store's tables and rows are adopted as they are. Stamping would be wrong there: such a database lacks the
service's tables that 0001..0003 create.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import weakref
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

__all__ = [
    "MIGRATIONS_DIR",
    "PRIVATE_FILE_MODE",
    "current_revision",
    "head_revision",
    "insert_skipping_existing",
    "make_engine",
    "migrate_to_head",
    "one_at_a_time",
    "open_database",
    "upgrade",
    "writing",
]

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_PG_MIGRATION_LOCK = 0x70617272  # any constant: Postgres advisory lock id taken by whoever migrates
PRIVATE_FILE_MODE = 0o600
MIGRATION_LOCK_WAIT_S = 300.0  # longest wait for another process's migration of the same SQLite file


def _keep_private(path: Path) -> None:
    """Make the SQLite file readable and writable by its owner only, creating it so when it does not exist.

    It holds the API keys' hashes, the audit log and every score. SQLite gives the ``-wal`` and ``-shm`` files it
    creates the database file's mode; files an earlier version left wider open are narrowed, with a warning.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        try:
            mode = file.stat().st_mode & 0o777
            if mode & 0o077:
                file.chmod(PRIVATE_FILE_MODE)
                logger.warning("database file was open to others: now owner-only", extra={"path": str(file)})
        except FileNotFoundError:
            pass
        except OSError as exc:  # another user's file: say so, and let SQLite decide whether it can be opened
            logger.warning("database file is open to others", extra={"path": str(file), "error": str(exc)})


def make_engine(url: str, *, busy_timeout_s: float = 5.0) -> Engine:
    """Create an engine with the settings DESIGN.md measured for SQLite; other databases get defaults.

    ``busy_timeout_s`` is how long a SQLite write waits for another writer's lock before failing as busy. A SQLite
    file is kept owner-only (``PRIVATE_FILE_MODE``). The schema is left as it is: ``open_database`` or
    ``AccountStore`` migrates it.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    if not in_memory:
        _keep_private(Path(make_url(url).database or ""))
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


def writing(engine: Engine) -> AbstractContextManager[object]:
    """Hold while a write transaction of a hot path runs: threads of this process then take a SQLite database's one
    write lock in turn, woken as soon as it is free. Left to SQLite, a waiting writer sleeps in its busy handler
    (1, 2, 5 ... 100 ms steps) and a burst of cached scores, each writing its count and audit row, gets a tail of
    such sleeps. Other databases lock rows, not the file: there it holds nothing."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _GUARD:
        lock = _WRITE_LOCKS.get(engine)
        if lock is None:
            lock = _WRITE_LOCKS[engine] = threading.Lock()
    return lock


def one_at_a_time(conn: Connection, key: int) -> None:
    """Make this transaction the only one holding ``key`` until it ends: on PostgreSQL a transaction-scoped advisory
    lock, for a read-then-write decision its READ COMMITTED transactions would otherwise both make. SQLite needs none:
    it takes one writer at a time (``writing`` orders this process's threads)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def insert_skipping_existing(conn: Connection, table: Table) -> Insert:
    """An INSERT that skips rows whose key exists, as both dialects we support spell it: rows another writer (a second
    process, a CLI run beside the server) inserted a moment ago are not an error."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database dialect {dialect!r}")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR.as_posix())
    return config


def _lock_for_migration(connection: Connection) -> None:
    """Make a second process that migrates the same database wait for the first, then find it at head.

    Without it both would see no ``alembic_version`` and both create the tables. pysqlite begins a transaction only
    before DML, so the DDL would run unlocked; ``BEGIN IMMEDIATE`` takes the write lock for the whole upgrade.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        # Another process's whole upgrade can outlast the busy timeout (a loaded machine, many revisions): keep
        # waiting for its lock, up to a deadline, rather than fail the start of a process that only needs to wait.
        deadline = time.monotonic() + MIGRATION_LOCK_WAIT_S
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                logger.info("waiting for another process's migration of the database")
    else:
        one_at_a_time(connection, _PG_MIGRATION_LOCK)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` in one transaction, holding the database's migration lock."""
    config = _config()
    with engine.begin() as connection:
        _lock_for_migration(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    logger.info("database schema ready", extra={"revision": current_revision(engine)})


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; ``None`` for an empty database or one made before the migrations."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache  # the scripts are part of the installed package: read them once per process, not at every store opened
def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def migrate_to_head(engine: Engine) -> None:
    """Upgrade the database unless it is at head already (then this is one read of ``alembic_version``)."""
    if current_revision(engine) != head_revision():
        upgrade(engine)


def open_database(url: str, *, busy_timeout_s: float = 5.0) -> Engine:
    """An engine for ``url`` (DESIGN.md's SQLite recipe) whose schema is at head."""
    engine = make_engine(url, busy_timeout_s=busy_timeout_s)
    migrate_to_head(engine)
    return engine
