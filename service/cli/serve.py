"""``parrotwatch serve``: the API under uvicorn, with the settings the CLI read."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.options import settings_of

__all__ = ["serve"]


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Default: $PARROTWATCH_HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: $PARROTWATCH_PORT or 8000.")] = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs)."""
    import uvicorn

    from service.app import create_app

    settings = settings_of(ctx)
    uvicorn.run(
        create_app(settings), host=host or settings.host, port=port or settings.port, log_config=None, access_log=False
    )
