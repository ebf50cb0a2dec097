"""``parrotwatch models``: list, show, activate, promote (through the gate), roll back and convert registry versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from detector.registry import ModelRegistry
from ingest.database import open_database
from ingest.formats import InputFormat
from ingest.store import AccountStore
from service.cli.console import err
from service.cli.labeled import labeled_set, read_label_source, stored_labeled_set
from service.cli.tables import card_tables, gate_table
from service.config import Settings
from service.db.feedback import stored_feedback
from training.errors import InsufficientDataError
from training.label_sources import merge_label_files
from training.promotion import AuditHook, current_user, promote, rollback, run_gate
from training.train import LabeledSet

models_app = typer.Typer(
    help="List, inspect, activate, promote, roll back and convert model versions.", no_args_is_help=True
)


def _audit_hook(ctx: typer.Context) -> AuditHook | None:
    """Where an audit entry is copied besides AUDIT.jsonl: ``ctx.obj["on_audit"]`` (the service's database audit
    log, once it exists, or a test's list). A hook point, not a dependency."""
    return ctx.obj.get("on_audit")


def _registry(ctx: typer.Context) -> ModelRegistry:
    settings: Settings = ctx.obj["settings"]
    return ModelRegistry(settings.models_dir)


@models_app.command("list")
def list_versions(ctx: typer.Context) -> None:
    """List versions with their held-out figures; * marks the active one."""
    registry = _registry(ctx)
    table = Table()
    for column in ("", "version", "created", "catalog", "roc_auc", "pr_auc", "n_test"):
        table.add_column(column)
    active = registry.active_version()
    for version in registry.versions():
        card = registry.card(version)
        held = card.get("metrics", {}).get("held_out", {})
        table.add_row(
            "*" if version == active else "",
            version,
            card.get("created_at", ""),
            card.get("catalog_version", ""),
            str(held.get("roc_auc")),
            str(held.get("pr_auc")),
            str(held.get("n_accounts")),
        )
    err.print(table)


@models_app.command("show")
def show(
    ctx: typer.Context,
    version: Annotated[str | None, typer.Argument(help="Default: the active one.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the card as JSON instead of tables.")] = False,
) -> None:
    """Print a version's model card as tables (metrics, thresholds, data, split, config), or as JSON."""
    registry = _registry(ctx)
    version = version or registry.active_version()
    if version is None:
        from detector.errors import ModelNotFoundError

        raise ModelNotFoundError(None)
    card = registry.card(version)
    if as_json:
        typer.echo(json.dumps(card, indent=2))
        return
    out = Console()
    for table in card_tables(card):
        out.print(table)
    report = registry.folder(version) / "report.html"
    if report.is_file():
        out.print(f"report: {report}")


@models_app.command("activate")
def activate(ctx: typer.Context, version: str) -> None:
    """Make VERSION the active model without the gate (after checking its artifact loads and matches its card)."""
    registry = _registry(ctx)
    registry.load(version)
    entry = registry.activate(version, audit={"user": current_user()})
    if (hook := _audit_hook(ctx)) is not None:
        hook(entry)
    typer.echo(version)


@models_app.command("convert")
def convert(
    ctx: typer.Context,
    version: str,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask: the pickle is trusted.")] = False,
) -> None:
    """Rewrite VERSION's model.joblib (a pickle, refused by activate) as model.skops, which loads without running code.

    Converting unpickles the file, which runs any code it holds: convert only a version you built or trust. The
    version keeps its name; its card records the pickle's sha256 under artifact.converted_from.
    """
    registry = _registry(ctx)
    if not yes:
        typer.confirm(
            f"Converting unpickles {registry.folder(version) / 'model.joblib'}, which runs any code it holds. "
            "Do you trust this file?",
            abort=True,
            err=True,
        )
    sha = registry.convert_pickle(version)
    err.print(f"converted {version}: model.skops sha256 {sha}")
    typer.echo(version)


@models_app.command("promote")
def promote_command(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="The candidate version.")],
    input_file: Annotated[
        Path | None,
        typer.Option("--input", "-i", exists=True, help="Judge both on this labeled set instead of their splits."),
    ] = None,
    labels: Annotated[Path | None, typer.Option("--labels", "-l", exists=True, dir_okay=False)] = None,
    label_column: Annotated[str | None, typer.Option("--label-column")] = None,
    fmt: Annotated[InputFormat, typer.Option("--format", "-f")] = InputFormat.JSONL,
    tolerance: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Default: $PARROTWATCH_PROMOTION_TOLERANCE (0.02).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Promote even if the gate refuses; audited.")] = False,
) -> None:
    """Make VERSION active if its PR-AUC is not worse than the active model's beyond the tolerance.

    Both are scored on the same accounts: those of their two held-out splits that neither trained on (read again
    from the input recorded in VERSION's card), or every labeled account of --input that neither trained on.
    Refused: exit 7, the active model unchanged. Every activation is appended to the registry's AUDIT.jsonl.
    """
    settings: Settings = ctx.obj["settings"]
    registry = _registry(ctx)
    candidate = registry.load(version)
    active_version = registry.active_version()
    gate = None
    if active_version is not None and active_version != version:
        held_out_only = input_file is None
        if held_out_only:
            data = _recorded_labeled_set(settings, version, candidate.card.get("source") or {})
        else:
            label_rows = read_label_source(labels, label_column, input_file, fmt)
            data = labeled_set(input_file, fmt, label_rows, check=False, limits=settings.store_limits)
        gate = run_gate(
            registry,
            candidate,
            registry.load(active_version),
            data,
            tolerance=settings.promotion_tolerance if tolerance is None else tolerance,
            held_out_only=held_out_only,
        )
        err.print(gate_table(gate.figures()))
    entry = promote(registry, version, gate=gate, force=force, user=current_user(), on_audit=_audit_hook(ctx))
    err.print(f"{entry['action']}: {entry['from']} -> {entry['to']} (audited in {registry.root / 'AUDIT.jsonl'})")
    typer.echo(json.dumps(entry))


def _recorded_labeled_set(settings: Settings, version: str, source: dict) -> LabeledSet:
    """The labeled accounts ``version`` was trained from, read again from where its card says they came from."""
    label_files = [Path(p) for p in source.get("label_files") or ([source["labels"]] if source.get("labels") else [])]
    if source.get("format") == "store":  # the service's store; labels files, and feedback as it stands today
        label_rows, _ = merge_label_files(label_files)
        engine = open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s)
        try:
            if source.get("feedback") is not None:
                label_rows |= stored_feedback(engine).labels
            return stored_labeled_set(AccountStore(engine, limits=settings.store_limits), label_rows, check=False)
        finally:
            engine.dispose()
    if not source.get("input") or not Path(source["input"]).exists():
        raise InsufficientDataError(
            f"the card of {version} names no readable input to judge it on: give --input and --labels"
        )
    input_file, fmt = Path(source["input"]), InputFormat(source["format"])
    if source.get("label_files"):  # a `retrain` version: its merged label files
        label_rows, _ = merge_label_files(label_files)
    else:
        label_rows = read_label_source(
            Path(source["labels"]) if source.get("labels") else None, source.get("label_column"), input_file, fmt
        )
    return labeled_set(input_file, fmt, label_rows, check=False, limits=settings.store_limits)


@models_app.command("rollback")
def rollback_command(ctx: typer.Context) -> None:
    """Make the previously active version active again (from the registry's AUDIT.jsonl); audited too."""
    registry = _registry(ctx)
    entry = rollback(registry, user=current_user(), on_audit=_audit_hook(ctx))
    err.print(f"rolled back: {entry['from']} -> {entry['to']}")
    typer.echo(json.dumps(entry))
