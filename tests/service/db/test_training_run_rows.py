"""Starting a training run: of two requests at the same moment, one starts a run and the other is told one is running.

On PostgreSQL each request's transaction used to see no unfinished run and insert one; now the check and the insert
run under a transaction-scoped lock. The test holds the first request between its check and its insert, and lets the
second one try meanwhile.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select

from ingest.database import open_database
from service.db.tables import training_runs
from service.db.training_runs import UNFINISHED, create_run
from service.errors import TrainingRunInProgressError


def test_two_runs_requested_at_once_start_one(head_database_url: str) -> None:
    if not head_database_url.startswith("postgresql"):
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL's concurrent transactions")
    engine, other = open_database(head_database_url), open_database(head_database_url)
    outcome: list[object] = []

    def second_request() -> None:
        try:
            outcome.append(create_run(other, {}, requested_by="second", key_id=None))
        except TrainingRunInProgressError as exc:
            outcome.append(exc)

    second = threading.Thread(target=second_request)

    def between_check_and_insert(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO TRAINING_RUNS") and second.ident is None:
            second.start()
            second.join(2.0)  # with the lock it waits for this transaction; without, it inserts its own run now

    event.listen(engine, "before_cursor_execute", between_check_and_insert)
    try:
        create_run(engine, {}, requested_by="first", key_id=None)
        second.join(30)

        assert len(outcome) == 1 and isinstance(outcome[0], TrainingRunInProgressError)
        with engine.connect() as conn:
            unfinished = select(func.count()).where(training_runs.c.status.in_(UNFINISHED))
            assert conn.execute(unfinished).scalar_one() == 1
    finally:
        engine.dispose()
        other.dispose()
