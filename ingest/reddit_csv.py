"""Read a Reddit posts CSV (submissions and comments), one post per row.

Columns: ``handle, created, text`` are required; ``post_type`` (``submission`` or ``comment``), ``subreddit``,
``title``, ``domain``, ``id`` and ``parent_id`` are used when present. A submission's text is its title and body;
a submission that links elsewhere (``domain`` not ``self.<subreddit>``) carries the link. Reddit shows no follower
counts or creation dates in this layout: the profile stays unknown, never zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from detector.schema import Post, Profile
from ingest.io_archive import _parse_time
from ingest.ira_csv import csv_records
from ingest.records import AccountRow, RowProblem

__all__ = ["REQUIRED_COLUMNS", "read_reddit_rows"]

REQUIRED_COLUMNS = ("handle", "created", "text")


def read_reddit_rows(path: Path) -> Iterator[AccountRow | RowProblem]:
    """Yield one ``AccountRow`` per post; rows that cannot be read become ``RowProblem``s with their line."""
    for item in csv_records(path, REQUIRED_COLUMNS):
        if isinstance(item, RowProblem):
            yield item
            continue
        line, number, record = item
        handle = record["handle"].strip()
        title = (record.get("title") or "").strip()
        body = (record.get("text") or "").strip()
        domain = (record.get("domain") or "").strip()
        links = [f"https://{domain}"] if domain and not domain.startswith("self.") else []
        try:
            post = Post(
                id=(record.get("id") or "").strip() or f"{handle}:{number}",
                created_at=_parse_time(record.get("created") or ""),
                text="\n".join(part for part in (title, body) if part),
                is_reply=(record.get("post_type") or "").strip().lower() == "comment",
                urls=links,
            )
        except (ValueError, OverflowError, ValidationError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            yield RowProblem(line, f"unreadable value: {reason}")
            continue
        yield AccountRow(line=line, handle=handle, user_id=None, profile=Profile(), post=post, platform="reddit")
