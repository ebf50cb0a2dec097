"""The ``parrotwatch`` command line: one Typer app, one sub-app per command group.

Results go to stdout (JSON), messages to stderr. Errors map to exit codes in one table (``EXIT_CODES``):
0 ok, 1 unexpected, 2 usage, 3 bad input (unknown handle, malformed file, invalid labels),
4 upstream (the X API failed or rate-limited), 5 model or registry (missing, tampered, corrupt),
6 configuration (no X bearer token, or X refused it; Dask missing or unreachable), 7 promotion refused by the gate.

Layout: ``app`` builds the app from the command modules (``data``, ``train``, ``retrain``, ``evaluate``, ``score``,
``serve``) and the groups (``models``, ``keys``, ``catalog``, ``feedback``); ``errors``, ``console`` and ``options``
are what they share. Modules of this package import each other, never this ``__init__``.
"""

from service.cli.app import app
from service.cli.console import err
from service.cli.errors import EXIT_CODES, exit_code_for

__all__ = ["EXIT_CODES", "app", "err", "exit_code_for"]
