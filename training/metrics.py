"""Quality figures for a set of scored, labeled accounts, and the band thresholds chosen from them."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
)

__all__ = ["choose_thresholds", "compute_metrics", "prevalence_thresholds"]


def choose_thresholds(
    y_true: np.ndarray, proba: np.ndarray, *, high_precision: float = 0.9, elevated_recall: float = 0.9
) -> dict[str, float]:
    """Pick band thresholds on out-of-fold scores (never on the held-out test accounts).

    ``high`` is the lowest score at which precision reaches ``high_precision`` (else the best-F1 score);
    ``elevated`` is the highest score that still keeps recall at ``elevated_recall``, capped at ``high``.
    """
    precision, recall, cut = precision_recall_curve(y_true, proba)
    precision, recall = precision[:-1], recall[:-1]
    reaching = np.flatnonzero(precision >= high_precision)
    if reaching.size:
        high = float(cut[reaching[0]])
    else:
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
        high = float(cut[int(f1.argmax())])
    keeping = np.flatnonzero(recall >= elevated_recall)
    elevated = float(cut[keeping[-1]]) if keeping.size else float(cut[0])
    return {"high": round(high, 4), "elevated": round(min(elevated, high), 4)}


def compute_metrics(y_true: np.ndarray, proba: np.ndarray, thresholds: dict[str, float]) -> dict:
    """ROC-AUC, PR-AUC (average precision), F1 at 0.5, Brier score, counts, and precision/recall per band."""
    y_true = np.asarray(y_true, dtype=int)
    proba = np.asarray(proba, dtype=float)
    both_classes = len(np.unique(y_true)) == 2
    bands = {}
    for band, threshold in thresholds.items():
        predicted = proba >= threshold
        bands[band] = {
            "threshold": threshold,
            "precision": round(float(precision_score(y_true, predicted, zero_division=0)), 4),
            "recall": round(float(recall_score(y_true, predicted, zero_division=0)), 4),
        }
    return {
        "roc_auc": round(float(roc_auc_score(y_true, proba)), 4) if both_classes else None,
        "pr_auc": round(float(average_precision_score(y_true, proba)), 4) if both_classes else None,
        "f1": round(float(f1_score(y_true, proba >= 0.5, zero_division=0)), 4),
        "brier": round(float(brier_score_loss(y_true, proba)), 4),
        "n_accounts": len(y_true),
        "n_positive": int(y_true.sum()),
        "bands": bands,
    }


def prevalence_thresholds(
    y_true: np.ndarray,
    proba: np.ndarray,
    *,
    prevalence: float,
    high_precision: float = 0.9,
    elevated_recall: float = 0.9,
    max_ordinary_high: float = 0.03,
    elevated_precision: float = 0.5,
    max_ordinary_elevated: float = 0.1,
    groups: np.ndarray | None = None,
) -> dict[str, float]:
    """Band thresholds from out-of-fold scores of real accounts, for a list that holds ``prevalence`` amplifiers.

    Precision depends on how many amplifiers a list holds, not on how many the labeled set happened to hold, so it is
    worked out from each threshold's recall (TPR) and false-positive rate at ``prevalence``. ``high`` is the lowest
    score at which that precision is at least ``high_precision`` and at most ``max_ordinary_high`` of ordinary
    accounts score as high; ``elevated`` the lower of the highest score that keeps recall at ``elevated_recall`` and
    the lowest score at which precision is still ``elevated_precision`` with at most ``max_ordinary_elevated`` of
    ordinary accounts that high (a strong model keeps its recall close to ``high``; "worth a look" is then the band
    between "as likely as not" and "nine in ten"), strictly below ``high`` (one step below when the two would meet),
    so the bands always follow the order of the scores.

    With ``groups`` (a platform per row), each promise holds in every group with both classes: ``high`` is the
    highest of the groups' and ``elevated`` the lowest, so one platform's easy accounts do not set another's bands.
    """
    y_true = np.asarray(y_true, dtype=int)
    proba = np.asarray(proba, dtype=float)
    groups = np.zeros(len(y_true), dtype=int) if groups is None else np.asarray(groups)
    highs, elevateds = [], []
    for group in np.unique(groups).tolist():
        mine = groups == group
        if len(np.unique(y_true[mine])) < 2:
            continue
        high, elevated = _group_thresholds(
            y_true[mine],
            proba[mine],
            prevalence,
            (high_precision, max_ordinary_high),
            (elevated_precision, max_ordinary_elevated, elevated_recall),
        )
        highs.append(high)
        elevateds.append(elevated)
    if not highs:
        raise ValueError("band thresholds need scores of both classes")
    high, elevated = max(highs), min(elevateds)
    if elevated >= high:
        below = np.unique(proba[proba < high])
        elevated = float(below[-1]) if below.size else high / 2
    # Rounded down to 4 places: a cut rounded up would drop the very account that set it from its band.
    high = math.floor(high * 1e4) / 1e4
    elevated = min(math.floor(elevated * 1e4) / 1e4, high - 1e-4)
    return {"high": round(high, 4), "elevated": round(elevated, 4)}


def _group_thresholds(
    y_true: np.ndarray,
    proba: np.ndarray,
    prevalence: float,
    high_rule: tuple[float, float],
    elevated_rule: tuple[float, float, float],
) -> tuple[float, float]:
    """(high, elevated) for one group: ``high_rule`` is (precision, most ordinary share), ``elevated_rule``
    (precision, most ordinary share, recall kept)."""
    (high_precision, max_ordinary_high), (elevated_precision, max_ordinary_elevated, elevated_recall) = (
        high_rule,
        elevated_rule,
    )
    cuts = np.unique(proba)[::-1]  # highest first
    positives, negatives = max(int(y_true.sum()), 1), max(int((1 - y_true).sum()), 1)
    ordered = np.sort(proba[y_true == 1])
    tpr = (len(ordered) - np.searchsorted(ordered, cuts, side="left")) / positives
    negative_scores = np.sort(proba[y_true == 0])
    fpr = (len(negative_scores) - np.searchsorted(negative_scores, cuts, side="left")) / negatives
    precision = prevalence * tpr / np.maximum(prevalence * tpr + (1 - prevalence) * fpr, 1e-12)
    good = np.flatnonzero((precision >= high_precision) & (fpr <= max_ordinary_high) & (tpr > 0))
    high = float(cuts[good[-1]]) if good.size else float(cuts[0])  # the lowest cut that holds both
    keeping = np.flatnonzero(tpr >= elevated_recall)
    elevated = float(cuts[keeping[0]]) if keeping.size else float(cuts[-1])
    fair = np.flatnonzero((precision >= elevated_precision) & (fpr <= max_ordinary_elevated) & (tpr > 0))
    if fair.size:
        elevated = min(elevated, float(cuts[fair[-1]]))
    return high, elevated
