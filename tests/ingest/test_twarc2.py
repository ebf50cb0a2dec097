"""Behaviour of the twarc2 reader on recorded-format X API v2 response pages (fixtures/twarc2)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest.records import AccountRow, RowProblem
from ingest.twarc2 import read_twarc2_rows

FIXTURES = Path(__file__).parent / "fixtures" / "twarc2"


def _rows_at(path: Path) -> tuple[list[AccountRow], list[RowProblem]]:
    items = list(read_twarc2_rows(path))
    return [i for i in items if isinstance(i, AccountRow)], [i for i in items if isinstance(i, RowProblem)]


def _rows(name: str) -> tuple[list[AccountRow], list[RowProblem]]:
    return _rows_at(FIXTURES / name)


def test_twarc2_pages_yield_one_row_per_data_tweet_with_author_handle_and_line():
    rows, problems = _rows("two_pages.jsonl")

    assert problems == []
    assert [(r.line, r.handle, r.user_id, r.post.id) for r in rows] == [
        (1, "harbour_watch", "1460000000000000003", "1790000000000000012"),
        (1, "echo4412", "1460000000000000004", "1790000000000000011"),
        (1, "StateNewsDesk", "1460000000000000001", "1790000000000000010"),
        (2, "echo4412", "1460000000000000004", "1790000000000000009"),
        (2, "StateNewsDesk", "1460000000000000001", "1790000000000000007"),
    ]


def test_twarc2_users_only_in_includes_get_no_row():
    rows, _ = _rows("two_pages.jsonl")

    # embassy_press is in includes.users (retweeted, quoted) on both pages but authored no tweet in `data`.
    assert "embassy_press" not in {r.handle for r in rows}


def test_twarc2_rows_carry_retweet_reply_quote_flags_from_referenced_tweets():
    rows, _ = _rows("two_pages.jsonl")
    flags = {r.post.id: (r.post.is_retweet, r.post.is_reply, r.post.is_quote) for r in rows}

    assert flags == {
        "1790000000000000012": (False, False, False),
        "1790000000000000011": (False, True, False),
        "1790000000000000010": (True, False, False),
        "1790000000000000009": (False, False, True),
        "1790000000000000007": (False, False, False),
    }


def test_twarc2_rows_map_profile_and_post_fields():
    rows, _ = _rows("two_pages.jsonl")
    retweet = next(r for r in rows if r.post.id == "1790000000000000010")

    assert retweet.profile.display_name == "State News Desk"
    assert retweet.profile.followers_count == 1873
    assert retweet.profile.statuses_count == 15230
    assert retweet.profile.default_profile_image is True
    assert retweet.profile.verified is False
    assert retweet.profile.created_at == datetime(2021, 11, 15, 8, 12, 45, tzinfo=UTC)
    assert retweet.post.created_at == datetime(2024, 5, 14, 9, 30, tzinfo=UTC)
    assert retweet.post.hashtags == ["FactsFirst"]
    assert retweet.post.urls == ["https://statemedia.example/world/2024/05/14/port-deal"]
    assert retweet.post.client == "Twitter for Android"
    assert retweet.post.text.startswith("RT @embassy_press: ")


def test_twarc2_absent_fields_are_missing_not_zero():
    rows, _ = _rows("two_pages.jsonl")
    reply = next(r for r in rows if r.post.id == "1790000000000000011")

    assert reply.post.client is None  # the tweet has no `source`
    assert reply.profile.location is None  # echo4412's user object has no `location`
    assert reply.profile.description == ""  # present but empty is a known value


def test_twarc2_malformed_line_becomes_problem_with_its_line_number_and_reading_continues():
    rows, problems = _rows("with_problems.jsonl")

    assert [(r.line, r.handle, r.post.id) for r in rows] == [
        (1, "harbour_watch", "1790000000000000012"),
        (3, "echo4412", "1790000000000000011"),
        (4, "StateNewsDesk", "1790000000000000007"),  # a `twarc2 flatten` line with its author inline
    ]
    assert [p.line for p in problems] == [2, 3, 3, 5, 8]
    assert all(not p.fatal for p in problems)
    reasons = dict(zip(["json", "orphan", "no_date", "errors", "array"], [p.reason for p in problems], strict=True))
    assert "not valid JSON" in reasons["json"]
    assert "1460000000000000077" in reasons["orphan"] and "includes.users" in reasons["orphan"]
    assert "1790000000000000021" in reasons["no_date"] and "created_at" in reasons["no_date"]
    assert "Could not find user" in reasons["errors"]
    assert reasons["array"] == "not a JSON object"


def test_twarc2_invalid_utf8_line_is_a_problem_and_later_lines_are_read(tmp_path: Path):
    pages = (FIXTURES / "two_pages.jsonl").read_bytes().splitlines(keepends=True)
    path = tmp_path / "mixed_encoding.jsonl"
    path.write_bytes(b'{"data": "caf\xe9"}\n' + pages[1])

    rows, problems = _rows_at(path)

    assert [(p.line, p.reason) for p in problems] == [(1, "not valid UTF-8")]
    assert {r.line for r in rows} == {2}
