"""Measure a stored model on labeled accounts it did not train on."""

from __future__ import annotations

from typing import Any

from detector.coordination import CoordinationIndex
from detector.registry import LoadedModel
from training.errors import InsufficientDataError
from training.metrics import compute_metrics
from training.train import LabeledSet

__all__ = ["evaluate_model"]


def evaluate_model(loaded: LoadedModel, data: LabeledSet, *, trained_on: set[str]) -> dict[str, Any]:
    """Score every labeled account outside ``trained_on`` (lower-cased handles) and return the card's figures.

    Given the data a model was trained with, this reproduces the card's held-out metrics exactly: the accounts left
    are the held-out ones, featurized and scored the same way.
    """
    keep = [i for i, account in enumerate(data.accounts) if account.handle.lower() not in trained_on]
    if not keep:
        raise InsufficientDataError("every labeled account was used to train this model: nothing left to evaluate on")
    model = loaded.model
    accounts = [data.accounts[i] for i in keep]
    # Coordination context is every labeled account, as in training: links to training accounts count too.
    index = None
    if getattr(model, "coordination", None) is not None:
        index = CoordinationIndex(model.coordination)
        index.add(data.accounts)
    proba = model.predict_proba(model.featurize(accounts, index))
    metrics = compute_metrics(data.y[keep], proba, model.thresholds)
    return {
        "model_version": loaded.version,
        "catalog_version": model.catalog_version,
        "n_skipped_training_accounts": len(data.accounts) - len(keep),
        **metrics,
    }
