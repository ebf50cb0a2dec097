"""``parrotwatch serve``: the API under uvicorn, with the settings the CLI read.

The listening sockets are bound before the app is built. uvicorn binds only after the app's start-up, which starts
the job runner and resumes unfinished jobs: a second ``serve`` on a busy port used to claim and score jobs for
seconds before it failed to bind. Now it exits at once with code 8 and nothing started.
"""

from __future__ import annotations

import logging
import socket
from typing import Annotated

import typer

from service.cli.options import settings_of
from service.errors import AddressUnavailableError

__all__ = ["bind_listeners", "serve"]

logger = logging.getLogger(__name__)
BACKLOG = 2048  # uvicorn's default


def bind_listeners(host: str, port: int) -> list[socket.socket]:
    """Listen on every address ``host`` resolves to (``localhost``: IPv4 and IPv6), as uvicorn itself would.

    Listening, not only bound: with ``SO_REUSEADDR`` two processes may both bind a port nobody listens on yet.
    Connections that arrive while the app starts wait in the backlog. Raises ``AddressUnavailableError``.
    """
    listeners: list[socket.socket] = []
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        for family, kind, proto, _, address in dict.fromkeys(addresses):
            sock = socket.socket(family, kind, proto)
            listeners.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait out TIME_WAIT
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # its IPv4 twin has its own socket
            sock.bind(address)
            sock.listen(BACKLOG)
    except OSError as exc:
        for sock in listeners:
            sock.close()
        raise AddressUnavailableError(host, port, exc.strerror or str(exc)) from exc
    return listeners


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Default: $PARROTWATCH_HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: $PARROTWATCH_PORT or 8000.")] = None,
) -> None:
    """Serve the API (docs at /docs and /redoc). Exit code 8 when the address is taken: nothing is started then."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from service.app import create_app

    settings = settings_of(ctx)
    host, port = host or settings.host, port or settings.port
    listeners = bind_listeners(host, port)
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    for sock in listeners:
        address, bound_port = sock.getsockname()[:2]
        shown = f"[{address}]" if sock.family == socket.AF_INET6 else address
        logger.info("serving on http://%s:%d (docs at /docs)", shown, bound_port)
    server.run(sockets=listeners)
    if not server.started:  # stopped during start-up: exit as uvicorn.run would
        raise typer.Exit(STARTUP_FAILURE)
