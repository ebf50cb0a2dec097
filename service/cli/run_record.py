"""A training command run for the API (``--run-id``): it records its own steps and outcome in the service's database.

The API only starts the process; the process says where it is and how it ended, so the record stays right even if
the API restarts meanwhile. Outcomes: ``succeeded`` (with the version, whether it was promoted and its held-out
figures), ``refused`` by the promotion gate (the version is kept, not active) and ``failed`` (the error and the
command's exit code). A process killed before it can record anything is marked ``interrupted`` by the API.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from sqlalchemy import Engine

from service.cli.console import err
from service.cli.errors import exit_code_for
from service.db.training_runs import finish_run, mark_running, set_progress
from training.errors import PromotionRefusedError

__all__ = ["RunRecord", "recorded_run"]

logger = logging.getLogger(__name__)


class RunRecord:
    """What the command tells the run's row: ``step`` as it goes, ``published`` once a version is saved."""

    def __init__(self, engine: Engine | None, run_id: str | None) -> None:
        self.engine = engine
        self.run_id = run_id
        self.outcome: dict[str, Any] | None = None

    def step(self, message: str) -> None:
        """Record the step; stop the command when the run has ended meanwhile (cancelled while it started, say)."""
        if self.engine is not None and self.run_id is not None:
            try:
                still_running = set_progress(self.engine, self.run_id, message)
            except Exception:  # a progress line is not worth failing a training run for
                logger.warning("could not record the training run's progress", exc_info=True)
                return
            if not still_running:
                err.print(f"training run {self.run_id} was cancelled: stopping before {message!r}")
                raise typer.Exit(0)

    def published(self, outcome: dict[str, Any]) -> None:
        self.outcome = outcome


@contextmanager
def recorded_run(engine: Engine | None, run_id: str | None) -> Iterator[RunRecord]:
    """Mark the run ``running`` with this pid, and record how the block ends; without a run id, record nothing."""
    record = RunRecord(engine, run_id)
    if engine is None or run_id is None:
        yield record
        return
    if not mark_running(engine, run_id, pid=os.getpid()):  # cancelled before this process got to it
        err.print(f"training run {run_id} was cancelled before it started: nothing to do")
        raise typer.Exit(0)
    try:
        yield record
    except PromotionRefusedError as exc:
        outcome = record.outcome or {}
        finish_run(
            engine,
            run_id,
            status="refused",
            version=outcome.get("version"),
            promoted=False,
            result=outcome,
            error=str(exc),
            exit_code=exit_code_for(exc),
        )
        raise
    except BaseException as exc:
        outcome = record.outcome or {}
        code = exc.exit_code if hasattr(exc, "exit_code") else exit_code_for(exc) if isinstance(exc, Exception) else 1
        finish_run(
            engine,
            run_id,
            status="failed",
            version=outcome.get("version"),
            promoted=outcome.get("promoted"),
            result=outcome or None,
            error=str(exc) or type(exc).__name__,
            exit_code=code,
        )
        raise
    else:
        outcome = record.outcome or {"version": None}
        finish_run(
            engine,
            run_id,
            status="succeeded",
            version=outcome.get("version"),
            promoted=outcome.get("promoted"),
            result=outcome,
            exit_code=0,
        )
