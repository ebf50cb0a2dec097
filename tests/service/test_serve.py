"""`parrotwatch serve` really serves: a uvicorn process on loopback answers health and scoring requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(settings):
    port = _free_port()
    env = {
        **os.environ,
        "PARROTWATCH_DATA_DIR": str(settings.data_dir),
        "PARROTWATCH_MODELS_DIR": str(settings.models_dir),
        "PARROTWATCH_X_BEARER_TOKEN": "",
        "PARROTWATCH_PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from service.cli import app; app()", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"server did not start: {process.stderr.read().decode()[-2000:]}")
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_served_api_answers_health_and_scores_handles(server, demo_roles) -> None:
    handles = [demo_roles["amplifier"][1], demo_roles["critic"][0]]
    response = httpx.post(f"{server}/v1/scores", json={"handles": handles}, timeout=30)
    assert response.status_code == 200
    assert response.headers["x-request-id"]
    results = response.json()["results"]
    assert [r["handle"] for r in results] == handles
    assert httpx.get(f"{server}/healthz").json()["status"] == "ok"
