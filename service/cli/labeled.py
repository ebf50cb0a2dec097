"""Labeled input for the commands that train or judge models: labels read and checked, accounts staged and joined."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import typer
from sqlalchemy.engine import make_url

from ingest.database import open_database
from ingest.formats import InputFormat
from ingest.platform_handles import parse_handle
from ingest.store import AccountStore, StoreLimits
from service.cli.console import err
from service.cli.inputs import input_files, staged_accounts
from service.cli.options import account_store
from service.config import Settings
from service.db.feedback import stored_feedback
from training.errors import LabelWarningsError
from training.label_checks import label_warnings
from training.label_sources import StoredFeedback
from training.labels import LabelRow, read_label_column, read_labels
from training.train import LabeledSet, assemble_labeled_set

__all__ = [
    "input_source",
    "labeled_accounts",
    "labeled_set",
    "one_account_source",
    "read_label_source",
    "read_stored_feedback",
    "stored_labeled_set",
]


def read_label_source(
    labels: Path | None, label_column: str | None, input_path: Path, fmt: InputFormat
) -> dict[str, LabelRow]:
    """Labels from a file or from a column of the input; exactly one of the two must be given."""
    if (labels is None) == (label_column is None):
        raise typer.BadParameter("give exactly one of --labels FILE or --label-column NAME")
    if labels is not None:
        return read_labels(labels)
    if fmt is not InputFormat.IO_ARCHIVE:
        raise typer.BadParameter("--label-column reads archive CSVs: use it with --format io-archive")
    return read_label_column(input_files(input_path, fmt), label_column)


def labeled_set(
    input_path: Path,
    fmt: InputFormat,
    label_rows: Mapping[str, LabelRow],
    *,
    strict: bool = False,
    check: bool = True,
    limits: StoreLimits | None = None,
) -> LabeledSet:
    """Stage the input and join it with ``label_rows`` (every account with a post); print label warnings, which
    ``strict`` makes fatal (``LabelWarningsError``, exit 3) before any training."""
    with staged_accounts(input_path, fmt, strict=strict, limits=limits) as (handles, store):
        data = assemble_labeled_set(store.iter_accounts(handles), dict(label_rows), min_posts=1)
    return _checked(data, label_rows, strict=strict, check=check)


def stored_labeled_set(
    store: AccountStore, label_rows: Mapping[str, LabelRow], *, strict: bool = False, check: bool = True
) -> LabeledSet:
    """Join ``label_rows`` with the accounts the service's own store holds (imported, or fetched when scored): the
    accounts analysts gave feedback on are there. Label warnings as for ``labeled_set``."""
    # Labels name accounts as the labeled set joins them: by their name on their platform, without a prefix.
    handles = [handle for handle in store.handles() if parse_handle(handle).name.lower() in label_rows]
    data = assemble_labeled_set(store.iter_accounts(handles), dict(label_rows), min_posts=1)
    return _checked(data, label_rows, strict=strict, check=check)


def _checked(data: LabeledSet, label_rows: Mapping[str, LabelRow], *, strict: bool, check: bool) -> LabeledSet:
    if check:
        warnings = label_warnings(label_rows, data)
        for warning in warnings:
            err.print(f"[yellow]warning:[/] {warning.message}", highlight=False)
        if strict and warnings:
            raise LabelWarningsError([w.message for w in warnings])
    return data


def one_account_source(input_file: Path | None, from_store: bool) -> None:
    """Refuse, before any work, a command given both account sources or neither."""
    if (input_file is None) == (not from_store):
        raise typer.BadParameter("give exactly one of --input PATH or --from-store")


def read_stored_feedback(settings: Settings) -> StoredFeedback:
    """The analysts' verdicts in the service's database; its engine is disposed of before training starts."""
    engine = open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s)
    try:
        return stored_feedback(engine)
    finally:
        engine.dispose()


def labeled_accounts(
    settings: Settings,
    input_file: Path | None,
    fmt: InputFormat,
    label_rows: dict[str, LabelRow],
    *,
    from_store: bool,
    strict: bool,
) -> LabeledSet:
    """``label_rows`` joined with the accounts of --input or, with ``from_store``, of the service's store."""
    if from_store:
        store = account_store(settings)
        try:
            return stored_labeled_set(store, label_rows, strict=strict)
        finally:
            store.engine.dispose()
    assert input_file is not None
    return labeled_set(input_file, fmt, label_rows, strict=strict, limits=settings.store_limits)


def input_source(settings: Settings, input_file: Path | None, fmt: InputFormat, from_store: bool) -> dict:
    """Where the accounts came from, for the card (``models promote`` reads them again from there)."""
    if from_store:
        url = make_url(settings.resolved_database_url).render_as_string(hide_password=True)
        return {"input": None, "format": "store", "database": url}
    assert input_file is not None
    return {"input": str(input_file.resolve()), "format": fmt.value}
