"""``parrotwatch catalog export``: write the current (API-edited) talking-point catalog as YAML for training.
``parrotwatch catalog discover``: propose new talking points from declared state accounts' posts in the store.

Scoring uses the catalog a model was trained with; an edit made through the API takes effect when a model is
trained on the exported file (``PARROTWATCH_CATALOG_FILE=FILE parrotwatch train ...``) and activated. Lines accepted
from discovery are the exception: the service lays them over the model's catalog at once (``detector/overlay.py``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich import box
from rich.console import Console
from rich.table import Table

from detector.catalog import TalkingPointCatalog, load_catalog
from detector.declared import load_declared_accounts
from detector.errors import DetectorError
from detector.registry import ModelRegistry
from ingest.database import open_database
from ingest.store import AccountStore
from service.candidate_schemas import CandidatePublic
from service.cli.console import err
from service.config import Settings
from service.db.catalog import latest_catalog
from service.talking_point_discovery import DEFAULT_WINDOW, parse_window, run_discovery, with_overlay

catalog_app = typer.Typer(
    help="Export the talking-point catalog edited through the API; discover new talking points.", no_args_is_help=True
)


@catalog_app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Write the newest catalog version (the configured catalog file when none was edited) as YAML, with the talking
    points accepted from discovery laid over it, as the service scores with it."""
    settings: Settings = ctx.obj["settings"]
    engine = open_database(settings.resolved_database_url)
    current = latest_catalog(engine, load_catalog(settings.catalog_file))
    catalog = with_overlay(engine, current.catalog)
    text = yaml.safe_dump(catalog.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    err.print(f"catalog {catalog.catalog_version} ({current.change})", highlight=False)


def _model_catalog(settings: Settings) -> TalkingPointCatalog:
    """The active model's catalog (what the service scores with, before the overlay), else the configured file.

    The card names the model's catalog version: when the file has that version, the model need not be loaded."""
    configured = load_catalog(settings.catalog_file)
    registry = ModelRegistry(settings.models_dir)
    try:
        active = registry.active_version()
        if active is None or registry.card(active).get("catalog_version") == configured.catalog_version:
            return configured
        return registry.load(active).model.catalog
    except DetectorError:
        return configured


def _window(value: str) -> str:
    try:
        parse_window(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


def candidates_table(candidates: list[CandidatePublic], title: str) -> Table:
    """One row per candidate: spread, speed, first seen, languages, how many state accounts, and a wording."""
    table = Table(title=title, box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    for column in ("id", "spread", "delay h", "first seen", "langs", "state"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("phrasing", overflow="fold", ratio=1)
    for c in candidates:
        delay = "-" if c.median_delay_s is None else f"{c.median_delay_s / 3600:.0f}"
        wording = c.phrasings.get("en") or next(iter(c.phrasings.values()))
        table.add_row(
            str(c.id),
            str(c.spread),
            delay,
            f"{c.first_seen_at:%Y-%m-%d}",
            ",".join(c.languages),
            str(len(c.state_accounts)),
            wording,
        )
    return table


@catalog_app.command("discover")
def discover(
    ctx: typer.Context,
    since: Annotated[
        str, typer.Option(callback=_window, help="The window before --until: 14d, 36h, 90m.")
    ] = DEFAULT_WINDOW,
    until: Annotated[datetime | None, typer.Option(help="End of the window (UTC; default now).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the candidates as JSON here.")] = None,
) -> None:
    """Propose talking points from declared state accounts' posts in the store, by spread, and keep them for review.

    The candidates are stored like the API's (``GET /v1/talking-points/candidates``), where an admin accepts, merges or
    rejects them; rejected ones are not proposed again."""
    settings: Settings = ctx.obj["settings"]
    engine = open_database(settings.resolved_database_url)
    end = (until.replace(tzinfo=until.tzinfo or UTC) if until is not None else datetime.now(UTC)).astimezone(UTC)
    start = end - parse_window(since)
    catalog = with_overlay(engine, _model_catalog(settings))
    found = run_discovery(
        engine,
        AccountStore(engine, limits=settings.store_limits),
        load_declared_accounts(settings.declared_accounts_file),
        catalog,
        since=start,
        until=end,
    )
    candidates = [CandidatePublic.of(s) for s in found]
    Console(soft_wrap=False).print(
        candidates_table(candidates, f"talking-point candidates {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC")
    )
    if json_out is not None:
        document = {
            "since": start.isoformat(),
            "until": end.isoformat(),
            "catalog_version": catalog.catalog_version,
            "candidates": [c.model_dump(mode="json") for c in candidates],
        }
        json_out.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    err.print(f"{len(candidates)} candidate(s) against catalog {catalog.catalog_version}", highlight=False)
