"""Domain errors -> exit codes, in one table that the app, ``score`` and recorded training runs all read.

0 ok, 1 unexpected, 2 usage, 3 bad input (not a handle, unknown handle, unknown export format, malformed file, an
import that imported no row, invalid labels), 4 upstream (the X API failed or rate-limited), 5 model or registry
(missing, tampered, corrupt), 6 configuration (X refused the bearer token; Dask missing or unreachable), 7 promotion
refused by the gate, 8 ``serve`` cannot listen on its address (the port is in use, or the host is not this machine's).
"""

from __future__ import annotations

import logging

import typer
from typer.core import TyperGroup

from detector.errors import CatalogError, DetectorError, EmbedderUnavailableError
from ingest.errors import (
    IngestError,
    NothingImportedError,
    RateLimitedError,
    SourceError,
    XApiConfigurationError,
    XApiError,
    XSpendStoppedError,
)
from service.cli.console import err
from service.errors import AddressUnavailableError, ApiKeyNotFoundError, InvalidHandleError, UnknownGraphFormatError
from training.errors import DaskUnavailableError, NothingToRollBackError, PromotionRefusedError, TrainingError

__all__ = ["EXIT_CODES", "ErrorMappingGroup", "exit_code_for"]

logger = logging.getLogger("service.cli")  # the name the CLI's failures have always been logged under

EXIT_CODES: dict[type[Exception], int] = {
    ApiKeyNotFoundError: 3,
    InvalidHandleError: 3,
    UnknownGraphFormatError: 3,
    XApiConfigurationError: 6,
    RateLimitedError: 4,
    XApiError: 4,
    XSpendStoppedError: 4,
    SourceError: 4,
    NothingImportedError: 3,
    IngestError: 3,
    PromotionRefusedError: 7,
    NothingToRollBackError: 5,
    DaskUnavailableError: 6,
    TrainingError: 3,
    CatalogError: 3,
    EmbedderUnavailableError: 6,
    DetectorError: 5,
    AddressUnavailableError: 8,
}


def exit_code_for(exc: Exception) -> int:
    """The code of the most specific class of ``exc`` in ``EXIT_CODES``; 1 for anything unexpected."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


class ErrorMappingGroup(TyperGroup):
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
