"""The tests' databases: the demo store (SQLite), and a real PostgreSQL server with one fresh database per test.

``make test`` starts a throwaway local server (``make postgres``) and runs the service tests twice: on SQLite, and
with ``--database postgres`` on it. Each test gets its own database, cloned in milliseconds by ``CREATE DATABASE ...
TEMPLATE`` from one that holds the migrated demo store, built once per worker. ``TEST_POSTGRES_URL`` names the
server (any database on it; the tests create and drop their own). Tests that need SQLite itself (its file, its
locks) carry the ``sqlite_only`` marker and skip on Postgres.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from service.config import Settings

SERVER_URL = os.environ.get("TEST_POSTGRES_URL")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="The database of the tests' service: sqlite files, or fresh databases on TEST_POSTGRES_URL's server.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test exercises SQLite itself; skipped on --database postgres")
    if config.getoption("--database") == "postgres" and not SERVER_URL:
        raise pytest.UsageError("--database postgres needs TEST_POSTGRES_URL (make postgres prints it)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--database") != "postgres":
        return
    skip = pytest.mark.skip(reason="exercises SQLite itself")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def _database_url(name: str) -> str:
    assert SERVER_URL
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def _admin() -> sa.Engine:
    return sa.create_engine(_database_url("postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def create_database(template: str | None = None) -> str:
    """A new empty (or template-cloned) database on the test server; its URL."""
    name = f"pw_test_{uuid.uuid4().hex[:12]}"
    clause = f" TEMPLATE {template}" if template else ""
    with _admin().connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}{clause}"))
    return _database_url(name)


def drop_database(url: str) -> None:
    name = make_url(url).database
    with _admin().connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """An empty database of its own on the test server (skips without one)."""
    if not SERVER_URL:
        pytest.skip("set TEST_POSTGRES_URL (make postgres) to run against Postgres")
    url = create_database()
    yield url
    drop_database(url)


def fill_demo_store(url: str, demo_dir: Path) -> None:
    """Import the demo corpus and index its posts for coordination, as the service's first start would (so that
    each test's app starts from the persisted index, in a fraction of the time)."""
    from ingest.database import make_engine
    from ingest.jsonl import read_account_rows
    from ingest.store import AccountStore
    from service.config import Settings
    from service.state import warm_coordination_index

    engine = make_engine(url)
    store = AccountStore(engine)
    store.import_rows(read_account_rows(demo_dir / "accounts.jsonl"), source="file:accounts.jsonl")
    # Tests run with the semantic pass off (tests/conftest.py): embedding the demo's 31,000 posts cost 26 s a worker.
    warm_coordination_index(engine, store, Settings(coordination_semantic=False))
    engine.dispose()


@pytest.fixture(scope="session")
def demo_store_file(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite account store holding the demo corpus; copy it before writing to it."""
    path = tmp_path_factory.mktemp("store") / "parrotwatch.db"
    fill_demo_store(f"sqlite:///{path}", demo_dir)
    return path


def private_settings(
    data_dir: Path, models_dir: Path, demo_store_file: Path | None, database_url: str | None, admin_key: str
) -> Settings:
    """Settings on a store of their own preloaded with the demo corpus: a copy of the SQLite file in ``data_dir``,
    or the Postgres ``database_url`` (already a clone)."""
    data_dir.mkdir()
    if database_url is None:
        assert demo_store_file is not None, "a SQLite run copies the demo store file"
        shutil.copy(demo_store_file, data_dir / "parrotwatch.db")
    return Settings(
        data_dir=data_dir,
        models_dir=models_dir,
        database_url=database_url,
        log_json=False,
        x_bearer_token=None,
        admin_key=admin_key,
        coordination_semantic=False,  # module-scoped settings are made before the per-test environment is
    )


def _empty_database(config: pytest.Config, folder: Path) -> Iterator[str]:
    if config.getoption("--database") != "postgres":
        yield f"sqlite:///{folder / 'empty.db'}"
        return
    url = create_database()
    yield url
    drop_database(url)


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the run's kind: a SQLite file, or a database on the Postgres server."""
    yield from _empty_database(request.config, tmp_path)


@pytest.fixture(scope="module")
def module_empty_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``empty_database_url`` for a whole test module."""
    yield from _empty_database(request.config, tmp_path_factory.mktemp("empty"))


@pytest.fixture(scope="session")
def _head_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database migrated to head once per worker: a SQLite file or a Postgres template database."""
    from ingest.database import open_database

    for url in _empty_database(request.config, tmp_path_factory.mktemp("head")):
        open_database(url).dispose()
        yield url


@pytest.fixture
def head_database_url(_head_template: str, tmp_path: Path) -> Iterator[str]:
    """A new database of the run's kind with every table at head and no rows (a copy of a migrated template)."""
    if _head_template.startswith("sqlite"):
        path = tmp_path / "head.db"
        shutil.copy(make_url(_head_template).database, path)
        yield f"sqlite:///{path}"
        return
    url = create_database(template=make_url(_head_template).database)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def postgres_demo_template(request: pytest.FixtureRequest, demo_dir: Path) -> Iterator[str | None]:
    """On ``--database postgres``: a migrated database holding the demo store, the template of every test's."""
    if request.config.getoption("--database") != "postgres":
        yield None
        return
    url = create_database()
    fill_demo_store(url, demo_dir)
    yield make_url(url).database
    drop_database(url)


def _demo_database(template: str | None) -> Iterator[str | None]:
    if template is None:
        yield None
        return
    url = create_database(template=template)
    yield url
    drop_database(url)


@pytest.fixture
def database_url(postgres_demo_template: str | None) -> Iterator[str | None]:
    """The test's own Postgres database holding the demo store, or None for the SQLite file under the data dir."""
    yield from _demo_database(postgres_demo_template)


@pytest.fixture(scope="module")
def module_database_url(postgres_demo_template: str | None) -> Iterator[str | None]:
    """``database_url`` for a whole test module."""
    yield from _demo_database(postgres_demo_template)


def sqlite_demo_store(request: pytest.FixtureRequest, database_url: str | None) -> Path | None:
    """The demo store file when the test runs on SQLite; on Postgres (``database_url`` set) it is not built at all:
    importing and indexing the demo corpus costs a worker seconds, and the Postgres template already holds it."""
    return request.getfixturevalue("demo_store_file") if database_url is None else None
