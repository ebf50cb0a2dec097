"""The top-level commands: demo-data, train, evaluate, score, serve."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from detector.catalog import load_catalog
from detector.registry import ModelRegistry
from detector.schema import Account
from detector.scoring import score_accounts
from ingest.errors import UnknownHandleError
from ingest.formats import InputFormat, read_input
from ingest.jsonl import JsonlAccountSource
from service.cli import app, err
from service.cli.models import models_app
from service.config import Settings
from training.evaluate import evaluate_model
from training.labels import read_labels
from training.train import assemble_labeled_set, train_model

app.add_typer(models_app, name="models")

InputOpt = Annotated[Path, typer.Option("--input", "-i", exists=True, dir_okay=False, help="Accounts file.")]
FormatOpt = Annotated[InputFormat, typer.Option("--format", "-f", help="Format of --input.")]
LabelsOpt = Annotated[
    Path, typer.Option("--labels", "-l", exists=True, dir_okay=False, help="CSV with handle,label[,network].")
]


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj["settings"]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )


@app.command("demo-data")
def demo_data(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="Folder to write; default: $PARROTWATCH_DATA_DIR/demo.")] = None,
    seed: Annotated[int, typer.Option(help="Generator seed; the same seed gives byte-identical files.")] = 2023,
    accounts: Annotated[int, typer.Option(min=50, help="Number of accounts (~50 posts each).")] = 2000,
) -> None:
    """Write the SYNTHETIC demo corpus: accounts.jsonl, labels.csv and a README saying what it is."""
    from ingest.synthetic import generate_corpus, write_corpus

    out = out or _settings(ctx).demo_dir
    with err.status(f"generating {accounts} synthetic accounts (seed {seed})"):
        corpus = generate_corpus(seed=seed, n_accounts=accounts)
        paths = write_corpus(corpus, out)
    n_posts = sum(len(item.account.posts) for item in corpus)
    err.print(f"wrote {len(corpus)} accounts and {n_posts} posts to {paths['accounts']} (labels: {paths['labels']})")


@app.command()
def train(
    ctx: typer.Context,
    input_file: InputOpt,
    labels: LabelsOpt,
    fmt: FormatOpt = InputFormat.JSONL,
    seed: Annotated[int, typer.Option(help="Seed for the split and cross-validation.")] = 0,
    min_posts: Annotated[int, typer.Option(min=1, help="Fewest posts a score may rest on.")] = 5,
    test_fraction: Annotated[float, typer.Option(min=0.05, max=0.5, help="Share of groups held out.")] = 0.25,
    activate: Annotated[
        bool, typer.Option(help="Make the new version active (always done when none is active yet).")
    ] = False,
) -> None:
    """Train a model on labeled accounts, hold out whole networks, and write a new registry version."""
    settings = _settings(ctx)
    label_rows = read_labels(labels)  # refused before any work
    catalog = load_catalog(settings.catalog_file)
    with err.status("reading accounts"):
        data = assemble_labeled_set(read_input(input_file, fmt), label_rows, min_posts=min_posts)
    summary = Table(title="labeled data", show_header=False)
    for name, value in data.summary.items():
        summary.add_row(name.removeprefix("n_").replace("_", " "), str(value))
    err.print(summary)
    with err.status("training") as status:
        result = train_model(
            data,
            catalog=catalog,
            seed=seed,
            min_posts=min_posts,
            test_fraction=test_fraction,
            progress=lambda message: status.update(message),
        )
    registry = ModelRegistry(settings.models_dir)
    version = registry.save(result.model, result.card, result.split)
    if activate or registry.active_version() is None:
        registry.activate(version)
        err.print(f"activated {version}")
    held_out = result.card["metrics"]["held_out"]
    _print_metrics(f"model {version}: held-out accounts (networks never seen in training)", held_out)
    typer.echo(json.dumps({"version": version, "held_out": held_out}))


def _print_metrics(title: str, metrics: dict) -> None:
    table = Table(title=title)
    for name in ("roc_auc", "pr_auc", "f1", "brier", "n_accounts", "n_positive"):
        table.add_column(name)
    table.add_row(*(str(metrics[name]) for name in ("roc_auc", "pr_auc", "f1", "brier", "n_accounts", "n_positive")))
    err.print(table)


@app.command()
def evaluate(
    ctx: typer.Context,
    input_file: InputOpt,
    labels: LabelsOpt,
    fmt: FormatOpt = InputFormat.JSONL,
    version: Annotated[str | None, typer.Option(help="Model version; the active one by default.")] = None,
) -> None:
    """Measure a model on the labeled accounts it did not train on; print the figures as JSON."""
    settings = _settings(ctx)
    registry = ModelRegistry(settings.models_dir)
    loaded = registry.load(version)
    label_rows = read_labels(labels)
    data = assemble_labeled_set(read_input(input_file, fmt), label_rows, min_posts=loaded.model.min_posts)
    trained_on = {h.lower() for h in registry.split(loaded.version)["train"]}
    metrics = evaluate_model(loaded, data, trained_on=trained_on)
    typer.echo(json.dumps(metrics, indent=2))


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        yield f


def _batches(accounts: Iterator[Account], size: int) -> Iterator[list[Account]]:
    batch: list[Account] = []
    for account in accounts:
        batch.append(account)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@app.command()
def score(
    ctx: typer.Context,
    handles: Annotated[list[str] | None, typer.Argument(help="Handles to score (with or without @).")] = None,
    input_file: Annotated[
        Path | None,
        typer.Option("--input", "-i", exists=True, dir_okay=False, help="Accounts file; default: the demo corpus."),
    ] = None,
    fmt: FormatOpt = InputFormat.JSONL,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")] = None,
    version: Annotated[str | None, typer.Option(help="Model version; the active one by default.")] = None,
) -> None:
    """Score HANDLES (looked up in --input), or every account in --input; one JSON object per account.

    Unknown handles are reported on stderr and in the output as error objects; the exit code is then 3.
    """
    settings = _settings(ctx)
    loaded = ModelRegistry(settings.models_dir).load(version)
    path = input_file or settings.resolved_accounts_file
    missing: list[str] = []
    with _output(output) as out:
        if handles:
            source = JsonlAccountSource(path)
            found = []
            for handle in handles:
                try:
                    found.append(source.get(handle))
                except UnknownHandleError as exc:
                    missing.append(exc.handle)
                    err.print(f"[yellow]unknown handle:[/] @{exc.handle} is not in {path}")
                    out.write(
                        json.dumps({"handle": exc.handle, "error": {"type": "unknown-handle", "detail": str(exc)}})
                    )
                    out.write("\n")
            batches: Iterator[list[Account]] = iter([found] if found else [])
            total = len(found)
        else:
            batches = _batches(read_input(path, fmt), 256)
            total = None
        with _progress() as progress:
            task = progress.add_task("scoring", total=total)
            for batch in batches:
                for result in score_accounts(loaded.model, batch, model_version=loaded.version):
                    out.write(result.model_dump_json())
                    out.write("\n")
                progress.advance(task, len(batch))
    if missing:
        raise typer.Exit(3)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Default: $PARROTWATCH_HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: $PARROTWATCH_PORT or 8000.")] = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs)."""
    import uvicorn

    from service.app import create_app

    settings = _settings(ctx)
    uvicorn.run(
        create_app(settings), host=host or settings.host, port=port or settings.port, log_config=None, access_log=False
    )
