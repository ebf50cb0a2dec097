"""One rich progress display for a multi-step command: a line per step, with a bar when the step counts work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from service.cli.console import err

__all__ = ["StepProgress", "step_progress"]


class StepProgress:
    """``say`` starts a step (closing the previous one); ``tick(done, total)`` moves the current step's bar."""

    def __init__(self, progress: Progress, on_step: Callable[[str], None] | None = None) -> None:
        self._progress = progress
        self._task: int | None = None
        self._on_step = on_step

    def say(self, message: str) -> None:
        self._close()
        self._task = self._progress.add_task(message, total=None)
        if self._on_step is not None:
            self._on_step(message)

    def tick(self, done: int, total: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=done, total=total)

    def _close(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[self._task]
            self._progress.update(self._task, total=task.total or 1, completed=task.total or 1)

    def finish(self) -> None:
        self._close()


@contextmanager
def step_progress(on_step: Callable[[str], None] | None = None) -> Iterator[StepProgress]:
    """Steps on stderr; ``on_step`` hears each step's name too (a training run started by the API records it)."""
    columns = (
        SpinnerColumn(finished_text="[green]✓[/]"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err) as progress:
        steps = StepProgress(progress, on_step)
        yield steps
        steps.finish()
