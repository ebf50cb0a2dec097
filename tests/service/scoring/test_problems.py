"""Why a handle was not scored travels as one typed problem from where it happened to every door.

A rate limit carries the wait its source gave, and no wait when the source gave none: nothing on the way invents one.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import responses
from pydantic import SecretStr
from typer.testing import CliRunner

from ingest.errors import AccountUnavailableError, RateLimitedError
from ingest.resolve import AccountResolver, Resolution
from ingest.x_api import FetchOutcome
from service.cli import app as cli_app
from service.score_memo import ScoreMemo
from service.scoring.handle_scorer import HandleScorer

FIXTURES = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "x_api"
LOOKUP_URL = "https://api.twitter.com/2/users/by"


class _Resolver:
    """Resolutions given in advance, by handle."""

    def __init__(self, *resolutions: Resolution) -> None:
        self.by_handle = {r.handle: r for r in resolutions}

    def resolve(self, handles, *, refresh=False):  # type: ignore[no-untyped-def]
        return [self.by_handle[h] for h in handles]


def _scorer(resolver) -> HandleScorer:  # type: ignore[no-untyped-def]
    return HandleScorer(
        loaded=SimpleNamespace(version="unused", model=None),  # type: ignore[arg-type]
        resolver=resolver,
        declared=None,
        coordination=None,
        memo=ScoreMemo(0),
        record=lambda outcomes: [],
    )


def test_a_problem_keeps_the_error_its_status_type_and_the_sources_retry_after() -> None:
    limited, gone = RateLimitedError(900.0), AccountUnavailableError("gone_one", "suspended")
    resolver = _Resolver(
        Resolution("limited_one", None, limited, status="rate_limited"),
        Resolution("silent_one", None, RateLimitedError(None), status="rate_limited"),
        Resolution("gone_one", None, gone, status="suspended"),
    )

    limited_out, silent_out, gone_out, invalid_out = _scorer(resolver).score(
        ["@limited_one", "silent_one", "gone_one", "not a handle"]
    )

    assert (limited_out.problem.status, limited_out.problem.type) == (429, "/problems/rate-limited")
    assert limited_out.problem.retry_after_s == 900.0 and limited_out.problem.error is limited
    assert silent_out.problem.retry_after_s is None, "no wait is invented when the source gave none"
    assert (gone_out.problem.status, gone_out.problem.error) == (410, gone)
    assert (invalid_out.handle, invalid_out.problem.type) == ("not a handle", "/problems/invalid-handle")
    assert not any(o.is_scored for o in (limited_out, silent_out, gone_out, invalid_out))


@pytest.mark.parametrize(("wait_s", "told"), [(0.2, 1), (0.0, 1), (1.0, 1), (59.01, 60)], ids=str)
def test_a_rate_limit_states_one_wait_in_whole_seconds_rounded_up_never_0(wait_s, told) -> None:
    [outcome] = _scorer(_Resolver(Resolution("limited_one", None, RateLimitedError(wait_s)))).score(["limited_one"])
    assert outcome.problem.retry_after_s == told
    assert outcome.problem.detail == f"X API rate limit reached; retry in {told} s"


def test_a_rate_limited_fetch_without_a_reset_gives_a_problem_without_retry_after(tmp_path) -> None:
    from ingest.database import make_engine
    from ingest.store import AccountStore

    class _LimitedX:
        def fetch(self, handles):  # type: ignore[no-untyped-def]
            return [FetchOutcome(h, "rate_limited", None, "X API rate limit reached; retry later") for h in handles]

    store = AccountStore(make_engine(f"sqlite:///{tmp_path / 'store.db'}"))
    [outcome] = _scorer(AccountResolver(store, _LimitedX(), max_age_s=3600)).score(["someone_new"])
    assert outcome.problem.type == "/problems/rate-limited" and outcome.problem.retry_after_s is None


@pytest.fixture
def x_settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(update={"x_bearer_token": SecretStr("AAAA-test-token")})


def _rate_limited_lookup(api: responses.RequestsMock, reset: str | None) -> None:
    headers = {"x-rate-limit-reset": reset} if reset is not None else {}
    body = json.loads((FIXTURES / "error_429_too_many_requests.json").read_text(encoding="utf-8"))
    api.get(LOOKUP_URL, status=429, json=body, headers=headers)


def test_route_entry_has_no_retry_after_when_x_gave_no_reset(x_settings, make_client) -> None:
    client = make_client(x_settings)
    with responses.RequestsMock() as api:
        _rate_limited_lookup(api, None)
        [entry] = client.post("/v1/scores", json={"handles": ["someone_else"]}).json()["results"]
    assert entry["error"]["type"] == "/problems/rate-limited"
    assert "retry_after_s" not in entry["error"]


def test_job_item_and_cli_line_name_the_same_problem_as_the_route(x_settings, make_client, monkeypatch) -> None:
    client = make_client(x_settings)
    client.app.state.runner.stop()
    with responses.RequestsMock() as api:
        _rate_limited_lookup(api, "4102444800")
        job = client.post("/v1/jobs", json={"handles": ["someone_else"]}).json()
        while client.app.state.runner.run_once():
            pass
    [item] = [json.loads(x) for x in client.get(f"/v1/jobs/{job['id']}/results").text.splitlines()]
    assert item["error"]["type"] == "/problems/rate-limited"

    monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(x_settings.data_dir))
    monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(x_settings.models_dir))
    monkeypatch.setenv("PARROTWATCH_X_BEARER_TOKEN", "AAAA-test-token")
    with responses.RequestsMock() as api:
        _rate_limited_lookup(api, "4102444800")
        result = CliRunner().invoke(cli_app, ["score", "someone_else"])
    assert result.exit_code == 4, result.output
    [line] = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert line["error"]["type"] == "/problems/rate-limited" and line["error"]["retry_after_s"] > 0
