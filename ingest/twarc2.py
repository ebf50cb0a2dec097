"""Read twarc2 output files as a stream of ``AccountRow``s.

twarc2 (DocNow/twarc) writes one raw X API v2 response page per line::

    {"data": [tweet, ...], "includes": {"users": [...], "tweets": [...]}, "meta": {...}, "__twarc": {...}}

and ``twarc2 flatten`` writes one tweet per line with its author inlined under ``author``. Both are read here.
Each tweet in ``data`` becomes one row carrying its author's profile (from ``includes.users``) and the post.
Users who only appear in ``includes`` (mentioned, retweeted, quoted) produce no row: their own posts are not in
the file, so scoring them from it would be scoring the wrong evidence.

Lines are read one at a time (memory is bounded by the longest line). A line or tweet that cannot be read
becomes a ``RowProblem`` with its 1-based line number and reading continues.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ingest.records import AccountRow, RowProblem
from ingest.x_v2 import PLATFORM, tweet_to_post, user_handle, user_to_profile

__all__ = ["read_twarc2_rows"]

# JSON may spell a UTF-16 surrogate as an escape; ``json`` then decodes a lone one into a str no database can store.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _row(line: int, tweet: Mapping[str, Any], author: Mapping[str, Any]) -> AccountRow | RowProblem:
    user_id = tweet.get("author_id") or author.get("id")
    try:
        return AccountRow(
            line=line,
            handle=user_handle(author),
            user_id=str(user_id) if user_id else None,
            profile=user_to_profile(author),
            post=tweet_to_post(tweet),
            platform=PLATFORM,  # twarc2 collects from the X API
        )
    except ValueError as exc:
        return RowProblem(line, str(exc))


def _page_rows(line: int, page: Mapping[str, Any]) -> Iterator[AccountRow | RowProblem]:
    data = page["data"]
    tweets = [data] if isinstance(data, Mapping) else data
    if not isinstance(tweets, list):
        yield RowProblem(line, "'data' is neither a tweet nor a list of tweets")
        return
    includes = page.get("includes")
    users = includes.get("users") if isinstance(includes, Mapping) else None
    authors = {str(u.get("id")): u for u in users if isinstance(u, Mapping)} if isinstance(users, list) else {}
    for tweet in tweets:
        if not isinstance(tweet, Mapping):
            yield RowProblem(line, "a 'data' item is not a tweet object")
            continue
        author = authors.get(str(tweet.get("author_id")))
        if author is None:
            tweet_id = tweet.get("id", "?")
            yield RowProblem(line, f"tweet {tweet_id}: author {tweet.get('author_id')!r} is not in includes.users")
            continue
        yield _row(line, tweet, author)


def _is_flattened_tweet(obj: Mapping[str, Any]) -> bool:
    return "data" not in obj and "id" in obj and isinstance(obj.get("author"), Mapping)


def _is_empty_page(obj: Mapping[str, Any]) -> bool:
    # A search or timeline with no results is a page with meta.result_count == 0 and no 'data': nothing to read.
    meta = obj.get("meta")
    return "data" not in obj and isinstance(meta, Mapping) and meta.get("result_count") == 0


def read_twarc2_rows(path: Path) -> Iterator[AccountRow | RowProblem]:
    """Yield one ``AccountRow`` per tweet in a twarc2 JSONL file, in file order, and a ``RowProblem`` per bad line.

    ``handle`` is the author's username, ``user_id`` the author's id. Problems (invalid JSON or UTF-8, JSON nested
    too deeply, a lone surrogate escape, a line without ``data``, a tweet whose author is not in ``includes.users``,
    a tweet without id/text/created_at) are never fatal. Blank lines and empty result pages are skipped silently.
    """
    with Path(path).open("rb") as raw_lines:
        for lineno, raw in enumerate(raw_lines, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield RowProblem(lineno, "not valid UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield RowProblem(lineno, f"not valid JSON: {exc.msg} at column {exc.colno}")
                continue
            except ValueError as exc:  # e.g. an integer longer than Python converts (sys.get_int_max_str_digits)
                yield RowProblem(lineno, f"not readable JSON: {exc}")
                continue
            except RecursionError:
                yield RowProblem(lineno, "not readable JSON: nested too deeply")
                continue
            if _ESCAPED_SURROGATE.search(raw) and _has_lone_surrogate(obj):
                yield RowProblem(lineno, "not valid Unicode: a string holds a lone UTF-16 surrogate escape")
                continue
            if not isinstance(obj, Mapping):
                yield RowProblem(lineno, "not a JSON object")
            elif "data" in obj:
                yield from _page_rows(lineno, obj)
            elif _is_flattened_tweet(obj):
                yield _row(lineno, obj, obj["author"])
            elif not _is_empty_page(obj):
                errors = obj.get("errors")
                suffix = (
                    f" (X reported: {errors[0].get('detail') or errors[0].get('title')})" if _has_errors(errors) else ""
                )
                yield RowProblem(lineno, f"no 'data': not an X API v2 response page or flattened tweet{suffix}")


def _has_lone_surrogate(obj: object) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _has_errors(errors: object) -> bool:
    return isinstance(errors, list) and bool(errors) and isinstance(errors[0], Mapping)
