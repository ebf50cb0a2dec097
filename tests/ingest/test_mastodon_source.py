"""The Mastodon source reads recorded instance answers (``recordings/mastodon``): no request leaves the test."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses

from ingest.sources.base import CallPolicy
from ingest.sources.mastodon import MastodonSource, html_to_text

RECORDINGS = Path(__file__).parent / "recordings" / "mastodon"
LOOKUP = "https://mastodon.social/api/v1/accounts/lookup"
STATUSES = "https://mastodon.social/api/v1/accounts/109384712365478912/statuses"


def body(name: str) -> object:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


@pytest.fixture
def instance():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def source() -> MastodonSource:
    return MastodonSource(policy=CallPolicy(sleep=lambda s: None))


def test_html_content_becomes_text_with_links_kept_as_links() -> None:
    text, urls = html_to_text(
        '<p>Read <a href="https://example.org/a/long/path" rel="nofollow"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.org/a/lo</span><span class="invisible">ng/path</span></a> '
        '<a href="https://mastodon.social/tags/x" class="mention hashtag">#<span>x</span></a></p><p>b &amp; c<br>d</p>'
    )
    assert text == "Read https://example.org/a/long/path #x\n\nb & c\nd"
    assert urls == ["https://example.org/a/long/path"]


def test_a_public_account_is_read_with_boosts_replies_links_and_tags(instance, source: MastodonSource) -> None:
    instance.get(LOOKUP, json=body("account_lookup_carol.json"))
    instance.get(STATUSES, json=body("account_statuses_carol.json"))
    instance.get(STATUSES, json=[])

    [outcome] = source.fetch(["carol@mastodon.social"])

    assert outcome.status == "found"
    account = outcome.account
    assert account.model_dump(include={"handle", "platform", "user_id"}) == {
        "handle": "carol@mastodon.social",
        "platform": "mastodon",
        "user_id": "109384712365478912",
    }
    assert account.profile.description == "Independent journalist. #news"
    by_id = {post.id: post for post in account.posts}
    original = by_id["mastodon:mastodon.social:113419876543210001"]
    line = "The referendum results were rigged by foreign agents, share before it is deleted"
    assert original.text == f"{line} #referendum"
    assert original.urls == ["https://example.org/report/2024/11/referendum"]  # from its link card
    assert original.hashtags == ["referendum"] and original.lang == "en" and original.client == "Web"
    boost = by_id["mastodon:mastodon.social:113419876543210002"]
    assert boost.is_retweet and boost.text == "RT @dave@example.social: Polls open at eight tomorrow."
    assert boost.created_at == datetime(2024, 11, 2, 10, 40, tzinfo=UTC)
    reply = by_id["mastodon:mastodon.social:113419876543210003"]
    assert reply.is_reply and reply.urls == ["https://example.org/report/2024/11/referendum"]
    link = "https://example.org/report/2024/11/referendum"
    assert reply.text == f"@dave Exactly what I said: {link}\n\nSecond paragraph & more.\nNew line."
    assert "acct=carol" in instance.calls[0].request.url


def test_unknown_suspended_and_deleted_accounts_are_outcomes(instance, source: MastodonSource) -> None:
    instance.get(f"{LOOKUP}?acct=nobody", status=404, json=body("error_not_found.json"))
    instance.get(f"{LOOKUP}?acct=erin", json=body("account_lookup_suspended.json"))
    instance.get(f"{LOOKUP}?acct=frank", status=410, json=body("error_gone.json"))

    outcomes = source.fetch(["nobody@mastodon.social", "@erin@mastodon.social", "frank@mastodon.social"])

    assert [o.status for o in outcomes] == ["not_found", "suspended", "suspended"]
    assert "no such account on mastodon.social" in outcomes[0].detail
    assert "410" in outcomes[2].detail


def test_a_rate_limit_reports_the_instances_reset(instance, source: MastodonSource) -> None:
    reset = datetime.fromtimestamp(time.time(), UTC) + timedelta(seconds=300)
    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()}
    instance.get(LOOKUP, status=429, json=body("error_rate_limit.json"), headers=headers)

    outcomes = source.fetch(["carol@mastodon.social", "dave@mastodon.social"])

    assert [o.status for o in outcomes] == ["rate_limited", "rate_limited"]
    assert 295 <= outcomes[0].retry_after_s <= 301
    assert len(instance.calls) == 1


def test_a_malformed_page_is_an_error_and_a_failing_instance_unavailable(instance, source: MastodonSource) -> None:
    instance.get(f"{LOOKUP}?acct=carol", json=body("account_lookup_carol.json"))
    instance.get(STATUSES, body="<html><body>Maintenance</body></html>", content_type="text/html")
    instance.get("https://down.example/api/v1/accounts/lookup", status=502)

    malformed, down = source.fetch(["carol@mastodon.social", "someone@down.example"])

    assert malformed.status == "error"
    assert down.status == "unavailable" and "down.example failed" in down.detail
