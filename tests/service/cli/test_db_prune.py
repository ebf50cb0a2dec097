"""``parrotwatch db prune``: deletes what the retention settings let go, prints the rows per table, and says so in its
exit code; ``--dry-run`` deletes nothing, ``--vacuum`` gives the space back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from ingest.database import open_database
from service.cli import app as cli_app
from service.config import Settings
from service.db.audit import record_audit
from tests.service.db.test_retention import add_audit, add_job, counts

LONG_AGO = 1000  # days before the fixed NOW of the retention tests: due whatever the clock says


def prune(*args: str) -> Result:
    return CliRunner().invoke(cli_app, ["db", "prune", *args])


@pytest.fixture
def db_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI pointed at a database of its own (no model needed to prune)."""
    monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PARROTWATCH_LOG_JSON", "false")
    return Settings()


@pytest.fixture
def engine(db_settings: Settings) -> Iterator[Engine]:
    """The CLI's database, with 6 audit rows and a finished job long due, and 2 audit rows written now."""
    engine = open_database(db_settings.resolved_database_url)
    add_audit(engine, days_ago=LONG_AGO, n=6)
    add_job(engine, "finished_long_ago", "done", days_ago=LONG_AGO)
    for _ in range(2):
        record_audit(engine, action="POST /v1/scores", target="/v1/scores", key_id=None, key_name="test")
    yield engine
    engine.dispose()


def rows_printed(output: str) -> dict[str, int]:
    """The table's last column by its first, for the pruned tables' lines."""
    found = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if cells[0] in ("jobs", "job_items", "scores", "audit_log"):
            found[cells[0]] = int(cells[-1].replace(",", ""))
    return found


def test_prune_deletes_what_is_due_and_prints_the_rows_deleted_per_table(engine) -> None:
    result = prune()

    assert result.exit_code == 0, result.output
    assert "deleted" in result.stdout
    assert rows_printed(result.stdout) == {"jobs": 1, "job_items": 0, "scores": 0, "audit_log": 6}
    assert counts(engine)["audit_log"] == 2 and counts(engine)["jobs"] == 0


def test_a_dry_run_prints_the_same_counts_and_deletes_nothing(engine) -> None:
    before = counts(engine)

    result = prune("--dry-run")

    assert result.exit_code == 0, result.output
    assert "would delete (dry run)" in result.stdout
    assert rows_printed(result.stdout) == {"jobs": 1, "job_items": 0, "scores": 0, "audit_log": 6}
    assert counts(engine) == before


def test_a_zero_retention_from_the_environment_keeps_those_rows(engine, monkeypatch) -> None:
    monkeypatch.setenv("PARROTWATCH_AUDIT_RETENTION_DAYS", "0")

    result = prune()

    assert result.exit_code == 0, result.output
    assert rows_printed(result.stdout)["audit_log"] == 0
    assert counts(engine)["audit_log"] == 8


def test_vacuum_gives_the_space_of_the_deleted_rows_back_to_the_file_system(engine, db_settings) -> None:
    add_audit(engine, days_ago=LONG_AGO, n=20_000, target="x" * 400)  # about 9 MB
    path = Path(db_settings.resolved_database_url.removeprefix("sqlite:///"))
    engine.dispose()
    pruned = prune()
    size_pruned = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())

    vacuumed = prune("--vacuum")

    assert pruned.exit_code == 0 and vacuumed.exit_code == 0, vacuumed.output
    assert "vacuumed" in vacuumed.stderr
    assert path.stat().st_size < size_pruned - 8_000_000


def test_vacuum_with_a_dry_run_is_a_usage_error_that_touches_nothing(engine) -> None:
    before = counts(engine)

    result = prune("--dry-run", "--vacuum")

    assert result.exit_code == 2
    assert "--vacuum" in result.output
    assert counts(engine) == before
