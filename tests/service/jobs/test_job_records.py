"""Recording a job's outcomes: workers that finish the last items of a job at the same moment still finish the job.

Runs on SQLite and on PostgreSQL (``[postgres]``), where two transactions really overlap: each used to
count the other's items as still pending, and the job stayed ``running`` with nothing left to claim (found by a
restarted app whose two workers took the job's last two batches). Cancel and resume, likewise, write only over the
state they read.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, event, update
from sqlalchemy.pool import NullPool

from ingest.database import open_database
from service.db.jobs import (
    ItemOutcome,
    cancel_job,
    create_job,
    finish_if_drained,
    get_job,
    pause_job,
    pending_items,
    record_outcomes,
    resume_job,
)
from service.db.tables import job_items, jobs
from service.errors import JobFinishedError


def _record_both_at_once(engine, job_id: str) -> None:  # type: ignore[no-untyped-def]
    items = pending_items(engine, job_id, limit=2)
    start = threading.Barrier(len(items))
    errors: list[BaseException] = []

    def record(item_id: int) -> None:
        start.wait()
        try:
            record_outcomes(engine, job_id, [ItemOutcome(item_id, error_type="/problems/x", error_detail="x")])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=record, args=(item_id,)) for item_id, _, _ in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors


def test_a_job_whose_last_items_are_recorded_at_once_is_done(head_database_url: str) -> None:
    engine = open_database(head_database_url)
    try:
        jobs = [create_job(engine, ["first_one", "second_one"], refresh=False, created_by=None) for _ in range(25)]
        for job_id in jobs:
            _record_both_at_once(engine, job_id)
        states = [(get_job(engine, job_id).state, get_job(engine, job_id).failed) for job_id in jobs]
        assert states == [("done", 2)] * len(jobs)
    finally:
        engine.dispose()


def test_an_active_job_with_nothing_pending_is_finished_when_next_claimed(head_database_url: str) -> None:
    engine = open_database(head_database_url)
    try:
        job_id = create_job(engine, ["first_one", "second_one"], refresh=False, created_by=None)
        first, second = pending_items(engine, job_id, limit=2)
        record_outcomes(engine, job_id, [ItemOutcome(first[0], error_type="/problems/x", error_detail="x")])
        assert not finish_if_drained(engine, job_id), "an item is still pending"
        with engine.begin() as conn:  # settled without finishing the job, as the overlapping workers left it
            conn.execute(update(job_items).where(job_items.c.id == second[0]).values(state="error"))
        assert get_job(engine, job_id).state == "queued"

        assert finish_if_drained(engine, job_id)
        assert get_job(engine, job_id).state == "done" and get_job(engine, job_id).finished_at is not None
        assert not finish_if_drained(engine, job_id), "finished once"
    finally:
        engine.dispose()


def _commit_first_from_elsewhere(engine, job_id: str, state: str):  # type: ignore[no-untyped-def]
    """Before the first ``UPDATE jobs`` of the code under test runs, another connection commits the job's ``state``:
    the moment between a read and its write, on purpose."""
    other = create_engine(engine.url, poolclass=NullPool)
    fired: list[bool] = []

    def interleave(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not fired and statement.lstrip().upper().startswith("UPDATE JOBS"):
            fired.append(True)
            with other.begin() as elsewhere:
                elsewhere.execute(update(jobs).where(jobs.c.id == job_id).values(state=state))

    event.listen(engine, "before_cursor_execute", interleave)
    return fired


@pytest.mark.parametrize(
    ("act", "meanwhile"),
    [("cancel", "done"), ("resume", "cancelled")],
    ids=["cancel-after-the-last-batch", "resume-after-a-cancel"],
)
def test_a_state_committed_between_the_read_and_the_write_is_not_overwritten(
    head_database_url: str, act: str, meanwhile: str
) -> None:
    if not head_database_url.startswith("postgresql"):
        pytest.skip("on SQLite a write after a stale read fails as locked: only PostgreSQL lets it through")
    engine = open_database(head_database_url)
    try:
        job_id = create_job(engine, ["first_one"], refresh=False, created_by=None)
        if act == "resume":
            pause_job(engine, job_id, reason="budget", detail="test")
        fired = _commit_first_from_elsewhere(engine, job_id, meanwhile)

        with pytest.raises(JobFinishedError):
            cancel_job(engine, job_id) if act == "cancel" else resume_job(engine, job_id)

        assert fired and get_job(engine, job_id).state == meanwhile
    finally:
        engine.dispose()
