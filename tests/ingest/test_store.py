"""The account store: renames, encodings, and what a refresh keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from detector.schema import Account, Post, Profile
from ingest.database import make_engine
from ingest.errors import MalformedFileError, UnknownHandleError, XApiUnavailableError
from ingest.formats import InputFormat, RowSource
from ingest.jsonl import read_account_rows
from ingest.records import AccountRow
from ingest.resolve import X_API_SOURCE, AccountResolver
from ingest.store import AccountStore, StoreLimits
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

    def fetch(self, handles, **_):
        return [FetchOutcome(h, "rate_limited", None, "rate limited", retry_after_s=900.0) for h in handles]


class _DownX:
    """An X source that gave up on every handle after its retries (5xx or timeouts)."""

    def fetch(self, handles, **_):
        detail = "X API failed for the users lookup of 1 handle(s) (HTTP 503 4 times); gave up after 4 attempt(s)"
        return [FetchOutcome(h, "unavailable", None, detail) for h in handles]


@pytest.mark.parametrize("x_source", [_FailingX(), _DownX()], ids=["rate-limited", "x-unavailable"])
def test_stale_account_is_still_scored_when_its_refetch_fails_for_a_passing_reason(store, x_source) -> None:
    old = datetime.now(UTC) - timedelta(days=3)
    store.put(_account("stale_one", "7", 6), source=X_API_SOURCE, fetched_at=old)
    [resolution] = AccountResolver(store, x_source, max_age_s=3600).resolve(["stale_one"])
    assert resolution.status == "stale" and len(resolution.account.posts) == 6


class _SuspendingX:
    """An X source that reports every account suspended, then (``back``) readable again."""

    back = False

    def fetch(self, handles, **_):
        if self.back:
            return [FetchOutcome(h, "found", _account(h, "7", 2)) for h in handles]
        return [FetchOutcome(h, "suspended", None, f"@{h} is suspended") for h in handles]


def test_a_suspended_account_keeps_its_posts_as_a_tombstone_dated_when_first_seen_so(store) -> None:
    old = datetime.now(UTC) - timedelta(days=3)
    store.put(_account("gone_quiet", "7", 6), source=X_API_SOURCE, fetched_at=old)
    x_source = _SuspendingX()
    resolver = AccountResolver(store, x_source, max_age_s=3600)

    [first] = resolver.resolve(["gone_quiet"], refresh=True)
    first_since = store.mark_status("gone_quiet", "suspended")
    [again] = resolver.resolve(["gone_quiet"], refresh=True)

    assert first.status == "suspended" and "its 6 stored posts and its scores are kept" in str(first.error)
    assert f"since {first_since:%Y-%m-%d}" in str(again.error)
    assert store.mark_status("gone_quiet", "suspended") == first_since, "the first sighting's date is kept"
    assert len(store.get("gone_quiet").account.posts) == 6, "nothing is removed"
    x_source.back = True
    [back] = resolver.resolve(["gone_quiet"], refresh=True)
    assert back.status == "found" and store.mark_status("gone_quiet", None) is None, "the tombstone is lifted"


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


# -- platforms and platform-neutral handles ----------------------------------------------------------------------


def _on(platform: str | None, handle: str, n_posts: int = 1) -> Account:
    """An account on ``platform`` whose post ids are its own (post ids are unique store-wide)."""
    account = _account(handle, f"id-{handle}", n_posts)
    posts = [post.model_copy(update={"id": f"{handle}-{post.id}"}) for post in account.posts]
    return account.model_copy(update={"platform": platform, "posts": posts})


def _jsonl(path, *accounts: Account):  # type: ignore[no-untyped-def]
    path.write_text("".join(a.model_dump_json(exclude_none=True) + "\n" for a in accounts), encoding="utf-8")
    return path


def test_platform_round_trips_from_jsonl_through_the_store_on_every_read_path(tmp_path, store) -> None:
    named = _on("reddit", "-Whiskey_Tango", 3)
    unnamed = _on(None, "Some.User_99", 2)
    path = _jsonl(tmp_path / "mixed.jsonl", named, unnamed)

    report = store.import_rows(read_account_rows(path), source="file:mixed.jsonl")

    assert report.handles == ["reddit:-Whiskey_Tango", "Some.User_99"], "each spelled so that it names its account"
    assert store.get("-whiskey_tango").account == named, "the whole account comes back, platform included"
    assert store.get("Some.User_99").account.platform is None, "a row that names no platform: unknown"
    assert [a.platform for a in store.iter_accounts(["@-Whiskey_Tango", "some.user_99"])] == ["reddit", None]
    assert [a.platform for a in AccountStore(store.engine, cache_size=4).iter_accounts(store.handles())] == [
        "reddit",
        None,
    ], "the cached read path gives it too"


def test_import_platform_goes_to_accounts_whose_rows_name_none_and_rows_that_name_one_win(tmp_path, store) -> None:
    path = _jsonl(
        tmp_path / "a.jsonl",
        _on(None, "foo-bar"),
        _on("bluesky", "on_bluesky"),
    )

    store.import_rows(read_account_rows(path), source="file:a.jsonl", platform="Reddit")

    assert store.get("foo-bar").account.platform == "reddit", "given, and lower-cased"
    assert store.get("on_bluesky").account.platform == "bluesky"


def test_an_import_without_a_platform_keeps_the_one_stored(store) -> None:
    store.put(_on("reddit", "foo-bar", 1), source="file:first")
    store.put(_on(None, "foo-bar", 3), source="file:again")
    assert store.get("foo-bar").account.platform == "reddit"
    assert len(store.get("foo-bar").account.posts) == 3


def test_import_refuses_an_unknown_platform_naming_the_known_ones(store) -> None:
    with pytest.raises(ValueError, match="unknown platform 'redit': use one of x, reddit, bluesky"):
        store.import_rows([], source="file", platform="redit")


def test_io_archive_accounts_are_on_x(tmp_path, store) -> None:
    path = tmp_path / "archive.csv"
    path.write_text("user_screen_name,tweetid,tweet_text,tweet_time\nalpha,1,hello,2020-01-02 10:00\n")
    store.import_rows(RowSource(path, InputFormat.IO_ARCHIVE), source="file:archive.csv")
    assert store.get("alpha").account.platform == "x"
    assert InputFormat.IO_ARCHIVE.platform == "x" and InputFormat.JSONL.platform is None


def test_a_store_made_before_platforms_were_kept_gets_the_column_and_reads_its_accounts_as_x(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:  # the accounts table as earlier versions created it
        conn.execute(
            text(
                "CREATE TABLE accounts (id INTEGER PRIMARY KEY, handle_key VARCHAR(255) NOT NULL UNIQUE, "
                "handle VARCHAR(255) NOT NULL, user_id VARCHAR(64), profile TEXT NOT NULL, source VARCHAR(512) NOT "
                "NULL, fetched_at DATETIME NOT NULL)"
            )
        )
        conn.execute(text("INSERT INTO accounts VALUES (1, 'old', 'old', NULL, '{}', 'file:x', '2024-01-01')"))

    store = AccountStore(engine)

    assert "platform" in {c["name"] for c in inspect(engine).get_columns("accounts")}
    assert store.get("old").account.platform == "x", "migration 0009: what was stored before platforms came from X"
    store.put(_on("telegram", "old"), source="file:y")
    reopened = AccountStore(make_engine(url))
    assert reopened.get("old").account.platform == "x", "a Telegram channel of the same name is another account"
    assert reopened.get("telegram:old").account.platform == "telegram"


class _RecordingX:
    """An X source that finds every handle it is asked for, and remembers which ones it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def fetch(self, handles, **_):
        self.asked += handles
        return [FetchOutcome(h, "found", _on("x", h)) for h in handles]


@pytest.mark.parametrize("x_source", [None, _RecordingX()], ids=["no-token", "with-token"])
def test_a_non_x_handle_missing_from_the_store_is_unknown_and_never_sent_to_x(store, x_source) -> None:
    [resolution] = AccountResolver(store, x_source, max_age_s=3600).resolve(["-Whiskey_Tango"])
    assert resolution.account is None and resolution.status == "not_local"
    assert isinstance(resolution.error, UnknownHandleError) and resolution.error.handle == "-Whiskey_Tango"
    assert str(resolution.error) == (
        "@-Whiskey_Tango is not in the local store; not a valid X handle (1-15 letters, digits or _), so it was not "
        "fetched from X"
    )
    assert x_source is None or x_source.asked == []


def test_a_stored_account_of_another_platform_is_never_refetched_from_x(store) -> None:
    x_source = _RecordingX()
    store.put(_on("reddit", "foo_bar", 2), source="file:reddit.jsonl")
    store.put(_on(None, "Some.User_99", 2), source="file:reddit.jsonl")
    store.put(_on(None, "x_user", 2), source="file:x.jsonl")

    resolutions = AccountResolver(store, x_source, max_age_s=3600).resolve(
        ["foo_bar", "Some.User_99", "x_user"], refresh=True
    )

    assert [r.status for r in resolutions] == ["cached", "cached", "found"]
    assert x_source.asked == ["x_user"], "X-shaped and of unknown platform: refreshed; the others are not X's"
    assert store.get("x_user").account.platform == "x", "an account fetched from X is on X"


def test_telegram_reach_and_reddit_karma_are_stored_with_the_account(store) -> None:
    channel = _on("telegram", "dailytruth", 2)
    channel = channel.model_copy(
        update={
            "posts": [p.model_copy(update={"views": 900 + i, "forwards": i}) for i, p in enumerate(channel.posts)],
            "profile": channel.profile.model_copy(update={"link_karma": -3, "comment_karma": 41}),
        }
    )
    store.put(channel, source="telegram")
    stored = store.get("telegram:dailytruth").account
    assert [(p.views, p.forwards) for p in stored.posts] == [(900, 0), (901, 1)]
    assert (stored.profile.link_karma, stored.profile.comment_karma) == (-3, 41)
