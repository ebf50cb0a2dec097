"""`parrotwatch serve` really serves: a uvicorn process on loopback answers health and scoring requests."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def server(settings, make_server):
    server = make_server(settings)
    server.start()
    return server


def test_served_api_answers_health_and_scores_handles_with_the_bootstrap_key(server, demo_roles, admin_headers) -> None:
    handles = [demo_roles["amplifier"][1], demo_roles["critic"][0]]
    response = httpx.post(f"{server.base}/v1/scores", json={"handles": handles}, headers=admin_headers, timeout=30)
    assert response.status_code == 200
    assert response.headers["x-request-id"]
    results = response.json()["results"]
    assert [r["handle"] for r in results] == handles
    assert httpx.get(f"{server.base}/healthz").json()["status"] == "ok"
    assert httpx.get(f"{server.base}/readyz").json()["status"] == "ready"
    anonymous = httpx.get(f"{server.base}/v1/models")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
