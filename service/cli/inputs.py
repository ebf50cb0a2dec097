"""Bring input files into the account store, with a progress bar and a report of every skipped row."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ingest.database import make_engine
from ingest.errors import NothingImportedError
from ingest.formats import InputFormat, RowSource
from ingest.store import AccountStore, ImportReport, StoreLimits
from service.cli.console import err

__all__ = ["import_inputs", "input_files", "staged_accounts"]

_EXTENSIONS = {
    InputFormat.IO_ARCHIVE: ("*.csv",),
    InputFormat.JSONL: ("*.jsonl",),
    InputFormat.TWARC2: ("*.jsonl", "*.json"),
    InputFormat.IRA_CSV: ("*.csv", "*.csv.gz"),
    InputFormat.REDDIT_CSV: ("*.csv", "*.csv.gz"),
}
_PROBLEMS_SHOWN = 20


def input_files(path: Path, fmt: InputFormat) -> list[Path]:
    """The file itself, or the files of a folder that match the format, in name order."""
    if path.is_dir():
        return sorted({p for pattern in _EXTENSIONS[fmt] for p in path.glob(pattern)})
    return [path]


def import_inputs(
    store: AccountStore, path: Path, fmt: InputFormat, *, strict: bool = False, platform: str | None = None
) -> list[ImportReport]:
    """Import each file in one transaction; report skipped rows as ``file:line: reason`` on stderr.

    A fatal problem (or any problem with ``strict``) raises ``MalformedFileError``; files imported before it stay.
    When no file gave a row to import (all skipped, none held any, or ``path`` holds no file of ``fmt``) it raises
    ``NothingImportedError`` with the count and the first reason. ``platform`` goes to the accounts whose rows name
    none (``AccountStore.import_rows``).
    """
    reports = []
    files = input_files(path, fmt)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err) as progress:
        for file in files:
            source = RowSource(file, fmt)
            task = progress.add_task(f"importing {file.name}", total=None)
            rows = [0]

            def tick(task: int = task, rows: list[int] = rows, name: str = file.name) -> None:
                rows[0] += 1
                if rows[0] % 5000 == 0:
                    progress.update(task, description=f"importing {name}: {rows[0]:,} rows")

            report = store.import_rows(
                source, source=f"file:{file.name}", strict=strict, path=file, on_row=tick, platform=platform
            )
            progress.update(task, description=f"imported {file.name}: {report.n_rows:,} rows")
            for notice in [*source.notices, *report.notices]:
                err.print(f"[yellow]note:[/] {notice}", highlight=False)
            for problem in report.problems[:_PROBLEMS_SHOWN]:
                err.print(f"[yellow]skipped[/] {file}:{problem.line}: {problem.reason}", highlight=False)
            if report.n_problems > _PROBLEMS_SHOWN:
                err.print(f"[yellow]... and {report.n_problems - _PROBLEMS_SHOWN} more skipped rows in {file}[/]")
            reports.append(report)
    if not any(report.n_rows for report in reports):
        first = next(((file, r.problems[0]) for file, r in zip(files, reports, strict=True) if r.problems), None)
        raise NothingImportedError(
            path,
            fmt.value,
            n_files=len(files),
            n_skipped=sum(report.n_problems for report in reports),
            first_problem=f"{first[0]}:{first[1].line}: {first[1].reason}" if first is not None else None,
        )
    return reports


@contextmanager
def staged_accounts(
    path: Path, fmt: InputFormat, *, strict: bool = False, limits: StoreLimits | None = None
) -> Iterator[tuple[list[str], AccountStore]]:
    """Stage input files in a throwaway store and yield (handles in file order, store).

    Rows of one account may be spread over a file, or over several files (archives split by date), so accounts are
    assembled in a temporary SQLite store: memory stays bounded and what is scored or trained on is exactly the
    input, never whatever else the persistent cache holds.
    """
    with tempfile.TemporaryDirectory(prefix="parrotwatch-stage-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'stage.db'}")
        try:
            store = AccountStore(engine, limits=limits)
            reports = import_inputs(store, path, fmt, strict=strict)
            handles = list(dict.fromkeys(h for report in reports for h in report.handles))
            yield handles, store
        finally:
            engine.dispose()
