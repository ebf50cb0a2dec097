"""Every response carries the security headers: pages, docs, JSON, static files, and error problems alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.security_headers import CONTENT_SECURITY_POLICY

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def _assert_secured(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy and "object-src 'none'" in policy
    assert response.headers.get_list("content-security-policy") == [policy], "one policy, not two"


@pytest.fixture
def anonymous(bare_settings) -> TestClient:  # type: ignore[no-untyped-def]
    with TestClient(create_app(bare_settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/", 200), ("get", "/docs", 200), ("get", "/redoc", 200), ("get", "/openapi.json", 200),
     ("get", "/healthz", 200), ("get", "/static/page.css", 200), ("get", "/docs-assets/swagger-ui.css", 200),
     ("get", "/v1/models", 401), ("get", "/metrics", 401), ("get", "/no/such/route", 404),
     ("put", "/v1/scores", 405), ("post", "/v1/jobs", 422)],
)  # fmt: skip
def test_every_route_and_error_carries_the_security_headers(anonymous, method, path, status) -> None:
    headers = {"Authorization": "Bearer pw_module_admin_key_for_tests_only"} if path == "/v1/jobs" else {}
    response = anonymous.request(method, path, headers=headers, json={"handles": "not a list"})
    assert response.status_code == status, response.text
    _assert_secured(response)


def test_an_unhandled_error_is_a_500_problem_with_the_security_headers(anonymous) -> None:
    def broken() -> None:
        raise RuntimeError("a bug")

    anonymous.app.add_api_route("/broken", broken)
    response = anonymous.get("/broken")
    assert response.status_code == 500 and response.json()["type"] == "/problems/internal-error"
    _assert_secured(response)


def test_a_body_refused_as_too_large_carries_the_security_headers(bare_settings) -> None:
    with TestClient(create_app(bare_settings.model_copy(update={"max_body_bytes": 1024}))) as client:
        response = client.post("/v1/scores", content=b"x" * 4096, headers={"content-type": "application/json"})
    assert response.status_code == 413
    _assert_secured(response)


def test_the_page_and_the_api_run_under_the_strict_policy(anonymous) -> None:
    """Scripts and styles only from this origin: no inline script, so account text cannot run as code."""
    for path in ("/", "/healthz", "/no/such/route"):
        assert anonymous.get(path).headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "script-src 'self';" in CONTENT_SECURITY_POLICY
