"""POST /v1/scores with live fetching: per-handle outcomes from the X API (faked at the HTTP wire)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from pydantic import SecretStr

FIXTURES = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "x_api"
LOOKUP_URL = "https://api.twitter.com/2/users/by"
TIMELINE_URL = "https://api.twitter.com/2/users/1460000000000000001/tweets"


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def client(settings, make_client):
    return make_client(settings.model_copy(update={"x_bearer_token": SecretStr("AAAA-test-token")}))


def test_found_unknown_and_suspended_handles_each_get_their_outcome(client, demo_roles) -> None:
    stored = demo_roles["ordinary"][0]
    with responses.RequestsMock() as api:
        api.get(LOOKUP_URL, json=_fixture("users_lookup_mixed.json"))
        api.get(TIMELINE_URL, json=_fixture("timeline_page2.json"))
        response = client.post(
            "/v1/scores", json={"handles": [stored, "StateNewsDesk", "ghost_handle_99", "banned_amplify"]}
        )
        looked_up = [c.request.url for c in api.calls if c.request.url.startswith(LOOKUP_URL)]
    assert response.status_code == 200
    local, fetched, unknown, suspended = response.json()["results"]
    assert local["status"] == "scored" and local["source_status"] == "cached"
    assert fetched["status"] == "scored" and fetched["source_status"] == "found"
    assert fetched["result"]["n_posts"] == 5
    assert unknown["error"]["type"] == "/problems/unknown-handle"
    assert suspended["error"]["type"] == "/problems/account-unavailable" and "suspended" in suspended["error"]["detail"]
    assert len(looked_up) == 1 and stored not in looked_up[0], "stored handles are not looked up"


def test_protected_account_is_scored_as_insufficient_data_from_its_profile(client) -> None:
    with responses.RequestsMock() as api:
        api.get(LOOKUP_URL, json=_fixture("users_lookup_protected.json"))
        [entry] = client.post("/v1/scores", json={"handles": ["quiet_reader"]}).json()["results"]
    assert entry["source_status"] == "protected"
    assert entry["result"]["band"] == "insufficient_data" and entry["result"]["n_posts"] == 0


def test_rate_limited_lookup_gives_entries_with_retry_after(client) -> None:
    with responses.RequestsMock() as api:
        api.get(LOOKUP_URL, status=429, json=_fixture("error_429_too_many_requests.json"),
                headers={"x-rate-limit-reset": "4102444800"})  # fmt: skip
        [entry] = client.post("/v1/scores", json={"handles": ["someone_else"]}).json()["results"]
    assert entry["error"]["type"] == "/problems/rate-limited"
    assert entry["error"]["retry_after_s"] > 0


def test_rejected_token_is_a_503_problem_naming_the_variable(client) -> None:
    with responses.RequestsMock() as api:
        api.get(LOOKUP_URL, status=403, json=_fixture("error_403_client_not_enrolled.json"))
        response = client.post("/v1/scores", json={"handles": ["someone_else"]})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "PARROTWATCH_X_BEARER_TOKEN" in response.json()["detail"]


def test_x_api_calls_are_counted_in_metrics(client) -> None:
    with responses.RequestsMock() as api:
        api.get(LOOKUP_URL, json=_fixture("users_lookup_protected.json"))
        client.post("/v1/scores", json={"handles": ["quiet_reader"]})
    [line] = [x for x in client.get("/metrics").text.splitlines() if x.startswith("parrotwatch_x_api_calls_total")]
    assert float(line.split()[-1]) == 1.0
