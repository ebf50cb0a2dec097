"""Starting a training run: of two requests at the same moment, one starts a run and the other is told one is running.

On PostgreSQL each request's transaction used to see no unfinished run and insert one; now the check and the insert
run under a transaction-scoped lock. The test holds the first request between its check and its insert, and lets the
second one try meanwhile.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading

import pytest
import typer
from sqlalchemy import event, func, select

import service.db.training_runs as training_runs_module
from ingest.database import open_database
from service.cli.run_record import recorded_run
from service.db.tables import training_runs
from service.db.training_runs import UNFINISHED, cancel_run, create_run, get_run
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
            second.join(0.5)  # with the lock it waits for this transaction; without, it inserts its own run now

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


def test_a_run_cancelled_as_its_process_started_is_stopped(head_database_url: str, monkeypatch) -> None:
    engine = open_database(head_database_url)
    killed: list[tuple[int, int]] = []
    monkeypatch.setattr(training_runs_module, "_alive", lambda pid: True)
    monkeypatch.setattr(training_runs_module.os, "killpg", lambda pid, sig: killed.append((pid, sig)))
    real_get_run, reads = training_runs_module.get_run, []

    def read_before_the_process_started(*args, **kwargs):  # type: ignore[no-untyped-def]
        run = real_get_run(*args, **kwargs)
        reads.append(run)
        return dataclasses.replace(run, status="queued", pid=None) if len(reads) == 1 else run

    try:
        run = create_run(engine, {}, requested_by="admin", key_id=None)
        with recorded_run(engine, run.id) as record:  # the process marks it running, with its pid
            monkeypatch.setattr(training_runs_module, "get_run", read_before_the_process_started)
            cancel_run(engine, run.id, by="admin")  # whose first read saw it queued, without a pid
            monkeypatch.setattr(training_runs_module, "get_run", real_get_run)
            assert killed == [(os.getpid(), signal.SIGTERM)], "the pid read after the cancel is signalled"
            with pytest.raises(typer.Exit):
                record.step("fitting the heads")  # and should it live on, it stops itself at its next step

        assert get_run(engine, run.id).status == "cancelled"
    finally:
        engine.dispose()
