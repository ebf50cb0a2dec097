"""The training report: a model measured every honest way we have, written beside it as JSON, PNGs and one page.

One held-out figure depends on which networks happened to be held out. The report therefore refits the head on
other splits (by account, by network, by time, and one operation left out at a time), drops each feature family in
turn, and splits the held-out figures by language, so an operator sees where the model is strong and where not.

Refits reuse the training run's feature matrix: the feature families learn from the catalog and from unlabeled
posts only (coordination links every labeled account, as the service's index does), never from labels, so one
matrix serves every split without leaking a label; ``tests/training/test_report.py`` checks that assumption. The one
exception is the content family's text model: each split refits it on its own training side (out of fold for the
rows the head trains on), from hashed documents computed once (``ContentRestacker``).
Drawing (matplotlib, half a second to import) is loaded only by the functions that write PNGs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from detector.features.content import ContentFeatures
from detector.model import family_columns, single_threaded
from training.errors import InsufficientDataError
from training.languages import account_language
from training.metrics import compute_metrics
from training.report_html import render_report_html
from training.splits import (
    NamedSplit,
    by_account_split,
    by_network_split,
    by_time_split,
    leave_one_operation_out,
)
from training.train import LabeledSet, TrainingResult, fit_banded_head, fit_head, head_folds

__all__ = [
    "REPORT_FILES",
    "SplitScores",
    "TrainingReport",
    "ablation",
    "build_report",
    "confusion_at_thresholds",
    "language_figures",
    "reliability_bins",
    "score_split",
    "write_evaluation_plots",
    "write_report",
]

REPORT_FILES = (
    "report.html",
    "report.json",
    "roc.png",
    "pr.png",
    "reliability.png",
    "importances.png",
    "confusion.png",
)
MIN_PER_CLASS = 5  # fewer accounts of a class than this in a language: counts only, no figure that pretends
MAX_OPERATION_FOLDS = 5  # the largest operations get a fold; each fold refits the head

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SplitScores:
    """The test side of one split: labels, scores, and band thresholds chosen on that split's training side."""

    split: NamedSplit
    y: np.ndarray
    proba: np.ndarray
    thresholds: dict[str, float]

    def figures(self) -> dict[str, Any]:
        return {
            "name": self.split.name,
            "description": self.split.description,
            "n_train": len(self.split.train),
            **compute_metrics(self.y, self.proba, self.thresholds),
        }


@dataclass(frozen=True)
class TrainingReport:
    """``summary`` is what ``report.json`` holds; ``scores`` keeps each split's held-out scores for the curves."""

    summary: dict[str, Any]
    scores: dict[str, SplitScores]
    coefficients: dict[str, float]


def _columns(feature_names: Sequence[str], families: Sequence[str]) -> np.ndarray:
    return np.sort(np.concatenate([family_columns(feature_names, family) for family in families]))


@dataclass
class ContentRestacker:
    """Recomputes the content column for a split: the text model refitted on the split's training side only."""

    content: ContentFeatures
    hashed: Any  # scipy sparse rows, one per labeled account
    platforms: np.ndarray
    seed: int = 0

    @classmethod
    def for_model(cls, data: LabeledSet, result: TrainingResult) -> ContentRestacker | None:
        content = dict(result.model.features.transformer_list).get("content")
        if content is None:
            return None
        platforms = np.asarray([a.platform for a in data.accounts], dtype=object)
        return cls(clone(content), content.hashed(data.accounts), platforms, result.card["config"]["seed"])

    def __call__(self, data: LabeledSet, matrix: np.ndarray, names: Sequence[str], split: NamedSplit) -> np.ndarray:
        column = [list(names).index(f"content__{name}") for name in ContentFeatures.feature_names]
        y, groups = data.y, data.groups
        restacked = matrix.copy()
        train = np.asarray(split.train)
        fitted = clone(self.content).fit_hashed(self.hashed[train], y[train], self.platforms[train].tolist())
        restacked[np.ix_(split.test, column)] = fitted.log_odds_hashed(
            self.hashed[split.test], self.platforms[split.test].tolist()
        )
        restacked[np.ix_(train, column)] = self.content.out_of_fold(
            self.hashed[train], y[train], self.platforms[train], head_folds(y[train], groups[train], seed=self.seed)
        )
        no_posts = np.array([not account.posts for account in data.accounts])
        restacked[np.ix_(np.flatnonzero(no_posts), column)] = np.nan
        return restacked


def score_split(
    data: LabeledSet,
    matrix: np.ndarray,
    feature_names: Sequence[str],
    split: NamedSplit,
    *,
    config: dict[str, Any],
    restack: ContentRestacker | None = None,
) -> SplitScores:
    """Refit the banded head on the split's training rows, as ``train_model`` does, and score its test rows.

    ``config`` is the card's: seed, C, target precision and recall of the bands, and the families used; ``restack``
    refits the content family's text model on the split's training side first.
    """
    if restack is not None:
        matrix = restack(data, matrix, feature_names, split)
    columns = _columns(feature_names, config["families"])
    x = matrix[:, columns]
    banded = fit_banded_head(
        x[split.train],
        data.y[split.train],
        data.groups[split.train],
        seed=config["seed"],
        C=config["C"],
        high_precision=config["high_precision"],
        elevated_recall=config["elevated_recall"],
        names=[feature_names[i] for i in columns],
        kind=config.get("head_kind", "linear"),
    )
    with single_threaded():
        proba = banded.head.predict_proba(x[split.test])[:, 1]
    return SplitScores(split=split, y=data.y[split.test], proba=proba, thresholds=banded.thresholds)


def _ranking_figures(y: np.ndarray, proba: np.ndarray) -> dict[str, float | None]:
    both = len(np.unique(y)) == 2
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(y, proba)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, proba)), 4),
    }


def ablation(
    data: LabeledSet,
    matrix: np.ndarray,
    feature_names: Sequence[str],
    split: NamedSplit,
    *,
    config: dict[str, Any],
    restack: ContentRestacker | None = None,
) -> list[dict[str, Any]]:
    """Held-out ROC-AUC, PR-AUC and Brier with all families, then with each family dropped in turn.

    Only the ranking is compared, so no band thresholds are chosen: one head fit per variant.
    """
    if restack is not None:
        matrix = restack(data, matrix, feature_names, split)
    families = tuple(config["families"])
    variants: list[tuple[str | None, tuple[str, ...]]] = [(None, families)]
    variants += [(family, tuple(f for f in families if f != family)) for family in families]
    rows = []
    for dropped, kept in variants:
        columns = _columns(feature_names, kept) if kept else np.array([], dtype=int)
        if columns.size == 0:
            rows.append({"variant": f"without {dropped}", "dropped": dropped, "families": [], "skipped": "no features"})
            continue
        x = matrix[:, columns]
        head = fit_head(
            x[split.train],
            data.y[split.train],
            data.groups[split.train],
            seed=config["seed"],
            C=config["C"],
            names=[feature_names[i] for i in columns],
            kind=config.get("head_kind", "linear"),
        )
        with single_threaded():
            proba = head.predict_proba(x[split.test])[:, 1]
        rows.append(
            {
                "variant": "all families" if dropped is None else f"without {dropped}",
                "dropped": dropped,
                "families": list(kept),
                **_ranking_figures(data.y[split.test], proba),
            }
        )
    return rows


def language_figures(
    languages: Sequence[str], y: np.ndarray, proba: np.ndarray, thresholds: dict[str, float]
) -> list[dict[str, Any]]:
    """Per language, counts; and the figures where both classes have at least ``MIN_PER_CLASS`` accounts."""
    languages = np.asarray(languages)
    rows = []
    for language in sorted(set(languages.tolist())):
        rows_of = languages == language
        n_positive = int(y[rows_of].sum())
        n_negative = int(rows_of.sum()) - n_positive
        enough = n_positive >= MIN_PER_CLASS and n_negative >= MIN_PER_CLASS
        rows.append(
            {
                "language": language,
                "n_accounts": int(rows_of.sum()),
                "n_positive": n_positive,
                "metrics": compute_metrics(y[rows_of], proba[rows_of], thresholds) if enough else None,
            }
        )
    return sorted(rows, key=lambda row: (-row["n_accounts"], row["language"]))


def reliability_bins(y: np.ndarray, proba: np.ndarray, *, n_bins: int = 10) -> list[dict[str, float | int]]:
    """Equal-width score bins with their account count, mean score and share of positives (empty bins left out).

    The shares are ``sklearn.calibration.calibration_curve``'s; the counts say how much each point can be trusted.
    """
    fraction_positive, mean_predicted = calibration_curve(y, proba, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], proba), minlength=n_bins)  # calibration_curve's binning
    filled = np.flatnonzero(counts)
    return [
        {
            "lower": round(float(edges[b]), 2),
            "upper": round(float(edges[b + 1]), 2),
            "count": int(counts[b]),
            "mean_predicted": round(float(predicted), 4),
            "fraction_positive": round(float(positive), 4),
        }
        for b, predicted, positive in zip(filled, mean_predicted, fraction_positive, strict=True)
    ]


def confusion_at_thresholds(
    y: np.ndarray, proba: np.ndarray, thresholds: dict[str, float]
) -> dict[str, dict[str, float | int]]:
    """Per band, the confusion counts when every account at or above the band's threshold is called positive."""
    result = {}
    for band, threshold in thresholds.items():
        predicted = proba >= threshold
        result[band] = {
            "threshold": threshold,
            "tp": int((predicted & (y == 1)).sum()),
            "fp": int((predicted & (y == 0)).sum()),
            "fn": int((~predicted & (y == 1)).sum()),
            "tn": int((~predicted & (y == 0)).sum()),
        }
    return result


def _trained_scores(data: LabeledSet, result: TrainingResult) -> SplitScores:
    given = result.card["split"]["method"] == "given by the caller"
    held = ", ".join(result.card["split"]["positive_groups_test"])
    split = NamedSplit(
        name="as trained" if given else "by_network",
        train=result.train_idx,
        test=result.test_idx,
        description="the split the model was trained on" if given else f"whole networks held out: {held}",
    )
    return SplitScores(
        split=split, y=data.y[result.test_idx], proba=result.test_proba, thresholds=result.model.thresholds
    )


def build_report(
    data: LabeledSet,
    result: TrainingResult,
    *,
    max_operation_folds: int = MAX_OPERATION_FOLDS,
    progress: Progress | None = None,
) -> TrainingReport:
    """Measure a freshly trained model (``train_model``'s result on ``data``) on every split, per family and language.

    The model's own held-out split is reused as is. A split the data cannot support (a side without a class, fewer
    than two operations) is recorded as skipped with the reason, not raised.
    """
    if result.matrix is None or result.test_proba is None:
        raise ValueError("build_report needs the TrainingResult of train_model: matrix and held-out scores")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    # Every refit uses the head kind the model chose, so the report describes the model that was saved.
    config = {**result.card["config"], "head_kind": result.card.get("head", {}).get("kind", "linear")}
    names = result.card["features"]
    fraction, seed = config["test_fraction"], config["seed"]
    trained = _trained_scores(data, result)
    scores = {trained.split.name: trained}
    restack = ContentRestacker.for_model(data, result)
    skipped: dict[str, str] = {}
    makers: dict[str, Callable[[], NamedSplit]] = {
        "by_account": lambda: by_account_split(data.y, test_fraction=fraction, seed=seed),
        "by_network": lambda: by_network_split(data.y, data.groups, test_fraction=fraction, seed=seed),
        "by_time": lambda: by_time_split(data.accounts, data.y, test_fraction=fraction),
    }
    for name, make in makers.items():
        if name in scores:
            continue
        say(f"report: refitting on the {name} split")
        try:
            scores[name] = score_split(data, result.matrix, names, make(), config=config, restack=restack)
        except InsufficientDataError as exc:
            skipped[name] = str(exc)

    say("report: leaving one operation out at a time")
    folds: list[dict[str, Any]] = []
    operations_skipped = None
    try:
        for split in leave_one_operation_out(
            data.y, data.groups, negative_fraction=fraction, max_folds=max_operation_folds, seed=seed
        ):
            folds.append(score_split(data, result.matrix, names, split, config=config, restack=restack).figures())
    except InsufficientDataError as exc:
        operations_skipped = str(exc)

    say("report: ablation by feature family")
    ablation_rows = ablation(data, result.matrix, names, trained.split, config=config)  # as trained: stacked already
    languages = [account_language(data.accounts[i]) for i in trained.split.test]
    summary = {
        "target": result.card["target"],
        "catalog_version": result.card["catalog_version"],
        "thresholds": result.model.thresholds,
        "families": list(config["families"]),
        "data": {key: value for key, value in result.card["data"].items() if key != "fingerprint"},
        "splits": [score.figures() for score in scores.values()],
        "splits_skipped": skipped,
        "leave_one_operation_out": {
            "folds": folds,
            "n_operations": len(set(data.groups[data.y == 1].tolist())),
            "max_folds": max_operation_folds,
            "skipped": operations_skipped,
        },
        "ablation": {"split": trained.split.name, "rows": ablation_rows},
        "by_language": {
            "split": trained.split.name,
            "method": "most common script/stopword guess over each account's posts (training/languages.py)",
            "rows": language_figures(languages, trained.y, trained.proba, trained.thresholds),
        },
        "reliability": {"split": trained.split.name, "bins": reliability_bins(trained.y, trained.proba)},
        "confusion": {
            "split": trained.split.name,
            "bands": confusion_at_thresholds(trained.y, trained.proba, trained.thresholds),
        },
        "figures": {name.removesuffix(".png"): name for name in REPORT_FILES if name.endswith(".png")},
        "seconds": round(time.perf_counter() - started, 1),
    }
    weights = result.card.get("coefficients") or result.card.get("importances") or {}
    return TrainingReport(summary=summary, scores=scores, coefficients=weights)


def write_report(report: TrainingReport, folder: Path, version: str) -> list[Path]:
    """Write ``REPORT_FILES`` into ``folder`` and return their paths.

    Made to be the registry's ``before_publish`` hook: it writes into the version's staging folder, so a report
    that fails takes the whole version with it and a published version always has its report.
    """
    from training.report_plots import plot_confusion, plot_importances, plot_pr, plot_reliability, plot_roc

    folder = Path(folder)
    summary = {"model_version": version, **report.summary}
    names = summary["figures"]
    curves = {name: (score.y, score.proba) for name, score in report.scores.items()}
    paths = [
        plot_roc(curves, folder / names["roc"]),
        plot_pr(curves, folder / names["pr"]),
        plot_reliability(
            summary["reliability"]["bins"],
            folder / names["reliability"],
            title=f"{summary['reliability']['split']} held-out accounts",
        ),
        plot_importances(report.coefficients, folder / names["importances"]),
        plot_confusion(summary["confusion"]["bands"], folder / names["confusion"]),
    ]
    for name, text in (("report.json", json.dumps(summary, indent=2)), ("report.html", render_report_html(summary))):
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def write_evaluation_plots(
    y: np.ndarray, proba: np.ndarray, thresholds: dict[str, float], folder: Path, *, title: str
) -> dict[str, Path]:
    """The evaluation's figures (ROC, precision-recall, reliability, confusion) as PNGs in ``folder``."""
    from training.report_plots import plot_confusion, plot_pr, plot_reliability, plot_roc

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    curves = {title: (y, proba)}
    return {
        "roc": plot_roc(curves, folder / "roc.png"),
        "pr": plot_pr(curves, folder / "pr.png"),
        "reliability": plot_reliability(reliability_bins(y, proba), folder / "reliability.png", title=title),
        "confusion": plot_confusion(confusion_at_thresholds(y, proba, thresholds), folder / "confusion.png"),
    }
