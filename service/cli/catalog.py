"""``parrotwatch catalog export``: write the current (API-edited) talking-point catalog as YAML for training.

Scoring uses the catalog a model was trained with; an edit made through the API takes effect when a model is
trained on the exported file (``PARROTWATCH_CATALOG_FILE=FILE parrotwatch train ...``) and activated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from detector.catalog import load_catalog
from ingest.database import open_database
from service.cli.console import err
from service.config import Settings
from service.db.catalog import latest_catalog

catalog_app = typer.Typer(help="Export the talking-point catalog edited through the API.", no_args_is_help=True)


@catalog_app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Write the newest catalog version (the configured catalog file when none was edited) as YAML."""
    settings: Settings = ctx.obj["settings"]
    current = latest_catalog(open_database(settings.resolved_database_url), load_catalog(settings.catalog_file))
    text = yaml.safe_dump(current.catalog.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    err.print(f"catalog {current.catalog.catalog_version} ({current.change})", highlight=False)
