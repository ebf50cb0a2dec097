"""``parrotwatch models``: list, show and activate registry versions."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from detector.registry import ModelRegistry
from service.cli.tables import card_tables
from service.config import Settings

models_app = typer.Typer(help="List, inspect and activate model versions.", no_args_is_help=True)


def _registry(ctx: typer.Context) -> ModelRegistry:
    settings: Settings = ctx.obj["settings"]
    return ModelRegistry(settings.models_dir)


@models_app.command("list")
def list_versions(ctx: typer.Context) -> None:
    """List versions with their held-out figures; * marks the active one."""
    registry = _registry(ctx)
    from service.cli import err

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
    report = registry.root / version / "report.html"
    if report.is_file():
        out.print(f"report: {report}")


@models_app.command("activate")
def activate(ctx: typer.Context, version: str) -> None:
    """Make VERSION the active model (after checking its artifact loads and matches its card)."""
    registry = _registry(ctx)
    registry.load(version)
    registry.activate(version)
    typer.echo(version)
