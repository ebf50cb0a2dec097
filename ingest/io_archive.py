"""Read X's Information Operations archive releases (users + tweets CSV layout) as a stream of rows.

Only an account key (``user_screen_name`` or ``userid``), ``tweetid`` and ``tweet_text`` are required. Every other
column is optional: when it is absent the reader says so once (``missing_columns``) and the field stays ``None``, so
features that need it see "missing", not zero. Rows that cannot be read (wrong column count, unparseable date,
empty id) become ``RowProblem``s with their line number; the rest of the file is read.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from detector.schema import Post, Profile
from ingest.records import AccountRow, RowProblem

__all__ = ["OPTIONAL_COLUMNS", "PLATFORM", "IoArchiveReader"]

# Archive fields can be long (bios, tweet text with many URLs); the csv module's default limit is 128 KiB.
_FIELD_SIZE_LIMIT = min(sys.maxsize, 2**31 - 1)

OPTIONAL_COLUMNS = (
    "userid",
    "user_screen_name",
    "user_display_name",
    "user_profile_description",
    "user_reported_location",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
    "tweet_language",
    "tweet_client_name",
    "is_retweet",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "hashtags",
    "urls",
)
_REQUIRED = ("tweetid", "tweet_text", "tweet_time")
PLATFORM = "x"  # these are X's own releases: every account in them is on X
# Archive releases use ISO-like times ("2019-05-01 10:00"); accounts re-collected through the v1.1 API carry its
# "Tue Oct 07 19:55:59 +0000 2014". fromisoformat is C-fast and covers the first; strptime only runs for the second.
_CLASSIC_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_TRUE = {"true", "1", "t", "yes"}


def _parse_time(value: str) -> datetime:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.strptime(value, _CLASSIC_FORMAT)
        except ValueError:
            raise ValueError(f"unparseable time {value!r}") from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# The profile's creation date repeats on every row of an account: parse each distinct value once.
_parse_account_time = lru_cache(maxsize=65_536)(_parse_time)


def _list_field(value: str | None) -> list[str]:
    """Archive list columns look like ``[a, b]`` or ``['a', 'b']``; empty means none."""
    if not value:
        return []
    inner = value.strip().removeprefix("[").removesuffix("]")
    return [item.strip().strip("'\"") for item in inner.split(",") if item.strip().strip("'\"")]


def _count(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(float(value))
    except OverflowError:
        raise ValueError(f"count out of range: {value!r}") from None


def _is_valid_utf8(values: list[str]) -> bool:
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class IoArchiveReader:
    """Iterate an archive CSV as ``AccountRow`` and ``RowProblem`` items, with bounded memory."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.missing_columns: list[str] = []

    def __iter__(self) -> Iterator[AccountRow | RowProblem]:
        if csv.field_size_limit() < _FIELD_SIZE_LIMIT:
            csv.field_size_limit(_FIELD_SIZE_LIMIT)
        # utf-8-sig drops a byte-order mark (spreadsheets write one); surrogateescape keeps a bad byte from
        # stopping the file, and the row that holds it is reported below.
        with self.path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            reader = csv.reader(f)
            try:
                header = [name.strip().lower() for name in next(reader)]
            except StopIteration:
                yield RowProblem(1, "empty file: no header row", fatal=True)
                return
            columns = {name: i for i, name in enumerate(header) if name}
            missing_required = [c for c in _REQUIRED if c not in columns]
            if not ({"user_screen_name", "userid"} & set(columns)):
                missing_required.append("user_screen_name or userid")
            if missing_required:
                yield RowProblem(1, f"missing required column(s): {', '.join(missing_required)}", fatal=True)
                return
            self.missing_columns = [c for c in OPTIONAL_COLUMNS if c not in columns]
            width = len(header)
            while True:
                line = reader.line_num + 1  # where this record starts, even if a stray quote makes it span lines
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield RowProblem(line, f"unreadable CSV: {exc}")
                    continue
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue
                if len(values) != width:
                    yield RowProblem(line, f"expected {width} columns, found {len(values)}")
                    continue
                if not _is_valid_utf8(values):
                    yield RowProblem(line, "not valid UTF-8")
                    continue
                yield self._row(line, values, columns)

    def _row(self, line: int, values: list[str], columns: dict[str, int]) -> AccountRow | RowProblem:
        def get(name: str) -> str | None:
            index = columns.get(name)
            if index is None:
                return None
            value = values[index]
            return value if value.strip() else None

        handle = get("user_screen_name") or get("userid")
        tweet_id = get("tweetid")
        text = get("tweet_text")
        if not handle or not tweet_id:
            return RowProblem(line, "empty account key or tweetid")
        try:
            created = get("tweet_time")
            created_at = _parse_time(created) if created else None
            account_created = get("account_creation_date")
            profile = Profile(
                display_name=get("user_display_name"),
                # An empty bio is a known "no bio", not a missing column.
                description=values[columns["user_profile_description"]].strip()
                if "user_profile_description" in columns
                else None,
                location=get("user_reported_location"),
                followers_count=_count(get("follower_count")),
                following_count=_count(get("following_count")),
                created_at=_parse_account_time(account_created) if account_created else None,
            )
            if created_at is None:
                return RowProblem(line, "empty tweet_time: a post needs a time")
            is_retweet = (get("is_retweet") or "").lower() in _TRUE or (text or "").startswith("RT @")
            post = Post(
                id=tweet_id.strip(),
                created_at=created_at,
                text=text or "",
                lang=get("tweet_language"),
                is_retweet=is_retweet,
                is_reply=get("in_reply_to_tweetid") is not None,
                is_quote=get("quoted_tweet_tweetid") is not None,
                hashtags=_list_field(get("hashtags")),
                urls=_list_field(get("urls")),
                client=get("tweet_client_name"),
            )
        except (ValueError, OverflowError, ValidationError) as exc:
            # OverflowError: a time that leaves datetime's range when converted to UTC (year 1 or 9999).
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            return RowProblem(line, f"unreadable value: {reason}")
        return AccountRow(
            line=line, handle=handle.strip(), user_id=get("userid"), profile=profile, post=post, platform=PLATFORM
        )
