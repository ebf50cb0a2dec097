"""Training from a recipe: evaluated on honest splits first, then one reproducible model with its sources named."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detector.registry import ModelRegistry
from detector.scoring import score_accounts
from ingest.jsonl import read_accounts
from ingest.synthetic import generate_corpus, write_corpus
from service.cli import app

pytestmark = pytest.mark.slow

RECIPE = """
name: test-recipe
seed: 0
min_posts: 3
sources:
  - {name: forum, kind: jsonl, platform: reddit, path: forum/accounts.jsonl, label_file: forum/labels.csv,
     licence: generated, origin: ingest/synthetic.py seed 11}
  - {name: synthetic, kind: synthetic, platform: x, accounts: 160, seed: 12, licence: generated, origin: seed 12}
"""


@pytest.fixture(scope="module")
def recipe_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("recipe")
    write_corpus(generate_corpus(seed=11, n_accounts=160), root / "forum")
    (root / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    return root


def _train(recipe_dir: Path, models: Path) -> dict:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(models))
        monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(models.parent / "var"))
        result = CliRunner().invoke(
            app,
            ["train", "--recipe", str(recipe_dir / "recipe.yaml"), "--data-root", str(recipe_dir), "--name", "t"],
        )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def trained_twice(recipe_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, dict]:
    one, two = tmp_path_factory.mktemp("one") / "models", tmp_path_factory.mktemp("two") / "models"
    return one, two, _train(recipe_dir, one), _train(recipe_dir, two)


def test_the_same_recipe_twice_gives_the_same_scores(recipe_dir, trained_twice) -> None:
    one, two, first, second = trained_twice
    assert first["thresholds"] == second["thresholds"]
    accounts = list(read_accounts(recipe_dir / "forum" / "accounts.jsonl"))[:40]
    accounts = [a.model_copy(update={"platform": "reddit"}) for a in accounts]
    scores = []
    for models in (one, two):
        loaded = ModelRegistry(models).load()
        scores.append([r.score for r in score_accounts(loaded.model, accounts, model_version=loaded.version)])
    np.testing.assert_array_equal(scores[0], scores[1])


def test_the_card_names_sources_bands_and_the_baseline_verdict(trained_twice) -> None:
    models, _, out, _ = trained_twice
    registry = ModelRegistry(models)
    assert registry.active_version() == out["version"]
    assert out["version"].startswith("t-")
    card = registry.card(out["version"])
    assert set(card["sources"]) == {"forum", "synthetic"}
    assert card["thresholds"]["elevated"] < card["thresholds"]["high"]
    assert card["bands"]["prevalence"] == 0.2
    evaluation = card["metrics"]["evaluation"]
    assert evaluation["verdict"].startswith(("The model is at or above", "The TF-IDF baseline beats"))
    names = {split["name"] for split in evaluation["splits"]}
    assert "leave out real reddit" in names
    assert {split["profile"] for split in evaluation["splits"]} == {True, False}
    report = json.loads((registry.folder(out["version"]) / "report.json").read_text(encoding="utf-8"))
    assert report["splits"] and all("baseline" in split for split in report["splits"])


def test_evaluate_recipe_prints_every_split_beside_the_baseline_and_saves_nothing(recipe_dir, tmp_path) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(tmp_path / "models"))
        result = CliRunner().invoke(
            app, ["evaluate", "--recipe", str(recipe_dir / "recipe.yaml"), "--data-root", str(recipe_dir)]
        )
    assert result.exit_code == 0, result.output
    evaluation = json.loads(result.stdout[result.stdout.index("{") :])
    assert evaluation["verdict"]
    assert all({"model", "baseline", "profile"} <= set(split) for split in evaluation["splits"])
    assert not (tmp_path / "models").exists()
