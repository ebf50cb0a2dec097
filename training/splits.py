"""The ways of holding labeled accounts out, each named, so that a report can say how the model does on each.

- ``by_account``: stratified by class only. Accounts of one network land on both sides, so the figure is optimistic:
  it says how well the model recognises more members of networks it has seen.
- ``by_network``: the grouped split ``train_model`` uses; every network lies wholly on one side.
- ``by_time``: train on accounts whose posts come earlier, test on later ones, as a deployed model meets them.
- ``leave_one_operation_out``: one fold per positive network, that network alone on the test side with a fixed share
  of the negatives, so each fold says how the model does on one operation it never saw.

Every split is of row indices into a ``LabeledSet`` and keeps both classes on both sides, or is refused with
``InsufficientDataError``: a figure on one class alone is no figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sklearn.model_selection import train_test_split

from detector.schema import Account
from training.errors import InsufficientDataError
from training.train import grouped_splits

__all__ = [
    "NamedSplit",
    "by_account_split",
    "by_network_split",
    "by_time_split",
    "leave_one_operation_out",
    "median_post_times",
]


@dataclass(frozen=True)
class NamedSplit:
    """Train and test row indices, with the split's name and a sentence saying what was held out."""

    name: str
    train: np.ndarray
    test: np.ndarray
    description: str


def _check_both_classes(name: str, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
    for side, rows in (("train", train), ("test", test)):
        counts = Counter(y[rows].tolist())
        if counts[1] == 0 or counts[0] == 0:
            missing = "positive" if counts[1] == 0 else "negative"
            raise InsufficientDataError(
                f"{name} split: the {side} side has no {missing} account "
                f"({counts[1]} positive, {counts[0]} negative of {len(rows)})"
            )


def by_account_split(y: np.ndarray, *, test_fraction: float = 0.25, seed: int = 0) -> NamedSplit:
    """Accounts drawn at random, stratified by class; networks straddle the sides (an optimistic figure)."""
    if (y == 1).sum() < 2 or (y == 0).sum() < 2:
        raise InsufficientDataError(
            f"by_account split: need 2 accounts of each class, got {np.bincount(y, minlength=2)}"
        )
    train, test = train_test_split(np.arange(len(y)), test_size=test_fraction, stratify=y, random_state=seed)
    train, test = np.sort(train), np.sort(test)
    _check_both_classes("by_account", y, train, test)
    return NamedSplit("by_account", train, test, "stratified by class; accounts of one network on both sides")


def by_network_split(y: np.ndarray, groups: np.ndarray, *, test_fraction: float = 0.25, seed: int = 0) -> NamedSplit:
    """The grouped split of ``train_model`` (first fold of stratified group k-fold): same seed, same rows."""
    train, test = grouped_splits(y, groups, n_max=round(1 / test_fraction), seed=seed)[0]
    _check_both_classes("by_network", y, train, test)
    held = sorted({str(g) for g in groups[test][y[test] == 1]})
    return NamedSplit("by_network", train, test, f"whole networks held out: {', '.join(held)}")


def median_post_times(accounts: Sequence[Account]) -> np.ndarray:
    """Each account's median post time (unix seconds): one account, one moment, robust to a few stray posts."""
    return np.array([np.median([post.created_at.timestamp() for post in account.posts]) for account in accounts])


def by_time_split(accounts: Sequence[Account], y: np.ndarray, *, test_fraction: float = 0.25) -> NamedSplit:
    """Accounts whose median post time is after the ``1 - test_fraction`` quantile are tested, the rest train.

    Accounts exactly at the cut train, so the test side is strictly later. Raises ``InsufficientDataError`` when
    a side lacks a class (say, every amplifier network posted in the first weeks).
    """
    if any(not account.posts for account in accounts):
        raise InsufficientDataError("by_time split: every account needs at least one post to be placed in time")
    times = median_post_times(accounts)
    cut = float(np.quantile(times, 1 - test_fraction))
    later = times > cut
    train, test = np.flatnonzero(~later), np.flatnonzero(later)
    _check_both_classes("by_time", y, train, test)
    when = datetime.fromtimestamp(cut, UTC).isoformat(timespec="seconds")
    return NamedSplit("by_time", train, test, f"accounts whose median post is after {when} held out")


def leave_one_operation_out(
    y: np.ndarray,
    groups: np.ndarray,
    *,
    negative_fraction: float = 0.25,
    max_folds: int | None = None,
    seed: int = 0,
) -> list[NamedSplit]:
    """One fold per positive group: that group and a fixed ``negative_fraction`` of negative groups are tested.

    The negatives held out are the same in every fold, so folds differ only in the operation. With ``max_folds``,
    the largest operations (most positive accounts, then name) get a fold. Fewer than two positive groups cannot
    leave one out and still train: ``InsufficientDataError``.
    """
    sizes = Counter(str(g) for g in groups[y == 1])
    if len(sizes) < 2:
        raise InsufficientDataError(f"leave-one-operation-out needs 2 positive groups, got {len(sizes)}")
    negative_groups = np.array(sorted({str(g) for g in groups[y == 0]}))
    if len(negative_groups) < 2:
        raise InsufficientDataError("leave-one-operation-out needs negatives in at least 2 groups")
    n_held = min(len(negative_groups) - 1, max(1, round(negative_fraction * len(negative_groups))))
    held_negatives = set(np.random.default_rng(seed).choice(negative_groups, size=n_held, replace=False).tolist())
    is_held_negative = np.array([y[i] == 0 and str(g) in held_negatives for i, g in enumerate(groups)])
    operations = sorted(sizes, key=lambda name: (-sizes[name], name))[:max_folds]
    folds = []
    for operation in operations:
        is_operation = groups.astype(str) == operation
        test = np.flatnonzero(is_operation | is_held_negative)
        train = np.flatnonzero(~(is_operation | is_held_negative))
        _check_both_classes(f"leave out {operation}", y, train, test)
        folds.append(NamedSplit(f"leave out {operation}", train, test, f"operation {operation} held out"))
    return folds
