"""The account format: JSONL round trip, JSON Schema, and missing-not-zero semantics."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from detector.schema import Account, account_json_schema
from ingest.errors import MalformedFileError, UnknownHandleError
from ingest.jsonl import JsonlAccountSource, read_accounts, write_accounts

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "detector" / "account.schema.json"


def test_account_round_trips_through_jsonl_unchanged(tmp_path, account_factory) -> None:
    accounts = [
        account_factory("alpha_1", ["first post #tag", "第二条 微博"], followers_count=3),
        account_factory("beta", [], description=None, verified=None),
    ]
    path = tmp_path / "accounts.jsonl"
    assert write_accounts(path, accounts) == 2
    assert list(read_accounts(path)) == accounts


def test_committed_json_schema_matches_the_model() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == account_json_schema()


def test_written_lines_validate_against_the_json_schema(tmp_path, account_factory) -> None:
    path = tmp_path / "a.jsonl"
    write_accounts(path, [account_factory("gamma", ["hello"])])
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), account_json_schema())


def test_missing_profile_fields_stay_missing_not_zero() -> None:
    account = Account.model_validate({"handle": "@someone", "posts": []})
    assert account.handle == "someone"
    assert account.profile.followers_count is None
    assert account.profile.verified is None


def test_naive_timestamps_are_read_as_utc() -> None:
    account = Account.model_validate(
        {"handle": "x", "posts": [{"id": "1", "created_at": "2023-02-18T10:00:00", "text": "t"}]}
    )
    assert account.posts[0].created_at.utcoffset().total_seconds() == 0


def test_read_accounts_names_the_line_of_a_malformed_record(tmp_path, account_factory) -> None:
    path = tmp_path / "bad.jsonl"
    write_accounts(path, [account_factory("ok_one", ["x"])])
    with path.open("a", encoding="utf-8") as f:
        f.write('{"handle": "broken", "posts": [{"id": "1", "text": "no date"}]}\n')
    with pytest.raises(MalformedFileError) as caught:
        list(read_accounts(path))
    assert caught.value.line == 2
    assert "created_at" in str(caught.value)


def test_source_finds_handles_case_insensitively_and_rejects_unknown(tmp_path, account_factory) -> None:
    path = tmp_path / "a.jsonl"
    write_accounts(path, [account_factory("MixedCase", ["x"]), account_factory("other", ["y"])])
    source = JsonlAccountSource(path)
    assert source.get("@mixedcase").handle == "MixedCase"
    with pytest.raises(UnknownHandleError) as caught:
        source.get("nobody_here")
    assert caught.value.handle == "nobody_here"


@pytest.mark.parametrize(("given", "kept"), [("x", "x"), ("Reddit", "reddit"), (" BLUESKY ", "bluesky"), (None, None)])
def test_account_platform_is_kept_lower_cased_and_none_means_unknown(given, kept) -> None:
    assert Account(handle="someone", platform=given).platform == kept


@pytest.mark.parametrize("typo", ["redit", "twitter", ""])
def test_account_refuses_an_unknown_platform_naming_the_known_ones(typo) -> None:
    known = "use one of x, reddit, bluesky, mastodon, telegram"
    with pytest.raises(ValueError, match=f"unknown platform '{typo}': {known}"):
        Account(handle="someone", platform=typo)


def test_platform_round_trips_through_jsonl_and_an_unknown_one_is_a_malformed_line(tmp_path, account_factory) -> None:
    path = tmp_path / "a.jsonl"
    write_accounts(path, [account_factory("-Whiskey_Tango", ["x"]).model_copy(update={"platform": "reddit"})])
    assert [a.platform for a in read_accounts(path)] == ["reddit"]
    path.write_text('{"handle": "foo-bar", "platform": "redit"}\n', encoding="utf-8")
    with pytest.raises(MalformedFileError, match="platform: Value error, unknown platform 'redit'"):
        list(read_accounts(path))
