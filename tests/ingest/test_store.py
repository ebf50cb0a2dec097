"""The account store: renames, encodings, and what a refresh keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from detector.schema import Account, Post, Profile
from ingest.errors import XApiUnavailableError
from ingest.formats import InputFormat, RowSource
from ingest.resolve import X_API_SOURCE, AccountResolver
from ingest.store import AccountStore, make_engine
from ingest.x_api import FetchOutcome


@pytest.fixture
def store() -> AccountStore:
    return AccountStore(make_engine("sqlite://"))


def _account(handle: str, user_id: str, n_posts: int) -> Account:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    posts = [Post(id=f"p{i}", created_at=start + timedelta(hours=i), text=f"post {i}") for i in range(n_posts)]
    return Account(handle=handle, user_id=user_id, profile=Profile(), posts=posts)


def test_renamed_account_keeps_its_posts_under_the_new_handle(store) -> None:
    store.put(_account("old_name", "42", 20), source="x")
    store.put(_account("new_name", "42", 20), source="x")
    assert store.get("old_name") is None
    assert len(store.get("new_name").account.posts) == 20
    assert store.count() == (1, 20)


def test_archive_with_byte_order_mark_and_a_bad_byte_imports_the_rest(tmp_path, store) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbfuser_screen_name,tweetid,tweet_text,tweet_time\n"
        b"alpha,1,fine,2020-01-02 10:00\nalpha,2,bad \xff byte,2020-01-02 11:00\nalpha,3,fine too,2020-01-02 12:00\n"
    )
    report = store.import_rows(RowSource(path, InputFormat.IO_ARCHIVE), source="bom")
    assert [p.line for p in report.problems] == [3]
    assert [p.id for p in store.get("alpha").account.posts] == ["1", "3"]


class _FailingX:
    """An X source whose every fetch is rate limited."""

    def fetch(self, handles):
        return [FetchOutcome(h, "rate_limited", None, "rate limited", retry_after_s=900.0) for h in handles]


class _DownX:
    """An X source that gave up on every handle after its retries (5xx or timeouts)."""

    def fetch(self, handles):
        detail = "X API failed for the users lookup of 1 handle(s) (HTTP 503 4 times); gave up after 4 attempt(s)"
        return [FetchOutcome(h, "unavailable", None, detail) for h in handles]


@pytest.mark.parametrize("x_source", [_FailingX(), _DownX()], ids=["rate-limited", "x-unavailable"])
def test_stale_account_is_still_scored_when_its_refetch_fails_for_a_passing_reason(store, x_source) -> None:
    old = datetime.now(UTC) - timedelta(days=3)
    store.put(_account("stale_one", "7", 6), source=X_API_SOURCE, fetched_at=old)
    [resolution] = AccountResolver(store, x_source, max_age_s=3600).resolve(["stale_one"])
    assert resolution.status == "stale" and len(resolution.account.posts) == 6


def test_unstored_account_that_is_rate_limited_gets_a_retry_after(store) -> None:
    [resolution] = AccountResolver(store, _FailingX(), max_age_s=3600).resolve(["never_seen"])
    assert resolution.account is None and resolution.error.retry_after_s == 900.0


def test_unstored_account_when_x_is_unavailable_gets_an_unavailable_error_naming_the_attempts(store) -> None:
    [resolution] = AccountResolver(store, _DownX(), max_age_s=3600).resolve(["never_seen"])
    assert resolution.account is None and resolution.status == "unavailable"
    assert isinstance(resolution.error, XApiUnavailableError)
    assert "gave up after 4 attempt" in str(resolution.error)
