"""Access control and errors: API keys and roles, rate limits, size limits, handle validation, problem+json."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ingest.database import open_database
from service.db.api_keys import KeyCache, create_key, revoke_key
from service.db.audit import list_audit

PROBLEM = "application/problem+json"


def _assert_problem(response, status: int, slug: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"/problems/{slug}" and body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.fixture(scope="module")
def client(module_client: TestClient) -> TestClient:
    """One app for the module: these tests read, or write only what they create."""
    return module_client


@pytest.fixture
def analyst_key(client: TestClient) -> str:
    return create_key(client.app.state.service.engine, name="an analyst", role="analyst")[1]


@pytest.fixture
def anonymous(client: TestClient) -> TestClient:
    """The same running app, without a key (its lifespan is ``client``'s)."""
    return TestClient(client.app)


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/v1/scores"), ("get", "/v1/accounts/someone"), ("get", "/v1/models"), ("post", "/v1/jobs"),
     ("get", "/v1/talking-points"), ("get", "/v1/keys")],
    ids=["scores", "accounts", "models", "jobs", "talking-points", "keys"],
)  # fmt: skip
def test_v1_without_a_key_is_401_problem_with_www_authenticate(anonymous, method, path) -> None:
    response = anonymous.request(method, path, json={"handles": ["x"]})
    _assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_wrong_or_revoked_key_is_401(client, anonymous, analyst_key) -> None:
    bad = anonymous.get("/v1/models", headers={"Authorization": "Bearer pw_not_a_key"})
    _assert_problem(bad, 401, "unauthenticated")
    assert anonymous.get("/v1/models", headers={"Authorization": f"Bearer {analyst_key}"}).status_code == 200
    [key] = [k for k in client.get("/v1/keys").json() if k["name"] == "an analyst"]
    assert client.delete(f"/v1/keys/{key['id']}").json()["revoked_at"]
    _assert_problem(anonymous.get("/v1/models", headers={"Authorization": f"Bearer {analyst_key}"}), 401,
                    "unauthenticated")  # fmt: skip


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/docs", "/redoc", "/openapi.json", "/"])
def test_health_docs_and_page_paths_are_open_without_a_key(anonymous, path) -> None:
    assert anonymous.get(path, follow_redirects=False).status_code in (200, 307)


def test_metrics_need_an_admin_key(client, anonymous, analyst_key) -> None:
    _assert_problem(anonymous.get("/metrics"), 401, "unauthenticated")
    body = _assert_problem(anonymous.get("/metrics", headers={"Authorization": f"Bearer {analyst_key}"}), 403,
                           "forbidden")  # fmt: skip
    assert body["needed"] == "admin"
    response = client.get("/metrics")
    assert response.status_code == 200 and "parrotwatch_request_duration_seconds" in response.text


def test_metrics_are_open_to_a_scraper_without_a_key_when_the_settings_say_so(bare_settings, make_client) -> None:
    scraper = make_client(bare_settings.model_copy(update={"metrics_public": True}), key="")
    response = scraper.get("/metrics")
    assert response.status_code == 200 and "parrotwatch_request_duration_seconds" in response.text
    _assert_problem(scraper.get("/v1/models"), 401, "unauthenticated")


def test_analyst_cannot_activate_a_model_edit_the_catalog_or_manage_keys(client, anonymous, analyst_key) -> None:
    headers = {"Authorization": f"Bearer {analyst_key}"}
    version = client.get("/v1/models/active").json()["version"]
    catalog = client.get("/v1/talking-points").json()
    point = catalog["talking_points"][0]
    attempts = [
        anonymous.post(f"/v1/models/{version}/activate", headers=headers),
        anonymous.post("/v1/talking-points", headers=headers, json={**point, "id": "new-line"}),
        anonymous.put(f"/v1/talking-points/{point['id']}", headers=headers, json=point),
        anonymous.delete(f"/v1/talking-points/{point['id']}", headers=headers),
        anonymous.post("/v1/keys", headers=headers, json={"name": "mine", "role": "admin"}),
        anonymous.get("/v1/audit", headers=headers),
    ]
    for response in attempts:
        body = _assert_problem(response, 403, "forbidden")
        assert body["needed"] == "admin" and body["role"] == "analyst"
    assert client.get("/v1/talking-points").json()["catalog_version"] == catalog["catalog_version"]
    # what analysts may do
    assert anonymous.get("/v1/talking-points", headers=headers).status_code == 200
    assert anonymous.post("/v1/jobs", headers=headers, json={"handles": ["someone"]}).status_code == 202


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(settings, make_client) -> None:
    client = make_client(settings.model_copy(update={"rate_limit_per_minute": 3}))
    assert [client.get("/v1/models").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/v1/models")
    body = _assert_problem(response, 429, "key-rate-limited")
    assert int(response.headers["retry-after"]) >= 1 and body["limit"] == 3
    assert client.get("/healthz").status_code == 200, "open paths are not rate limited"


def test_a_429_states_the_same_whole_seconds_in_its_body_and_its_retry_after(settings, make_client) -> None:
    client = make_client(settings.model_copy(update={"rate_limit_per_minute": 150}))  # a token every 0.4 s
    for _ in range(1000):  # spend the burst of 150; the wait is then under a second
        response = client.get("/v1/models")
        if response.status_code == 429:
            break
    body = _assert_problem(response, 429, "key-rate-limited")
    assert response.headers["retry-after"] == "1" and body["retry_after_s"] == 1
    assert body["detail"] == "more than 150 requests per minute with this key; retry in 1 s"


def test_more_than_100_handles_is_413_pointing_to_jobs(client) -> None:
    body = _assert_problem(client.post("/v1/scores", json={"handles": [f"u{i}" for i in range(101)]}), 413,
                           "too-many-handles")  # fmt: skip
    assert "/v1/jobs" in body["detail"]


def test_a_body_over_the_size_limit_is_413(settings, make_client) -> None:
    client = make_client(settings.model_copy(update={"max_body_bytes": 2048}))
    body = _assert_problem(client.post("/v1/jobs", json={"handles": ["a" * 15] * 500}), 413, "request-too-large")
    assert body["limit"] == 2048

    def chunks():  # no Content-Length: the limit is applied while the body streams in
        yield b'{"handles": ['
        for _ in range(500):
            yield b'"aaaaaaaaaaaaaaa",'
        yield b'"a"]}'

    chunked = client.post("/v1/scores", content=chunks(), headers={"content-type": "application/json"})
    _assert_problem(chunked, 413, "request-too-large")
    assert client.post("/v1/scores", json={"handles": ["small_one"]}).status_code == 200


def test_a_job_over_the_handle_limit_is_413(settings, make_client) -> None:
    client = make_client(settings.model_copy(update={"max_handles_per_job": 5}))
    _assert_problem(client.post("/v1/jobs", json={"handles": [f"u{i}" for i in range(6)]}), 413, "too-many-handles")


@pytest.mark.parametrize(
    ("path", "handle", "reason"),
    [("sp ace", "sp ace", "whitespace"), ("tab%09here", "tab\there", "whitespace"),
     ("zero\u200bwidth", "zero\u200bwidth", "U+200B"), ("x" * 65, "x" * 65, "more than 64")],
    ids=["space", "tab", "zero-width-space", "too-long"],
)  # fmt: skip
def test_an_invalid_handle_in_the_path_is_422_naming_it_and_why(client, path, handle, reason) -> None:
    body = _assert_problem(client.get(f"/v1/accounts/{path}"), 422, "invalid-handle")
    assert body["handle"] == handle and reason in body["detail"]


@pytest.mark.parametrize("handle", ["has-dash", "sixteen_chars_xx", "-Whiskey_Tango", "Some.User_99"])
def test_a_handle_of_another_platform_in_the_path_is_looked_up_not_refused(client, handle) -> None:
    body = _assert_problem(client.get(f"/v1/accounts/{handle}"), 404, "not-scored")
    assert body["handle"] == handle


def test_a_job_with_invalid_handles_is_422_naming_them_with_lines(client) -> None:
    body = _assert_problem(client.post("/v1/jobs", json={"handles": ["fine_one", "@also_fine", "not ok!"]}), 422,
                           "invalid-handles")  # fmt: skip
    assert body["handles"] == ["not ok!"] and "line 3" in body["detail"]


def test_unknown_routes_and_methods_are_problems_too(client) -> None:
    _assert_problem(client.get("/v1/nothing-here"), 404, "not-found")
    _assert_problem(client.put("/v1/scores", json={}), 405, "method-not-allowed")


def test_every_write_is_audited_with_who_what_and_target(client) -> None:
    created = client.post("/v1/keys", json={"name": "for-audit", "role": "analyst"})
    assert created.status_code == 201 and created.json()["key"].startswith("pw_")
    client.delete(f"/v1/keys/{created.json()['id']}")
    client.post("/v1/jobs", json={"handles": ["someone"]})
    entries = list_audit(client.app.state.service.engine)
    actions = [(e.action, e.key_name, e.status) for e in entries]
    assert ("POST /v1/keys", "bootstrap-admin", 201) in actions
    assert ("DELETE /v1/keys/{key_id}", "bootstrap-admin", 200) in actions
    assert ("POST /v1/jobs", "bootstrap-admin", 202) in actions
    assert any(e.target and created.json()["id"] in e.target for e in entries)
    assert all(e.at is not None for e in entries)
    assert client.get("/v1/audit").json()[0]["action"] == "POST /v1/jobs"


def test_requests_without_a_key_cannot_grow_the_audit_log_beyond_a_budget_per_minute(settings, make_client) -> None:
    client = make_client(settings.model_copy(update={"audit_keyless_refusals_per_minute": 5}))
    stranger = TestClient(client.app)

    statuses = {stranger.get("/v1/jobs").status_code for _ in range(20)}

    assert statuses == {401}, "every request is still refused"
    refusals = [e for e in list_audit(client.app.state.service.engine) if e.status == 401]
    assert len(refusals) == 5
    assert "parrotwatch_keyless_refusals_unaudited_total 15.0" in client.get("/metrics").text


def test_keys_are_stored_hashed_and_never_listed(client) -> None:
    created = client.post("/v1/keys", json={"name": "hashing", "role": "analyst"}).json()
    import sqlalchemy as sa

    with client.app.state.service.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT key_hash FROM api_keys WHERE id = :id"), {"id": created["id"]}).scalar()
    assert stored != created["key"] and len(stored) == 64
    assert created["key"] not in client.get("/v1/keys").text


def test_keys_never_reach_the_logs_or_the_audit_trail(client, anonymous, caplog) -> None:
    """Neither a valid key, a new key in its creation response, nor a wrong key appears in any log field."""
    import logging

    caplog.set_level(logging.DEBUG)
    created = client.post("/v1/keys", json={"name": "logged?", "role": "analyst"}).json()["key"]
    wrong = "pw_wrong_key_that_someone_tried_0123456789"
    anonymous.get("/v1/models", headers={"Authorization": f"Bearer {created}"})
    anonymous.get("/v1/models", headers={"Authorization": f"Bearer {wrong}"})
    client.post("/v1/scores", json={"handles": ["anyone"]})
    assert caplog.records, "the requests were logged"
    secrets = (created, wrong, client.headers["Authorization"].removeprefix("Bearer "))
    for record in caplog.records:
        logged = repr({**record.__dict__, "message": record.getMessage()})
        assert not any(secret in logged for secret in secrets), record.getMessage()
    audit = repr([vars(entry) for entry in list_audit(client.app.state.service.engine, limit=1000)])
    assert not any(secret in audit for secret in secrets)


def test_every_authentication_compares_the_key_hash_in_constant_time(client, monkeypatch) -> None:
    """The hash is compared with hmac.compare_digest, whose time does not depend on where two strings differ."""
    import hmac

    from service.db import api_keys

    compared: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a, b):  # type: ignore[no-untyped-def]
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api_keys.hmac, "compare_digest", spy)
    assert client.get("/v1/models").status_code == 200
    expected = api_keys.hash_key(client.headers["Authorization"].removeprefix("Bearer "))
    assert compared == [(expected, expected)]


def test_a_key_revoked_by_another_process_stops_working_within_the_key_cache_time(settings) -> None:
    engine = open_database(settings.resolved_database_url)
    key, secret = create_key(engine, name="script", role="analyst")
    now = [100.0]
    cache = KeyCache(5.0, clock=lambda: now[0])

    assert cache.find(engine, secret) == key
    revoke_key(engine, key.id)  # as `parrotwatch keys revoke` does, beside the server
    now[0] += 4.9
    assert cache.find(engine, secret) == key  # verified 4.9 s ago: not looked up again
    now[0] += 0.2
    assert cache.find(engine, secret) is None
    assert KeyCache(0).find(engine, secret) is None and cache.find(engine, "pw_not_a_key") is None
    engine.dispose()
