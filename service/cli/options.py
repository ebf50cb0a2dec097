"""Options that several commands share, so that ``train``, ``retrain``, ``evaluate`` and ``score`` spell them alike."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ingest.database import make_engine
from ingest.formats import InputFormat
from ingest.store import AccountStore
from service.config import Settings

__all__ = [
    "FormatOpt",
    "FromStoreOpt",
    "LabelColumnOpt",
    "LabelsOpt",
    "OptionalInputOpt",
    "StrictOpt",
    "ToleranceOpt",
    "WithFeedbackOpt",
    "account_store",
    "settings_of",
]

FormatOpt = Annotated[InputFormat, typer.Option("--format", "-f", help="Format of --input.")]
LabelsOpt = Annotated[
    Path | None, typer.Option("--labels", "-l", exists=True, dir_okay=False, help="CSV with handle,label[,network].")
]
LabelColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--label-column",
        help="Take labels from this column of io-archive input (1/0 or label names) instead of --labels.",
    ),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Stop at the first malformed row instead of skipping it.")]
OptionalInputOpt = Annotated[
    Path | None,
    typer.Option("--input", "-i", exists=True, help="Accounts file or folder in --format (or --from-store)."),
]
FromStoreOpt = Annotated[
    bool,
    typer.Option(
        "--from-store",
        help="Train on the accounts in the service's own store (imported, or fetched when scored) instead of --input.",
    ),
]
WithFeedbackOpt = Annotated[
    bool,
    typer.Option(
        "--with-feedback",
        help="Add the analysts' verdicts stored by the service (confirm/dispute of a band) as labels, newest last.",
    ),
]
ToleranceOpt = Annotated[
    float | None,
    typer.Option(
        min=0.0, max=1.0, help="How far below the active PR-AUC a candidate may be; $PARROTWATCH_PROMOTION_TOLERANCE."
    ),
]


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the root callback read once for this invocation."""
    return ctx.obj["settings"]


def account_store(settings: Settings) -> AccountStore:
    """The local account store (``parrotwatch import`` fills it), without migrating the service's database."""
    return AccountStore(make_engine(settings.resolved_database_url), limits=settings.store_limits)
