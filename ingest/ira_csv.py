"""Read the per-author layout of the Internet Research Agency tweets (FiveThirtyEight / Clemson), one post per row.

Columns: ``handle, account_category, tweet_time, language, post_type, followers, following, tweet_text``
(``post_type``: ``R`` retweet, ``Q`` quote, blank otherwise). The file may be gzip-compressed (``.gz``). Follower and
following counts are the row's own (they change over an account's life): the latest row's counts are the profile's.
Nothing here says when an account was created, so that stays unknown.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from detector.schema import Post, Profile
from ingest.io_archive import _count, _is_valid_utf8, _parse_time
from ingest.records import AccountRow, RowProblem

__all__ = ["REQUIRED_COLUMNS", "csv_records", "open_text", "read_ira_rows"]

REQUIRED_COLUMNS = ("handle", "tweet_time", "tweet_text")
# Clemson's language names, as BCP 47 codes where the mapping is plain; others stay unknown.
_LANGUAGES = {"English": "en", "Russian": "ru", "German": "de", "Ukrainian": "uk", "Italian": "it", "Spanish": "es"}


def open_text(path: Path) -> TextIO:
    """The file as UTF-8 text, through gzip when its name ends in ``.gz``."""
    if Path(path).suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="surrogateescape", newline="")
    return Path(path).open(encoding="utf-8-sig", errors="surrogateescape", newline="")


def csv_records(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, int, dict[str, str]] | RowProblem]:
    """Each record of a CSV file with a header as ``(line, number, record)`` (lower-cased column names), with a
    handle and the header's width; a fatal ``RowProblem`` when a ``required`` column is missing."""
    with open_text(path) as f:
        reader = csv.DictReader(f)
        fields = [name.strip().lower() for name in reader.fieldnames or ()]
        reader.fieldnames = fields
        missing = [c for c in required if c not in fields]
        if missing:
            yield RowProblem(1, f"missing required column(s): {', '.join(missing)}", fatal=True)
            return
        for number, record in enumerate(reader, start=1):
            if not (record.get("handle") or "").strip() or None in record:
                yield RowProblem(reader.line_num, "empty handle or wrong number of columns")
                continue
            if not _is_valid_utf8([v for v in record.values() if v]):  # a bad byte kept by surrogateescape
                yield RowProblem(reader.line_num, "not valid UTF-8")
                continue
            yield reader.line_num, number, record


def read_ira_rows(path: Path) -> Iterator[AccountRow | RowProblem]:
    """Yield one ``AccountRow`` per post; rows that cannot be read become ``RowProblem``s with their line."""
    for item in csv_records(path, REQUIRED_COLUMNS):
        if isinstance(item, RowProblem):
            yield item
            continue
        line, number, record = item
        handle = record["handle"].strip()
        try:
            kind = (record.get("post_type") or "").strip().upper()
            profile = Profile(
                followers_count=_count(record.get("followers")),
                following_count=_count(record.get("following")),
            )
            post = Post(
                id=f"{handle}:{number}",  # the layout carries no tweet id: the row's place in the file stands in
                created_at=_parse_time(record.get("tweet_time") or ""),
                text=record.get("tweet_text") or "",
                lang=_LANGUAGES.get((record.get("language") or "").strip()),
                is_retweet=kind == "R",
                is_quote=kind == "Q",
            )
        except (ValueError, OverflowError, ValidationError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            yield RowProblem(line, f"unreadable value: {reason}")
            continue
        yield AccountRow(line=line, handle=handle, user_id=None, profile=profile, post=post, platform="x")
