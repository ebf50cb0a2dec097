"""The tests' databases: the demo store (SQLite), and a real PostgreSQL server with one fresh database per test.

The service's database tests (``BOTH_DATABASES``: jobs and their SIGKILL recovery, the tables, migrations, retention)
run twice in one session, as ``[sqlite]`` and ``[postgres]``: ``make test`` starts a throwaway local server (``make
postgres``) and ``TEST_POSTGRES_URL`` names it (any database on it; the tests create and drop their own); without it
the ``[postgres]`` runs skip. Each test gets its own database, cloned in milliseconds by ``CREATE DATABASE ...
TEMPLATE`` from one that holds the migrated demo store, built once per worker when first needed. ``--database
postgres`` runs every test on the server, ``--database sqlite`` the service on SQLite only (the test of an
empty Postgres database still runs when a server is set). Tests that need SQLite itself (its file, its
locks) carry the ``sqlite_only`` marker and skip on Postgres.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from service.config import Settings

SERVER_URL = os.environ.get("TEST_POSTGRES_URL")
BOTH_DATABASES = (
    "tests/service/jobs/",
    "tests/service/db/",
    "tests/service/routes/test_jobs.py",
    "tests/ingest/test_database.py",
)
"""Where a test that opens the service's database runs on both (by path from the repository root)."""
_ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("both", "sqlite", "postgres"),
        default="both",
        help="The database of the tests' service: SQLite files, and for the database tests (BOTH_DATABASES in "
        "tests/database_fixtures.py) also fresh databases on TEST_POSTGRES_URL's server (both, the default); SQLite "
        "only; or the server for every test (postgres).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test exercises SQLite itself; skipped on Postgres")
    if config.getoption("--database") == "postgres" and not SERVER_URL:
        raise pytest.UsageError("--database postgres needs TEST_POSTGRES_URL (make postgres prints it)")


def _on_both(path: Path) -> bool:
    relative = path.resolve().relative_to(_ROOT).as_posix()
    return any(relative.startswith(prefix) for prefix in BOTH_DATABASES)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if (
        "database_kind" in metafunc.fixturenames
        and metafunc.config.getoption("--database") == "both"
        and _on_both(metafunc.definition.path)
    ):
        metafunc.parametrize("database_kind", ["sqlite", "postgres"], indirect=True, scope="module")


def _kind_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "database_kind" in callspec.params:
        return callspec.params["database_kind"]
    return "postgres" if item.config.getoption("--database") == "postgres" else "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="exercises SQLite itself")
    for item in items:
        if "sqlite_only" in item.keywords and _kind_of(item) == "postgres":
            item.add_marker(skip)


@pytest.fixture(scope="module")
def database_kind(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres``: the database this test's service runs on (the ``[postgres]`` run of a test on
    both skips when no server is set)."""
    kind = getattr(request, "param", None) or (
        "postgres" if request.config.getoption("--database") == "postgres" else "sqlite"
    )
    if kind == "postgres" and not SERVER_URL:
        pytest.skip("set TEST_POSTGRES_URL (make postgres) to run against Postgres")
    return kind


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


def _empty_database(kind: str, folder: Path) -> Iterator[str]:
    if kind != "postgres":
        yield f"sqlite:///{folder / 'empty.db'}"
        return
    url = create_database()
    yield url
    drop_database(url)


@pytest.fixture
def empty_database_url(database_kind: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the test's kind: a SQLite file, or a database on the Postgres server."""
    yield from _empty_database(database_kind, tmp_path)


@pytest.fixture(scope="module")
def module_empty_database_url(database_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``empty_database_url`` for a whole test module."""
    yield from _empty_database(database_kind, tmp_path_factory.mktemp("empty"))


class _Templates:
    """Databases built once per worker when a test first needs them, dropped at the end of the session: a migrated
    empty one per kind, and the Postgres one holding the demo store."""

    def __init__(self, folder: Callable[[], Path], demo_dir: Callable[[], Path]) -> None:
        self._folder, self._demo_dir = folder, demo_dir
        self._head: dict[str, str] = {}
        self._demo: str | None = None
        self._created: list[str] = []

    def head(self, kind: str) -> str:
        from ingest.database import open_database

        if kind not in self._head:
            url = f"sqlite:///{self._folder() / 'head.db'}" if kind != "postgres" else self._create()
            open_database(url).dispose()
            self._head[kind] = url
        return self._head[kind]

    def postgres_demo(self) -> str:
        """The name of the Postgres database holding the migrated demo store."""
        if self._demo is None:
            url = self._create()
            fill_demo_store(url, self._demo_dir())
            self._demo = make_url(url).database
        return self._demo

    def _create(self) -> str:
        url = create_database()
        self._created.append(url)
        return url

    def drop(self) -> None:
        for url in self._created:
            drop_database(url)


@pytest.fixture(scope="session")
def _templates(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(lambda: tmp_path_factory.mktemp("head"), lambda: request.getfixturevalue("demo_dir"))
    yield templates
    templates.drop()


@pytest.fixture
def head_database_url(database_kind: str, _templates: _Templates, tmp_path: Path) -> Iterator[str]:
    """A new database of the test's kind with every table at head and no rows (a copy of a migrated template)."""
    template = _templates.head(database_kind)
    if template.startswith("sqlite"):
        path = tmp_path / "head.db"
        shutil.copy(make_url(template).database, path)
        yield f"sqlite:///{path}"
        return
    url = create_database(template=make_url(template).database)
    yield url
    drop_database(url)


def _demo_database(kind: str, templates: _Templates) -> Iterator[str | None]:
    if kind != "postgres":
        yield None
        return
    url = create_database(template=templates.postgres_demo())
    yield url
    drop_database(url)


@pytest.fixture
def database_url(database_kind: str, _templates: _Templates) -> Iterator[str | None]:
    """The test's own Postgres database holding the demo store, or None for the SQLite file under the data dir."""
    yield from _demo_database(database_kind, _templates)


@pytest.fixture(scope="module")
def module_database_url(database_kind: str, _templates: _Templates) -> Iterator[str | None]:
    """``database_url`` for a whole test module."""
    yield from _demo_database(database_kind, _templates)


def sqlite_demo_store(request: pytest.FixtureRequest, database_url: str | None) -> Path | None:
    """The demo store file when the test runs on SQLite; on Postgres (``database_url`` set) it is not built at all:
    importing and indexing the demo corpus costs a worker seconds, and the Postgres template already holds it."""
    return request.getfixturevalue("demo_store_file") if database_url is None else None
