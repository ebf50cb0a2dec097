"""What the service may forget, and forgetting it in small batches: superseded scores, old audit rows, old jobs.

A repeated score counts on its stored row (``service.db.scores``), but changed scores, the audit log (a row per write
request) and finished jobs with their items still grow without end. ``prune`` deletes what a ``RetentionPolicy``
(``Settings.retention``) lets go and returns the rows removed per table; the server runs it every
``prune_interval_s`` (``service.jobs.pruner``), ``parrotwatch db prune`` once.

Kept whatever their age:
- each handle's newest score under each model version: what ``GET /v1/accounts/{handle}`` answers, and every
  model's last word on the account;
- a score that feedback points at (the verdict's evidence) or that a kept job's item points at (its result);
- queued and running jobs.
A pruned job's scores stay in the history with ``job_id`` NULL.

Deletes go ``batch_size`` rows a transaction, so a big prune never holds SQLite's one write lock for long: requests
and job workers write between batches. Candidates are read first, then deleted with the condition checked again in
the DELETE itself, so a row that stopped qualifying in between stays. ``should_stop`` is asked between batches (a
server shutting down).

Freed SQLite pages go to the file's free list, and new rows reuse them: a pruned database stops growing but does not
shrink. ``vacuum`` gives the space back to the file system. Not ``auto_vacuum=INCREMENTAL``: SQLite applies it only to
a database created with it (an existing one needs a full VACUUM to switch), and a steady size is what the free list
gives already.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, Table, and_, delete, exists, func, select, update

from service.db.tables import audit_log, feedback, job_items, jobs, scores
from service.db.timeutil import utcnow

__all__ = [
    "PRUNED_TABLES",
    "RetentionPolicy",
    "prune",
    "vacuum",
]

PRUNED_TABLES = ("jobs", "job_items", "scores", "audit_log")
DEFAULT_BATCH_SIZE = 1000
FINISHED_STATES = ("done", "cancelled")  # the others are service.db.jobs.ACTIVE_STATES

StopCheck = Callable[[], bool]


def _never() -> bool:
    return False


@dataclass(frozen=True)
class RetentionPolicy:
    """Days each kind of row is kept (fractions allowed); 0 keeps it forever."""

    score_days: float = 90.0
    audit_days: float = 90.0
    job_days: float = 30.0


def prune(
    engine: Engine,
    policy: RetentionPolicy,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    should_stop: StopCheck = _never,
) -> dict[str, int]:
    """Delete what ``policy`` lets go at ``now`` (default: the current time); rows removed per table, in
    ``PRUNED_TABLES`` order. With ``dry_run``, count what would go and delete nothing.

    Jobs go first: the scores their items pinned may go in the same prune."""
    now = now or utcnow()
    removed = dict.fromkeys(PRUNED_TABLES, 0)
    batches = (dry_run, batch_size, should_stop)
    if policy.job_days > 0:
        removed.update(_prune_jobs(engine, now - timedelta(days=policy.job_days), *batches))
    if policy.score_days > 0:
        superseded = _superseded_before(now - timedelta(days=policy.score_days))
        removed["scores"] = _delete_in_batches(engine, scores, superseded, *batches)
    if policy.audit_days > 0:
        old = audit_log.c.at < now - timedelta(days=policy.audit_days)
        removed["audit_log"] = _delete_in_batches(engine, audit_log, old, *batches)
    return removed


def _superseded_before(cutoff: datetime) -> ColumnElement[bool]:
    """Scores that a newer score of the same handle and model version replaced, last served before ``cutoff``, and
    that no feedback and no job item points at."""
    newer = scores.alias("newer")
    return and_(
        func.coalesce(scores.c.last_served_at, scores.c.scored_at) < cutoff,
        exists().where(
            newer.c.handle_key == scores.c.handle_key,
            newer.c.model_version == scores.c.model_version,
            newer.c.id > scores.c.id,
        ),
        scores.c.id.not_in(select(feedback.c.score_id).where(feedback.c.score_id.is_not(None))),
        scores.c.id.not_in(select(job_items.c.score_id).where(job_items.c.score_id.is_not(None))),
    )


def _prune_jobs(
    engine: Engine, cutoff: datetime, dry_run: bool, batch_size: int, should_stop: StopCheck
) -> dict[str, int]:
    """Delete the jobs finished (done or cancelled) before ``cutoff`` with their items; their scores stay, detached.

    A job's items go first, a batch at a time, then its scores are detached and the job row goes: a prune cut short
    leaves a finished job with fewer items, which the next prune finishes."""
    finished = and_(jobs.c.state.in_(FINISHED_STATES), jobs.c.finished_at < cutoff)
    if dry_run:
        with engine.connect() as conn:
            n_jobs = conn.execute(select(func.count()).select_from(jobs).where(finished)).scalar_one()
            of_finished = job_items.c.job_id.in_(select(jobs.c.id).where(finished))
            n_items = conn.execute(select(func.count()).select_from(job_items).where(of_finished)).scalar_one()
        return {"jobs": n_jobs, "job_items": n_items}
    removed = {"jobs": 0, "job_items": 0}
    while not should_stop():
        with engine.connect() as conn:
            job_ids = conn.execute(select(jobs.c.id).where(finished).limit(batch_size)).scalars().all()
        n_before = removed["jobs"]
        for job_id in job_ids:
            if should_stop():
                return removed
            removed["job_items"] += _delete_in_batches(
                engine, job_items, job_items.c.job_id == job_id, False, batch_size, should_stop
            )
            _detach_scores(engine, job_id, batch_size)
            with engine.begin() as conn:
                removed["jobs"] += conn.execute(delete(jobs).where(jobs.c.id == job_id, finished)).rowcount
        if len(job_ids) < batch_size or removed["jobs"] == n_before:
            break
    return removed


def _detach_scores(engine: Engine, job_id: str, batch_size: int) -> None:
    """Set ``job_id`` NULL on the job's scores a batch at a time (what the foreign key would do in one statement)."""
    while True:
        with engine.connect() as conn:
            ids = conn.execute(select(scores.c.id).where(scores.c.job_id == job_id).limit(batch_size)).scalars().all()
        if not ids:
            return
        with engine.begin() as conn:
            conn.execute(update(scores).where(scores.c.id.in_(ids), scores.c.job_id == job_id).values(job_id=None))


def _delete_in_batches(
    engine: Engine,
    table: Table,
    condition: ColumnElement[bool],
    dry_run: bool,
    batch_size: int,
    should_stop: StopCheck,
) -> int:
    """Delete the rows of ``table`` (integer ``id``) meeting ``condition``, lowest id first, ``batch_size`` a
    transaction; or count them. Returns the rows removed (or that would be)."""
    key = table.c.id
    if dry_run:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
    removed = 0
    after: int | None = None
    while not should_stop():
        query = select(key).where(condition).order_by(key).limit(batch_size)
        if after is not None:
            query = query.where(key > after)
        with engine.connect() as conn:
            ids = conn.execute(query).scalars().all()
        if not ids:
            break
        with engine.begin() as conn:
            removed += conn.execute(delete(table).where(key.in_(ids), condition)).rowcount
        if len(ids) < batch_size:
            break
        after = ids[-1]
    return removed


def vacuum(engine: Engine) -> None:
    """Give the space freed by deletes back to the file system (SQLite: ``VACUUM`` rewrites the file under an
    exclusive lock, then the WAL is checkpointed and truncated) or to the tables (Postgres: ``VACUUM ANALYZE`` of
    the pruned tables). Other databases: nothing."""
    dialect = engine.dialect.name
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if dialect == "sqlite":
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif dialect == "postgresql":
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(PRUNED_TABLES)}")
