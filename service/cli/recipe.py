"""``parrotwatch train --recipe FILE``: the shipped default model's path, from a recipe of labeled sources."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from detector.catalog import TalkingPointCatalog, load_catalog
from detector.registry import ModelRegistry
from service.cli.console import err
from service.cli.progress import step_progress
from service.config import Settings
from training.promotion import current_user
from training.recipe import Recipe, RecipeData, data_root, load_recipe, read_recipe_data
from training.recipe_train import recipe_evaluation, train_recipe

__all__ = ["evaluate_recipe_file", "evaluation_table", "train_from_recipe"]


@dataclass(frozen=True)
class _RecipeRun:
    recipe: Recipe
    data: RecipeData
    catalog: TalkingPointCatalog
    where: Path
    say: Callable[[str], None]


@contextmanager
def _recipe_run(settings: Settings, recipe_path: Path, root: Path | None) -> Iterator[_RecipeRun]:
    """The recipe read, its sources loaded under the data root, inside one progress display."""
    recipe = load_recipe(recipe_path)
    where = data_root(recipe, recipe_path, root)
    catalog = load_catalog(settings.catalog_file)
    with step_progress(None) as steps:
        steps.say(f"reading {len(recipe.sources)} sources under {where}")
        yield _RecipeRun(recipe, read_recipe_data(recipe, where), catalog, where, steps.say)


def _print_evaluation(evaluation: dict[str, Any]) -> None:
    err.print(f"[bold]{evaluation['verdict']}[/]", highlight=False)  # the verdict first: does the baseline win?
    err.print(evaluation_table(evaluation))


def train_from_recipe(
    settings: Settings, recipe_path: Path, *, root: Path | None, activate: bool, name: str | None = None
) -> str:
    """Read the recipe's sources, evaluate, fit, save a version with ``report.json``; activate it when asked (or
    when none is active). Prints the figures, the baseline beside the model, and the verdict first."""
    started = time.perf_counter()
    registry = ModelRegistry(settings.models_dir)
    with _recipe_run(settings, recipe_path, root) as run:
        result, evaluation = train_recipe(run.recipe, run.data, run.catalog, progress=run.say)

        def write_report(folder: Path, version: str) -> None:
            report = {"version": version, **evaluation}
            (folder / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")

        result.card["source"] = {"recipe": str(recipe_path), "data_root": str(run.where)}
        version = registry.save(result.model, result.card, result.split, before_publish=write_report, name=name)
    _print_evaluation(evaluation)
    if activate or registry.active_version() is None:
        registry.activate(version, action="recipe", audit={"user": current_user(), "recipe": run.recipe.name})
        err.print(f"activated {version}")
    err.print(f"[bold]done[/] in {time.perf_counter() - started:.0f} s: version {version}", highlight=False)
    typer.echo(json.dumps({"version": version, "thresholds": result.card["thresholds"]}))
    return version


def evaluate_recipe_file(settings: Settings, recipe_path: Path, *, root: Path | None) -> dict[str, Any]:
    """Run a recipe's evaluation alone (no model is saved); print the verdict and the table, then the JSON."""
    with _recipe_run(settings, recipe_path, root) as run:
        evaluation = recipe_evaluation(run.recipe, run.data, run.catalog, progress=run.say)
    evaluation.pop("oof", None)
    _print_evaluation(evaluation)
    typer.echo(json.dumps(evaluation, indent=2))
    return evaluation


def evaluation_table(evaluation: dict[str, Any]) -> Table:
    """Every split: the model's ROC-AUC and PR-AUC on its real test accounts, and the baseline's beside them."""
    table = Table(title="evaluation on accounts the model never saw (real accounts; baseline: word TF-IDF + LR)")
    for column in ("split", "profile", "test accounts", "ROC-AUC", "baseline", "PR-AUC", "baseline "):
        table.add_column(column)
    for split in evaluation["splits"]:
        model, base = split["model"], split["baseline"]
        table.add_row(
            split["name"],
            "with" if split["profile"] else "without",
            f"{split['n_test']} ({split['n_test_positive']} amplifiers)",
            str(model["roc_auc"]),
            str(base["roc_auc"]),
            str(model["pr_auc"]),
            str(base["pr_auc"]),
        )
    for key, pooled in evaluation["pooled"].items():
        for name, figures in pooled.items():
            if name == "bands_held_out":
                continue
            table.add_row(
                f"pooled grouped: {name}",
                key.split("_")[0],
                f"{figures['n']} ({figures['n_positive']} amplifiers)",
                str(figures["model"]["roc_auc"]),
                str(figures["baseline"]["roc_auc"]),
                str(figures["model"]["pr_auc"]),
                str(figures["baseline"]["pr_auc"]),
            )
    return table
