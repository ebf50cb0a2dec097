"""Recording a job's outcomes: workers that finish the last items of a job at the same moment still finish the job.

Runs on SQLite and, with ``--database postgres``, on PostgreSQL, where two transactions really overlap: each used to
count the other's items as still pending, and the job stayed ``running`` with nothing left to claim (found by a
restarted app whose two workers took the job's last two batches).
"""

from __future__ import annotations

import threading

from sqlalchemy import update

from ingest.database import open_database
from service.db.jobs import ItemOutcome, create_job, finish_if_drained, get_job, pending_items, record_outcomes
from service.db.tables import job_items


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
