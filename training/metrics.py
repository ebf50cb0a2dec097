"""Quality figures for a set of scored, labeled accounts, and the band thresholds chosen from them."""

from __future__ import annotations

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

__all__ = ["choose_thresholds", "compute_metrics"]


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
