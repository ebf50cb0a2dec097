"""`parrotwatch serve` really serves: a uvicorn process on loopback answers health and scoring requests; on a port
that is taken it refuses before any background work starts."""

from __future__ import annotations

import socket

import httpx
import pytest

from ingest.database import open_database
from service.db.jobs import create_job, get_job


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


def test_a_second_serve_on_a_busy_port_exits_8_before_the_job_runner_claims_anything(settings, make_server) -> None:
    engine = open_database(settings.resolved_database_url)
    job_id = create_job(engine, ["first_handle", "second_handle"], refresh=False, created_by=None)
    with socket.socket() as first_server:  # the port another server holds
        first_server.bind(("127.0.0.1", 0))
        first_server.listen()
        second = make_server(settings)
        second.port = first_server.getsockname()[1]
        result = second.run_until_exit()
    assert result.returncode == 8, result.stderr
    assert f"cannot listen on 127.0.0.1:{second.port}" in result.stderr and "Nothing was started" in result.stderr
    assert "job runner started" not in result.stderr and "Application startup" not in result.stderr
    status = get_job(engine, job_id)
    assert (status.state, status.done, status.failed) == ("queued", 0, 0)
