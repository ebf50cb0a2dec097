"""``parrotwatch db``: look after the service's database. ``db prune`` deletes what the retention settings let go.

Exit codes: 0 pruned (also when nothing was due), 2 usage (``--vacuum`` with ``--dry-run``), 1 the database failed
(the message on stderr; a locked SQLite file is retried for ``PARROTWATCH_DB_BUSY_TIMEOUT_S`` per batch first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from ingest.database import open_database
from service.cli.console import err
from service.cli.options import settings_of
from service.db.retention import RetentionPolicy, prune, vacuum

__all__ = ["db_app"]

db_app = typer.Typer(help="Look after the service's database: retention.", no_args_is_help=True)


def _kept(policy: RetentionPolicy) -> dict[str, str]:
    """What each table keeps, in words."""

    def within(days: float, rows: str) -> str:
        return "all" if days <= 0 else f"{rows} within {days:g} days"

    return {
        "jobs": within(policy.job_days, "queued, running, and finished"),
        "job_items": "those of kept jobs",
        "scores": within(policy.score_days, "each handle's newest per model, and served"),
        "audit_log": within(policy.audit_days, "written"),
    }


def _sqlite_bytes(engine: Engine) -> int | None:
    """The SQLite file's size with its WAL, or ``None`` for another database (or an in-memory one)."""
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    path = Path(engine.url.database)
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


@db_app.command("prune")
def prune_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be deleted; delete nothing.")] = False,
    vacuum_after: Annotated[
        bool,
        typer.Option(
            "--vacuum",
            help="Then give the freed space back to the file system (SQLite VACUUM: rewrites the file under an "
            "exclusive lock, needs its size free on disk; Postgres VACUUM ANALYZE).",
        ),
    ] = False,
) -> None:
    """Delete superseded scores, audit rows and finished jobs older than the retention settings allow.

    PARROTWATCH_SCORE_RETENTION_DAYS, _AUDIT_RETENTION_DAYS and _JOB_RETENTION_DAYS say how long (0 keeps forever).
    Each handle's newest score under each model version is kept, and so are queued and running jobs. Prints the rows
    deleted per table. The server does the same every PARROTWATCH_PRUNE_INTERVAL_S.
    """
    if dry_run and vacuum_after:
        raise typer.BadParameter("--vacuum frees what a prune deleted; a --dry-run deletes nothing")
    settings = settings_of(ctx)
    policy = settings.retention
    engine = open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s)
    try:
        removed = prune(engine, policy, dry_run=dry_run)
        table = Table(title="would delete (dry run)" if dry_run else "deleted")
        table.add_column("table")
        table.add_column("keeps", overflow="fold")
        table.add_column("rows", justify="right")
        kept = _kept(policy)
        for name, n in removed.items():
            table.add_row(name, kept[name], f"{n:,}")
        Console().print(table)
        if vacuum_after:
            before = _sqlite_bytes(engine)
            vacuum(engine)
            after = _sqlite_bytes(engine)
            sizes = (
                f": {before / 1e6:,.1f} MB -> {after / 1e6:,.1f} MB" if before is not None and after is not None else ""
            )
            err.print(f"vacuumed{sizes}", highlight=False)
    finally:
        engine.dispose()
