"""Information Operations archive CSVs: optional columns, malformed rows, atomic imports, real releases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.database import make_engine
from ingest.errors import MalformedFileError
from ingest.formats import InputFormat, RowSource
from ingest.io_archive import IoArchiveReader
from ingest.records import AccountRow, RowProblem
from ingest.store import AccountStore

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "io_state_trolls"

MINIMAL = (
    "user_screen_name,tweetid,tweet_text,tweet_time\nalpha,1,first,2020-01-02 10:00\nalpha,2,second,2020-01-03 11:00\n"
)
FULL_HEADER = (
    "tweetid,userid,user_screen_name,user_profile_description,follower_count,following_count,"
    "account_creation_date,tweet_language,tweet_text,tweet_time,is_retweet,hashtags,urls\n"
)


@pytest.fixture
def store() -> AccountStore:
    return AccountStore(make_engine("sqlite://"))


def _csv(tmp_path: Path, text: str, name: str = "archive.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_columns_import_with_missing_profile_fields_left_missing(tmp_path, store) -> None:
    source = RowSource(_csv(tmp_path, MINIMAL), InputFormat.IO_ARCHIVE)
    report = store.import_rows(source, source="t")
    assert report.n_posts_added == 2 and report.handles == ["alpha"]
    account = store.get("alpha").account
    assert [p.text for p in account.posts] == ["first", "second"]
    assert account.profile.followers_count is None and account.profile.created_at is None
    [notice] = source.notices
    assert "follower_count" in notice and "user_profile_description" in notice


def test_full_row_maps_every_column(tmp_path) -> None:
    line = '9,77,beta,bio here,10,20,2019-05-01,ru,RT @x: hello #tag,2020-02-02 02:02,true,"[tag]","[http://e.org/a]"\n'
    [row] = list(IoArchiveReader(_csv(tmp_path, FULL_HEADER + line)))
    assert isinstance(row, AccountRow)
    assert (row.handle, row.user_id) == ("beta", "77")
    assert row.profile.followers_count == 10 and row.profile.description == "bio here"
    assert row.post.is_retweet and row.post.lang == "ru"
    assert row.post.hashtags == ["tag"] and row.post.urls == ["http://e.org/a"]


def test_malformed_rows_are_reported_with_their_line_and_skipped(tmp_path, store) -> None:
    text = MINIMAL + "alpha,3,wrong,count,of,columns\nbeta,4,bad date,yesterday\nbeta,2,duplicate id,2020-01-05 10:00\n"
    report = store.import_rows(RowSource(_csv(tmp_path, text), InputFormat.IO_ARCHIVE), source="t")
    problems = {p.line: p.reason for p in report.problems}
    assert set(problems) == {4, 5, 6}
    assert "columns" in problems[4] and "yesterday" in problems[5] and "duplicate post id 2" in problems[6]
    assert report.n_posts_added == 2


def test_strict_import_stops_at_the_first_malformed_row_and_writes_nothing(tmp_path, store) -> None:
    path = _csv(tmp_path, MINIMAL + "alpha,3,wrong,count\n")
    with pytest.raises(MalformedFileError) as caught:
        store.import_rows(RowSource(path, InputFormat.IO_ARCHIVE), source="t", strict=True, path=path)
    assert caught.value.line == 4 and caught.value.path == path
    assert store.count() == (0, 0)


def test_missing_required_column_is_fatal_even_without_strict(tmp_path, store) -> None:
    path = _csv(tmp_path, "user_screen_name,tweet_text\nalpha,hello\n")
    with pytest.raises(MalformedFileError, match="tweetid"):
        store.import_rows(RowSource(path, InputFormat.IO_ARCHIVE), source="t", path=path)
    assert store.count() == (0, 0)


def test_posts_of_one_account_merge_across_files_and_reimport_adds_nothing(tmp_path, store) -> None:
    first = _csv(tmp_path, MINIMAL, "a.csv")
    second = _csv(tmp_path, "user_screen_name,tweetid,tweet_text,tweet_time\nalpha,3,third,2020-01-04 10:00\n", "b.csv")
    for path in (first, second, first):
        store.import_rows(RowSource(path, InputFormat.IO_ARCHIVE), source=path.name)
    assert [p.id for p in store.get("ALPHA").account.posts] == ["1", "2", "3"]
    assert store.count() == (1, 3)


def test_classic_api_timestamps_are_read(tmp_path) -> None:
    text = "user_screen_name,tweetid,tweet_text,tweet_time\nalpha,1,x,Tue Oct 07 19:55:59 +0000 2014\n"
    [row] = list(IoArchiveReader(_csv(tmp_path, text)))
    assert not isinstance(row, RowProblem) and row.post.created_at.year == 2014


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not beside this checkout")
@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.csv")) if REAL.is_dir() else [])
def test_every_real_archive_file_imports_and_scores(name, store, trained_registry) -> None:
    from detector.registry import ModelRegistry
    from detector.scoring import score_accounts

    report = store.import_rows(RowSource(REAL / name, InputFormat.IO_ARCHIVE), source=name)
    assert report.n_rows > 0 and report.handles
    loaded = ModelRegistry(trained_registry).load()
    results = score_accounts(loaded.model, list(store.iter_accounts(report.handles)), model_version=loaded.version)
    assert len(results) == len(report.handles)
    if name == "vz_unseen.csv":
        assert report.n_problems >= 1 and all(p.line > 1 for p in report.problems)
