"""Compare candidate heads under grouped cross-validation on the training side, and choose one.

Every candidate is scored on the same grouped folds (a network never on both sides of a fold), so the figures differ
only by the head. The choice is by mean PR-AUC over folds, the figure that matters when amplifiers are rare; the
linear head is kept unless another beats it by more than ``LINEAR_TOLERANCE``, because its explanations are exact
and a tree's are occlusion estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

__all__ = [
    "LINEAR_TOLERANCE",
    "CandidateFigures",
    "FoldTask",
    "HeadChoice",
    "Mapper",
    "choose_head",
    "cross_validate_heads",
]

LINEAR_TOLERANCE = 0.01

# ``map``-like: apply a function to every task and return the results in order (a Dask client's map, for one).
Mapper = Callable[[Callable[[Any], Any], list[Any]], list[Any]]


@dataclass(frozen=True)
class FoldTask:
    """One head kind on one fold: everything a worker needs, so folds can run anywhere."""

    kind: str
    train: np.ndarray
    test: np.ndarray


@dataclass(frozen=True)
class CandidateFigures:
    """A head kind's out-of-fold scores and its figures on each fold."""

    kind: str
    oof: np.ndarray
    folds: list[dict[str, float | None]]

    def summary(self) -> dict[str, Any]:
        """Mean and sd over folds of ROC-AUC, PR-AUC and Brier (folds lacking a class left out of the AUCs)."""
        out: dict[str, Any] = {"kind": self.kind, "n_folds": len(self.folds)}
        for name in ("roc_auc", "pr_auc", "brier"):
            values = [fold[name] for fold in self.folds if fold[name] is not None]
            out[name] = {
                "mean": round(float(np.mean(values)), 4) if values else None,
                "sd": round(float(np.std(values)), 4) if values else None,
            }
        return out


@dataclass(frozen=True)
class HeadChoice:
    kind: str
    reason: str


def fold_figures(y: np.ndarray, proba: np.ndarray) -> dict[str, float | None]:
    both = len(np.unique(y)) == 2
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(y, proba)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, proba, labels=[0, 1])), 4),
        "n_accounts": len(y),
        "n_positive": int(y.sum()),
    }


def cross_validate_heads(
    fit_fold: Callable[[FoldTask], np.ndarray],
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    kinds: Sequence[str],
    mapper: Mapper | None = None,
) -> dict[str, CandidateFigures]:
    """Score every head kind on every fold; ``fit_fold(task)`` returns the task's test-row probabilities.

    ``mapper`` runs the tasks (the builtin ``map`` when ``None``); results are placed by fold, so the order in which
    a cluster finishes them changes nothing.
    """
    tasks = [FoldTask(kind, np.asarray(train), np.asarray(test)) for kind in kinds for train, test in folds]
    run = mapper or (lambda fn, items: list(map(fn, items)))
    results = run(fit_fold, tasks)
    figures: dict[str, CandidateFigures] = {}
    for kind in kinds:
        oof = np.zeros(len(y))
        per_fold = []
        for task, proba in zip(tasks, results, strict=True):
            if task.kind != kind:
                continue
            oof[task.test] = proba
            per_fold.append(fold_figures(y[task.test], proba))
        figures[kind] = CandidateFigures(kind=kind, oof=oof, folds=per_fold)
    return figures


def choose_head(figures: dict[str, CandidateFigures], *, tolerance: float = LINEAR_TOLERANCE) -> HeadChoice:
    """The kind with the best mean grouped-CV PR-AUC, but ``linear`` whenever it is within ``tolerance`` of it."""

    def pr_auc(kind: str) -> float:
        value = figures[kind].summary()["pr_auc"]["mean"]
        return -1.0 if value is None else value

    best = max(figures, key=lambda kind: (pr_auc(kind), kind == "linear"))
    if best == "linear":
        figure = pr_auc("linear")
        return HeadChoice("linear", f"linear head: the best grouped-CV PR-AUC ({figure:.4f}), exact explanations")
    if "linear" in figures and pr_auc("linear") >= pr_auc(best) - tolerance:
        return HeadChoice(
            "linear",
            f"linear head: grouped-CV PR-AUC {pr_auc('linear'):.4f} is within {tolerance} of the best "
            f"({best} {pr_auc(best):.4f}); preferred because its explanations are exact",
        )
    return HeadChoice(
        best,
        f"{best}: grouped-CV PR-AUC {pr_auc(best):.4f} beats the linear head's "
        f"{pr_auc('linear') if 'linear' in figures else float('nan'):.4f} by more than {tolerance}; "
        "its explanations are occlusion estimates, not exact shares",
    )
