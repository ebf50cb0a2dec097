"""``parrotwatch evaluate``: a model measured on labeled accounts it did not train on, or a recipe on every split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from detector.registry import ModelRegistry
from ingest.formats import InputFormat
from service.cli.console import err
from service.cli.labeled import labeled_set, read_label_source
from service.cli.options import FormatOpt, LabelColumnOpt, LabelsOpt, OptionalInputOpt, settings_of
from service.cli.tables import evaluation_tables
from training.evaluate import evaluate_model, held_out_scores
from training.report import write_evaluation_plots

__all__ = ["evaluate"]


def evaluate(
    ctx: typer.Context,
    input_file: OptionalInputOpt = None,
    labels: LabelsOpt = None,
    label_column: LabelColumnOpt = None,
    fmt: FormatOpt = InputFormat.JSONL,
    version: Annotated[str | None, typer.Option(help="Model version; the active one by default.")] = None,
    report_dir: Annotated[
        Path | None, typer.Option(file_okay=False, help="Write reliability, ROC, PR and confusion PNGs here.")
    ] = None,
    recipe: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Evaluate a recipe instead: grouped by account, leave one source out, leave one operation out, "
            "each with and without profile fields, beside the word TF-IDF baseline (refits per split; writes nothing).",
        ),
    ] = None,
    data_root: Annotated[
        Path | None, typer.Option(help="Where a recipe's source paths start (see `train --recipe`).")
    ] = None,
) -> None:
    """Measure a model on the labeled accounts it did not train on, overall and per language; print JSON.

    With --recipe, measure the recipe's model-building instead, on every honest split, and say first where the plain
    TF-IDF baseline does better."""
    settings = settings_of(ctx)
    if recipe is not None:
        from service.cli.recipe import evaluate_recipe_file

        evaluate_recipe_file(settings, recipe, root=data_root)
        return
    if input_file is None:
        raise typer.BadParameter("give --input (labeled accounts) or --recipe")
    registry = ModelRegistry(settings.models_dir)
    loaded = registry.load(version)
    label_rows = read_label_source(labels, label_column, input_file, fmt)
    data = labeled_set(input_file, fmt, label_rows, check=False, limits=settings.store_limits)
    trained_on = {h.lower() for h in registry.split(loaded.version)["train"]}
    scores = held_out_scores(loaded, data, trained_on=trained_on)
    figures = evaluate_model(loaded, data, trained_on=trained_on, scores=scores)
    if report_dir is not None:
        plots = write_evaluation_plots(
            scores.y, scores.proba, loaded.model.thresholds, report_dir, title=f"model {loaded.version}"
        )
        figures["figures"] = {name: str(path) for name, path in plots.items()}
    for table in evaluation_tables(figures):
        err.print(table)
    if report_dir is not None:
        err.print(f"reliability plot: {figures['figures']['reliability']}")
    typer.echo(json.dumps(figures, indent=2))
