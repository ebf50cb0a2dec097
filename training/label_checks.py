"""Warnings about labels that are valid line by line but weak as a whole, checked before any training.

A label for an account with no posts in the input trains nothing (often a handle typo or the wrong input); a class
with a handful of accounts, or positives under 2%, gives figures that move with one account. Each warning carries
its count and a few example handles; ``--strict`` makes them fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from training.labels import POSITIVE_LABEL, LabelRow
from training.train import LabeledSet

__all__ = ["MIN_ACCOUNTS_PER_CLASS", "MIN_POSITIVE_SHARE", "LabelWarning", "label_warnings"]

MIN_POSITIVE_SHARE = 0.02
MIN_ACCOUNTS_PER_CLASS = 5
_EXAMPLES = 5


@dataclass(frozen=True)
class LabelWarning:
    kind: str  # "no_posts" | "imbalance"
    count: int
    examples: list[str]
    message: str


def label_warnings(
    labels: Mapping[str, LabelRow],
    data: LabeledSet,
    *,
    min_positive_share: float = MIN_POSITIVE_SHARE,
    min_per_class: int = MIN_ACCOUNTS_PER_CLASS,
) -> list[LabelWarning]:
    """Warnings for labeled accounts without posts in the input, and for class imbalance in what is trained on."""
    warnings = []
    with_posts = {account.handle.lower() for account in data.accounts}
    missing = sorted(row.handle for key, row in labels.items() if key not in with_posts)
    if missing:
        lines = sorted(labels[h.lower()].line for h in missing[:_EXAMPLES])
        warnings.append(
            LabelWarning(
                "no_posts",
                len(missing),
                missing[:_EXAMPLES],
                f"{len(missing)} labeled account(s) have no posts in the input and are not trained on, e.g. "
                + ", ".join(f"@{h}" for h in missing[:_EXAMPLES])
                + f" (lines {', '.join(map(str, lines))})",
            )
        )
    n = len(data.accounts)
    positives = [a.handle for a, label in zip(data.accounts, data.labels, strict=True) if label == POSITIVE_LABEL]
    negatives = [a.handle for a, label in zip(data.accounts, data.labels, strict=True) if label != POSITIVE_LABEL]
    share = len(positives) / n if n else 0.0
    if n and (share < min_positive_share or min(len(positives), len(negatives)) < min_per_class):
        minority = positives if len(positives) <= len(negatives) else negatives
        warnings.append(
            LabelWarning(
                "imbalance",
                len(minority),
                minority[:_EXAMPLES],
                f"class imbalance: {len(positives)} {POSITIVE_LABEL} and {len(negatives)} other accounts "
                f"({share:.1%} positive; warned below {min_positive_share:.0%} or {min_per_class} of a class), e.g. "
                + ", ".join(f"@{h}" for h in minority[:_EXAMPLES]),
            )
        )
    return warnings
