"""Open the service's database and bring its schema to the newest migration (done at every start).

The migrations ship inside the package (``service/db/migrations``), so an installed wheel migrates without the
source tree or an ``alembic.ini``. Upgrading a database already at head does nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ingest.store import make_engine

__all__ = ["MIGRATIONS_DIR", "current_revision", "head_revision", "open_database", "upgrade"]

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR.as_posix())
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` in one transaction."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    logger.info("database schema ready", extra={"revision": current_revision(engine)})


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def open_database(url: str, *, busy_timeout_s: float = 5.0) -> Engine:
    """An engine for ``url`` (DESIGN.md's SQLite recipe) whose schema is at head."""
    engine = make_engine(url, busy_timeout_s=busy_timeout_s)
    upgrade(engine)
    return engine
