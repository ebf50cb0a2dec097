"""``parrotwatch retrain``: for cron, retrain on every label when labels or analysts' feedback changed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from detector.registry import ModelRegistry
from ingest.database import open_database
from ingest.formats import InputFormat
from service.cli.compute import DaskOpt
from service.cli.console import err
from service.cli.labeled import input_source, labeled_accounts, one_account_source, read_stored_feedback
from service.cli.options import FormatOpt, FromStoreOpt, OptionalInputOpt, ToleranceOpt, WithFeedbackOpt, settings_of
from service.cli.publish import TrainOptions, train_and_publish
from service.cli.run_record import RunRecord, recorded_run
from service.config import Settings
from training.errors import InsufficientDataError
from training.label_sources import gather_labels

__all__ = ["retrain"]


def _since(value: str, registry: ModelRegistry) -> datetime:
    """``LAST`` (when the newest version was trained; the beginning of time without one) or an ISO date."""
    if value.upper() == "LAST":
        versions = registry.versions()
        if not versions:
            return datetime.min.replace(tzinfo=UTC)
        return datetime.fromisoformat(registry.card(versions[-1])["created_at"])
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"--since takes LAST or an ISO date, got {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def retrain(
    ctx: typer.Context,
    input_file: OptionalInputOpt = None,
    fmt: FormatOpt = InputFormat.JSONL,
    from_store: FromStoreOpt = False,
    since: Annotated[
        str, typer.Option(help="LAST (the newest version's training time) or an ISO date: retrain if labels changed.")
    ] = "LAST",
    labels_dir: Annotated[
        Path | None,
        typer.Option(
            file_okay=False, help="Folder of labels CSVs; default $PARROTWATCH_LABELS_DIR or data_dir/labels."
        ),
    ] = None,
    with_feedback: WithFeedbackOpt = False,
    feedback_file: Annotated[
        Path | None,
        typer.Option(
            "--feedback-file",
            exists=True,
            dir_okay=False,
            help="A feedback export (CSV handle,label,...; `parrotwatch feedback export`) instead of the database.",
        ),
    ] = None,
    promote: Annotated[bool, typer.Option(help="Promote through the gate (refused: exit 7, nothing changes).")] = True,
    tolerance: ToleranceOpt = None,
    seed: Annotated[int, typer.Option(help="Seed for the split and cross-validation.")] = 0,
    report: Annotated[bool, typer.Option(help="Write the training report into the version.")] = True,
    strict: Annotated[bool, typer.Option("--strict", help="Make label warnings fatal (exit 3).")] = False,
    dask: DaskOpt = None,
    run_id: Annotated[
        str | None, typer.Option(hidden=True, help="A training run started through the API: record into it.")
    ] = None,
) -> None:
    """Retrain on every label when some labels file or analysts' feedback changed since --since; for cron.

    All labels files of the folder are merged, oldest first, a newer file's label replacing an older one; feedback
    (--with-feedback from the service's database, or a --feedback-file export) comes last. Nothing changed: exit 0
    without training. The new version is promoted through the gate.
    """
    settings = settings_of(ctx)
    engine = None
    if run_id is not None:
        engine = open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s)
    try:
        with recorded_run(engine, run_id) as record:
            _retrain(
                settings,
                input_file,
                fmt,
                from_store=from_store,
                since=since,
                labels_dir=labels_dir,
                with_feedback=with_feedback,
                feedback_file=feedback_file,
                promote=promote,
                tolerance=tolerance,
                options=TrainOptions(seed=seed, report=report, dask=dask),
                strict=strict,
                record=record,
            )
    finally:
        if engine is not None:
            engine.dispose()


def _retrain(
    settings: Settings,
    input_file: Path | None,
    fmt: InputFormat,
    *,
    from_store: bool,
    since: str,
    labels_dir: Path | None,
    with_feedback: bool,
    feedback_file: Path | None,
    promote: bool,
    tolerance: float | None,
    options: TrainOptions,
    strict: bool,
    record: RunRecord,
) -> None:
    one_account_source(input_file, from_store)
    registry = ModelRegistry(settings.models_dir)
    moment = _since(since, registry)
    folder = labels_dir or settings.resolved_labels_dir
    record.step("reading labels")
    sources = gather_labels(
        folder if folder.is_dir() else None,
        since=moment,
        feedback=feedback_file,
        stored_feedback=read_stored_feedback(settings) if with_feedback else None,
    )
    if sources.empty:
        raise InsufficientDataError(
            f"no labels: {folder} has no *.csv"
            + (" and the service holds no feedback that gives a label" if with_feedback else "")
            + ("" if with_feedback or feedback_file else " (add --with-feedback for the analysts' verdicts)")
        )
    if not sources.changed:
        err.print(f"nothing labeled since {moment.isoformat()} in {folder} or in feedback: no retraining")
        typer.echo(json.dumps({"version": None, "since": moment.isoformat(), "new_files": []}))
        record.published({"version": None, "trained": False, "since": moment.isoformat()})
        return
    err.print(
        f"{len(sources.new_files)} of {len(sources.files)} label file(s) changed since {moment.isoformat()}"
        + (f", new feedback on {sources.n_feedback} account(s)" if sources.new_feedback else "")
        + f": {len(sources.labels)} labeled accounts ({sources.n_replaced} relabeled by newer labels)",
        highlight=False,
    )
    record.step("reading the labeled accounts")
    data = labeled_accounts(settings, input_file, fmt, sources.labels, from_store=from_store, strict=strict)
    source = {
        **input_source(settings, input_file, fmt, from_store),
        "labels": None,
        "label_files": [str(p.resolve()) for p in sources.files],
        "label_column": None,
        "feedback": sources.n_feedback if with_feedback else None,
    }
    train_and_publish(
        settings, data, options, source=source, activate=False, promote=promote, tolerance=tolerance, record=record
    )
