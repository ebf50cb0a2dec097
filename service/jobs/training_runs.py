"""Start a training run as a child process and reap it: ``parrotwatch retrain --from-store --with-feedback``.

Training is CPU- and memory-heavy for minutes; in a child process it neither blocks the API's threads nor takes the
API down if it runs out of memory. The child gets the service's own configuration as ``PARROTWATCH_*`` variables
(secrets left out: training needs none) and records its own steps and outcome in the database (see
``service.cli.run_record``); its output goes to ``data_dir/training-runs/ID.log``. The reaper thread only marks a run
``interrupted`` when the process ended without recording an outcome.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine

from service.config import Settings
from service.db.training_runs import TrainingRun, mark_interrupted

__all__ = ["TrainingLauncher", "settings_environment"]

logger = logging.getLogger(__name__)
EPOCH = "1970-01-01T00:00:00+00:00"  # an admin asked for a run: every label counts as new


def settings_environment(settings: Settings) -> dict[str, str]:
    """``settings`` as the ``PARROTWATCH_*`` variables that rebuild it in a child process, secrets left out."""
    prefix = settings.model_config.get("env_prefix", "")
    env: dict[str, str] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None or isinstance(value, SecretStr):
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list | dict | tuple):
            text = json.dumps(value)
        else:
            text = str(value)
        env[f"{prefix}{name}".upper()] = text
    return env


class TrainingLauncher:
    """Start one ``retrain`` child per run and reap it in a thread."""

    def __init__(self, settings: Settings, engine: Engine, *, python: str = sys.executable) -> None:
        self.settings = settings
        self.engine = engine
        self.python = python
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._exit_codes: dict[str, int] = {}  # of children already reaped: a quick exit must not look unknown

    @property
    def log_dir(self) -> Path:
        return self.settings.data_dir / "training-runs"

    def log_path(self, run_id: str) -> Path:
        return self.log_dir / f"{run_id}.log"

    def command(self, run: TrainingRun) -> list[str]:
        options = run.options
        command = [self.python, "-m", "service.cli", "retrain", "--from-store", "--since", EPOCH, "--run-id", run.id]
        command += ["--seed", str(options.get("seed", 0))]
        if options.get("with_feedback", True):
            command.append("--with-feedback")
        command.append("--promote" if options.get("promote", True) else "--no-promote")
        command.append("--report" if options.get("report", True) else "--no-report")
        return command

    def start(self, run: TrainingRun) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PARROTWATCH_")},
            **settings_environment(self.settings),
            "USER": f"api:{run.requested_by or run.key_id or 'unknown'}",  # who promoted, in the registry's audit
            "COLUMNS": "120",
        }
        with self.log_path(run.id).open("wb") as log:
            try:
                child = subprocess.Popen(
                    self.command(run),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,  # stopping the server (Ctrl-C) does not kill a run half-way
                )
            except OSError as exc:
                mark_interrupted(self.engine, run.id, exit_code=None, reason=f"could not start: {exc}")
                raise
        self._children[run.id] = child
        logger.info("training run started", extra={"run_id": run.id, "pid": child.pid})
        threading.Thread(
            target=self._reap, args=(run.id, child), name=f"training-run-{run.id[:8]}", daemon=True
        ).start()

    def _reap(self, run_id: str, child: subprocess.Popen[bytes]) -> None:
        code = child.wait()
        self._exit_codes[run_id] = code
        self._children.pop(run_id, None)
        reason = f"the training process exited with code {code} before recording an outcome"
        if mark_interrupted(self.engine, run_id, exit_code=code, reason=reason):
            logger.error("training run interrupted", extra={"run_id": run_id, "exit_code": code})
        else:
            logger.info("training run ended", extra={"run_id": run_id, "exit_code": code})

    def wait(self, run_id: str, timeout_s: float | None = None) -> int | None:
        """The child's exit code once it ends (tests, shutdown); None if it never was this process's child."""
        child = self._children.get(run_id)
        return child.wait(timeout_s) if child is not None else self._exit_codes.get(run_id)
