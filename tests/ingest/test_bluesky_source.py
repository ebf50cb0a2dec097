"""The Bluesky source reads recorded AppView answers (``recordings/bluesky``): no request leaves the test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from ingest.sources.base import CallPolicy, Source
from ingest.sources.bluesky import PUBLIC_APPVIEW, BlueskySource

RECORDINGS = Path(__file__).parent / "recordings" / "bluesky"
PROFILE = f"{PUBLIC_APPVIEW}/xrpc/app.bsky.actor.getProfile"
FEED = f"{PUBLIC_APPVIEW}/xrpc/app.bsky.feed.getAuthorFeed"
NOW = 1_730_548_800.0  # 2024-11-02T12:00:00Z


def recorded(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    body = json.loads((RECORDINGS / name).read_text(encoding="utf-8"))
    return httpx.Response(status, json=body, headers=headers)


@pytest.fixture
def appview():
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def source() -> BlueskySource:
    return BlueskySource(policy=CallPolicy(sleep=lambda s: None), clock=lambda: NOW)


def test_a_public_account_is_read_with_its_posts_kinds_links_and_languages(appview, source: BlueskySource) -> None:
    appview.get(PROFILE, params={"actor": "alice.bsky.social"}).mock(return_value=recorded("getProfile_alice.json"))
    feed = appview.get(FEED).mock(
        side_effect=[recorded("getAuthorFeed_alice.json"), recorded("getAuthorFeed_alice_end.json")]
    )

    [outcome] = source.fetch(["alice.bsky.social"])

    assert isinstance(source, Source)
    assert outcome.status == "found"
    account = outcome.account
    assert (account.handle, account.platform, account.user_id) == (
        "alice.bsky.social",
        "bluesky",
        "did:plc:z72i7hdynmk6r22z27h6tvur",
    )
    assert account.profile.followers_count == 1204 and account.profile.following_count == 311
    by_text = {post.text: post for post in account.posts}
    original = by_text["The referendum results were rigged by foreign agents, share before it is deleted #referendum"]
    assert original.urls == ["https://example.org/report/2024/11/referendum"]
    assert original.hashtags == ["referendum"] and original.lang == "en"
    assert not (original.is_retweet or original.is_quote or original.is_reply)
    repost = by_text["RT @bob.bsky.social: Polls open at eight tomorrow."]
    assert repost.is_retweet and repost.created_at == datetime(2024, 11, 2, 10, 30, tzinfo=UTC)
    assert by_text["Everyone should read this"].is_quote
    assert by_text["Exactly what I said."].is_reply
    assert len({post.id for post in account.posts}) == 4 and all(len(p.id) <= 64 for p in account.posts)
    assert feed.calls[0].request.url.params["actor"] == "did:plc:z72i7hdynmk6r22z27h6tvur"


def test_since_drops_older_posts(appview, source: BlueskySource) -> None:
    appview.get(PROFILE).mock(return_value=recorded("getProfile_alice.json"))
    appview.get(FEED).mock(side_effect=[recorded("getAuthorFeed_alice.json"), recorded("getAuthorFeed_alice_end.json")])

    [outcome] = source.fetch(["alice.bsky.social"], since=datetime(2024, 11, 2, 11, tzinfo=UTC))

    assert sorted(post.text for post in outcome.account.posts) == ["Everyone should read this", "Exactly what I said."]


def test_unknown_taken_down_and_labelled_accounts_are_outcomes(appview, source: BlueskySource) -> None:
    appview.get(PROFILE, params={"actor": "nobody.bsky.social"}).mock(
        return_value=recorded("error_profile_not_found.json", 400)
    )
    appview.get(PROFILE, params={"actor": "banned.bsky.social"}).mock(
        return_value=recorded("error_account_takedown.json", 400)
    )
    appview.get(PROFILE, params={"actor": "gone.bsky.social"}).mock(
        return_value=recorded("getProfile_takedown_label.json")
    )

    outcomes = source.fetch(["nobody.bsky.social", "banned.bsky.social", "gone.bsky.social"])

    assert [o.status for o in outcomes] == ["not_found", "suspended", "suspended"]
    assert "Profile not found" in outcomes[0].detail
    assert "taken down" in outcomes[1].detail and "taken down" in outcomes[2].detail
    assert all(o.account is None for o in outcomes)


def test_a_rate_limit_reports_the_appviews_reset_and_spares_the_handles_after_it(appview) -> None:
    reset = int(NOW) + 240
    limited = appview.get(PROFILE).mock(
        return_value=recorded(
            "error_rate_limit.json",
            429,
            {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": str(reset)},
        )
    )
    source = BlueskySource(policy=CallPolicy(max_wait_s=60, sleep=lambda s: None), clock=lambda: NOW)

    outcomes = source.fetch(["alice.bsky.social", "bob.bsky.social"])

    assert [(o.status, o.retry_after_s) for o in outcomes] == [("rate_limited", 240), ("rate_limited", 240)]
    assert "resets in 240 s" in outcomes[0].detail
    assert limited.call_count == 1  # a reset beyond max_wait_s is not waited for, and bob is not asked


def test_a_reset_within_max_wait_is_waited_out_and_the_call_retried(appview) -> None:
    waits: list[float] = []
    appview.get(PROFILE).mock(
        side_effect=[
            recorded("error_rate_limit.json", 429, {"ratelimit-reset": str(int(NOW) + 5)}),
            recorded("getProfile_alice.json"),
        ]
    )
    appview.get(FEED).mock(return_value=recorded("getAuthorFeed_alice_end.json"))
    source = BlueskySource(policy=CallPolicy(max_wait_s=60, sleep=waits.append), clock=lambda: NOW)

    [outcome] = source.fetch(["alice.bsky.social"])

    assert outcome.status == "found" and waits == [5.0]


def test_a_malformed_page_is_an_error_outcome_and_a_server_error_is_retried_then_unavailable(appview) -> None:
    appview.get(PROFILE, params={"actor": "alice.bsky.social"}).mock(return_value=recorded("getProfile_alice.json"))
    appview.get(FEED).mock(return_value=recorded("getAuthorFeed_malformed.json"))
    appview.get(PROFILE, params={"actor": "down.bsky.social"}).mock(return_value=httpx.Response(503))
    source = BlueskySource(policy=CallPolicy(retries=2, sleep=lambda s: None), clock=lambda: NOW)

    malformed, down = source.fetch(["alice.bsky.social", "down.bsky.social"])

    assert malformed.status == "error" and "unreadable answer from the Bluesky AppView" in malformed.detail
    assert down.status == "unavailable"
    assert appview.calls.call_count == 2 + 3  # profile and feed of alice; down asked once and retried twice
