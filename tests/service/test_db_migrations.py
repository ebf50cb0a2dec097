"""The database schema comes from the Alembic migrations shipped in the package, applied at every start."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from ingest.store import AccountStore, make_engine
from service.db.migrate import MIGRATIONS_DIR, current_revision, head_revision, open_database, upgrade

SERVICE_TABLES = {"accounts", "posts", "scores", "jobs", "job_items", "api_keys", "catalog_versions", "feedback",
                  "audit_log"}  # fmt: skip


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_upgrade_on_an_empty_sqlite_file_creates_every_table(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'empty.db'}")
    assert SERVICE_TABLES | {"alembic_version"} <= _tables(engine)
    assert current_revision(engine) == head_revision()
    unique = {c["name"] for c in sa.inspect(engine).get_unique_constraints("job_items")}
    assert "uq_job_items_job_handle" in unique
    assert "platform" in {c["name"] for c in sa.inspect(engine).get_columns("accounts")}


def test_upgrade_is_idempotent_on_restart_and_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'again.db'}"
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO audit_log (at, action) VALUES ('2026-01-01 00:00:00', 'test')"))
    engine.dispose()
    engine = open_database(url)  # a restart
    upgrade(engine)  # and once more, explicitly
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def test_an_existing_ingest_store_is_adopted_and_still_readable(demo_store_file: Path, tmp_path: Path) -> None:
    path = Path(shutil.copy(demo_store_file, tmp_path / "store.db"))
    before = AccountStore(make_engine(f"sqlite:///{path}")).count()
    engine = open_database(f"sqlite:///{path}")
    assert _tables(engine) >= SERVICE_TABLES
    assert AccountStore(engine).count() == before and before[0] > 0


def test_account_store_still_works_on_a_plain_database_without_migrations(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    store = AccountStore(engine)
    assert store.count() == (0, 0)
    assert "alembic_version" not in _tables(engine)


def test_migrations_ship_inside_the_service_package() -> None:
    import service

    assert MIGRATIONS_DIR.parent.parent == Path(service.__file__).parent
    assert (MIGRATIONS_DIR / "env.py").is_file() and list((MIGRATIONS_DIR / "versions").glob("0001_*.py"))


def test_a_migrated_database_keeps_each_accounts_platform_and_older_accounts_read_as_unknown(
    demo_store_file: Path, tmp_path: Path
) -> None:
    path = Path(shutil.copy(demo_store_file, tmp_path / "store.db"))
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # the store as a version before platforms left it
        conn.execute(sa.text("ALTER TABLE accounts DROP COLUMN platform"))
    upgrade(engine, "0003")
    engine.dispose()

    engine = open_database(f"sqlite:///{path}")

    assert "platform" in {c["name"] for c in sa.inspect(engine).get_columns("accounts")}
    assert current_revision(engine) == head_revision()
    store = AccountStore(engine)
    first = store.handles()[0]
    assert store.get(first).account.platform is None
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM accounts WHERE platform IS NOT NULL")).scalar_one() == 0
