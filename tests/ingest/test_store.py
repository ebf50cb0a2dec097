"""The account store: renames, encodings, and what a refresh keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from detector.schema import Account, Post, Profile
from ingest.errors import MalformedFileError, XApiUnavailableError
from ingest.formats import InputFormat, RowSource
from ingest.records import AccountRow
from ingest.resolve import X_API_SOURCE, AccountResolver
from ingest.store import AccountStore, StoreLimits, make_engine
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


def test_a_post_longer_than_the_limit_is_a_skipped_row_and_fatal_when_strict() -> None:
    store = AccountStore(make_engine("sqlite://"), limits=StoreLimits(max_post_chars=20))
    account = _account("alpha", "7", 3)
    long_post = account.posts[1].model_copy(update={"text": "x" * 21})
    rows = [AccountRow(line=i + 1, handle="alpha", user_id="7", profile=None, post=p) for i, p in
            enumerate([account.posts[0], long_post, account.posts[2]])]  # fmt: skip

    with pytest.raises(MalformedFileError, match="21 characters, over the limit of 20"):
        store.import_rows(rows, source="file", strict=True)
    assert store.count() == (0, 0)  # nothing of a refused import is written

    report = store.import_rows(rows, source="file")
    assert [(p.line, p.reason) for p in report.problems] == [
        (2, "post p1 has 21 characters, over the limit of 20 per post")
    ]
    assert [p.id for p in store.get("alpha").account.posts] == ["p0", "p2"]


def test_reading_an_account_gives_its_newest_posts_up_to_the_limit_and_keeps_them_all() -> None:
    store = AccountStore(make_engine("sqlite://"), limits=StoreLimits(max_posts_per_account=5))
    many = _account("prolific", "8", 12)
    shuffled = many.model_copy(update={"posts": many.posts[::-1]})  # the order of arrival does not matter

    report = store.import_rows(
        [AccountRow(line=0, handle="prolific", user_id="8", profile=None, post=p) for p in shuffled.posts], source="f"
    )

    assert [p.id for p in store.get("prolific").account.posts] == ["p7", "p8", "p9", "p10", "p11"]  # oldest first
    assert store.count() == (1, 12)
    assert report.notices == [
        "1 account(s) hold more than 5 posts: @prolific (12); scoring and training read the newest 5 of each (all "
        "are kept)"
    ]
    assert len(AccountStore(store.engine).get("prolific").account.posts) == 12  # unbounded without limits


@pytest.mark.parametrize("limit", [None, 3])
def test_reading_many_accounts_at_once_gives_what_reading_each_gives(limit: int | None) -> None:
    store = AccountStore(make_engine("sqlite://"), limits=StoreLimits(max_posts_per_account=limit))
    tied = _account("tied", "3", 4)  # every post at the same time: the post id decides which are newest
    same_time = [p.model_copy(update={"id": f"t{p.id}", "created_at": tied.posts[0].created_at}) for p in tied.posts]
    tied = tied.model_copy(update={"posts": same_time})
    for account in (_account("alpha", "1", 5), _account("beta", "2", 0), tied):  # post ids are unique store-wide
        store.put(account, source="x")
    wanted = ["Beta", "@alpha", "unknown", "tied", "alpha"]

    batched = list(store.iter_accounts(wanted, batch=2))

    one_by_one = [store.get(h).account for h in wanted if store.get(h) is not None]
    assert [a.handle for a in batched] == ["beta", "alpha", "tied", "alpha"]
    assert batched == one_by_one
    assert [len(a.posts) for a in batched] == ([0, 5, 4, 5] if limit is None else [0, 3, 3, 3])
    assert [p.id for p in batched[2].posts] == ["tp0", "tp1", "tp2", "tp3"][-(limit or 4) :]
