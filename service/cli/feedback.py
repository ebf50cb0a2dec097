"""``parrotwatch feedback export``: analysts' verdicts as a ``handle,label`` file that ``train --labels`` reads."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer

from ingest.database import open_database
from service.cli.console import err
from service.config import Settings
from service.db.feedback import feedback_label_rows

feedback_app = typer.Typer(help="Export analysts' feedback as training labels.", no_args_is_help=True)


@feedback_app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Write ``handle,label`` rows: a confirmed high/elevated band is amplifier, a disputed one ordinary, and so on."""
    settings: Settings = ctx.obj["settings"]
    rows = feedback_label_rows(open_database(settings.resolved_database_url))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["handle", "label"])
    writer.writerows(rows)
    if out is None:
        typer.echo(buffer.getvalue(), nl=False)
    else:
        out.write_text(buffer.getvalue(), encoding="utf-8")
    err.print(f"{len(rows)} labeled accounts", highlight=False)
