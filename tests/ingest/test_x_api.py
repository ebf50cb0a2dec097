"""Behaviour of the live X API source, faked only at the HTTP wire with ``responses``.

Payloads in fixtures/x_api follow X API v2's response format: partial errors (unknown, suspended) arrive in a 200's
``errors`` array, problems (401, 403, 429, 5xx) as problem+json bodies.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
import tweepy

from ingest.errors import XApiConfigurationError, XApiError
from ingest.x_api import FetchOutcome, XApiSource

FIXTURES = Path(__file__).parent / "fixtures" / "x_api"
LOOKUP_URL = "https://api.twitter.com/2/users/by"
STATE_ID, HARBOUR_ID, ECHO_ID = "1460000000000000001", "1460000000000000003", "1460000000000000004"
TOKEN = "AAAAAAAAAAAAAAAAAAAAAtest-bearer-token"
NOW = 1_715_680_000.0
NEXT_TOKEN = "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def timeline_url(user_id: str) -> str:
    return f"https://api.twitter.com/2/users/{user_id}/tweets"


def query(call: responses.Call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def calls_to(api: responses.RequestsMock, url: str) -> list[responses.Call]:
    return [c for c in api.calls if c.request.url.split("?")[0] == url]


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_source(fake_time: FakeTime, **options: object) -> XApiSource:
    options.setdefault("jitter", lambda: 0.0)
    return XApiSource(TOKEN, sleep=fake_time.sleep, clock=fake_time.clock, **options)


def rate_limited(reset_at: float | str | None) -> dict:
    headers = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0"}
    if reset_at is not None:
        headers["x-rate-limit-reset"] = str(int(reset_at)) if isinstance(reset_at, float) else reset_at
    return {"status": 429, "json": fixture("error_429_too_many_requests.json"), "headers": headers}


def by_handle(outcomes: list[FetchOutcome]) -> dict[str, FetchOutcome]:
    return {o.handle: o for o in outcomes}


# -- pagination ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_posts", "n_posts", "n_pages"),
    [(3, 3, 1), (5, 5, 1), (8, 8, 2), (200, 10, 2)],
    ids=["below-min-page-size", "one-full-page", "second-page-partly", "timeline-exhausted"],
)
def test_timeline_follows_next_token_and_stops_at_max_posts(api, fake_time, max_posts, n_posts, n_pages):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page1.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    [outcome] = make_source(fake_time, max_posts=max_posts).fetch(["StateNewsDesk"])

    posts = outcome.account.posts
    assert outcome.status == "found"
    assert len(posts) == n_posts
    assert len({p.id for p in posts}) == n_posts
    pages = calls_to(api, timeline_url(STATE_ID))
    assert len(pages) == n_pages
    # X accepts max_results in 5..100: small limits still ask for 5 and trim.
    assert {query(c)["max_results"] for c in pages} == {str(min(100, max(5, max_posts)))}
    assert "pagination_token" not in query(pages[0])
    if n_pages == 2:
        assert query(pages[1])["pagination_token"] == NEXT_TOKEN


def test_timeline_stops_when_x_repeats_a_page_instead_of_looping(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page1.json"))  # always page 1, always a next_token

    [outcome] = make_source(fake_time, max_posts=200).fetch(["StateNewsDesk"])

    assert outcome.status == "found" and len(outcome.account.posts) == 5
    assert len(calls_to(api, timeline_url(STATE_ID))) == 2


def test_timeline_posts_from_both_pages_keep_retweet_reply_quote_flags(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page1.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    [outcome] = make_source(fake_time).fetch(["StateNewsDesk"])

    flags = {p.id[-2:]: (p.is_retweet, p.is_reply, p.is_quote) for p in outcome.account.posts}
    assert flags == {
        "10": (True, False, False),
        "09": (False, True, False),
        "08": (False, False, True),
        "07": (False, False, False),
        "06": (False, False, False),
        "05": (True, False, False),
        "04": (False, True, False),
        "03": (False, False, False),
        "02": (False, False, False),
        "01": (True, False, False),
    }
    timeline = calls_to(api, timeline_url(STATE_ID))[0]
    assert "exclude" not in query(timeline)  # retweets and replies are evidence, not noise


def test_fetch_maps_user_and_tweet_fields_with_absent_fields_missing(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page1.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    [outcome] = make_source(fake_time).fetch(["StateNewsDesk"])

    account = outcome.account
    assert (account.handle, account.user_id) == ("StateNewsDesk", STATE_ID)
    assert account.profile.following_count == 4420
    assert account.profile.default_profile_image is True
    posts = {p.id: p for p in account.posts}
    assert posts["1790000000000000010"].urls == ["https://statemedia.example/world/2024/05/14/port-deal"]
    assert posts["1790000000000000005"].urls == ["https://t.co/ZzZz999999"]  # no expanded_url: the t.co link
    assert posts["1790000000000000007"].hashtags == ["合作共赢"]
    assert posts["1790000000000000007"].lang == "zh"
    assert posts["1790000000000000009"].client == "Twitter Web App"
    assert posts["1790000000000000006"].client is None  # `source` absent
    lookup = query(calls_to(api, LOOKUP_URL)[0])
    assert set(lookup["user.fields"].split(",")) >= {"created_at", "public_metrics", "protected", "profile_image_url"}


# -- lookup outcomes -------------------------------------------------------------------------------------------


def test_fetch_maps_errors_array_to_not_found_and_suspended_case_insensitively(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    outcomes = make_source(fake_time).fetch(["statenewsdesk", "@Ghost_Handle_99", "banned_amplify", "StateNewsDesk"])

    assert [(o.handle, o.status) for o in outcomes] == [
        ("statenewsdesk", "found"),
        ("Ghost_Handle_99", "not_found"),
        ("banned_amplify", "suspended"),
        ("StateNewsDesk", "found"),
    ]
    assert "Could not find user" in outcomes[1].detail
    assert "suspended" in outcomes[2].detail
    assert outcomes[1].account is None and outcomes[2].account is None
    assert len(calls_to(api, LOOKUP_URL)) == 1
    assert query(calls_to(api, LOOKUP_URL)[0])["usernames"] == "statenewsdesk,Ghost_Handle_99,banned_amplify"
    assert len(calls_to(api, timeline_url(STATE_ID))) == 1  # the repeated handle is fetched once


def test_fetch_protected_account_returns_profile_only_without_timeline_call(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_protected.json"))

    [outcome] = make_source(fake_time).fetch(["quiet_reader"])

    assert outcome.status == "protected"
    assert outcome.account.posts == []
    assert outcome.account.profile.followers_count == 58
    assert outcome.account.profile.default_profile_image is False
    assert [urlsplit(c.request.url).path for c in api.calls] == ["/2/users/by"]


def test_fetch_invalid_handle_is_not_found_without_any_call(api, fake_time):
    outcomes = make_source(fake_time).fetch(["not a handle!", "sixteen_chars_xx"])

    assert [o.status for o in outcomes] == ["not_found", "not_found"]
    assert len(api.calls) == 0


def test_fetch_splits_more_than_100_handles_into_two_lookup_calls(api, fake_time):
    template = fixture("users_lookup_mixed.json")["errors"][0]

    def not_found_for_all(request: requests.PreparedRequest) -> tuple[int, dict, str]:
        names = parse_qs(urlsplit(request.url).query)["usernames"][0].split(",")
        errors = [
            {**template, "value": n, "resource_id": n, "detail": f"Could not find user with usernames: [{n}]."}
            for n in names
        ]
        return 200, {}, json.dumps({"errors": errors})

    api.add_callback(responses.GET, LOOKUP_URL, callback=not_found_for_all)
    handles = [f"nobody_{i:03d}" for i in range(150)]

    outcomes = make_source(fake_time).fetch(handles)

    lookups = calls_to(api, LOOKUP_URL)
    assert [len(query(c)["usernames"].split(",")) for c in lookups] == [100, 50]
    assert [o.handle for o in outcomes] == handles
    assert {o.status for o in outcomes} == {"not_found"}


# -- per-account timeline failures -----------------------------------------------------------------------------


def test_fetch_timeline_failure_of_one_account_leaves_the_others(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_three.json"))
    api.get(timeline_url(STATE_ID), status=503, json=fixture("error_503_service_unavailable.json"))
    api.get(timeline_url(HARBOUR_ID), json=fixture("timeline_suspended_since_lookup.json"))
    api.get(timeline_url(ECHO_ID), json=fixture("timeline_page2.json"))

    outcomes = make_source(fake_time, max_posts=5).fetch(["StateNewsDesk", "harbour_watch", "echo4412"])

    assert [o.status for o in outcomes] == ["unavailable", "suspended", "found"]
    assert "503" in outcomes[0].detail
    assert "suspended" in outcomes[1].detail
    assert len(outcomes[2].account.posts) == 5


# -- rate limits -----------------------------------------------------------------------------------------------


def test_rate_limit_within_max_wait_sleeps_once_until_reset_then_retries_the_same_page(
    api, fake_time, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="ingest.x_api")
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page1.json"))
    api.get(timeline_url(STATE_ID), **rate_limited(NOW + 30))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    [outcome] = make_source(fake_time, max_wait_s=60).fetch(["StateNewsDesk"])

    assert fake_time.sleeps == [31.0]  # reset - now + 1 s of clock-skew margin
    assert outcome.status == "found"
    assert len(outcome.account.posts) == 10
    pages = calls_to(api, timeline_url(STATE_ID))
    assert [query(c).get("pagination_token") for c in pages] == [None, NEXT_TOKEN, NEXT_TOKEN]
    info = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(info) == 1
    assert "31 s" in info[0].getMessage() and "rate limit" in info[0].getMessage()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in logged
    assert all(p.text not in logged for p in outcome.account.posts)


def test_rate_limit_beyond_max_wait_marks_this_and_remaining_handles_rate_limited(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_three.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page1.json"))
    api.get(timeline_url(HARBOUR_ID), **rate_limited(NOW + 900))
    api.get(timeline_url(ECHO_ID), json=fixture("timeline_page2.json"))

    outcomes = make_source(fake_time, max_posts=5, max_wait_s=60).fetch(["StateNewsDesk", "harbour_watch", "echo4412"])

    assert [o.status for o in outcomes] == ["found", "rate_limited", "rate_limited"]
    assert [o.retry_after_s for o in outcomes] == [None, 901.0, 901.0]
    assert len(outcomes[0].account.posts) == 5
    assert fake_time.sleeps == []
    assert calls_to(api, timeline_url(ECHO_ID)) == []  # no hammering once limited


def test_rate_limit_on_lookup_marks_every_handle_of_later_batches_without_calling(api, fake_time):
    api.get(LOOKUP_URL, **rate_limited(NOW + 600))
    handles = [f"someone_{i:03d}" for i in range(120)]

    outcomes = make_source(fake_time).fetch(handles)

    assert {o.status for o in outcomes} == {"rate_limited"}
    assert {o.retry_after_s for o in outcomes} == {601.0}
    assert len(api.calls) == 1


@pytest.mark.parametrize("reset_header", [None, "soon"], ids=["header-missing", "header-unparseable"])
@pytest.mark.parametrize(
    ("max_wait_s", "sleeps", "n_calls"),
    [(0.0, [], 1), (120.0, [60.0], 2)],
    ids=["backoff-beyond-max-wait", "backoff-within-max-wait"],
)
def test_rate_limit_without_usable_reset_uses_default_backoff_and_never_loops(
    api, fake_time, reset_header, max_wait_s, sleeps, n_calls
):
    api.get(LOOKUP_URL, **rate_limited(reset_header))

    [outcome] = make_source(fake_time, max_wait_s=max_wait_s, default_backoff_s=60).fetch(["StateNewsDesk"])

    assert outcome.status == "rate_limited"
    assert outcome.retry_after_s is None, "the default backoff is our wait, not a retry-after X gave"
    assert fake_time.sleeps == sleeps
    assert len(api.calls) == n_calls


# -- transient failures: 5xx, timeouts, network ------------------------------------------------------------------


def server_error(status: int) -> dict:
    return {"status": status, "json": {**fixture("error_503_service_unavailable.json"), "status": status}}


def test_server_error_then_success_is_retried_after_one_backoff_sleep(api, fake_time):
    api.get(LOOKUP_URL, **server_error(503))
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    [outcome] = make_source(fake_time, backoff_s=1.0).fetch(["StateNewsDesk"])

    assert outcome.status == "found" and len(outcome.account.posts) == 5
    assert fake_time.sleeps == [1.0]
    assert len(calls_to(api, LOOKUP_URL)) == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize(
    ("jitter", "sleeps"), [(0.0, [1.0, 2.0, 4.0]), (0.5, [1.25, 2.5, 5.0])], ids=["no-jitter", "half-jitter"]
)
def test_persistent_server_error_gives_up_after_retries_plus_one_attempts_and_keeps_the_other_handles(
    api, fake_time, status, jitter, sleeps
):
    api.get(LOOKUP_URL, json=fixture("users_lookup_three.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))
    api.get(timeline_url(HARBOUR_ID), **server_error(status))
    api.get(timeline_url(ECHO_ID), json=fixture("timeline_page2.json"))

    source = make_source(fake_time, max_posts=5, retries=3, backoff_s=1.0, jitter=lambda: jitter)
    outcomes = source.fetch(["StateNewsDesk", "harbour_watch", "echo4412"])

    assert [o.status for o in outcomes] == ["found", "unavailable", "found"]
    assert len(calls_to(api, timeline_url(HARBOUR_ID))) == 4
    assert fake_time.sleeps == sleeps
    detail = outcomes[1].detail
    assert f"HTTP {status} 4 times" in detail and "gave up after 4 attempt" in detail and "@harbour_watch" in detail
    assert outcomes[1].account is None
    assert len(outcomes[0].account.posts) == 5 and len(outcomes[2].account.posts) == 5


def test_zero_retries_reports_the_first_server_error_without_sleeping(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), **server_error(502))

    [outcome] = make_source(fake_time, retries=0).fetch(["StateNewsDesk"])

    assert outcome.status == "unavailable" and "gave up after 1 attempt" in outcome.detail
    assert fake_time.sleeps == []
    assert len(calls_to(api, timeline_url(STATE_ID))) == 1


@pytest.mark.parametrize(
    "failure",
    [requests.exceptions.ReadTimeout, requests.exceptions.ConnectTimeout, requests.exceptions.ConnectionError],
    ids=lambda failure: failure.__name__,
)
def test_timeout_or_network_error_is_retried_then_reported_per_handle(api, fake_time, failure):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), body=failure("no answer from api.twitter.com"))

    [outcome] = make_source(fake_time, retries=2, backoff_s=0.5).fetch(["StateNewsDesk"])

    assert outcome.status == "unavailable"
    assert f"{failure.__name__} 3 times" in outcome.detail and "gave up after 3 attempt" in outcome.detail
    assert fake_time.sleeps == [0.5, 1.0]
    assert len(calls_to(api, timeline_url(STATE_ID))) == 3


def test_timeout_then_success_reads_the_same_timeline_page_again(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page1.json"))
    api.get(timeline_url(STATE_ID), body=requests.exceptions.ReadTimeout("read timed out"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    [outcome] = make_source(fake_time).fetch(["StateNewsDesk"])

    assert outcome.status == "found" and len(outcome.account.posts) == 10
    pages = calls_to(api, timeline_url(STATE_ID))
    assert [query(c).get("pagination_token") for c in pages] == [None, NEXT_TOKEN, NEXT_TOKEN]
    assert fake_time.sleeps == [1.0]


def test_mixed_transient_failures_are_each_named_in_the_detail(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), **server_error(503))
    api.get(timeline_url(STATE_ID), body=requests.exceptions.ReadTimeout("read timed out"))
    api.get(timeline_url(STATE_ID), **server_error(503))

    [outcome] = make_source(fake_time, retries=2).fetch(["StateNewsDesk"])

    assert outcome.status == "unavailable"
    assert "HTTP 503 twice, ReadTimeout once" in outcome.detail


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (400, {"title": "Invalid Request", "detail": "One or more parameters is invalid."}, "error"),
        (401, fixture("error_401_unauthorized.json"), "error"),
        (404, {"title": "Not Found Error", "detail": "Could not find user."}, "not_found"),
    ],
    ids=["400", "401", "404"],
)
def test_client_errors_on_a_timeline_are_not_retried(api, fake_time, status, payload, expected):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), status=status, json=payload)

    [outcome] = make_source(fake_time).fetch(["StateNewsDesk"])

    assert outcome.status == expected
    assert len(calls_to(api, timeline_url(STATE_ID))) == 1
    assert fake_time.sleeps == []


def test_lookup_that_gives_up_keeps_earlier_batches_and_skips_later_ones(api, fake_time):
    template = fixture("users_lookup_mixed.json")["errors"][0]
    answers = iter([200])  # the first lookup answers, every later one is a 503

    def first_answers_then_down(request: requests.PreparedRequest) -> tuple[int, dict, str]:
        if next(answers, 503) == 503:
            return 503, {}, json.dumps(fixture("error_503_service_unavailable.json"))
        names = parse_qs(urlsplit(request.url).query)["usernames"][0].split(",")
        errors = [{**template, "value": n, "detail": f"Could not find user with usernames: [{n}]."} for n in names]
        return 200, {}, json.dumps({"errors": errors})

    api.add_callback(responses.GET, LOOKUP_URL, callback=first_answers_then_down)
    handles = [f"nobody_{i:03d}" for i in range(250)]

    outcomes = make_source(fake_time, retries=2).fetch(handles)

    assert [o.status for o in outcomes] == ["not_found"] * 100 + ["unavailable"] * 150
    assert len(calls_to(api, LOOKUP_URL)) == 1 + 3  # the third batch is not asked for
    assert all("gave up after 3 attempt" in o.detail for o in outcomes[100:])
    assert fake_time.sleeps == [1.0, 2.0]


def test_every_request_carries_the_configured_timeout(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))

    make_source(fake_time, timeout_s=2.5).fetch(["StateNewsDesk"])

    assert [c.request.req_kwargs["timeout"] for c in api.calls] == [2.5, 2.5]


# -- configuration and fatal errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "payload", "cause"),
    [
        (401, "error_401_unauthorized.json", tweepy.Unauthorized),
        (403, "error_403_client_not_enrolled.json", tweepy.Forbidden),
    ],
    ids=["401-unauthorized", "403-client-not-enrolled"],
)
def test_lookup_refused_raises_configuration_error_naming_the_token_variable(api, fake_time, status, payload, cause):
    api.get(LOOKUP_URL, status=status, json=fixture(payload))

    with pytest.raises(XApiConfigurationError) as raised:
        make_source(fake_time).fetch(["StateNewsDesk"])

    message = str(raised.value)
    assert "PARROTWATCH_X_BEARER_TOKEN" in message
    assert "Basic" in message and "Project" in message
    assert TOKEN not in message
    assert isinstance(raised.value.__cause__, cause)
    assert len(api.calls) == 1


def test_timeline_client_not_enrolled_raises_configuration_error(api, fake_time):
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), status=403, json=fixture("error_403_client_not_enrolled.json"))

    with pytest.raises(XApiConfigurationError, match="PARROTWATCH_X_BEARER_TOKEN"):
        make_source(fake_time).fetch(["StateNewsDesk"])


def test_lookup_bad_request_raises_xapi_error_with_status_without_retrying(api, fake_time):
    api.get(LOOKUP_URL, status=400, json={"title": "Invalid Request", "detail": "One or more parameters is invalid."})

    with pytest.raises(XApiError) as raised:
        make_source(fake_time).fetch(["StateNewsDesk"])

    assert raised.value.status == 400
    assert isinstance(raised.value.__cause__, tweepy.BadRequest)
    assert len(api.calls) == 1 and fake_time.sleeps == []


@pytest.mark.parametrize("token", [None, "", "   "], ids=["none", "empty", "blank"])
def test_source_without_token_raises_configuration_error_naming_the_variable(token):
    with pytest.raises(XApiConfigurationError, match="PARROTWATCH_X_BEARER_TOKEN"):
        XApiSource(token)


@pytest.mark.parametrize(
    "option",
    [{"retries": -1}, {"retries": 1.5}, {"backoff_s": 0}, {"timeout_s": 0}, {"timeout_s": -1.0}],
    ids=["negative-retries", "fractional-retries", "zero-backoff", "zero-timeout", "negative-timeout"],
)
def test_source_rejects_retry_settings_that_cannot_work(option):
    with pytest.raises(ValueError, match=next(iter(option))):
        XApiSource(TOKEN, **option)


@pytest.mark.parametrize("max_posts", [0, 3201, -5])
def test_source_rejects_max_posts_outside_1_to_3200(max_posts):
    with pytest.raises(ValueError, match="max_posts"):
        XApiSource(TOKEN, max_posts=max_posts)


def test_source_repr_does_not_show_the_token():
    assert TOKEN not in repr(XApiSource(TOKEN))


def test_only_rate_limit_waits_are_reported_as_such_not_backoffs_after_failures(api, fake_time):
    api.get(LOOKUP_URL, **server_error(503))
    api.get(LOOKUP_URL, json=fixture("users_lookup_mixed.json"))
    api.get(timeline_url(STATE_ID), **rate_limited(NOW + 30))
    api.get(timeline_url(STATE_ID), json=fixture("timeline_page2.json"))
    waits: list[float] = []

    [outcome] = make_source(fake_time, max_wait_s=60, backoff_s=1.0, on_rate_limit_wait=waits.append).fetch(
        ["StateNewsDesk"]
    )

    assert outcome.status == "found"
    # the backoff moved the fake clock 1 s closer to the reset: reset - now + 1 s of margin = 30 s
    assert fake_time.sleeps == [1.0, 30.0], "one backoff after the 503, then the wait for the reset"
    assert waits == [30.0]
