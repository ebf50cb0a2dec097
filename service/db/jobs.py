"""Batch jobs and their per-handle items: what the runner claims, records and what the results endpoint streams.

Every item is ``pending`` until its outcome is committed together with its score and the job's counters, in one
transaction: a crash loses at most the batch in flight, which is still ``pending`` and is scored again on resume.
An item only leaves ``pending`` once (the update is conditional) and ``(job_id, handle)`` is unique for items and
for job scores, so no result is recorded twice. A job belongs to the key that created it (``created_by``): reads
take the caller's ``Scope``, and a job outside it is "not found" (``service/scopes.py``).

A job whose next X read would pass its budget, or whose read X refused with 402, is ``paused`` with a reason: its
pending items wait, the runner does not claim it, and ``resume_job`` (with a higher ``budget_usd`` if need be) queues
it again. Items already scored are kept either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Engine, Row, Select, and_, exists, func, insert, select, update
from sqlalchemy.engine import Connection

from detector.scoring import AccountScore
from service.db.scores import record_score
from service.db.tables import job_items, jobs, scores
from service.db.timeutil import as_utc, utcnow
from service.errors import JobFinishedError, JobNotFoundError
from service.scopes import UNRESTRICTED, Scope, find_visible, owned

__all__ = [
    "ItemOutcome",
    "JobError",
    "JobResult",
    "JobStatus",
    "cancel_job",
    "create_job",
    "get_job",
    "iter_results",
    "list_jobs",
    "pause_job",
    "pending_count",
    "pending_items",
    "record_outcomes",
    "resume_job",
    "start_job",
    "unfinished_jobs",
    "visible_job_ids",
]

ACTIVE_STATES = ("queued", "running")
OPEN_STATES = (*ACTIVE_STATES, "paused")  # not finished: may still score its pending items
_STATE_RACE_RETRIES = 5  # a state changed between a read and its conditional update: read it again
_INSERT_CHUNK = 2000


@dataclass(frozen=True)
class JobError:
    handle: str
    type: str
    detail: str


@dataclass(frozen=True)
class JobStatus:
    id: str
    state: str
    total: int
    done: int
    failed: int
    refresh: bool
    created_by: str | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    errors: list[JobError] = field(default_factory=list)
    x_budget_usd: float | None = None
    x_spend_usd: float = 0.0
    x_users_read: int = 0
    x_posts_read: int = 0
    paused_reason: str | None = None
    paused_detail: str | None = None


@dataclass(frozen=True)
class ItemOutcome:
    """What became of one claimed item: a score, or an error type slug and detail."""

    item_id: int
    result: AccountScore | None = None
    error_type: str | None = None
    error_detail: str | None = None


@dataclass(frozen=True)
class JobResult:
    position: int
    handle: str
    state: str
    result: AccountScore | None
    error_type: str | None
    error_detail: str | None


def create_job(
    engine: Engine,
    handles: Sequence[str],
    *,
    refresh: bool,
    created_by: str | None,
    created_by_name: str | None = None,
    x_budget_usd: float | None = None,
) -> str:
    """Store a job with one pending item per distinct handle (case-insensitive, first spelling kept), owned by the
    key ``created_by`` (named ``created_by_name``), spending at most ``x_budget_usd`` on X (None: the setting)."""
    job_id = uuid.uuid4().hex
    distinct: dict[str, str] = {}
    for handle in handles:
        distinct.setdefault(handle.lower(), handle)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(jobs).values(
                id=job_id,
                state="queued",
                total=len(distinct),
                done=0,
                failed=0,
                refresh=refresh,
                created_by=created_by,
                created_by_name=created_by_name,
                created_at=now,
                updated_at=now,
                finished_at=None,
                x_budget_usd=x_budget_usd,
            )
        )
        rows = [
            {"job_id": job_id, "position": i, "handle": handle, "handle_key": key, "state": "pending"}
            for i, (key, handle) in enumerate(distinct.items())
        ]
        for start in range(0, len(rows), _INSERT_CHUNK):
            conn.execute(insert(job_items), rows[start : start + _INSERT_CHUNK])
    return job_id


def _status(row, errors: list[JobError]) -> JobStatus:  # type: ignore[no-untyped-def]
    return JobStatus(
        id=row.id,
        state=row.state,
        total=row.total,
        done=row.done,
        failed=row.failed,
        refresh=row.refresh,
        created_by=row.created_by,
        created_by_name=row.created_by_name,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        finished_at=as_utc(row.finished_at),
        errors=errors,
        x_budget_usd=row.x_budget_usd,
        x_spend_usd=row.x_spend_usd,
        x_users_read=row.x_users_read,
        x_posts_read=row.x_posts_read,
        paused_reason=row.paused_reason,
        paused_detail=row.paused_detail,
    )


def _visible_job(conn: Connection, job_id: str, scope: Scope) -> Row:
    return find_visible(conn, jobs, job_id, jobs.c.created_by, scope, lambda: JobNotFoundError(job_id))


def get_job(engine: Engine, job_id: str, *, max_errors: int = 1000, scope: Scope = UNRESTRICTED) -> JobStatus:
    """The job with its first ``max_errors`` per-handle errors; ``JobNotFoundError`` if unknown or outside ``scope``."""
    with engine.connect() as conn:
        row = _visible_job(conn, job_id, scope)
        errors = conn.execute(
            select(job_items.c.handle, job_items.c.error_type, job_items.c.error_detail)
            .where(job_items.c.job_id == job_id, job_items.c.state == "error")
            .order_by(job_items.c.position)
            .limit(max_errors)
        ).all()
    return _status(row, [JobError(e.handle, e.error_type or "", e.error_detail or "") for e in errors])


def list_jobs(engine: Engine, *, limit: int = 50, scope: Scope = UNRESTRICTED) -> list[JobStatus]:
    """The newest jobs within ``scope`` first, without their per-handle errors."""
    query = select(jobs).where(owned(scope, jobs.c.created_by))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(jobs.c.created_at.desc(), jobs.c.id).limit(limit)).all()
    return [_status(row, []) for row in rows]


def visible_job_ids(engine: Engine, job_ids: Iterable[str | None], *, scope: Scope) -> set[str]:
    """Which of ``job_ids`` ``scope`` sees (a stored score names its job only to those who may see it)."""
    wanted = {job_id for job_id in job_ids if job_id is not None}
    if not wanted or scope.everything:
        return wanted
    with engine.connect() as conn:
        found = conn.execute(select(jobs.c.id).where(jobs.c.id.in_(wanted), owned(scope, jobs.c.created_by)))
        return set(found.scalars())


def cancel_job(engine: Engine, job_id: str, *, scope: Scope = UNRESTRICTED) -> JobStatus:
    """Stop a queued, running or paused job: its pending items stay unscored; what was recorded stays readable.

    The update names the state it read, so a job that a worker finished meanwhile stays ``done`` (and the cancel is
    409), never overwritten: on PostgreSQL another transaction may commit between the read and the write."""
    for _ in range(_STATE_RACE_RETRIES):
        with engine.begin() as conn:
            state = _visible_job(conn, job_id, scope).state
            if state == "done":
                raise JobFinishedError(job_id, state)
            if state not in OPEN_STATES:  # cancelled already
                break
            now = utcnow()
            changed = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state == state)
                .values(state="cancelled", updated_at=now, finished_at=now)
            ).rowcount
            if changed:
                break
    return get_job(engine, job_id)


def pause_job(engine: Engine, job_id: str, *, reason: str, detail: str) -> bool:
    """Pause a queued or running job (``reason``: budget, credits exhausted); False when it was not active."""
    with engine.begin() as conn:
        return bool(
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state.in_(ACTIVE_STATES))
                .values(state="paused", paused_reason=reason, paused_detail=detail, updated_at=utcnow())
            ).rowcount
        )


def resume_job(
    engine: Engine, job_id: str, *, budget_usd: float | None = None, scope: Scope = UNRESTRICTED
) -> JobStatus:
    """Queue a paused job again, with a new budget when ``budget_usd`` is given (also for a job not paused);
    ``JobFinishedError`` (409) for a done or cancelled one.

    As in ``cancel_job``, the update names the state it read: a job cancelled meanwhile is not revived, and a job a
    worker paused meanwhile is queued again rather than left paused with its new budget."""
    for _ in range(_STATE_RACE_RETRIES):
        with engine.begin() as conn:
            state = _visible_job(conn, job_id, scope).state
            if state not in OPEN_STATES:
                raise JobFinishedError(job_id, state, action="resumed")
            values: dict[str, object] = {"updated_at": utcnow()}
            if budget_usd is not None:
                values["x_budget_usd"] = budget_usd
            if state == "paused":
                values.update(state="queued", paused_reason=None, paused_detail=None)
            if conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.state == state).values(**values)).rowcount:
                break
    return get_job(engine, job_id)


def unfinished_jobs(engine: Engine) -> list[str]:
    """Queued and running jobs, oldest first: what the runner works on (again, after a restart)."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(jobs.c.id).where(jobs.c.state.in_(ACTIVE_STATES)).order_by(jobs.c.created_at, jobs.c.id)
            ).scalars()
        )


def start_job(engine: Engine, job_id: str) -> bool:
    """Mark a queued job running; False when it is no longer queued or running (cancelled, say)."""
    with engine.connect() as conn:
        state = conn.execute(select(jobs.c.state).where(jobs.c.id == job_id)).scalar_one_or_none()
    if state != "queued":  # read first: SQLite takes its one write lock for any UPDATE, even one matching nothing
        return state == "running"
    with engine.begin() as conn:
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.state == "queued")
            .values(state="running", updated_at=utcnow())
        )
        return conn.execute(select(jobs.c.state).where(jobs.c.id == job_id)).scalar_one_or_none() == "running"


def pending_items(engine: Engine, job_id: str, *, limit: int, after_position: int = -1) -> list[tuple[int, int, str]]:
    """Up to ``limit`` pending ``(item_id, position, handle)`` of a job, in submission order."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(job_items.c.id, job_items.c.position, job_items.c.handle)
            .where(job_items.c.job_id == job_id, job_items.c.state == "pending", job_items.c.position > after_position)
            .order_by(job_items.c.position)
            .limit(limit)
        ).all()
    return [(r.id, r.position, r.handle) for r in rows]


def record_outcomes(engine: Engine, job_id: str, outcomes: Sequence[ItemOutcome]) -> list[AccountScore]:
    """Commit a batch of outcomes, their scores and the job's counters in one transaction; finish the job when no
    item is left pending. Items already recorded are left alone. Returns the scores that were stored."""
    stored: list[AccountScore] = []
    now = utcnow()
    with engine.begin() as conn:
        n_done = n_failed = 0
        for outcome in outcomes:
            state = "scored" if outcome.result is not None else "error"
            changed = conn.execute(
                update(job_items)
                .where(job_items.c.id == outcome.item_id, job_items.c.state == "pending")
                .values(state=state, error_type=outcome.error_type, error_detail=outcome.error_detail, finished_at=now)
            ).rowcount
            if changed != 1:
                continue
            if outcome.result is None:
                n_failed += 1
                continue
            score_id = record_score(conn, outcome.result, job_id=job_id)
            conn.execute(update(job_items).where(job_items.c.id == outcome.item_id).values(score_id=score_id))
            stored.append(outcome.result)
            n_done += 1
        values: dict[str, object] = {
            "done": jobs.c.done + n_done,
            "failed": jobs.c.failed + n_failed,
            "updated_at": now,
        }
        # The job's row first, then the count: a worker recording the job's other last items holds that row until it
        # commits, so the count (a new snapshot on PostgreSQL) sees its items settled. Counted first, each of two
        # overlapping workers saw the other's items pending, and the job stayed running with nothing left to claim.
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))
        remaining = conn.execute(_pending_count(job_id)).scalar_one()
        if remaining == 0:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state.in_(ACTIVE_STATES))
                .values(state="done", finished_at=now)
            )
    return stored


def finish_if_drained(engine: Engine, job_id: str) -> bool:
    """Finish an active job with no pending item left; True if it was finished here.

    ``record_outcomes`` finishes a job as its last items are recorded; this settles a job a database kept running with
    nothing to claim (written by a version whose overlapping workers could miss the moment)."""
    with engine.connect() as conn:
        if conn.execute(_pending_count(job_id)).scalar_one():
            return False
    with engine.begin() as conn:
        finished = conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.state.in_(ACTIVE_STATES), ~exists(_pending_item(job_id)))
            .values(state="done", finished_at=utcnow(), updated_at=utcnow())
        ).rowcount
    return finished == 1


def _is_pending(job_id: str) -> ColumnElement[bool]:
    return and_(job_items.c.job_id == job_id, job_items.c.state == "pending")


def _pending_item(job_id: str) -> Select[tuple[int]]:
    return select(job_items.c.id).where(_is_pending(job_id))


def _pending_count(job_id: str) -> Select[tuple[int]]:
    return select(func.count()).select_from(job_items).where(_is_pending(job_id))


def iter_results(engine: Engine, job_id: str, *, page_size: int = 500) -> Iterator[JobResult]:
    """The job's recorded outcomes in submission order, read page by page (a running job yields what is done).

    Check that the job exists first (``get_job``): a generator raises only once it is iterated."""
    after = -1
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    job_items.c.position,
                    job_items.c.handle,
                    job_items.c.state,
                    job_items.c.error_type,
                    job_items.c.error_detail,
                    scores.c.result,
                )
                .select_from(job_items.outerjoin(scores, scores.c.id == job_items.c.score_id))
                .where(job_items.c.job_id == job_id, job_items.c.state != "pending", job_items.c.position > after)
                .order_by(job_items.c.position)
                .limit(page_size)
            ).all()
        for row in rows:
            yield JobResult(
                position=row.position,
                handle=row.handle,
                state=row.state,
                result=AccountScore.model_validate_json(row.result) if row.result else None,
                error_type=row.error_type,
                error_detail=row.error_detail,
            )
        if len(rows) < page_size:
            return
        after = rows[-1].position


def pending_count(engine: Engine) -> int:
    """Handles still waiting in queued or running jobs."""
    with engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(job_items.join(jobs, jobs.c.id == job_items.c.job_id))
            .where(jobs.c.state.in_(ACTIVE_STATES), job_items.c.state == "pending")
        ).scalar_one()
