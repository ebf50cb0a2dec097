"""``python -m service.cli``: the ``parrotwatch`` command, for child processes started with this interpreter."""

from service.cli import app

app(prog_name="parrotwatch")
