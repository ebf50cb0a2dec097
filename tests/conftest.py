"""Shared fixtures: hand-made accounts, a small synthetic corpus, and a model trained on it once per session."""

from __future__ import annotations

import os
import shutil
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from detector.catalog import load_catalog
from detector.registry import ModelRegistry
from detector.schema import Account, Post, Profile
from ingest.jsonl import read_accounts
from ingest.synthetic import generate_corpus, write_corpus
from service.config import Settings
from training.labels import read_labels
from training.train import LabeledSet, TrainingResult, assemble_labeled_set, train_model

pytest_plugins = ["database_fixtures"]  # the database tests run on SQLite and on a real PostgreSQL

ADMIN_KEY = "pw_test_admin_key_for_the_suite_only"
TEST_SEED = 7
TEST_ACCOUNTS = 600
START = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
# One BLAS and OpenMP thread in each test process and in the processes tests start (servers, CLI children): `make
# test` runs a worker per core, and OpenBLAS's second thread only spins against the other worker's (measured on two
# busy cores: a recipe's training took twice the CPU and wall time with two threads, for the same figures). Dask
# starts its workers with one thread too, and their results equal one process's (tests/training/test_dask.py).
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def pytest_configure(config: pytest.Config) -> None:
    os.environ.update(ONE_THREAD)  # read by the libraries of every process started from here on
    threadpool_limits(limits=1)  # the libraries this process has loaded already


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with ``slow`` tests first, each file's tests in their order: ``make test`` hands whole files to its
    workers in this order, and a long file started last kept one core busy alone at the end of the run."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: the order within each group is kept


def make_account(
    handle: str,
    texts: Sequence[str],
    *,
    every: timedelta = timedelta(hours=7),
    retweets: Sequence[bool] | None = None,
    **profile: object,
) -> Account:
    """An account whose posts are ``texts``, one every ``every`` from ``START``."""
    defaults = {
        "created_at": datetime(2015, 1, 1, tzinfo=UTC),
        "followers_count": 500,
        "following_count": 300,
        "description": "writes about things",
        "verified": False,
        "default_profile_image": False,
    }
    posts = [
        Post(
            id=f"{handle}-{i}",
            created_at=START + i * every,
            text=text,
            lang="en",
            is_retweet=bool(retweets[i]) if retweets else False,
        )
        for i, text in enumerate(texts)
    ]
    return Account(
        handle=handle, user_id=str(zlib.crc32(handle.encode())), profile=Profile(**{**defaults, **profile}), posts=posts
    )


@pytest.fixture
def account_factory() -> Callable[..., Account]:
    return make_account


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_corpus(generate_corpus(seed=TEST_SEED, n_accounts=TEST_ACCOUNTS), out)
    return out


@pytest.fixture(scope="session")
def demo_roles(demo_dir: Path) -> dict[str, list[str]]:
    """Handles of the demo corpus by role (from labels.csv)."""
    import csv

    roles: dict[str, list[str]] = {}
    with (demo_dir / "labels.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            roles.setdefault(row["role"], []).append(row["handle"])
    return roles


@pytest.fixture(scope="session")
def talking_amplifiers(demo_dir: Path, demo_roles: dict[str, list[str]], catalog) -> list[str]:
    """Demo amplifiers with a post that asserts a catalog line (sleeper amplifiers post none), in role order."""
    from detector.features.narrative import NarrativeFeatures

    accounts = {a.handle: a for a in read_accounts(demo_dir / "accounts.jsonl")}
    amplifiers = [accounts[h] for h in demo_roles["amplifier"]]
    matches = NarrativeFeatures(catalog=catalog).fit([]).match_accounts(amplifiers)
    return [
        account.handle
        for account, found in zip(amplifiers, matches, strict=True)
        if any(m.attribution.value in ("asserted", "retweet") for m in found)
    ]


@pytest.fixture(scope="session")
def demo_labeled(demo_dir: Path) -> LabeledSet:
    """The demo corpus joined with its labels; as `parrotwatch train` does, every account with a post (thin ones
    score provisional)."""
    return assemble_labeled_set(
        read_accounts(demo_dir / "accounts.jsonl"), read_labels(demo_dir / "labels.csv"), min_posts=1
    )


@pytest.fixture(scope="session")
def demo_training(demo_labeled: LabeledSet, catalog) -> TrainingResult:
    """``train_model``'s result on the demo corpus (seed 0): the model of ``trained_registry``; do not mutate."""
    return train_model(demo_labeled, catalog=catalog, seed=0)


@pytest.fixture(scope="session")
def small_labeled(demo_dir: Path) -> LabeledSet:
    """Three amplifier networks and 100 other accounts of the demo corpus: a quick set to train on, for tests of how
    training behaves (reproducibly, alike on Dask) rather than of how well the model does."""
    labels = read_labels(demo_dir / "labels.csv")
    networks = sorted({row.network for row in labels.values() if row.network})[:3]
    others = [handle for handle, row in labels.items() if not row.network][:100]
    kept = {handle for handle, row in labels.items() if row.network in networks} | set(others)
    small = {handle: row for handle, row in labels.items() if handle in kept}
    return assemble_labeled_set(read_accounts(demo_dir / "accounts.jsonl"), small, min_posts=1)


@pytest.fixture(scope="session")
def small_training(small_labeled: LabeledSet, catalog) -> TrainingResult:
    """``train_model``'s result on ``small_labeled`` (seed 0); do not mutate."""
    return train_model(small_labeled, catalog=catalog, seed=0)


@pytest.fixture(scope="session")
def trained_registry(demo_training: TrainingResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry with one active model trained on the demo corpus; copy it before changing it."""
    root = tmp_path_factory.mktemp("models")
    result = demo_training
    registry = ModelRegistry(root)
    registry.activate(registry.save(result.model, result.card, result.split))
    return root


@pytest.fixture
def models_dir(trained_registry: Path, tmp_path: Path) -> Path:
    """A private copy of the trained registry, safe to tamper with."""
    return Path(shutil.copytree(trained_registry, tmp_path / "models"))


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path, models_dir: Path, database_url: str | None) -> Settings:
    """Settings for one test: a private registry copy and a private store preloaded with the demo corpus (a SQLite
    file under the data dir, or a Postgres database of its own when the test runs on Postgres)."""
    from database_fixtures import private_settings, sqlite_demo_store

    store_file = sqlite_demo_store(request, database_url)
    return private_settings(tmp_path / "var", models_dir, store_file, database_url, ADMIN_KEY)


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the CLI (which reads PARROTWATCH_* itself) at the test's private store and registry."""
    monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(settings.models_dir))
    monkeypatch.setenv("PARROTWATCH_LOG_JSON", "false")
    return settings


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PARROTWATCH_* variable of the developer's shell reaches a test (a real token or database, say), and no
    test reaches Bluesky or Mastodon unless it turns them on (``bluesky_live=True``) against recorded answers."""
    import os

    for name in list(os.environ):
        if name.startswith("PARROTWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PARROTWATCH_BLUESKY_LIVE", "false")
    monkeypatch.setenv("PARROTWATCH_MASTODON_LIVE", "false")
    # The sentence encoder costs seconds to load and milliseconds a post: only the tests about it turn it on.
    monkeypatch.setenv("PARROTWATCH_COORDINATION_SEMANTIC", "false")
