"""Errors raised by batch training and evaluation.

TrainingError
├── InvalidLabelsError      the labels file has problems (unknown values, conflicting duplicates, ...), by line
├── InsufficientDataError   too few usable labeled accounts, or a class is missing
├── LabelWarningsError      label warnings (accounts without posts, imbalance) under --strict
├── PromotionRefusedError   the gate found the candidate worse than the active model on the same accounts
├── NothingToRollBackError  no earlier active version in the audit trail
└── DaskUnavailableError    Dask is not installed, or its scheduler cannot be reached
"""

from __future__ import annotations

__all__ = [
    "DaskUnavailableError",
    "InsufficientDataError",
    "InvalidLabelsError",
    "LabelWarningsError",
    "NothingToRollBackError",
    "PromotionRefusedError",
    "TrainingError",
]


class TrainingError(Exception):
    """Base class for training and evaluation failures."""


class InvalidLabelsError(TrainingError):
    """Labels cannot be used; ``problems`` lists each one as ``(line, message)``."""

    def __init__(self, path: str, problems: list[tuple[int, str]]) -> None:
        shown = "; ".join(f"line {line}: {message}" for line, message in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{path}: {len(problems)} problem(s) in labels: {shown}{more}")
        self.path = path
        self.problems = problems


class InsufficientDataError(TrainingError):
    """There is not enough labeled data to train or evaluate honestly."""


class LabelWarningsError(TrainingError):
    """Labels raised warnings and ``--strict`` makes them fatal; ``warnings`` holds each one's text."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(f"{len(warnings)} label warning(s) under --strict: " + "; ".join(warnings))
        self.warnings = warnings


class PromotionRefusedError(TrainingError):
    """The candidate's PR-AUC is below the active model's by more than the tolerance, on the same accounts."""

    def __init__(self, candidate: str, active: str, figures: dict[str, float], tolerance: float) -> None:
        super().__init__(
            f"promotion of {candidate} refused: PR-AUC {figures['candidate_pr_auc']:.4f} vs active {active} "
            f"{figures['active_pr_auc']:.4f} on {figures['n_accounts']} held-out accounts (tolerance {tolerance}); "
            "--force overrides and is audited"
        )
        self.candidate = candidate
        self.active = active
        self.figures = figures
        self.tolerance = tolerance


class NothingToRollBackError(TrainingError):
    """The audit trail names no version that was active before the current one."""


class DaskUnavailableError(TrainingError):
    """Dask was asked for but is not installed, or the scheduler cannot be reached."""
