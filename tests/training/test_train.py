"""Training splits by network, records what it did, and its figures can be reproduced."""

from __future__ import annotations

import numpy as np
import pytest

from detector.registry import ModelRegistry
from training.errors import InsufficientDataError
from training.evaluate import evaluate_model
from training.labels import read_labels
from training.train import grouped_splits, train_model


@pytest.fixture(scope="module")
def labeled(demo_labeled):
    return demo_labeled


def test_no_amplifier_network_is_on_both_sides_of_the_split(trained_registry, demo_dir) -> None:
    registry = ModelRegistry(trained_registry)
    split = registry.split(registry.active_version())
    labels = read_labels(demo_dir / "labels.csv")
    networks = lambda handles: {labels[h.lower()].network for h in handles} - {None}  # noqa: E731
    assert networks(split["train"]) and networks(split["test"])
    assert not networks(split["train"]) & networks(split["test"])
    assert not set(split["train"]) & set(split["test"])


def test_card_records_held_out_metrics_data_hash_and_versions(trained_registry) -> None:
    registry = ModelRegistry(trained_registry)
    card = registry.card(registry.active_version())
    held_out = card["metrics"]["held_out"]
    assert {"roc_auc", "pr_auc", "f1", "brier", "n_accounts", "n_positive"} <= set(held_out)
    assert held_out["n_positive"] > 0 and held_out["roc_auc"] > 0.8
    assert len(card["data"]["fingerprint"]) == 64
    assert {"python", "scikit-learn", "numpy"} <= set(card["libraries"])
    assert card["thresholds"]["high"] >= card["thresholds"]["elevated"]
    assert card["features"] and len(card["artifact"]["sha256"]) == 64


def test_evaluate_reproduces_the_cards_held_out_metrics(trained_registry, labeled) -> None:
    registry = ModelRegistry(trained_registry)
    loaded = registry.load()
    trained_on = {h.lower() for h in registry.split(loaded.version)["train"]}
    metrics = evaluate_model(loaded, labeled, trained_on=trained_on)
    held_out = loaded.card["metrics"]["held_out"]
    for name in ("roc_auc", "pr_auc", "f1", "brier", "n_accounts", "n_positive", "bands"):
        assert metrics[name] == held_out[name], name


def test_same_inputs_give_the_same_model_figures(small_labeled, small_training, catalog) -> None:
    again = train_model(small_labeled, catalog=catalog, seed=0)
    assert again.card["metrics"] == small_training.card["metrics"]
    assert again.card["data"]["fingerprint"] == small_training.card["data"]["fingerprint"]
    assert again.card["split"] == small_training.card["split"]


def test_too_few_positive_groups_is_refused() -> None:
    y = np.array([1, 1, 0, 0, 0])
    with pytest.raises(InsufficientDataError):
        grouped_splits(y, np.array(["n1", "n1", "a", "b", "c"]), n_max=5, seed=0)
