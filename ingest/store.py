"""The account cache: profiles and posts from every source, kept with when and where they were fetched.

SQLAlchemy Core on SQLite by default (the recipe in DESIGN.md: busy timeout, WAL), Postgres by URL. An import of a
file runs in one transaction, so a fatal error leaves the store as it was. Posts are keyed by their id at the
source, so importing a file twice or refreshing an account never duplicates a post.

An account is keyed by its platform and its name there (``ingest.platform_handles.account_key``): an X ``name`` and
a Reddit ``name`` are two rows. A handle without a platform prefix finds the account its shape guesses first, then the
same name stored on another platform (a Reddit name imported from a file is found by its bare name).

The tables below are the code's view of ``accounts`` and ``posts``; the schema itself is made only by the Alembic
migrations (``ingest/database.py``), which the store runs when it opens a database that is not at head. A column
added here needs a new revision there; ``tests/service/db/test_tables.py`` fails until the two agree.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import TypeAdapter
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection

from detector.schema import Account, Post, Profile, normalize_platform
from ingest.database import insert_skipping_existing, migrate_to_head
from ingest.errors import MalformedFileError
from ingest.handles import handle_refusal, normalize_handle
from ingest.platform_handles import PLATFORM_LABELS, account_key, canonical_handle, lookup_keys, parse_handle
from ingest.records import AccountRow, RowProblem

_POSTS = TypeAdapter(list[Post])  # one validation call per account, not per post

__all__ = ["AccountStore", "ImportReport", "StoreLimits", "StoredAccount"]

logger = logging.getLogger(__name__)

metadata = MetaData()

accounts_table = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # ``account_key(platform, handle)``: the canonical spelling lowercased (``name``, ``reddit:name``; migration 0009)
    Column("handle_key", String(255), nullable=False, unique=True),
    Column("handle", String(255), nullable=False),  # the name on its platform, without a prefix
    # detector.schema.PLATFORMS; NULL: a file that did not say (keyed as X's). Migration 0009 made the earlier NULLs x.
    Column("platform", String(32)),
    Column("user_id", String(64), index=True),
    Column("profile", Text, nullable=False),
    Column("source", String(512), nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    # What the platform last said of the account when it could not be read (``suspended``: a tombstone), and since
    # when; NULL while it is readable. Its posts and scores stay either way (migration 0008).
    Column("status", String(32)),
    Column("status_since", DateTime(timezone=True)),
)

posts_table = Table(
    "posts",
    metadata,
    Column("post_id", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("payload", Text, nullable=False),
)

# A handle names at most one key per platform (``lookup_keys``): the statement takes that many, the unused ones
# empty (no key is), so it is one constant statement compiled once, not an expanding IN rendered for every request.
_N_KEYS = len(PLATFORM_LABELS)
_BY_HANDLE_KEYS = select(accounts_table).where(
    accounts_table.c.handle_key.in_([bindparam(f"key{i}") for i in range(_N_KEYS)])
)
_BATCH_ROWS = 5000
_MAX_PROBLEMS_KEPT = 200


@dataclass(frozen=True)
class StoreLimits:
    """Bounds on what one account brings into memory; ``None`` is unbounded.

    ``max_post_chars``: a longer post is a row problem at import (skipped, or fatal with ``strict``): X's longest
    posts have 25,000 characters, so a longer text is not a post. ``max_posts_per_account``: reading an account
    gives its newest posts up to this many (X's timelines reach back 3,200 posts); the store keeps all of them.
    """

    max_posts_per_account: int | None = None
    max_post_chars: int | None = None


@dataclass(frozen=True)
class StoredAccount:
    account: Account
    source: str
    fetched_at: datetime


@dataclass
class ImportReport:
    """What an import did: counts, the accounts it touched, and the rows it skipped (first 200 kept)."""

    source: str
    n_rows: int = 0
    n_posts_added: int = 0
    n_posts_known: int = 0
    handles: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    n_problems: int = 0
    notices: list[str] = field(default_factory=list)

    def add_problem(self, problem: RowProblem) -> None:
        self.n_problems += 1
        if len(self.problems) < _MAX_PROBLEMS_KEPT:
            self.problems.append(problem)


@dataclass
class _PendingAccount:
    handle: str
    user_id: str | None
    profile: Profile | None
    platform: str | None

    @property
    def canonical(self) -> str:
        return canonical_handle(self.platform, self.handle)


def _keys(handle: str, platform: str | None) -> list[str]:
    """The keys ``handle`` may name, most likely first: the one of ``platform`` when it is given."""
    return [account_key(platform, handle)] if platform is not None else lookup_keys(handle)


def _first_row(conn: Connection, keys: list[str]):  # type: ignore[no-untyped-def]
    """The account row of the first of ``keys`` that the store holds, or ``None``."""
    padded = [*keys, *[""] * (_N_KEYS - len(keys))]
    rows = {row.handle_key: row for row in conn.execute(_BY_HANDLE_KEYS, {f"key{i}": k for i, k in enumerate(padded)})}
    return next((rows[key] for key in keys if key in rows), None)


class AccountStore:
    """Read and write cached accounts; every method is its own transaction."""

    def __init__(self, engine: Engine, *, limits: StoreLimits | None = None, cache_size: int = 0) -> None:
        """``cache_size`` accounts are kept assembled in memory (the service's hot handles), each valid as long as its
        row's ``fetched_at`` is unchanged: every write of an account (import, refresh) sets it, so a cached account
        is never older than the store. 0 reads every account from the database.

        A database that is not at the newest migration (empty, made by an earlier version) is migrated first, so
        the CLI and batch scoring open the same schema as the service."""
        self.engine = engine
        self.limits = limits or StoreLimits()
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[int, datetime, StoredAccount]] = OrderedDict()
        self._cache_lock = threading.Lock()
        migrate_to_head(engine)

    # -- reading ---------------------------------------------------------------------------------------------------
    def get(self, handle: str, *, platform: str | None = None) -> StoredAccount | None:
        """The cached account with this handle (case-insensitive) on ``platform``, or ``None``. Without
        ``platform`` the handle names it (``reddit:name``), else its shape guesses it, and the same name on another
        platform is found when the guessed one has none (``ingest.platform_handles.lookup_keys``)."""
        with self.engine.connect() as conn:
            row = _first_row(conn, _keys(handle, platform))
            if row is None:
                return None
            key = row.handle_key
            if self.cache_size <= 0:
                return self._assemble(conn, row, self.limits.max_posts_per_account)
            with self._cache_lock:
                hit = self._cache.get(key)
                if hit is not None and hit[0] == row.id and hit[1] == row.fetched_at:
                    self._cache.move_to_end(key)
                    return hit[2]
            stored = self._assemble(conn, row, self.limits.max_posts_per_account)
        with self._cache_lock:
            self._cache[key] = (row.id, row.fetched_at, stored)
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return stored

    def iter_accounts(self, handles: Iterable[str], *, batch: int = 200) -> Iterator[Account]:
        """Yield the cached accounts for ``handles`` in that order, one at a time (unknown handles are skipped).

        Without an account cache, ``batch`` accounts are read with two queries (their rows, then their posts), not
        two queries each: batch scoring reads the whole store this way."""
        if self.cache_size > 0:
            for handle in handles:
                stored = self.get(handle)
                if stored is not None:
                    yield stored.account
            return
        pending = list(handles)
        for start in range(0, len(pending), batch):
            for stored in self._read_many(pending[start : start + batch]):
                yield stored.account

    def _read_many(self, handles: list[str]) -> list[StoredAccount]:
        candidates = [lookup_keys(handle) for handle in handles]
        wanted = {key for keys in candidates for key in keys}
        with self.engine.connect() as conn:
            rows = conn.execute(select(accounts_table).where(accounts_table.c.handle_key.in_(wanted))).all()
            by_id = {row.id: row for row in rows}
            payloads: dict[int, list[str]] = {row.id: [] for row in rows}
            for account_id, payload in conn.execute(self._posts_of(list(by_id))):
                payloads[account_id].append(payload)
        assembled = {row.handle_key: self._stored(row, payloads[row.id]) for row in rows}
        found = (next((key for key in keys if key in assembled), None) for keys in candidates)
        return [assembled[key] for key in found if key is not None]

    def _posts_of(self, account_ids: list[int]) -> Select:
        """``(account_id, payload)`` of the accounts' posts, oldest first, only the newest ``max_posts_per_account``
        of each when there is a limit (as ``_assemble`` reads them one account at a time)."""
        posts = posts_table.c
        limit = self.limits.max_posts_per_account
        if limit is None:
            return (
                select(posts.account_id, posts.payload)
                .where(posts.account_id.in_(account_ids))
                .order_by(posts.account_id, posts.created_at, posts.post_id)
            )
        newest_first = func.row_number().over(
            partition_by=posts.account_id, order_by=(posts.created_at.desc(), posts.post_id.desc())
        )
        ranked = (
            select(posts.account_id, posts.payload, newest_first.label("rank"))
            .where(posts.account_id.in_(account_ids))
            .subquery()
        )
        return (
            select(ranked.c.account_id, ranked.c.payload)
            .where(ranked.c.rank <= limit)
            .order_by(ranked.c.account_id, ranked.c.rank.desc())
        )

    def accounts_posting_between(self, since: datetime, until: datetime, *, batch: int = 500) -> Iterator[Account]:
        """Yield each account with a post in ``[since, until)``, holding only those posts (oldest first).

        For windowed readers (talking-point discovery): the database picks the posts, so a two-week window of a
        large store reads two weeks of posts, not every account whole."""
        posts, accounts = posts_table.c, accounts_table.c
        with self.engine.connect() as conn:
            ids = list(
                conn.execute(
                    select(posts.account_id)
                    .where(posts.created_at >= since, posts.created_at < until)
                    .group_by(posts.account_id)
                    .order_by(posts.account_id)
                ).scalars()
            )
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            with self.engine.connect() as conn:
                rows = {row.id: row for row in conn.execute(select(accounts_table).where(accounts.id.in_(chunk)))}
                payloads: dict[int, list[str]] = {account_id: [] for account_id in chunk}
                window = (
                    select(posts.account_id, posts.payload)
                    .where(posts.account_id.in_(chunk), posts.created_at >= since, posts.created_at < until)
                    .order_by(posts.account_id, posts.created_at, posts.post_id)
                )
                for account_id, payload in conn.execute(window):
                    payloads[account_id].append(payload)
            for account_id in chunk:
                yield self._stored(rows[account_id], payloads[account_id]).account

    def handles(self) -> list[str]:
        """Every stored handle in its canonical spelling (``name``, ``reddit:name``), in the order accounts were
        first stored: each names one account."""
        query = select(accounts_table.c.handle, accounts_table.c.platform).order_by(accounts_table.c.id)
        with self.engine.connect() as conn:
            return [canonical_handle(platform, handle) for handle, platform in conn.execute(query)]

    def count(self) -> tuple[int, int]:
        with self.engine.connect() as conn:
            n_accounts = conn.execute(select(func.count()).select_from(accounts_table)).scalar_one()
            n_posts = conn.execute(select(func.count()).select_from(posts_table)).scalar_one()
        return n_accounts, n_posts

    @staticmethod
    def _assemble(conn: Connection, row, max_posts: int | None) -> StoredAccount:  # type: ignore[no-untyped-def]
        query = select(posts_table.c.payload).where(posts_table.c.account_id == row.id)
        if max_posts is None:
            payloads = list(conn.execute(query.order_by(posts_table.c.created_at, posts_table.c.post_id)).scalars())
        else:  # the newest ``max_posts``, oldest first like the rest
            newest = query.order_by(posts_table.c.created_at.desc(), posts_table.c.post_id.desc()).limit(max_posts)
            payloads = list(conn.execute(newest).scalars())[::-1]
        return AccountStore._stored(row, payloads)

    @staticmethod
    def _stored(row, payloads: list[str]) -> StoredAccount:  # type: ignore[no-untyped-def]
        account = Account(
            handle=row.handle,
            platform=row.platform,
            user_id=row.user_id,
            profile=Profile.model_validate_json(row.profile),
            posts=_POSTS.validate_json("[" + ",".join(payloads) + "]"),
        )
        fetched_at = row.fetched_at if row.fetched_at.tzinfo else row.fetched_at.replace(tzinfo=UTC)
        return StoredAccount(account=account, source=row.source, fetched_at=fetched_at)

    # -- writing ---------------------------------------------------------------------------------------------------
    def account_status(self, handle: str, *, platform: str | None = None) -> tuple[str | None, datetime | None]:
        """What the platform last said of a stored account that it would not let be read (``suspended``), and since
        when; ``(None, None)`` while it is readable or when the store lacks it. ``handle`` and ``platform`` find
        the account as ``get`` does."""
        with self.engine.connect() as conn:
            row = _first_row(conn, _keys(handle, platform))
        return (None, None) if row is None else (row.status, _utc(row.status_since))

    def mark_status(
        self, handle: str, status: str | None, *, platform: str | None = None, at: datetime | None = None
    ) -> datetime | None:
        """Record what the platform says of a stored account (``suspended``, or ``None`` once it is readable again)
        and return since when it has said so: the first time it was seen so is kept. Nothing is removed: a
        suspended account keeps its posts and its scores. ``None`` for a handle the store lacks."""
        with self.engine.begin() as conn:
            row = _first_row(conn, _keys(handle, platform))
            if row is None:
                return None
            if row.status == status:
                return _utc(row.status_since)
            since = (at or datetime.now(UTC)) if status is not None else None
            where = accounts_table.c.id == row.id
            conn.execute(accounts_table.update().where(where).values(status=status, status_since=since))
            return since

    def put(self, account: Account, *, source: str, fetched_at: datetime | None = None) -> int:
        """Upsert one account and add its posts that are new; return how many posts were added.

        An account whose ``platform`` is ``None`` keeps the platform stored for it, if any."""
        known = {"handle": account.handle, "user_id": account.user_id, "platform": account.platform}
        rows = [AccountRow(line=0, profile=account.profile, post=None, **known)]
        rows += [AccountRow(line=0, profile=None, post=p, **known) for p in account.posts]
        return self.import_rows(rows, source=source, fetched_at=fetched_at).n_posts_added

    def import_rows(
        self,
        rows: Iterable[AccountRow | RowProblem],
        *,
        source: str,
        strict: bool = False,
        path: Path | None = None,
        fetched_at: datetime | None = None,
        on_row: Callable[[], None] | None = None,
        platform: str | None = None,
    ) -> ImportReport:
        """Import a stream of rows in one transaction and return what happened.

        Rows that could not be read, rows whose handle the API would refuse (``ingest.handles``: one problem per
        line), posts whose id appears twice in the stream and posts longer than the limits allow are skipped and
        reported; with ``strict`` (or a ``fatal`` problem) the first one raises ``MalformedFileError`` and nothing
        is written. Handles are stored without their leading @. A profile seen later in the stream replaces an
        earlier one.
        Accounts that now hold more posts than are read back get one notice.

        ``platform`` is given to the accounts whose rows name none; a platform a row names (or its handle's
        prefix, ``reddit:name``) wins, and an account left with none keeps the one stored for it (an import never
        forgets a platform), else stays unknown (``None``, keyed as X's). Rows of one name on two platforms are two
        accounts. ``report.handles`` are canonical spellings (``reddit:name``).
        Raises ``ValueError`` for a name outside ``detector.schema.PLATFORMS``.
        """
        platform = normalize_platform(platform)
        fetched_at = fetched_at or datetime.now(UTC)
        report = ImportReport(source=source)
        where = path or Path(source)
        pending: dict[str, _PendingAccount] = {}
        account_ids: dict[str, int] = {}
        seen_posts: set[str] = set()
        checked: dict[str, tuple[str | None, str | None]] = {}  # raw handle -> (handle, why it is refused)
        refused_line = -1
        batch: list[tuple[str, Post]] = []
        max_chars = self.limits.max_post_chars
        with self.engine.begin() as conn:
            for row in rows:
                if on_row is not None:
                    on_row()
                if isinstance(row, RowProblem):
                    if strict or row.fatal:
                        raise MalformedFileError(where, row.line, row.reason)
                    report.add_problem(row)
                    continue
                if row.handle not in checked:
                    checked[row.handle] = (normalize_handle(row.handle), handle_refusal(row.handle))
                handle, refusal = checked[row.handle]
                if handle is None:
                    if strict:
                        raise MalformedFileError(where, row.line, str(refusal))
                    if row.line != refused_line:  # a JSONL line is many rows: its account is skipped once
                        report.add_problem(RowProblem(row.line, str(refusal)))
                        refused_line = row.line
                    continue
                report.n_rows += 1
                parsed = parse_handle(handle)
                named = normalize_platform(row.platform) if row.platform is not None else None
                named = named or (parsed.platform if parsed.explicit else None) or platform
                key = f"{named or ''}:{parsed.name.lower()}"  # the account within this import
                entry = pending.get(key)
                if entry is None:
                    pending[key] = _PendingAccount(parsed.name, row.user_id, row.profile, named)
                else:
                    entry.user_id = row.user_id or entry.user_id
                    entry.profile = row.profile or entry.profile
                if row.post is not None:
                    problem = None
                    if row.post.id in seen_posts:
                        problem = RowProblem(row.line, f"duplicate post id {row.post.id}")
                    elif max_chars is not None and len(row.post.text) > max_chars:
                        problem = RowProblem(
                            row.line,
                            f"post {row.post.id} has {len(row.post.text):,} characters, over the limit of "
                            f"{max_chars:,} per post",
                        )
                    if problem is not None:
                        if strict:
                            raise MalformedFileError(where, row.line, problem.reason)
                        report.add_problem(problem)
                        continue
                    seen_posts.add(row.post.id)
                    batch.append((key, row.post))
                    if len(batch) >= _BATCH_ROWS:
                        self._flush(conn, batch, pending, account_ids, report, source, fetched_at)
                        batch = []
            self._flush(conn, batch, pending, account_ids, report, source, fetched_at)
            for key, entry in pending.items():
                self._ensure_account(conn, key, entry, account_ids, source, fetched_at)
                values = {"handle": entry.handle, "source": source, "fetched_at": fetched_at}
                if entry.user_id:
                    values["user_id"] = entry.user_id
                if entry.platform:
                    values["platform"] = entry.platform
                if entry.profile is not None:
                    values["profile"] = entry.profile.model_dump_json(exclude_none=True)
                conn.execute(update(accounts_table).where(accounts_table.c.id == account_ids[key]).values(**values))
            report.handles = list(dict.fromkeys(entry.canonical for entry in pending.values()))
            self._note_long_accounts(conn, pending, account_ids, report)
        logger.info(
            "import finished",
            extra={
                "source": source,
                "n_rows": report.n_rows,
                "n_accounts": len(report.handles),
                "n_posts_added": report.n_posts_added,
                "n_problems": report.n_problems,
            },
        )
        return report

    def _note_long_accounts(
        self, conn: Connection, pending: dict[str, _PendingAccount], account_ids: dict[str, int], report: ImportReport
    ) -> None:
        limit = self.limits.max_posts_per_account
        if limit is None or not account_ids:
            return
        over: list[tuple[str, int]] = []
        ids = list(account_ids.items())
        for start in range(0, len(ids), 500):
            chunk = dict((account_id, key) for key, account_id in ids[start : start + 500])
            counts = conn.execute(
                select(posts_table.c.account_id, func.count())
                .where(posts_table.c.account_id.in_(chunk))
                .group_by(posts_table.c.account_id)
                .having(func.count() > limit)
            )
            over += [(pending[chunk[account_id]].canonical, n) for account_id, n in counts]
        if over:
            named = ", ".join(f"@{handle} ({n:,})" for handle, n in over[:5])
            more = f" and {len(over) - 5} more" if len(over) > 5 else ""
            report.notices.append(
                f"{len(over)} account(s) hold more than {limit:,} posts: {named}{more}; scoring and training read "
                f"the newest {limit:,} of each (all are kept)"
            )

    def _ensure_account(
        self,
        conn: Connection,
        key: str,
        entry: _PendingAccount,
        account_ids: dict[str, int],
        source: str,
        fetched_at: datetime,
    ) -> None:
        if key in account_ids:
            return
        if entry.platform is None:  # none named: the one stored for this name, else unknown (keyed as X's)
            known = _first_row(conn, lookup_keys(entry.handle))
            entry.platform = known.platform if known is not None else None
        stored_key = account_key(entry.platform, entry.handle)
        by_key = select(accounts_table.c.id).where(accounts_table.c.handle_key == stored_key)
        if entry.user_id and self._follow_rename(conn, stored_key, entry):
            account_ids[key] = conn.execute(by_key).scalar_one()
            return
        conn.execute(
            insert_skipping_existing(conn, accounts_table).values(
                handle_key=stored_key,
                handle=entry.handle,
                platform=entry.platform,
                user_id=entry.user_id,
                profile=(entry.profile or Profile()).model_dump_json(exclude_none=True),
                source=source,
                fetched_at=fetched_at,
            )
        )
        account_ids[key] = conn.execute(by_key).scalar_one()

    @staticmethod
    def _follow_rename(conn: Connection, key: str, entry: _PendingAccount) -> bool:
        """Move a known user id to its new handle, so a renamed account keeps its posts. True if it was known.

        User ids are compared within the account's platform only: a Telegram id may equal an X one."""
        known = conn.execute(
            select(accounts_table.c.id, accounts_table.c.handle_key).where(
                accounts_table.c.user_id == entry.user_id, accounts_table.c.platform == entry.platform
            )
        ).first()
        if known is None:
            return False
        if known.handle_key != key:
            taken = conn.execute(select(accounts_table.c.id).where(accounts_table.c.handle_key == key)).first()
            if taken is not None:  # the new name belonged to another account earlier: keep both, by name
                return False
            conn.execute(
                update(accounts_table)
                .where(accounts_table.c.id == known.id)
                .values(handle_key=key, handle=entry.handle)
            )
            logger.info("account renamed", extra={"user_id": entry.user_id, "handle": entry.handle})
        return True

    def _flush(
        self,
        conn: Connection,
        batch: list[tuple[str, Post]],
        pending: dict[str, _PendingAccount],
        account_ids: dict[str, int],
        report: ImportReport,
        source: str,
        fetched_at: datetime,
    ) -> None:
        if not batch:
            return
        for key, _ in batch:
            self._ensure_account(conn, key, pending[key], account_ids, source, fetched_at)
        values = [
            {
                "post_id": post.id,
                "account_id": account_ids[key],
                "created_at": post.created_at,
                "payload": post.model_dump_json(exclude_none=True),
            }
            for key, post in batch
        ]
        added = conn.execute(insert_skipping_existing(conn, posts_table), values).rowcount
        added = added if added is not None and added >= 0 else len(values)
        report.n_posts_added += added
        report.n_posts_known += len(values) - added


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment
