"""The ``parrotwatch`` command line: one Typer app, one sub-app per command group.

Results go to stdout (JSON), messages to stderr. Errors map to exit codes in one table (``EXIT_CODES``):
0 ok, 1 unexpected, 2 usage, 3 bad input (unknown handle, malformed file, invalid labels),
4 upstream (the X API failed or rate-limited), 5 model or registry (missing, tampered, corrupt),
6 configuration (no X bearer token, or X refused it; Dask missing or unreachable), 7 promotion refused by the gate.
"""

from __future__ import annotations

import logging

import typer
from typer.core import TyperGroup

from detector.errors import CatalogError, DetectorError, EmbedderUnavailableError
from ingest.errors import IngestError, RateLimitedError, XApiConfigurationError, XApiError
from service.cli.console import err
from service.config import Settings
from service.errors import ApiKeyNotFoundError
from service.log_config import configure_logging
from training.errors import DaskUnavailableError, NothingToRollBackError, PromotionRefusedError, TrainingError

__all__ = ["EXIT_CODES", "app", "err"]

logger = logging.getLogger(__name__)

EXIT_CODES: dict[type[Exception], int] = {
    ApiKeyNotFoundError: 3,
    XApiConfigurationError: 6,
    RateLimitedError: 4,
    XApiError: 4,
    IngestError: 3,
    PromotionRefusedError: 7,
    NothingToRollBackError: 5,
    DaskUnavailableError: 6,
    TrainingError: 3,
    CatalogError: 3,
    EmbedderUnavailableError: 6,
    DetectorError: 5,
}


class _ErrorMappingGroup(TyperGroup):
    """Turn a domain error raised by any command into one stderr line and its exit code (tracebacks with -v)."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # the CLI's top boundary
            code = exit_code_for(exc)
            if code == 1 or (ctx.obj or {}).get("verbose"):
                logger.exception("command failed")
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(code) from exc


app = typer.Typer(
    cls=_ErrorMappingGroup,
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


def exit_code_for(exc: Exception) -> int:
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


from service.cli import commands as _commands  # noqa: E402,F401  (registers the commands on `app`)
from service.cli.catalog import catalog_app  # noqa: E402
from service.cli.feedback import feedback_app  # noqa: E402
from service.cli.keys import keys_app  # noqa: E402

app.add_typer(keys_app, name="keys")
app.add_typer(catalog_app, name="catalog")
app.add_typer(feedback_app, name="feedback")
