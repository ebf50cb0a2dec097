"""API fixtures: an app whose bootstrap admin key is known, clients that send it, and real server processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from database_fixtures import private_settings, sqlite_demo_store
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings

MODULE_ADMIN_KEY = "pw_module_admin_key_for_tests_only"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin_key(settings: Settings) -> str:
    """The bootstrap admin key the ``settings`` fixture configures (PARROTWATCH_ADMIN_KEY)."""
    assert settings.admin_key is not None
    return settings.admin_key.get_secret_value()


@pytest.fixture
def admin_headers(admin_key: str) -> dict[str, str]:
    return bearer(admin_key)


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    """Start apps for the given settings, sending ``key`` (the settings' admin key by default, none with ``""``);
    all are shut down after the test."""
    clients: list[TestClient] = []

    def start(settings: Settings, *, key: str | None = None) -> TestClient:
        if key is None and settings.admin_key is not None:
            key = settings.admin_key.get_secret_value()
        client = TestClient(create_app(settings), headers=bearer(key) if key else None)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in reversed(clients):
        client.__exit__(None, None, None)


@pytest.fixture
def client(settings: Settings, make_client: Callable[..., TestClient]) -> TestClient:
    """The app on the test's settings, as the bootstrap admin."""
    return make_client(settings)


@pytest.fixture
def bare_settings(tmp_path: Path) -> Settings:
    """An empty data folder and registry, with ``MODULE_ADMIN_KEY``: for what needs no model and no accounts (the
    docs, headers, files); nothing is trained for it."""
    root = tmp_path / "bare"
    return Settings(
        data_dir=root / "var",
        models_dir=root / "models",
        log_json=False,
        x_bearer_token=None,
        admin_key=MODULE_ADMIN_KEY,
    )


@pytest.fixture(scope="module")
def module_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    trained_registry: Path,
    module_database_url: str | None,
) -> Settings:
    """Like ``settings``, for a whole test module: a private registry and store copy, ``MODULE_ADMIN_KEY``."""
    root = tmp_path_factory.mktemp("module-app")
    models_dir = Path(shutil.copytree(trained_registry, root / "models"))
    store_file = sqlite_demo_store(request, module_database_url)
    return private_settings(root / "var", models_dir, store_file, module_database_url, MODULE_ADMIN_KEY)


@pytest.fixture(scope="module")
def module_client(module_settings: Settings) -> Iterator[TestClient]:
    """One app (and database) for a whole test module, as the bootstrap admin: starting an app takes seconds.

    For tests that do not depend on what other tests of the module stored.
    """
    with TestClient(create_app(module_settings), headers=bearer(MODULE_ADMIN_KEY)) as client:
        yield client


@pytest.fixture(scope="module")
def module_stepped_client(module_settings: Settings) -> Iterator[TestClient]:
    """A module's app with its job workers stopped and batches of 2 handles, so tests step jobs deterministically
    with ``app.state.runner.run_once()``. Not with ``module_client`` in one module: they share a database."""
    settings = module_settings.model_copy(update={"job_batch_size": 2})
    with TestClient(create_app(settings), headers=bearer(MODULE_ADMIN_KEY)) as client:
        client.app.state.runner.stop()
        yield client


SERVE = [sys.executable, "-c", "from service.cli import app; app()", "serve"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A ``parrotwatch serve`` process on a loopback port; its log goes to a file (a full pipe would block it)."""

    settings: Settings
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        """The settings' folders and key, and ``extra_env``; the shell's PARROTWATCH_* never (a module-scoped server
        outlives the per-test cleanup of the environment)."""
        return {
            **{name: value for name, value in os.environ.items() if not name.startswith("PARROTWATCH_")},
            "PARROTWATCH_DATA_DIR": str(self.settings.data_dir),
            "PARROTWATCH_MODELS_DIR": str(self.settings.models_dir),
            "PARROTWATCH_ADMIN_KEY": self.settings.admin_key.get_secret_value() if self.settings.admin_key else "",
            "PARROTWATCH_X_BEARER_TOKEN": "",
            "PARROTWATCH_COORDINATION_SEMANTIC": "false",
            "PARROTWATCH_PORT": str(self.port),
            "PARROTWATCH_DATABASE_URL": self.settings.database_url or "",
            **self.extra_env,
        }

    def run_until_exit(self, timeout_s: float = 120.0) -> subprocess.CompletedProcess[str]:
        """Run ``serve`` when it is expected to stop by itself (it refuses to start); stderr is in the result."""
        return subprocess.run(SERVE, env=self._env(), capture_output=True, text=True, timeout=timeout_s, check=False)

    def start(self, timeout_s: float = 60.0) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(SERVE, env=self._env(), stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"server did not start: {self.log_path.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as in a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def make(settings: Settings, **extra_env: str) -> Server:
        server = Server(settings, tmp_path / f"server-{len(servers)}.log", extra_env)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
