"""What the service takes as a handle: any platform's name, nothing that is no name on any platform."""

from __future__ import annotations

import pytest

from ingest.handles import handle_problem, normalize_handle


@pytest.mark.parametrize(
    ("raw", "handle"),
    [("some_user", "some_user"), ("@some_user", "some_user"), ("  @Mixed_Case ", "Mixed_Case"),
     ("-Whiskey_Tango", "-Whiskey_Tango"), ("foo-bar", "foo-bar"), ("Some.User_99", "Some.User_99"),
     ("name.bsky.social", "name.bsky.social"), ("user@mastodon.social", "user@mastodon.social"),
     ("sixteen_chars_xx", "sixteen_chars_xx"), ("x" * 64, "x" * 64)],
    ids=["x", "x-with-at", "padded", "reddit-leading-dash", "reddit-dash", "dots", "bluesky", "mastodon",
         "longer-than-x-allows", "64-chars"],
)  # fmt: skip
def test_a_handle_of_any_platform_is_kept_without_its_at(raw, handle) -> None:
    assert normalize_handle(raw) == handle and handle_problem(raw) is None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("", "it is empty"), ("@", "it is empty"), ("sp ace", "it contains whitespace"),
     ("new\nline", "it contains whitespace"), ("no\u00a0break", "it contains whitespace"),
     ("bell\x07", "it contains the control or invisible character U+0007"),
     ("zero\u200bwidth", "it contains the control or invisible character U+200B"),
     ("../etc", "it contains a slash"), ("a\\b", "it contains a slash"), ("..", "it is only dots"),
     ("x" * 65, "it has 65 characters, more than 64")],
    ids=["empty", "only-at", "space", "newline", "no-break-space", "control", "zero-width", "slash", "backslash",
         "dots", "too-long"],
)  # fmt: skip
def test_what_is_no_handle_on_any_platform_is_refused_saying_why(raw, problem) -> None:
    assert normalize_handle(raw) is None and handle_problem(raw) == problem
