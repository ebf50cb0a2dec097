"""The ``parrotwatch`` app: the root callback, and every command and group registered here, in one place.

Command modules define plain functions (top-level commands) or their own ``typer.Typer`` (groups) and never import
this module; this module imports them. The order below is the order ``--help`` lists them in.
"""

from __future__ import annotations

import typer

from service.cli.catalog import catalog_app
from service.cli.coordination import coordination_app
from service.cli.data import demo_data, import_command
from service.cli.db import db_app
from service.cli.errors import ErrorMappingGroup
from service.cli.evaluate import evaluate
from service.cli.feedback import feedback_app
from service.cli.keys import keys_app
from service.cli.models import models_app
from service.cli.retrain import retrain
from service.cli.score import score
from service.cli.serve import serve
from service.cli.train import train
from service.config import Settings
from service.log_config import configure_logging

__all__ = ["app"]

app = typer.Typer(
    cls=ErrorMappingGroup,
    name="parrotwatch",
    help="Score social accounts for amplifying state talking points the way coordinated accounts do.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # commands handle the X bearer token
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log at debug level and show tracebacks."),
) -> None:
    settings = Settings()
    # The server's log is its record; a command's messages for people go through rich, so its log stays quiet.
    level = "DEBUG" if verbose else settings.log_level if ctx.invoked_subcommand == "serve" else "WARNING"
    configure_logging(level, json_lines=settings.log_json)
    # Keep what the caller passed (``CliRunner.invoke(obj=...)``), e.g. an ``on_audit`` hook for promotions.
    ctx.obj = {**(ctx.obj or {}), "settings": settings, "verbose": verbose}


app.command("demo-data")(demo_data)
app.command("import")(import_command)
app.command("train")(train)
app.command("retrain")(retrain)
app.command("evaluate")(evaluate)
app.command("score")(score)
app.command("serve")(serve)
app.add_typer(models_app, name="models")
app.add_typer(keys_app, name="keys")
app.add_typer(catalog_app, name="catalog")
app.add_typer(feedback_app, name="feedback")
app.add_typer(db_app, name="db")
app.add_typer(coordination_app, name="coordination")
