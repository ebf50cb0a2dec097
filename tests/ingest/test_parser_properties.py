"""Properties of the file readers and the store import, checked on generated files.

Whatever bytes a file holds, reading it yields only rows and row problems, and importing it raises nothing but
``MalformedFileError`` (with ``--strict``, or for a fatal problem). An import that fails leaves the store exactly as it
was. Examples are generated deterministically (``derandomize``, no example database), so every run checks the same
cases and a failure reproduces.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from detector.schema import Account, Post, Profile
from ingest.database import make_engine
from ingest.errors import MalformedFileError, UnknownHandleError
from ingest.formats import InputFormat, RowSource
from ingest.jsonl import JsonlAccountSource, read_accounts
from ingest.records import AccountRow, RowProblem
from ingest.store import AccountStore

PROPERTIES = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORMATS = list(InputFormat)
CSV_FORMATS = (InputFormat.IO_ARCHIVE, InputFormat.IRA_CSV, InputFormat.REDDIT_CSV)  # line 1 is the header
ARCHIVE_HEADER = ["userid", "user_screen_name", "tweetid", "tweet_text", "tweet_time", "follower_count"]

# -- strategies ----------------------------------------------------------------------------------------------------

# Values that have broken parsers before: out-of-range dates and counts, NaN, huge numbers, lone surrogates.
NASTY_STRINGS = [
    "",
    " ",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "2024-05-14T08:00:00Z",
    "2020-01-02 10:00",
    "Tue Oct 07 19:55:59 +0000 2014",
    "1e999",
    "-1e999",
    "nan",
    "-5",
    "9" * 5000,
    "[a, 'b', \"c\"]",
    "RT @someone: hello",
    "\ud800",
    "\x00",
]
# Whole lines that have broken JSON readers before: nesting deeper than the recursion limit, an integer too long to
# convert, non-finite numbers, and a string escape that decodes to a lone surrogate.
NASTY_JSON_LINES = [
    b"[" * 100_000,
    b'{"handle": "a", "user_id": ' + b"1" * 5000 + b"}",
    b'{"data": [{"id": ' + b"1" * 5000 + b', "text": "x", "created_at": "2024-05-14T08:00:00Z"}]}',
    b'{"handle": "a", "profile": {"followers_count": Infinity}}',
    b'{"handle": "a\\ud800"}',
    b'{"handle": "a", "posts": [{"id": "1", "text": "\\udc80", "created_at": "2024-05-14T08:00:00Z"}]}',
    b'{"handle": "a", "profile": {"created_at": "0001-01-01T00:00:00+05:00"}}',
    b"NaN",
    b'{"data": [{"id": "9", "text": "\\udc80", "created_at": "2024-05-14T08:00:00Z", "author_id": "1"}],'
    b' "includes": {"users": [{"id": "1", "username": "a"}]}}',
    b'{"data": [{"id": "9", "text": "x", "created_at": "2024-05-14T08:00:00Z", "author_id": "1"}],'
    b' "includes": {"users": 5}}',
    b'{"id": "9", "text": "x", "created_at": "0001-01-01T00:00:00+05:00", "author": {"id": "1", "username": "a"}}',
]

text_without_surrogates = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
handles = st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True)
post_times = st.datetimes(min_value=datetime(2006, 3, 21), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | text_without_surrogates
    | st.sampled_from(NASTY_STRINGS)
)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
)


def shaped(keys: list[str]) -> st.SearchStrategy[dict]:
    """Objects with the keys a reader looks for, holding values of any JSON type (or the right type, sometimes)."""
    return st.dictionaries(st.sampled_from(keys), json_values | st.sampled_from(["1", "2"]), max_size=len(keys))


TWEET_KEYS = ["id", "text", "created_at", "author_id", "lang", "referenced_tweets", "entities", "source", "note_tweet"]
USER_KEYS = ["id", "username", "name", "created_at", "public_metrics", "verified", "verified_type", "profile_image_url"]
PROFILE_KEYS = list(Profile.model_fields)
POST_KEYS = list(Post.model_fields)

twarc2_objects = st.one_of(
    st.fixed_dictionaries(
        {"data": st.lists(shaped(TWEET_KEYS), max_size=3) | shaped(TWEET_KEYS) | json_values},
        optional={"includes": st.fixed_dictionaries({"users": st.lists(shaped(USER_KEYS), max_size=3) | json_values})},
    ),
    shaped(TWEET_KEYS).map(lambda tweet: {**tweet, "author": {"id": "1", "username": "someone"}}),
    st.fixed_dictionaries({"id": json_scalars, "author": shaped(USER_KEYS)}),
    st.fixed_dictionaries({"meta": json_values, "errors": json_values}),
)
jsonl_objects = st.fixed_dictionaries(
    {"handle": handles | json_scalars},
    optional={
        "user_id": json_scalars,
        "profile": shaped(PROFILE_KEYS) | json_values,
        "posts": st.lists(shaped(POST_KEYS), max_size=3) | json_values,
    },
)


@st.composite
def records(draw: st.DrawFn) -> list[tuple[str, str, str, datetime]]:
    """Posts of a few accounts, as (handle, user id, text, time); post ids are their positions, so unique."""
    names = draw(st.lists(handles, min_size=1, max_size=3, unique_by=str.lower))
    posts = draw(st.lists(st.tuples(st.sampled_from(names), text_without_surrogates, post_times), max_size=8))
    return [(name, str(1000 + names.index(name)), text, at) for name, text, at in posts]


def accounts_of(rows: list[tuple[str, str, str, datetime]], *, id_offset: int = 0) -> list[Account]:
    by_handle: dict[str, list[Post]] = {}
    user_ids: dict[str, str] = {}
    for i, (name, user_id, text, at) in enumerate(rows):
        by_handle.setdefault(name, []).append(Post(id=str(id_offset + i), created_at=at, text=text))
        user_ids[name] = user_id
    return [Account(handle=h, user_id=user_ids[h], posts=posts) for h, posts in by_handle.items()]


def serialise(fmt: InputFormat, rows: list[tuple[str, str, str, datetime]]) -> bytes:
    """A valid file of ``fmt`` holding ``rows``."""
    if fmt is InputFormat.JSONL:
        return b"".join(a.model_dump_json().encode() + b"\n" for a in accounts_of(rows))
    if fmt is InputFormat.TWARC2:
        pages = [
            {
                "data": [{"id": str(i), "text": text, "created_at": at.isoformat(), "author_id": user_id}],
                "includes": {"users": [{"id": user_id, "username": name, "name": name}]},
            }
            for i, (name, user_id, text, at) in enumerate(rows)
        ]
        return b"".join(json.dumps(page).encode() + b"\n" for page in pages)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if fmt is InputFormat.IRA_CSV:
        writer.writerow(
            [
                "handle",
                "account_category",
                "tweet_time",
                "language",
                "post_type",
                "followers",
                "following",
                "tweet_text",
            ]
        )
        for name, _user_id, text, at in rows:
            writer.writerow([name, "Unknown", at.strftime("%Y-%m-%d %H:%M:%S"), "English", "", "10", "20", text])
        return out.getvalue().encode()
    if fmt is InputFormat.REDDIT_CSV:
        writer.writerow(
            ["handle", "label", "post_type", "created", "subreddit", "title", "text", "domain", "id", "parent_id"]
        )
        for i, (name, _user_id, text, at) in enumerate(rows):
            writer.writerow([name, "ordinary", "comment", at.isoformat(), "r", "", text, "", f"p{i}", ""])
        return out.getvalue().encode()
    writer.writerow(ARCHIVE_HEADER)
    for i, (name, user_id, text, at) in enumerate(rows):
        writer.writerow([user_id, name, str(i), text, at.strftime("%Y-%m-%d %H:%M:%S"), "10"])
    return out.getvalue().encode()


@st.composite
def damaged(draw: st.DrawFn, content: bytes) -> bytes:
    """``content`` cut at a random byte, or with one line replaced by random bytes (or both)."""
    lines = content.splitlines(keepends=True)
    if lines and draw(st.booleans()):
        at = draw(st.integers(0, len(lines) - 1))
        json_lines = json_values.map(lambda v: json.dumps(v).encode())
        junk = draw(st.binary(max_size=40) | st.sampled_from(NASTY_JSON_LINES) | json_lines)
        lines[at] = junk + b"\n"
    damaged_content = b"".join(lines)
    if draw(st.booleans()):
        damaged_content = damaged_content[: draw(st.integers(0, len(damaged_content)))]
    return damaged_content


# -- helpers -------------------------------------------------------------------------------------------------------


@contextmanager
def file_with(content: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(content)
        yield path


@functools.cache
def _migrated_template() -> sqlite3.Connection:
    """An in-memory database at head, migrated once: each example's store starts as a copy of it."""
    engine = make_engine("sqlite://")
    AccountStore(engine)
    return engine.raw_connection().driver_connection


def new_store() -> AccountStore:
    engine = make_engine("sqlite://")
    with engine.connect() as conn:
        _migrated_template().backup(conn.connection.driver_connection)
    return AccountStore(engine)


def only_malformed_file_errors(action: Callable[[], object]) -> None:
    """Run ``action``; a ``MalformedFileError`` is a documented answer, any other exception fails the test."""
    try:
        action()
    except MalformedFileError as exc:
        assert exc.line >= 1 and exc.reason


def assert_reads_without_surprises(content: bytes, fmt: InputFormat) -> None:
    """The reader yields only rows and problems; imports raise only ``MalformedFileError``; so do the JSONL helpers."""
    with file_with(content) as path:
        items = list(RowSource(path, fmt))
        assert all(isinstance(item, AccountRow | RowProblem) for item in items)
        assert all(item.line >= 1 for item in items)
        only_malformed_file_errors(lambda: new_store().import_rows(RowSource(path, fmt), source="t", path=path))
        only_malformed_file_errors(lambda: new_store().import_rows(RowSource(path, fmt), source="t", strict=True))
        if fmt is InputFormat.JSONL:
            only_malformed_file_errors(lambda: list(read_accounts(path)))
            only_malformed_file_errors(lambda: read_every_account_of(JsonlAccountSource(path), items))


def read_every_account_of(source: JsonlAccountSource, items: list[AccountRow | RowProblem]) -> None:
    for item in items:
        if isinstance(item, AccountRow):
            with suppress(UnknownHandleError):
                source.get(item.handle)


def store_holding(rows: list[tuple[str, str, str, datetime]]) -> AccountStore:
    """A real SQLite store that already holds the accounts of ``rows`` (post ids apart from any imported ones)."""
    store = new_store()
    for account in accounts_of(rows, id_offset=10_000):
        store.put(account, source="earlier", fetched_at=datetime(2024, 1, 1, tzinfo=UTC))
    return store


def snapshot(store: AccountStore) -> tuple[tuple[int, int], list[tuple[dict, str, datetime]]]:
    stored = [store.get(handle) for handle in store.handles()]
    return store.count(), [(s.account.model_dump(), s.source, s.fetched_at) for s in stored if s is not None]


# -- (a) reading never fails in an undocumented way -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=str)
@PROPERTIES
@given(content=st.binary(max_size=400) | text_without_surrogates.map(str.encode))
@example(content=b"")
@example(content=b"\xef\xbb\xbf")
def test_reader_yields_only_rows_and_problems_for_random_bytes(fmt, content):
    assert_reads_without_surprises(content, fmt)


@pytest.mark.parametrize("fmt", FORMATS, ids=str)
@PROPERTIES
@given(data=st.data())
def test_reader_yields_only_rows_and_problems_for_a_truncated_or_corrupted_valid_file(fmt, data):
    content = data.draw(records().map(lambda rows: serialise(fmt, rows)).flatmap(damaged))
    assert_reads_without_surprises(content, fmt)


@pytest.mark.parametrize(
    ("fmt", "objects"),
    [(InputFormat.JSONL, jsonl_objects), (InputFormat.TWARC2, twarc2_objects)],
    ids=["jsonl", "twarc2"],
)
@PROPERTIES
@given(data=st.data())
def test_json_reader_yields_only_rows_and_problems_for_objects_of_the_wrong_shape(fmt, objects, data):
    lines = data.draw(st.lists(objects.map(lambda o: json.dumps(o).encode()), min_size=1, max_size=4))
    assert_reads_without_surprises(b"\n".join(lines) + b"\n", fmt)


@pytest.mark.parametrize("fmt", [InputFormat.JSONL, InputFormat.TWARC2], ids=str)
@pytest.mark.parametrize("line", NASTY_JSON_LINES, ids=lambda line: line[:40].decode(errors="replace"))
def test_json_reader_reports_a_pathological_line_as_a_problem_of_that_line(fmt, line):
    content = serialise(fmt, [("alpha", "1000", "hello", datetime(2024, 5, 14, tzinfo=UTC))]) + line + b"\n"
    with file_with(content) as path:
        items = list(RowSource(path, fmt))
    assert all(isinstance(item, AccountRow) and item.line == 1 for item in items[:-1])
    assert isinstance(items[-1], RowProblem) and items[-1].line == 2
    assert_reads_without_surprises(content, fmt)


@PROPERTIES
@given(
    header=st.permutations([*ARCHIVE_HEADER, "account_creation_date", "following_count", "hashtags"]),
    cells=st.lists(st.lists(st.sampled_from(NASTY_STRINGS) | text_without_surrogates, min_size=9, max_size=9)),
)
def test_archive_reader_yields_only_rows_and_problems_for_odd_cell_values(header, cells):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header, *cells])
    assert_reads_without_surprises(out.getvalue().encode("utf-8", errors="surrogatepass"), InputFormat.IO_ARCHIVE)


@pytest.mark.parametrize("fmt", [InputFormat.JSONL, InputFormat.TWARC2], ids=str)
@PROPERTIES
@given(data=st.data())
def test_line_reader_loses_only_the_corrupted_line(fmt, data):
    rows = data.draw(records().filter(bool))
    content = serialise(fmt, rows)
    lines = content.splitlines(keepends=True)
    at = data.draw(st.integers(1, len(lines)))
    junk = data.draw(st.binary(max_size=40).filter(lambda b: b"\n" not in b) | st.sampled_from(NASTY_JSON_LINES))
    lines[at - 1] = junk + b"\n"
    with file_with(content) as intact, file_with(b"".join(lines)) as corrupted:
        before = [i for i in RowSource(intact, fmt) if i.line != at]
        after = [i for i in RowSource(corrupted, fmt) if i.line != at]
    assert after == before


# -- (b) an import that fails changes nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=str)
@PROPERTIES
@given(data=st.data())
def test_failed_strict_import_leaves_a_store_holding_accounts_exactly_as_it_was(fmt, data):
    store = store_holding(data.draw(records(), label="stored"))
    lines = serialise(fmt, data.draw(records(), label="imported")).splitlines(keepends=True)
    at = data.draw(st.integers(1 if fmt in CSV_FORMATS else 0, len(lines)), label="bad line at")
    lines.insert(at, b"\xff unreadable\n")
    before = snapshot(store)
    with (
        file_with(b"".join(lines)) as path,
        mock.patch("ingest.store._BATCH_ROWS", 2),  # rows are written before the failure: they must roll back
        pytest.raises(MalformedFileError),
    ):
        store.import_rows(RowSource(path, fmt), source="new", strict=True)
    assert snapshot(store) == before


@pytest.mark.parametrize("fmt", FORMATS, ids=str)
@PROPERTIES
@given(data=st.data())
def test_import_interrupted_by_any_error_leaves_a_store_holding_accounts_exactly_as_it_was(fmt, data):
    store = store_holding(data.draw(records(), label="stored"))
    rows = data.draw(records().filter(bool), label="imported")
    fail_at = data.draw(st.integers(1, len(rows)), label="fail at row")
    seen = iter(range(1, len(rows) + 1))

    def interrupt() -> None:
        if next(seen, None) == fail_at:
            raise RuntimeError("interrupted")

    before = snapshot(store)
    with (
        file_with(serialise(fmt, rows)) as path,
        mock.patch("ingest.store._BATCH_ROWS", 2),
        pytest.raises(RuntimeError, match="interrupted"),
    ):
        store.import_rows(RowSource(path, fmt), source="new", on_row=interrupt)
    assert snapshot(store) == before


def test_twarc2_reader_reads_an_emoji_escaped_as_a_surrogate_pair():
    line = (
        b'{"data": [{"id": "9", "text": "\\ud83d\\ude00", "created_at": "2024-05-14T08:00:00Z", "author_id": "1"}],'
        b' "includes": {"users": [{"id": "1", "username": "a"}]}}\n'
    )
    with file_with(line) as path:
        [row] = list(RowSource(path, InputFormat.TWARC2))
    assert isinstance(row, AccountRow) and row.post.text == "\N{GRINNING FACE}"
