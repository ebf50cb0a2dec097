"""Measure a stored model on labeled accounts it did not train on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detector.coordination import batch_links, post_table
from detector.registry import LoadedModel
from detector.semantic_links import semantic_table
from training.errors import InsufficientDataError
from training.languages import account_language
from training.metrics import compute_metrics
from training.report import language_figures
from training.train import LabeledSet

__all__ = ["HeldOutScores", "evaluate_model", "held_out_scores"]


@dataclass(frozen=True)
class HeldOutScores:
    """The labeled accounts a model did not train on: their rows in the ``LabeledSet``, labels and scores."""

    rows: np.ndarray
    y: np.ndarray
    proba: np.ndarray


def held_out_scores(loaded: LoadedModel, data: LabeledSet, *, trained_on: set[str]) -> HeldOutScores:
    """Score every labeled account outside ``trained_on`` (lower-cased handles)."""
    keep = [i for i, account in enumerate(data.accounts) if account.handle.lower() not in trained_on]
    if not keep:
        raise InsufficientDataError("every labeled account was used to train this model: nothing left to evaluate on")
    model = loaded.model
    accounts = [data.accounts[i] for i in keep]
    # Coordination context is every labeled account, joined in one batch as in training: links to training accounts
    # count too, and the same join gives the same links.
    links = None
    if getattr(model, "coordination", None) is not None:
        table = semantic_table(post_table(data.accounts, model.coordination), data.accounts, model.coordination)
        every = batch_links(table, model.coordination)
        links = [every[i] for i in keep]
    proba = model.predict_proba(model.featurize(accounts, links=links))
    return HeldOutScores(rows=np.asarray(keep), y=data.y[keep], proba=proba)


def evaluate_model(
    loaded: LoadedModel, data: LabeledSet, *, trained_on: set[str], scores: HeldOutScores | None = None
) -> dict[str, Any]:
    """The card's figures on every labeled account outside ``trained_on`` (pass ``scores`` when already computed),
    and the same per language of the accounts (figures where each class has 5 accounts, else counts).

    Given the data a model was trained with, this reproduces the card's held-out metrics exactly: the accounts left
    are the held-out ones, featurized and scored the same way.
    """
    scores = scores or held_out_scores(loaded, data, trained_on=trained_on)
    thresholds = loaded.model.thresholds
    languages = [account_language(data.accounts[i]) for i in scores.rows]
    return {
        "model_version": loaded.version,
        "catalog_version": loaded.model.catalog_version,
        "n_skipped_training_accounts": len(data.accounts) - len(scores.rows),
        **compute_metrics(scores.y, scores.proba, thresholds),
        "by_language": language_figures(languages, scores.y, scores.proba, thresholds),
    }
