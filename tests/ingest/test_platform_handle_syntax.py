"""Which platform a handle names, and the one spelling it is kept by (``ingest.platform_handles``)."""

from __future__ import annotations

import pytest

from ingest.handles import handle_refusal, normalize_handle
from ingest.platform_handles import parse_handle


@pytest.mark.parametrize(
    ("raw", "platform", "name", "canonical"),
    [
        ("some_user", "x", "some_user", "some_user"),
        ("@some_user", "x", "some_user", "some_user"),
        ("X:@some_user", "x", "some_user", "some_user"),
        ("bsky:alice.bsky.social", "bluesky", "alice.bsky.social", "alice.bsky.social"),
        ("bluesky:@alice.bsky.social", "bluesky", "alice.bsky.social", "alice.bsky.social"),
        ("alice.bsky.social", "bluesky", "alice.bsky.social", "alice.bsky.social"),
        ("@carol@mastodon.social", "mastodon", "carol@mastodon.social", "carol@mastodon.social"),
        ("mastodon:@carol@mastodon.social", "mastodon", "carol@mastodon.social", "carol@mastodon.social"),
        ("telegram:somechannel", "telegram", "somechannel", "telegram:somechannel"),
        ("t.me/somechannel", "telegram", "somechannel", "telegram:somechannel"),
        ("https://t.me/somechannel/", "telegram", "somechannel", "telegram:somechannel"),
        ("reddit:u/-Whiskey_Tango", "reddit", "-Whiskey_Tango", "reddit:-Whiskey_Tango"),
        ("reddit:/u/Some.User_99", "reddit", "Some.User_99", "reddit:Some.User_99"),
    ],
)
def test_a_handle_names_its_platform(raw: str, platform: str, name: str, canonical: str) -> None:
    parsed = parse_handle(raw)
    assert (parsed.platform, parsed.name, parsed.canonical) == (platform, name, canonical)
    assert parsed.explicit == (":" in raw or "t.me/" in raw)
    assert normalize_handle(raw) == canonical
    assert parse_handle(canonical).platform == platform  # the canonical spelling keeps the platform


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("mastodon:carol", "a Mastodon handle names its instance: user@instance.social"),
        ("bsky:alice", "a Bluesky handle is a domain name such as alice.bsky.social"),
        ("t.me/", "it is empty"),
        ("x:", "it is empty"),
        ("reddit:u/a/b", "it contains a slash"),
    ],
)
def test_a_name_its_platform_cannot_have_is_refused_with_why(raw: str, why: str) -> None:
    assert handle_refusal(raw) == f"{raw!r} is not a handle: {why}"
