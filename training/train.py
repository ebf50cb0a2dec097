"""Train an amplifier model on labeled accounts and measure it on accounts it never saw.

The split is by group: all accounts of one amplifier network (the ``network`` label column) fall on the same side,
so the held-out figures say how the model does on an operation it was not trained on. Band thresholds are chosen
on out-of-fold scores within the training side, then reported on the held-out side.
"""

from __future__ import annotations

import hashlib
import platform
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from detector.catalog import TalkingPointCatalog
from detector.coordination import COORDINATION_FEATURES, batch_links, trained_params
from detector.false_discovery import DEFAULT_MAX_FDR
from detector.features.content import ContentFeatures
from detector.model import (
    FAMILIES,
    HEAD_KINDS,
    AmplifierModel,
    build_features,
    build_head,
    build_tree_head,
    coordination_matrix,
    expected_signs,
    family_columns,
    is_linear_head,
    single_threaded,
)
from detector.schema import Account
from detector.semantic_links import semantic_table
from training.backend import LOCAL, ComputeBackend
from training.candidates import LINEAR_TOLERANCE, FoldTask, choose_head, cross_validate_heads
from training.errors import InsufficientDataError
from training.labels import POSITIVE_LABEL, LabelRow
from training.metrics import choose_thresholds, compute_metrics

__all__ = [
    "BandedHead",
    "LabeledSet",
    "TrainingResult",
    "assemble_labeled_set",
    "fit_banded_head",
    "fit_head",
    "grouped_splits",
    "train_model",
]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LabeledSet:
    """Accounts with enough posts, their binary target (amplifier or not), label and split group."""

    accounts: list[Account]
    labels: list[str]
    groups: np.ndarray
    y: np.ndarray
    summary: dict[str, int]


@dataclass(frozen=True)
class TrainingResult:
    """The model, its card and split; and, for reports, the feature matrix of every labeled account (rows as in the
    ``LabeledSet``), the split's row indices and the held-out accounts' scores."""

    model: AmplifierModel
    card: dict[str, Any]
    split: dict[str, list[str]]
    matrix: np.ndarray | None = None
    train_idx: np.ndarray | None = None
    test_idx: np.ndarray | None = None
    test_proba: np.ndarray | None = None


@dataclass(frozen=True)
class BandedHead:
    """A fitted head, the band thresholds chosen for it, and the out-of-fold scores they were chosen on."""

    head: Pipeline
    thresholds: dict[str, float]
    oof: np.ndarray


def assemble_labeled_set(accounts: Iterable[Account], labels: dict[str, LabelRow], *, min_posts: int) -> LabeledSet:
    """Join accounts with their labels; accounts below ``min_posts`` posts are left out and counted."""
    kept: list[tuple[Account, LabelRow]] = []
    seen: set[str] = set()
    unlabeled = too_few = 0
    for account in accounts:
        row = labels.get(account.handle.lower())
        if row is None:
            unlabeled += 1
            continue
        seen.add(account.handle.lower())
        if len(account.posts) < min_posts:
            too_few += 1
            continue
        kept.append((account, row))
    kept.sort(key=lambda pair: pair[0].handle.lower())  # input order must not change the model
    label_list = [row.label for _, row in kept]
    return LabeledSet(
        accounts=[account for account, _ in kept],
        labels=label_list,
        groups=np.array([row.network or f"account:{row.handle.lower()}" for _, row in kept]),
        y=np.array([label == POSITIVE_LABEL for label in label_list], dtype=int),
        summary={
            "n_accounts": len(kept),
            "n_positive": sum(label == POSITIVE_LABEL for label in label_list),
            "n_unlabeled_accounts": unlabeled,
            "n_dropped_too_few_posts": too_few,
            "n_labels_without_account": len(set(labels) - seen),
            **{f"n_{label}": count for label, count in sorted(Counter(label_list).items())},
        },
    )


_SPLITS: OrderedDict[str, list[tuple[np.ndarray, np.ndarray]]] = OrderedDict()
_SPLITS_KEPT = 64
_SPLITS_LOCK = threading.Lock()


def grouped_splits(
    y: np.ndarray, groups: np.ndarray, *, n_max: int, seed: int, by_account_if_few_groups: bool = False
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified group k-fold splits, with k lowered to the number of positive groups when there are few.

    With ``by_account_if_few_groups``, fewer than two positive groups fall back to stratified splits by account.
    Only calibration and threshold folds inside the training side use that: the held-out split is always grouped.

    Splits are remembered by their inputs: training asks for the calibration folds of the same rows once per head
    kind and fold, and scikit-learn's group assignment is a Python loop over the groups (a fifth of training time).
    """
    digest = hashlib.sha256(np.ascontiguousarray(y).tobytes())
    digest.update("\x1f".join(map(str, groups)).encode("utf-8"))
    key = f"{digest.hexdigest()}:{n_max}:{seed}:{by_account_if_few_groups}"
    with _SPLITS_LOCK:
        if key in _SPLITS:
            _SPLITS.move_to_end(key)
            return list(_SPLITS[key])
    splits = _grouped_splits(y, groups, n_max=n_max, seed=seed, by_account_if_few_groups=by_account_if_few_groups)
    for train, test in splits:  # shared by every caller from now on
        train.flags.writeable = test.flags.writeable = False
    with _SPLITS_LOCK:
        _SPLITS[key] = splits
        while len(_SPLITS) > _SPLITS_KEPT:
            _SPLITS.popitem(last=False)
    return list(splits)


def _grouped_splits(
    y: np.ndarray, groups: np.ndarray, *, n_max: int, seed: int, by_account_if_few_groups: bool
) -> list[tuple[np.ndarray, np.ndarray]]:
    positive_groups = len(np.unique(groups[y == 1]))
    if by_account_if_few_groups and positive_groups < 2 and (y == 1).sum() >= 2 and (y == 0).sum() >= 2:
        folds = StratifiedKFold(
            n_splits=int(min(n_max, (y == 1).sum(), (y == 0).sum())), shuffle=True, random_state=seed
        )
        return list(folds.split(np.zeros(len(y)), y))
    if positive_groups < 2 or (y == 0).sum() < 2:
        raise InsufficientDataError(
            f"need at least 2 positive groups and 2 negative accounts, got {positive_groups} groups "
            f"and {(y == 0).sum()} negatives"
        )
    folds = StratifiedGroupKFold(n_splits=max(2, min(n_max, positive_groups)), shuffle=True, random_state=seed)
    return list(folds.split(np.zeros(len(y)), y, groups))


def dataset_fingerprint(data: LabeledSet) -> str:
    """sha256 over every account's JSON and label, in handle order: equal data, equal fingerprint."""
    digest = hashlib.sha256()
    for account, label in zip(data.accounts, data.labels, strict=True):
        digest.update(account.model_dump_json().encode("utf-8"))
        digest.update(label.encode("utf-8"))
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("scikit-learn", "numpy", "scipy", "joblib", "skops", "pydantic", "parrotwatch"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "unknown"
    return versions


def fit_head(
    matrix: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    seed: int,
    C: float,  # noqa: N803
    names: Sequence[str] | None = None,
    kind: str = "linear",
) -> Pipeline:
    """The calibrated head of ``kind`` (``HEAD_KINDS``) on a feature matrix, calibrated on grouped folds of the same
    rows; with the columns' ``names``, it keeps the directions the domain fixes (``expected_signs``)."""
    if kind not in HEAD_KINDS:
        raise ValueError(f"kind must be one of {HEAD_KINDS}, got {kind!r}")
    calibration_folds = grouped_splits(y, groups, n_max=3, seed=seed, by_account_if_few_groups=True)
    signs = expected_signs(names) if names is not None else None
    if kind == "linear":
        return build_head(cv=calibration_folds, C=C, signs=signs).fit(matrix, y)
    head = build_tree_head(cv=calibration_folds, method=kind.removeprefix("tree-"), seed=seed, signs=signs)
    with single_threaded():
        return head.fit(matrix, y)


def head_folds(y: np.ndarray, groups: np.ndarray, *, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The grouped folds of the training side that band thresholds and the head comparison both use."""
    return grouped_splits(y, groups, n_max=5, seed=seed, by_account_if_few_groups=True)


def fit_banded_head(
    x_train: np.ndarray,
    y_train: np.ndarray,
    g_train: np.ndarray,
    *,
    seed: int = 0,
    C: float = 1.0,  # noqa: N803
    high_precision: float = 0.9,
    elevated_recall: float = 0.9,
    names: Sequence[str] | None = None,
    kind: str = "linear",
    oof: np.ndarray | None = None,
) -> BandedHead:
    """Fit the head on training rows, with band thresholds from out-of-fold scores of those same rows.

    Thresholds chosen on the rows a figure is measured on would flatter it; out-of-fold scores of the training side
    never see the test accounts. Pass ``oof`` when the head comparison already computed them on ``head_folds``.
    """
    if oof is None:
        oof = np.zeros(len(y_train))
        for fold_train, fold_test in head_folds(y_train, g_train, seed=seed):
            head = fit_head(
                x_train[fold_train], y_train[fold_train], g_train[fold_train], seed=seed, C=C, names=names, kind=kind
            )
            with single_threaded():
                oof[fold_test] = head.predict_proba(x_train[fold_test])[:, 1]
    thresholds = choose_thresholds(y_train, oof, high_precision=high_precision, elevated_recall=elevated_recall)
    return BandedHead(
        head=fit_head(x_train, y_train, g_train, seed=seed, C=C, names=names, kind=kind),
        thresholds=thresholds,
        oof=oof,
    )


@dataclass(frozen=True)
class _FoldFitter:
    """Fits one candidate head on one fold (a picklable callable, so that folds can run on Dask workers)."""

    x: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    seed: int
    C: float
    names: tuple[str, ...]

    def __call__(self, task: FoldTask) -> np.ndarray:
        x, y, g = self.x, self.y, self.groups
        head = fit_head(
            x[task.train], y[task.train], g[task.train], seed=self.seed, C=self.C, names=self.names, kind=task.kind
        )
        with single_threaded():
            return head.predict_proba(x[task.test])[:, 1]


def _importances(model: AmplifierModel, x_train: np.ndarray) -> dict[str, dict[str, float]]:
    """The linear head's coefficients (on standardized features), or a tree head's mean absolute occlusion
    contribution over the training rows, by feature name."""
    if is_linear_head(model.head):
        values = model.head[-1].calibrated_classifiers_[0].estimator.coef_[0]
        return {"coefficients": dict(zip(model.feature_names, np.round(values, 4).tolist(), strict=True))}
    values = np.abs(model.contributions(x_train)).mean(axis=0)
    return {"importances": dict(zip(model.feature_names, np.round(values, 4).tolist(), strict=True))}


def _out_of_fold_content(
    content: ContentFeatures, accounts: Sequence[Account], y: np.ndarray, groups: np.ndarray, *, seed: int
) -> np.ndarray:
    """The training accounts' content columns, out of fold on the head's folds (``ContentFeatures.out_of_fold``)."""
    platforms = [account.platform for account in accounts]
    oof = content.out_of_fold(content.hashed(accounts), y, platforms, head_folds(y, groups, seed=seed))
    oof[[not account.posts for account in accounts]] = np.nan
    return oof


def train_model(
    data: LabeledSet,
    *,
    catalog: TalkingPointCatalog,
    seed: int = 0,
    min_posts: int = 5,
    test_fraction: float = 0.25,
    C: float = 1.0,  # noqa: N803
    high_precision: float = 0.9,
    elevated_recall: float = 0.9,
    families: tuple[str, ...] = FAMILIES,
    embedder: str | None = None,
    semantic_coordination: bool = False,
    split: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Progress | None = None,
    candidates: Sequence[str] = HEAD_KINDS,
    backend: ComputeBackend = LOCAL,
    coordination_fdr: float | None = DEFAULT_MAX_FDR,
) -> TrainingResult:
    """Split by group, fit features and heads on the training side, and report held-out figures in a card.

    ``split`` (train and test row indices) replaces the grouped split, e.g. to hold out one named operation;
    ``families`` trains on a subset of feature families, for ablations; ``embedder`` adds the sentence-embedding
    pass to narrative matching; ``semantic_coordination`` counts paraphrase and translation links in the coordination
    columns (every post embedded once; the model records it, and is served the same way). ``candidates`` are the
    head kinds compared by grouped cross-validation on the training side (``training/candidates.py``); ``backend``
    runs featurization and the folds (locally, or on Dask: the same results). ``coordination_fdr``: the
    false-discovery rate under which coordinated pairs count in the model's features (``CoordinationParams.max_fdr``;
    None: every link counts).
    """
    say = progress or (lambda _message: None)
    if not 0.05 <= test_fraction <= 0.5:
        raise ValueError(f"test_fraction must be in [0.05, 0.5], got {test_fraction!r}")
    y, groups = data.y, data.groups
    n_folds = round(1 / test_fraction)
    train_idx, test_idx = split if split is not None else grouped_splits(y, groups, n_max=n_folds, seed=seed)[0]
    train_accounts = [data.accounts[i] for i in train_idx]

    say(f"extracting features for {len(data.accounts)} accounts")
    features = build_features(catalog, families, embedder=embedder).fit(train_accounts, y[train_idx])
    matrix = backend.transform(features, data.accounts)
    feature_names = tuple(features.get_feature_names_out())
    if "content" in families:
        say("stacking the text model out of fold on the training side")
        column = [feature_names.index(f"content__{name}") for name in ContentFeatures.feature_names]
        matrix[np.ix_(train_idx, column)] = _out_of_fold_content(
            dict(features.transformer_list)["content"], train_accounts, y[train_idx], groups[train_idx], seed=seed
        )
    coordination = (
        trained_params(coordination_fdr, semantic=semantic_coordination) if "coordination" in families else None
    )
    if coordination is not None:
        # Coordination is relational: the whole labeled set is the context, as the service's index is at scoring
        # time. It uses no labels, so held-out accounts linking to training accounts leaks nothing.
        say("linking near-identical posts across accounts")
        table = semantic_table(backend.post_table(data.accounts, coordination), data.accounts, coordination)
        links = batch_links(table, coordination)
        matrix = np.hstack([matrix, coordination_matrix(data.accounts, links, coordination)])
        feature_names = (*feature_names, *COORDINATION_FEATURES)
    x_train, y_train, g_train = matrix[train_idx], y[train_idx], groups[train_idx]

    say(f"comparing heads ({', '.join(candidates)}) by grouped cross-validation on the training side")
    fitter = _FoldFitter(x_train, y_train, g_train, seed, C, feature_names)
    compared = cross_validate_heads(
        fitter, y_train, head_folds(y_train, g_train, seed=seed), kinds=candidates, mapper=backend.map
    )
    choice = choose_head(compared)
    say(f"choosing band thresholds on out-of-fold scores, fitting the final {choice.kind} model")
    banded = fit_banded_head(
        x_train,
        y_train,
        g_train,
        seed=seed,
        C=C,
        high_precision=high_precision,
        elevated_recall=elevated_recall,
        names=feature_names,
        kind=choice.kind,
        oof=compared[choice.kind].oof,
    )
    head, thresholds, oof = banded.head, banded.thresholds, banded.oof
    # Each component is a calibrated probability from one family alone, fitted like the main head.
    component_heads = {
        family: fit_head(
            x_train[:, columns], y_train, g_train, seed=seed, C=C, names=[feature_names[i] for i in columns]
        )
        for family in families
        for columns in [family_columns(feature_names, family)]
    }
    model = AmplifierModel(
        features=features,
        head=head,
        component_heads=component_heads,
        catalog=catalog,
        thresholds=thresholds,
        min_posts=min_posts,
        feature_names=feature_names,
        coordination=coordination,
    )
    test_proba = model.predict_proba(matrix[test_idx])
    held_out = compute_metrics(y[test_idx], test_proba, thresholds)
    handles = [a.handle for a in data.accounts]
    test_positive_groups = sorted({str(groups[i]) for i in test_idx if y[i] == 1})
    card = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": f"label == {POSITIVE_LABEL!r}",
        "catalog_version": catalog.catalog_version,
        "min_posts": min_posts,
        "thresholds": thresholds,
        "metrics": {
            "held_out": held_out,
            "out_of_fold_train": compute_metrics(y_train, oof, thresholds),
        },
        "data": {"fingerprint": dataset_fingerprint(data), **data.summary},
        "split": {
            "method": "given by the caller"
            if split is not None
            else "stratified group k-fold, first fold held out; group = network label, else the account",
            "seed": seed,
            "n_train": len(train_idx),
            "n_test": len(test_idx),
            "n_groups_train": len(np.unique(g_train)),
            "n_groups_test": len(np.unique(groups[test_idx])),
            "positive_groups_test": test_positive_groups,
        },
        "head": {
            "kind": choice.kind,
            "reason": choice.reason,
            "linear_tolerance": LINEAR_TOLERANCE,
            "explanations": model.explanation_method,
        },
        "candidates": [compared[kind].summary() for kind in candidates],
        "features": list(feature_names),
        **_importances(model, x_train),
        "config": {
            "seed": seed,
            "test_fraction": test_fraction,
            "C": C,
            "high_precision": high_precision,
            "elevated_recall": elevated_recall,
            "families": list(families),
            "candidates": list(candidates),
            "embedder": embedder,
            "coordination": asdict(coordination) if coordination is not None else None,
        },
        "libraries": _library_versions(),
    }
    split = {"train": [handles[i] for i in train_idx], "test": [handles[i] for i in test_idx]}
    return TrainingResult(
        model=model,
        card=card,
        split=split,
        matrix=matrix,
        train_idx=np.asarray(train_idx),
        test_idx=np.asarray(test_idx),
        test_proba=test_proba,
    )
