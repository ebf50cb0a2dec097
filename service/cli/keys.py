"""``parrotwatch keys``: create, list and revoke API keys in the service's database (migrated first)."""

from __future__ import annotations

import getpass
from typing import Annotated, Literal

import typer
from rich.table import Table
from sqlalchemy import Engine

from ingest.database import open_database
from service.cli.console import err
from service.config import Settings
from service.db.api_keys import create_key, list_keys, revoke_key
from service.db.audit import record_audit

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


def _engine(ctx: typer.Context) -> Engine:
    settings: Settings = ctx.obj["settings"]
    return open_database(settings.resolved_database_url)


def _audit(engine: Engine, action: str, target: str) -> None:
    """Key operations from the command line are audited as the local user, since no API key is involved."""
    record_audit(engine, action=action, target=target, key_id=None, key_name=f"cli:{getpass.getuser()}")


@keys_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="Who or what uses the key.")],
    role: Annotated[str, typer.Option(help="analyst (score, read, feedback, jobs) or admin (everything).")] = "analyst",
    team: Annotated[
        str | None, typer.Option(help="A team: its analysts see each other's jobs and feedback (1-64 characters).")
    ] = None,
) -> None:
    """Create a key and print it on stdout, once: only its hash is stored."""
    if role not in ("analyst", "admin"):
        raise typer.BadParameter("--role is analyst or admin")
    if team is not None and not 0 < len(team) <= 64:
        raise typer.BadParameter("--team is 1 to 64 characters")
    checked: Literal["analyst", "admin"] = "admin" if role == "admin" else "analyst"
    engine = _engine(ctx)
    key, secret = create_key(engine, name=name, role=checked, team=team)
    _audit(engine, "keys create", key.label)
    err.print(f"created {key.role} key {key.id} for {key.name!r}; it is shown once, keep it now:", highlight=False)
    typer.echo(secret)


@keys_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List keys (never their secrets, which are not stored)."""
    table = Table()
    for column in ("id", "name", "role", "team", "created", "revoked"):
        table.add_column(column)
    for key in list_keys(_engine(ctx)):
        table.add_row(
            key.id,
            key.name,
            key.role,
            key.team or "",
            key.created_at.isoformat(timespec="seconds"),
            key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "",
        )
    err.print(table)


@keys_app.command("revoke")
def revoke(ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key's id (see `keys list`).")]) -> None:
    """Revoke a key: requests with it get 401 at once."""
    engine = _engine(ctx)
    key = revoke_key(engine, key_id)
    _audit(engine, "keys revoke", f"key {key.id}")
    err.print(f"revoked {key.id} ({key.name})", highlight=False)
