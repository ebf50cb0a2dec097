"""The end of ``train`` and ``retrain``: train, save the version with its report, activate or promote it, and print.

Both commands (and a training run started through the API, which runs ``retrain``) publish through here, so a
version is saved, gated and summarised the same way whichever way it was asked for.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import partial

import typer
from rich.table import Table

from detector.catalog import load_catalog
from detector.registry import ModelRegistry
from service.cli.compute import compute_backend
from service.cli.console import err
from service.cli.progress import step_progress
from service.cli.run_record import RunRecord
from service.cli.tables import candidates_table, gate_table, report_tables
from service.config import Settings
from training.errors import PromotionRefusedError
from training.promotion import current_user, run_gate
from training.promotion import promote as promote_version
from training.report import build_report, write_report
from training.train import LabeledSet, train_model

__all__ = ["TrainOptions", "train_and_publish"]


@dataclass(frozen=True)
class TrainOptions:
    """The training settings that `train` and `retrain` share (retrain keeps the defaults for the rest)."""

    seed: int = 0
    min_posts: int = 5
    embeddings: bool = False
    test_fraction: float = 0.25
    report: bool = True
    dask: str | None = None
    semantic_coordination: bool = False


def train_and_publish(
    settings: Settings,
    data: LabeledSet,
    options: TrainOptions,
    *,
    source: dict,
    activate: bool,
    promote: bool,
    tolerance: float | None,
    record: RunRecord | None = None,
) -> str:
    """Train, save a version (with its report), activate or promote it, and print the figures and a summary.

    ``record`` (a run started through the API) hears each step and the outcome."""
    started = time.perf_counter()
    summary = Table(title="labeled data", show_header=False)
    for name, value in data.summary.items():
        summary.add_row(name.removeprefix("n_").replace("_", " "), str(value))
    err.print(summary)
    catalog = load_catalog(settings.catalog_file)
    training_report = None
    on_step = record.step if record is not None else None
    with step_progress(on_step) as steps, compute_backend(options.dask, settings, steps) as (backend, _client):
        result = train_model(
            data,
            catalog=catalog,
            seed=options.seed,
            min_posts=options.min_posts,
            embedder="use-m3" if options.embeddings else None,
            semantic_coordination=options.semantic_coordination,
            test_fraction=options.test_fraction,
            coordination_fdr=settings.coordination_fdr,
            progress=steps.say,
            backend=backend,
        )
        if options.report:
            steps.say("training report")
            training_report = build_report(data, result, progress=steps.say)
        steps.say("saving the version")
        result.card["source"] = source  # where `models promote` finds labeled accounts again
        registry = ModelRegistry(settings.models_dir)
        write = partial(write_report, training_report) if training_report else None  # into the staging folder
        version = registry.save(result.model, result.card, result.split, before_publish=write)
    if record is not None:  # should the gate fail on its own, the run still names the version it wrote
        record.published({"version": version, "promoted": False, "held_out": result.card["metrics"]["held_out"]})
    held_out = result.card["metrics"]["held_out"]
    _print_metrics(f"model {version}: held-out accounts (networks never seen in training)", held_out)
    report_path = None
    if training_report is not None:
        for table in report_tables(training_report.summary):
            err.print(table)
        report_path = str(registry.folder(version) / "report.html")
        err.print(f"report: {report_path}")
    err.print(candidates_table(result.card["candidates"], result.card["head"]["kind"]))
    err.print(f"head: {result.card['head']['reason']}", highlight=False)
    refused = None
    gate = None
    active = registry.active_version()
    if active is None:
        registry.activate(version, action="first", audit={"user": current_user()})
        err.print(f"activated {version} (no model was active)")
    elif promote:
        gate = run_gate(
            registry,
            registry.load(version),
            registry.load(active),
            data,
            tolerance=settings.promotion_tolerance if tolerance is None else tolerance,
        )
        err.print(gate_table(gate.figures()))
        try:
            promote_version(registry, version, gate=gate)
            err.print(f"promoted {version}")
        except PromotionRefusedError as exc:
            refused = exc
    elif activate:
        registry.activate(version, audit={"user": current_user()})
        err.print(f"activated {version}")
    err.print(
        f"[bold]done[/] in {time.perf_counter() - started:.0f} s: version {version}, head {result.card['head']['kind']}"
        f", held-out PR-AUC {held_out['pr_auc']}, active model {registry.active_version()}",
        highlight=False,
    )
    typer.echo(json.dumps({"version": version, "held_out": held_out, "report": report_path}))
    if record is not None:
        record.published(
            {
                "version": version,
                "promoted": registry.active_version() == version,
                "active_version": registry.active_version(),
                "head": result.card["head"]["kind"],
                "held_out": held_out,
                "gate": gate.figures() if gate is not None else None,
                "n_accounts": data.summary.get("n_accounts"),
            }
        )
    if refused is not None:
        raise refused
    return version


def _print_metrics(title: str, metrics: dict) -> None:
    names = ("roc_auc", "pr_auc", "f1", "brier", "n_accounts", "n_positive")
    table = Table(title=title)
    for name in names:
        table.add_column(name)
    table.add_row(*(str(metrics[name]) for name in names))
    err.print(table)
