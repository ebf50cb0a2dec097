"""`parrotwatch score HANDLE` fetches from the X API (faked at the HTTP wire) when the local store lacks the handle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from typer.testing import CliRunner

from ingest.database import make_engine
from ingest.store import AccountStore
from service.cli import app

FIXTURES = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "x_api"
LOOKUP_URL = "https://api.twitter.com/2/users/by"
HANDLE, USER_ID = "StateNewsDesk", "1460000000000000001"
TIMELINE_URL = f"https://api.twitter.com/2/users/{USER_ID}/tweets"


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def fake_x() -> responses.RequestsMock:
    lookup = _fixture("users_lookup_three.json")
    lookup["data"] = [u for u in lookup["data"] if u["username"] == HANDLE]
    page1, page2 = _fixture("timeline_page1.json"), _fixture("timeline_page2.json")

    def timeline(request) -> tuple[int, dict[str, str], str]:  # type: ignore[no-untyped-def]
        page = page2 if "pagination_token" in request.url else page1
        return 200, {"content-type": "application/json"}, json.dumps(page)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.get(LOOKUP_URL, json=lookup)
        api.add_callback(responses.GET, TIMELINE_URL, callback=timeline)
        yield api


@pytest.fixture
def run(cli_env, monkeypatch):
    monkeypatch.setenv("PARROTWATCH_X_BEARER_TOKEN", "AAAA-test-token")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def _stored_posts(settings) -> int:
    engine = make_engine(settings.resolved_database_url)
    try:
        return len(AccountStore(engine).get(HANDLE).account.posts)
    finally:
        engine.dispose()


def test_score_fetches_an_unstored_handle_from_x_and_scores_it(run, fake_x, settings) -> None:
    result = run("score", HANDLE)
    assert result.exit_code == 0, result.output
    [line] = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert line["handle"] == HANDLE and line["n_posts"] == 10
    assert line["band"] in ("high", "elevated", "low", "insufficient_data")
    assert len([c for c in fake_x.calls if c.request.url.startswith(TIMELINE_URL)]) == 2


def test_cached_handle_is_not_fetched_again_and_refresh_adds_no_duplicates(run, fake_x, settings) -> None:
    assert run("score", HANDLE).exit_code == 0
    calls = len(fake_x.calls)
    assert run("score", HANDLE).exit_code == 0
    assert len(fake_x.calls) == calls, "a fresh cached account must not be fetched again"
    assert run("score", HANDLE, "--refresh").exit_code == 0
    assert len(fake_x.calls) > calls
    assert _stored_posts(settings) == 10


def test_rejected_token_exits_6_with_one_line_naming_the_variable(run, settings) -> None:
    with responses.RequestsMock() as api:
        api.get(LOOKUP_URL, status=401, json=_fixture("error_401_unauthorized.json"))
        result = run("score", "someone_new")
    assert result.exit_code == 6
    assert "PARROTWATCH_X_BEARER_TOKEN" in result.output
