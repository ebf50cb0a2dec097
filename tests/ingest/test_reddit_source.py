"""The Reddit source reads recorded Reddit answers (``recordings/reddit``) through PRAW: the OAuth token request it
makes first, then the profile and the overview listing. No request leaves the test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses

from ingest.sources.base import CallPolicy
from ingest.sources.reddit import RedditSource

RECORDINGS = Path(__file__).parent / "recordings" / "reddit"
TOKEN = "https://www.reddit.com/api/v1/access_token"
API = "https://oauth.reddit.com"
ROOMY = {"x-ratelimit-remaining": "95.0", "x-ratelimit-used": "5", "x-ratelimit-reset": "300"}
NOW = 1_730_600_000.0


def body(name: str) -> object:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


@pytest.fixture
def reddit():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN, json=body("access_token.json"))
        yield mock


@pytest.fixture
def source() -> RedditSource:
    return RedditSource(
        "app-id", "app-secret", "parrotwatch-tests/1.0", policy=CallPolicy(sleep=lambda s: None), clock=lambda: NOW
    )


def test_a_redditor_is_read_with_submissions_and_comments_newest_first(reddit, source: RedditSource) -> None:
    reddit.get(f"{API}/user/civic_watcher/about/", json=body("about_civic_watcher.json"), headers=ROOMY)
    overview = f"{API}/user/civic_watcher/overview/"
    reddit.get(overview, json=body("overview_civic_watcher_1.json"), headers=ROOMY)
    reddit.get(overview, json=body("overview_civic_watcher_2.json"), headers=ROOMY)

    [outcome] = source.fetch(["civic_watcher"])

    assert outcome.status == "found"
    account = outcome.account
    assert (account.handle, account.platform, account.user_id) == ("civic_watcher", "reddit", "t2_9k3m2x7q")
    assert account.profile.created_at == datetime(2022, 10, 31, 15, 50, tzinfo=UTC)
    assert account.profile.description == "Local politics, every day." and account.profile.followers_count == 12
    assert account.profile.default_profile_image is True
    assert (account.profile.link_karma, account.profile.comment_karma) == (1843, 3367)
    comment, own, link, crosspost = account.posts
    assert comment.id == "t1_lq8x1ab" and comment.is_reply
    assert comment.text == "Exactly. The vote was rigged & everyone knows it."
    assert own.text == "Council votes on the bridge\nThey decided today.\n\nThe cost is > 2M." and own.urls == []
    assert not own.is_reply and not own.is_retweet
    assert link.text == "Foreign agents rigged the referendum"
    assert link.urls == ["https://example.org/report/2024/11/referendum"]
    assert crosspost.is_retweet and crosspost.urls == ["https://www.reddit.com/r/worldnews/comments/1gh1z9q/x/"]
    token_request = reddit.calls[0].request
    assert token_request.url == TOKEN and "grant_type=client_credentials" in token_request.body
    assert reddit.calls[1].request.headers["Authorization"].startswith("bearer ")
    assert "after=t3_1gh1z9q" in reddit.calls[3].request.url and "sort=new" in reddit.calls[3].request.url


def test_max_posts_caps_what_is_asked_for_and_kept(reddit) -> None:
    reddit.get(f"{API}/user/civic_watcher/about/", json=body("about_civic_watcher.json"), headers=ROOMY)
    reddit.get(f"{API}/user/civic_watcher/overview/", json=body("overview_civic_watcher_1.json"), headers=ROOMY)

    [outcome] = RedditSource("id", "secret", "ua", max_posts=2, clock=lambda: NOW).fetch(["civic_watcher"])

    assert [p.id for p in outcome.account.posts] == ["t1_lq8x1ab", "t3_1gh2k3j"]
    assert "limit=2" in reddit.calls[2].request.url and len(reddit.calls) == 3


def test_unknown_and_suspended_redditors_are_outcomes(reddit, source: RedditSource) -> None:
    reddit.get(f"{API}/user/nobody_here/about/", status=404, json=body("error_not_found.json"), headers=ROOMY)
    reddit.get(f"{API}/user/banned_amplifier/about/", json=body("about_suspended.json"), headers=ROOMY)

    missing, suspended = source.fetch(["nobody_here", "banned_amplifier"])

    assert (missing.status, suspended.status) == ("not_found", "suspended")
    assert "no such account on Reddit" in missing.detail and "suspended by Reddit" in suspended.detail


def test_a_429_reports_reddits_reset_and_asks_nothing_more(reddit, source: RedditSource) -> None:
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-used": "100", "x-ratelimit-reset": "240"}
    reddit.get(f"{API}/user/civic_watcher/about/", status=429, json=body("error_rate_limit.json"), headers=spent)

    outcomes = source.fetch(["civic_watcher", "someone_else"])

    assert [(o.status, o.retry_after_s) for o in outcomes] == [("rate_limited", 240.0)] * 2
    assert "resets in 240 s" in outcomes[0].detail
    assert len(reddit.calls) == 2  # the token and the refused call


def test_a_spent_window_is_not_slept_out_the_next_handle_waits_for_the_reset(reddit) -> None:
    clock = [NOW]
    source = RedditSource("id", "secret", "ua", clock=lambda: clock[0])
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-used": "100", "x-ratelimit-reset": "120"}
    reddit.get(f"{API}/user/nobody_here/about/", status=404, json=body("error_not_found.json"), headers=spent)

    [first] = source.fetch(["nobody_here"])
    [second] = source.fetch(["civic_watcher"])

    assert first.status == "not_found"
    assert second.status == "rate_limited" and second.retry_after_s == 120.0
    assert len(reddit.calls) == 2


def test_a_malformed_page_is_an_error_and_refused_credentials_say_so(reddit, source: RedditSource) -> None:
    reddit.get(f"{API}/user/civic_watcher/about/", json=body("about_civic_watcher.json"), headers=ROOMY)
    reddit.get(
        f"{API}/user/civic_watcher/overview/",
        body="<html><body>our CDN broke</body></html>",
        content_type="text/html",
        headers=ROOMY,
    )

    [malformed] = source.fetch(["civic_watcher"])

    assert malformed.status == "error"
    with responses.RequestsMock() as refusing:
        refusing.post(TOKEN, status=401, json={"message": "Unauthorized", "error": 401})
        [refused] = RedditSource("bad", "creds", "ua").fetch(["civic_watcher"])
    assert refused.status == "error" and "401" in refused.detail


def test_a_name_reddit_cannot_have_is_never_asked(source: RedditSource) -> None:
    assert source.handle_problem("civic_watcher") is None
    assert "3 to 20" in source.handle_problem("a.b")
