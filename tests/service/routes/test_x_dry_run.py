"""Dry runs say what scoring would read from X and cost, from the store's cache, reading nothing; a stale stored
account is updated with only its new posts."""

from __future__ import annotations

import json

import pytest
import responses
from pydantic import SecretStr
from typer.testing import CliRunner
from x_api_fake import USAGE, FakeX, store_stale_account

from service.cli import app

STALE = "budget_stale"


@pytest.fixture
def x_settings(settings):
    return settings.model_copy(update={"x_bearer_token": SecretStr("AAAA-test-token"), "x_max_posts": 200})


def test_dry_run_costs_new_stale_and_cached_handles_and_creates_no_job(x_settings, make_client, demo_roles):
    x = FakeX({STALE: 200})
    store_stale_account(x_settings, x, STALE, 150)
    client = make_client(x_settings)
    cached = demo_roles["ordinary"][0]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        x.install(api)
        response = client.post("/v1/jobs?dry_run=true", json={"handles": [cached, "brand_new_1", STALE, "Brand_New_1"]})
    assert response.status_code == 200
    body = response.json()
    by_handle = {h["handle"]: h for h in body["handles"]}
    assert by_handle[cached] == {"handle": cached, "read": "cached", "users": 0, "posts": 0, "cost_usd": 0.0}
    assert by_handle["brand_new_1"]["read"] == "new"
    assert (by_handle["brand_new_1"]["users"], by_handle["brand_new_1"]["posts"]) == (1, 200)
    assert by_handle[STALE]["read"] == "newer" and by_handle[STALE]["users"] == 0
    assert (body["users"], body["posts"], body["cost_usd"]) == (1, 400, pytest.approx(0.01 + 400 * 0.005))
    assert len(body["handles"]) == 3, "duplicates are counted once, as a job counts them"
    assert x.pages_served == 0 and x.users_served == [], "a dry run reads nothing from X"
    assert body["x_usage"] is None, "X's usage count is left out where the account has no access to it"
    assert client.get("/v1/jobs").json() == []


def test_stale_account_is_updated_with_only_its_new_posts_and_no_lookup(x_settings, make_client):
    x = FakeX({STALE: 200})
    store_stale_account(x_settings, x, STALE, 150)
    client = make_client(x_settings)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        x.install(api)
        [entry] = client.post("/v1/scores", json={"handles": [STALE]}).json()["results"]
    assert entry["status"] == "scored" and entry["result"]["n_posts"] == 200
    assert x.users_served == [] and len(x.posts_served) == 50, "since_id: only the 50 newer posts are read"


def test_cli_dry_run_prints_the_estimate_and_reads_nothing(x_settings, monkeypatch, demo_roles):
    monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(x_settings.data_dir))
    monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(x_settings.models_dir))
    monkeypatch.setenv("PARROTWATCH_X_BEARER_TOKEN", "AAAA-test-token")
    monkeypatch.setenv("PARROTWATCH_X_MAX_POSTS", "100")
    monkeypatch.setenv("PARROTWATCH_LOG_JSON", "false")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        x = FakeX({}, usage=USAGE).install(api)
        result = CliRunner().invoke(app, ["score", "--dry-run", demo_roles["ordinary"][0], "@someone_new"])
    assert result.exit_code == 0, result.output
    assert x.pages_served == 0 and x.users_served == [], "a dry run reads nothing paid from X"
    estimate = json.loads(result.stdout)
    assert (estimate["users"], estimate["posts"], estimate["cost_usd"]) == (1, 100, pytest.approx(0.51))
    assert [h["read"] for h in estimate["handles"]] == ["cached", "new"]
    assert estimate["x_usage"] == {"project_usage": 43435, "project_cap": 2000000, "cap_reset_day": 10}


def test_cli_dry_run_refuses_an_input_file(cli_env, tmp_path):
    data = tmp_path / "a.jsonl"
    data.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", "--dry-run", "--input", str(data)])
    assert result.exit_code == 2 and "--dry-run takes HANDLES" in result.output
