"""Training runs started through the API: their options, the step they are on, and how they ended.

The API creates a run (``queued``) and starts ``parrotwatch retrain --run-id ID`` as a child process; the child
records ``running`` with its pid, each step's name, and its outcome (``succeeded``, ``refused`` by the promotion
gate, or ``failed`` with the error); an admin may end it early (``cancelled``). A run whose process died without an
outcome is ``interrupted``: found when the API reaps its child, or at the next start when the recorded pid is gone.
One run at a time: training is the heaviest thing the machine does. A run belongs to the key that started it
(``key_id``); reads take the caller's ``Scope`` (``service/scopes.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from ingest.database import one_at_a_time, writing
from service.db.tables import training_runs
from service.db.timeutil import as_utc, utcnow
from service.errors import TrainingRunFinishedError, TrainingRunInProgressError, TrainingRunNotFoundError
from service.scopes import UNRESTRICTED, Scope, find_visible, owned

__all__ = [
    "UNFINISHED",
    "TrainingRun",
    "cancel_run",
    "create_run",
    "finish_run",
    "get_run",
    "list_runs",
    "mark_interrupted",
    "mark_running",
    "recover_interrupted",
    "set_progress",
]

UNFINISHED = ("queued", "running")
_ONE_RUN_LOCK = 0x70777472  # any constant: the PostgreSQL advisory lock id of starting a training run


@dataclass(frozen=True)
class TrainingRun:
    id: str
    status: str
    options: dict[str, Any]
    requested_by: str | None
    key_id: str | None
    pid: int | None
    progress: str | None
    version: str | None
    promoted: bool | None
    result: dict[str, Any] | None
    error: str | None
    exit_code: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED


def _run(row) -> TrainingRun:  # type: ignore[no-untyped-def]
    return TrainingRun(
        id=row.id,
        status=row.status,
        options=json.loads(row.options),
        requested_by=row.requested_by,
        key_id=row.key_id,
        pid=row.pid,
        progress=row.progress,
        version=row.version,
        promoted=row.promoted,
        result=json.loads(row.result) if row.result else None,
        error=row.error,
        exit_code=row.exit_code,
        created_at=as_utc(row.created_at),
        started_at=as_utc(row.started_at),
        finished_at=as_utc(row.finished_at),
    )


def create_run(engine: Engine, options: dict[str, Any], *, requested_by: str | None, key_id: str | None) -> TrainingRun:
    """A new ``queued`` run; ``TrainingRunInProgressError`` while another one is unfinished.

    The check and the insert are one transaction that only one writer runs at a time (this process's threads in turn
    on SQLite; a transaction-scoped advisory lock on PostgreSQL, whose transactions would otherwise each see no
    unfinished run and both insert one), so two requests cannot both start a run."""
    run_id = uuid.uuid4().hex
    with writing(engine), engine.begin() as conn:
        one_at_a_time(conn, _ONE_RUN_LOCK)
        busy = conn.execute(select(training_runs.c.id).where(training_runs.c.status.in_(UNFINISHED))).first()
        if busy is not None:
            raise TrainingRunInProgressError(busy.id)
        conn.execute(
            insert(training_runs).values(
                id=run_id,
                status="queued",
                options=json.dumps(options, sort_keys=True),
                requested_by=requested_by,
                key_id=key_id,
                created_at=utcnow(),
            )
        )
    return get_run(engine, run_id)


def get_run(engine: Engine, run_id: str, *, scope: Scope = UNRESTRICTED) -> TrainingRun:
    """The run; ``TrainingRunNotFoundError`` if unknown or outside ``scope``."""
    with engine.connect() as conn:
        row = find_visible(
            conn, training_runs, run_id, training_runs.c.key_id, scope, lambda: TrainingRunNotFoundError(run_id)
        )
    return _run(row)


def list_runs(engine: Engine, *, limit: int = 50, scope: Scope = UNRESTRICTED) -> list[TrainingRun]:
    """The runs within ``scope``, newest first."""
    query = select(training_runs).where(owned(scope, training_runs.c.key_id))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(training_runs.c.created_at.desc()).limit(limit))
        return [_run(row) for row in rows]


def _set(engine: Engine, run_id: str, *, only_unfinished: bool = True, **values: Any) -> bool:
    query = update(training_runs).where(training_runs.c.id == run_id)
    if only_unfinished:  # an outcome, once recorded, is never overwritten
        query = query.where(training_runs.c.status.in_(UNFINISHED))
    with engine.begin() as conn:
        return conn.execute(query.values(**values)).rowcount > 0


def mark_running(engine: Engine, run_id: str, *, pid: int) -> bool:
    return _set(engine, run_id, status="running", pid=pid, started_at=utcnow())


def set_progress(engine: Engine, run_id: str, step: str) -> bool:
    return _set(engine, run_id, progress=step[:512])


def finish_run(
    engine: Engine,
    run_id: str,
    *,
    status: str,
    version: str | None = None,
    promoted: bool | None = None,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    exit_code: int | None = None,
) -> bool:
    """Record the outcome once; False if the run had already ended."""
    return _set(
        engine,
        run_id,
        status=status,
        version=version,
        promoted=promoted,
        result=json.dumps(result, sort_keys=True) if result is not None else None,
        error=error,
        exit_code=exit_code,
        finished_at=utcnow(),
    )


def mark_interrupted(engine: Engine, run_id: str, *, exit_code: int | None, reason: str) -> bool:
    """The run's process ended without recording an outcome (killed, crashed, or never started)."""
    return finish_run(engine, run_id, status="interrupted", error=reason, exit_code=exit_code)


def cancel_run(engine: Engine, run_id: str, *, by: str | None, scope: Scope = UNRESTRICTED) -> TrainingRun:
    """Mark an unfinished run ``cancelled`` and stop its process (its whole process group: Dask workers too).

    A queued run whose process has not started yet finds itself cancelled when it starts, and stops there.
    """
    run = get_run(engine, run_id, scope=scope)
    if run.finished or not finish_run(engine, run_id, status="cancelled", error=f"cancelled by {by or 'an admin'}"):
        raise TrainingRunFinishedError(run_id, get_run(engine, run_id).status)
    run = get_run(engine, run_id)  # its pid as of the cancel: a process that started since the first read has one
    if run.pid is not None and _alive(run.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(run.pid, signal.SIGTERM)  # the child leads its own session (start_new_session)
    return get_run(engine, run_id)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process holds the pid: not ours to judge, assume alive
        return True
    return True


def recover_interrupted(engine: Engine) -> list[str]:
    """At start: runs left ``queued`` (never started) or ``running`` with a dead pid become ``interrupted``.

    A run whose process outlived the previous API process is still alive and will record its own outcome.
    """
    ended = []
    with engine.connect() as conn:
        rows = list(conn.execute(select(training_runs).where(training_runs.c.status.in_(UNFINISHED))))
    for row in rows:
        if row.status == "running" and row.pid is not None and _alive(row.pid):
            continue
        reason = "the service stopped before the run started" if row.status == "queued" else "its process ended"
        if mark_interrupted(engine, row.id, exit_code=None, reason=f"interrupted: {reason} without an outcome"):
            ended.append(row.id)
    return ended
