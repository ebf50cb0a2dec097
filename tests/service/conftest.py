"""API fixtures: an app whose bootstrap admin key is known, and clients that send it (or another key)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings


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
