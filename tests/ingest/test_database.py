"""The schema has one owner, the Alembic migrations: however a database was made, opening it gives the same schema."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from ingest.database import (
    MIGRATIONS_DIR,
    PRIVATE_FILE_MODE,
    current_revision,
    head_revision,
    make_engine,
    open_database,
    upgrade,
)
from ingest.store import AccountStore

ROOT = Path(__file__).resolve().parents[2]
SERVICE_TABLES = {"accounts", "posts", "scores", "jobs", "job_items", "api_keys", "catalog_versions", "feedback",
                  "audit_log", "coordination_posts", "training_runs", "x_spend_months", "talking_point_candidates",
                  "catalog_overlay"}  # fmt: skip
REVISIONS = [script.revision for script in reversed(list(ScriptDirectory(MIGRATIONS_DIR.as_posix()).walk_revisions()))]


def _schema(engine: sa.Engine) -> dict[str, dict[str, Any]]:
    """Everything about the tables that the code relies on, in a form two databases can be compared by."""
    inspector = sa.inspect(engine)
    return {table: _table_schema(inspector, table) for table in inspector.get_table_names()}


def _table_schema(inspector: sa.Inspector, table: str) -> dict[str, Any]:
    foreign_keys = inspector.get_foreign_keys(table)
    return {
        "columns": {c["name"]: (str(c["type"]), c["nullable"], c["default"]) for c in inspector.get_columns(table)},
        "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
        "indexes": sorted((i["name"], i["column_names"], i["unique"]) for i in inspector.get_indexes(table)),
        "unique": sorted((u["name"] or "", u["column_names"]) for u in inspector.get_unique_constraints(table)),
        "foreign_keys": sorted(
            (f["constrained_columns"], f["referred_table"], f["referred_columns"], sorted(f["options"].items()))
            for f in foreign_keys
        ),
    }


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


@pytest.fixture(scope="module")
def fresh_schema(module_empty_database_url: str) -> dict[str, dict[str, Any]]:
    """The schema of a database migrated from empty to head in one go."""
    engine = open_database(module_empty_database_url)
    schema = _schema(engine)
    engine.dispose()
    return schema


def _legacy_store(engine: sa.Engine, *, has_platform: bool) -> None:
    """``accounts`` and ``posts`` as ``AccountStore`` made them with ``create_all`` before the migrations owned the
    schema (no ``alembic_version``); ``platform`` arrived in the store's table in December 2026."""
    legacy = sa.MetaData()
    platform = [sa.Column("platform", sa.String(32))] if has_platform else []
    sa.Table(
        "accounts",
        legacy,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("handle_key", sa.String(255), nullable=False, unique=True),
        sa.Column("handle", sa.String(255), nullable=False),
        *platform,
        sa.Column("user_id", sa.String(64), index=True),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "posts",
        legacy,
        sa.Column("post_id", sa.String(64), primary_key=True),
        sa.Column(
            "account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    legacy.create_all(engine)


def _service_at_0003(engine: sa.Engine, *, store_added_platform: bool) -> None:
    """The service's database before 0004; the old store added ``platform`` itself when it opened it first."""
    upgrade(engine, "0003")
    if store_added_platform:
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE accounts ADD COLUMN platform VARCHAR(32)"))


LEGACY: dict[str, Callable[[sa.Engine], None]] = {
    "store-before-platforms": lambda engine: _legacy_store(engine, has_platform=False),
    "store-with-platforms": lambda engine: _legacy_store(engine, has_platform=True),
    "service-0003": lambda engine: _service_at_0003(engine, store_added_platform=False),
    "service-0003-platform-added-by-the-store": lambda engine: _service_at_0003(engine, store_added_platform=True),
}


def test_open_database_on_an_empty_database_creates_every_table_at_head(empty_database_url: str) -> None:
    engine = open_database(empty_database_url)
    assert SERVICE_TABLES | {"alembic_version"} == _tables(engine)
    assert current_revision(engine) == head_revision() == REVISIONS[-1]
    unique = {c["name"] for c in sa.inspect(engine).get_unique_constraints("job_items")}
    assert "uq_job_items_job_handle" in unique
    assert "platform" in {c["name"] for c in sa.inspect(engine).get_columns("accounts")}


def test_opening_again_changes_nothing_and_keeps_the_data(empty_database_url: str) -> None:
    url = empty_database_url
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO audit_log (at, action) VALUES ('2026-01-01 00:00:00', 'test')"))
    engine.dispose()
    engine = open_database(url)  # a restart
    AccountStore(engine)  # the store's own check
    upgrade(engine)  # and once more, explicitly
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def test_a_database_migrated_one_revision_at_a_time_has_the_schema_of_one_migrated_at_once(
    empty_database_url: str, fresh_schema: dict[str, dict[str, Any]]
) -> None:
    engine = make_engine(empty_database_url)
    for revision in REVISIONS:
        upgrade(engine, revision)
        assert current_revision(engine) == revision
    assert _schema(engine) == fresh_schema


@pytest.mark.parametrize("make_legacy", LEGACY.values(), ids=LEGACY.keys())
def test_a_database_made_by_an_earlier_version_is_opened_by_the_store_with_the_fresh_schema_and_its_rows(
    make_legacy: Callable[[sa.Engine], None], empty_database_url: str, fresh_schema: dict[str, dict[str, Any]]
) -> None:
    url = empty_database_url
    engine = make_engine(url)
    make_legacy(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO accounts (handle_key, handle, profile, source, fetched_at) "
                "VALUES ('old', 'Old', '{}', 'file:old.jsonl', '2024-01-01 00:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO posts (post_id, account_id, created_at, payload) VALUES ('1', 1, '2024-01-01 00:00:00', "
                '\'{"id": "1", "created_at": "2024-01-01T00:00:00Z", "text": "hello"}\')'
            )
        )
    engine.dispose()

    store = AccountStore(make_engine(url))  # what `parrotwatch import` does first

    assert current_revision(store.engine) == head_revision()
    assert _schema(store.engine) == fresh_schema
    old = store.get("old")
    assert old is not None and old.account.platform == "x" and [p.text for p in old.account.posts] == ["hello"]


def test_accounts_at_0008_are_keyed_by_platform_and_name_after_0009_keeping_unknown_ones_as_x(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine, "0008")
    account = "INSERT INTO accounts (handle_key, handle, platform, profile, source, fetched_at) VALUES "
    score = (
        "INSERT INTO scores (handle, handle_key, band, components, result, model_version, catalog_version, "
        "scored_at) VALUES "
    )
    with engine.begin() as conn:
        conn.execute(sa.text(account + "('old', 'Old', NULL, '{}', 'file:a', '2024-01-01 00:00:00')"))
        conn.execute(sa.text(account + "('spez', 'spez', 'reddit', '{}', 'file:b', '2024-01-01 00:00:00')"))
        conn.execute(sa.text(account + "('a.bsky.social', 'a.bsky.social', 'bluesky', '{}', 'c', '2024-01-01')"))
        for handle, result in (("spez", '{"platform": "reddit"}'), ("Old", "{}")):
            values = f"('{handle}', '{handle.lower()}', 'low', '{{}}', '{result}', 'm', 'c', '2024-01-02 00:00:00')"
            conn.execute(sa.text(score + values))

    upgrade(engine)

    with engine.connect() as conn:
        accounts = set(conn.execute(sa.text("SELECT handle_key, platform FROM accounts")))
        scores = set(conn.execute(sa.text("SELECT handle_key FROM scores")).scalars())
    assert accounts == {("old", "x"), ("reddit:spez", "reddit"), ("a.bsky.social", "bluesky")}
    assert scores == {"old", "reddit:spez"}
    store = AccountStore(engine)
    assert store.get("Old").account.platform == "x"
    assert store.get("spez").account.platform == "reddit", "a bare name still finds the only account of that name"


def test_the_store_migrates_a_new_database_so_the_service_finds_its_tables(empty_database_url: str) -> None:
    url = empty_database_url
    assert AccountStore(make_engine(url)).count() == (0, 0)
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    assert _tables(engine) == SERVICE_TABLES | {"alembic_version"}


_OPEN_WHEN_TOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ingest.database import make_engine
    from ingest.store import AccountStore

    folder, url = Path(sys.argv[1]), sys.argv[3]
    engine = make_engine(url)
    (folder / f"ready-{sys.argv[2]}").touch()
    while not (folder / "go").exists():
        time.sleep(0.005)
    AccountStore(engine)
    """
)


def test_processes_opening_a_new_database_at_once_all_find_it_migrated(tmp_path: Path, empty_database_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_WHEN_TOLD, str(tmp_path), str(n), empty_database_url],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    try:
        for _ in range(600):
            if len(list(tmp_path.glob("ready-*"))) == len(processes) or any(p.poll() is not None for p in processes):
                break
            time.sleep(0.05)
        (tmp_path / "go").touch()
        errors = [p.communicate(timeout=60)[1] for p in processes]
    finally:
        for p in processes:
            p.kill()
    assert [p.returncode for p in processes] == [0] * len(processes), errors
    engine = make_engine(empty_database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]


def test_migrations_ship_inside_the_ingest_package() -> None:
    import ingest

    assert MIGRATIONS_DIR.parent == Path(ingest.__file__).parent
    assert (MIGRATIONS_DIR / "env.py").is_file() and list((MIGRATIONS_DIR / "versions").glob("0001_*.py"))


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a file is readable by everyone unless its creator says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_database_and_its_wal_files_are_readable_by_their_owner_only(tmp_path: Path, umask_022) -> None:
    path = tmp_path / "new" / "parrotwatch.db"
    engine = open_database(f"sqlite:///{path}")
    with engine.begin() as conn:  # a write while the connection is open: the -wal and -shm files exist
        conn.execute(sa.text("CREATE TABLE probe (x INTEGER)"))
        files = [path, path.with_name("parrotwatch.db-wal"), path.with_name("parrotwatch.db-shm")]
        assert {f.name: _mode(f) for f in files} == {f.name: PRIVATE_FILE_MODE for f in files}
    engine.dispose()


def test_a_database_left_readable_by_others_is_narrowed_to_its_owner(tmp_path: Path, umask_022, caplog) -> None:
    path = tmp_path / "parrotwatch.db"
    make_engine(f"sqlite:///{path}").dispose()
    path.chmod(0o644)
    wal = path.with_name("parrotwatch.db-wal")
    wal.touch(mode=0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert (_mode(path), _mode(wal)) == (PRIVATE_FILE_MODE, PRIVATE_FILE_MODE)
    assert "database file was open to others" in caplog.text
