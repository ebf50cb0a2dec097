"""``parrotwatch train``: a new registry version from labeled accounts (a file, the store, feedback, or a recipe)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detector.embeddings import load_embedder
from ingest.formats import InputFormat
from service.cli.compute import DaskOpt
from service.cli.console import err
from service.cli.labeled import (
    input_source,
    labeled_accounts,
    one_account_source,
    read_label_source,
    read_stored_feedback,
)
from service.cli.options import (
    FormatOpt,
    FromStoreOpt,
    LabelColumnOpt,
    LabelsOpt,
    OptionalInputOpt,
    ToleranceOpt,
    WithFeedbackOpt,
    settings_of,
)
from service.cli.publish import TrainOptions, train_and_publish
from training.errors import InsufficientDataError
from training.labels import LabelRow

__all__ = ["train"]

PromoteOpt = Annotated[
    bool,
    typer.Option(
        "--promote",
        help="Make the new version active if the promotion gate passes (PR-AUC on the accounts neither version "
        "trained on); refused otherwise (exit 7).",
    ),
]


def train(
    ctx: typer.Context,
    input_file: OptionalInputOpt = None,
    labels: LabelsOpt = None,
    label_column: LabelColumnOpt = None,
    fmt: FormatOpt = InputFormat.JSONL,
    from_store: FromStoreOpt = False,
    with_feedback: WithFeedbackOpt = False,
    seed: Annotated[int, typer.Option(help="Seed for the split and cross-validation.")] = 0,
    min_posts: Annotated[
        int,
        typer.Option(
            min=1,
            help="Fewest posts for a confident band; thinner accounts are still trained on, and scored as provisional.",
        ),
    ] = 5,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Add the multilingual sentence-embedding pass to narrative matching (needs the 'embeddings' extra).",
        ),
    ] = False,
    semantic_coordination: Annotated[
        bool,
        typer.Option(
            "--semantic-coordination",
            help="Count paraphrase and translation links (multilingual sentence vectors) in the coordination "
            "features; the model records it and is served the same way. Recipes: the 'semantic_coordination' key.",
        ),
    ] = False,
    test_fraction: Annotated[float, typer.Option(min=0.05, max=0.5, help="Share of groups held out.")] = 0.25,
    activate: Annotated[
        bool,
        typer.Option(help="Make the new version active without the gate (always done when none is active yet)."),
    ] = False,
    promote: PromoteOpt = False,
    tolerance: ToleranceOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Stop at the first malformed row, and make label warnings fatal (exit 3), before training."
        ),
    ] = False,
    report: Annotated[
        bool, typer.Option(help="Write report.html, report.json and PNG figures into the version (refits the head).")
    ] = True,
    dask: DaskOpt = None,
    recipe: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Train from a recipe of labeled sources instead of --input (the shipped default: "
            "training/recipes/default.yaml, which `make model` uses). Evaluates every honest split first.",
        ),
    ] = None,
    data_root: Annotated[
        Path | None,
        typer.Option(help="Where a recipe's source paths start; default $PARROTWATCH_RECIPE_DATA, else the recipe's."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="Name the version <NAME>-<sha256 prefix> instead of a time stamp (recipes only)."),
    ] = None,
) -> None:
    """Train a model on labeled accounts, hold out whole networks, and write a new registry version.

    Candidate heads (logistic regression, boosted trees) are compared by grouped cross-validation on the training
    side and one is chosen by PR-AUC (the linear one unless beaten by more than 0.01). With the report (default),
    the head is also refitted on a split by account, by time and one operation left out at a time, and without each
    feature family; figures and plots go into the version folder beside the model.
    """
    settings = settings_of(ctx)
    if recipe is not None:
        if input_file is not None or from_store or labels is not None or label_column is not None:
            raise typer.BadParameter("--recipe names its own sources and labels: give it alone")
        if semantic_coordination:
            raise typer.BadParameter("a recipe sets this itself: add 'semantic_coordination: true' to the recipe")
        from service.cli.recipe import train_from_recipe

        train_from_recipe(settings, recipe, root=data_root, activate=activate, name=name)
        return
    one_account_source(input_file, from_store)
    if from_store and label_column is not None:
        raise typer.BadParameter("--label-column reads a column of --input: use --labels with --from-store")
    # Labels are refused before any work: a file, a column of the input, the stored feedback, or a file and feedback.
    if with_feedback and labels is None and label_column is None:
        label_rows: dict[str, LabelRow] = {}
    else:
        label_rows = read_label_source(labels, label_column, input_file, fmt)
    feedback = read_stored_feedback(settings) if with_feedback else None
    if feedback is not None:
        label_rows = {**label_rows, **feedback.labels}  # an analyst's verdict is the newest word on an account
        err.print(f"{len(feedback.labels)} account(s) labeled by analysts' feedback", highlight=False)
    if not label_rows:
        raise InsufficientDataError("no labels: the service holds no feedback that gives a label")
    if embeddings or semantic_coordination:
        load_embedder("use-m3")  # a missing extra is refused before any work too (exit 6)
    data = labeled_accounts(settings, input_file, fmt, label_rows, from_store=from_store, strict=strict)
    source = {
        **input_source(settings, input_file, fmt, from_store),
        "labels": str(labels.resolve()) if labels is not None else None,
        "label_column": label_column,
        "feedback": len(feedback.labels) if feedback is not None else None,
    }
    options = TrainOptions(seed, min_posts, embeddings, test_fraction, report, dask, semantic_coordination)
    train_and_publish(settings, data, options, source=source, activate=activate, promote=promote, tolerance=tolerance)
