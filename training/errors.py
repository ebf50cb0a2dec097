"""Errors raised by batch training and evaluation.

TrainingError
├── InvalidLabelsError      the labels file has problems (unknown values, conflicting duplicates, ...), by line
└── InsufficientDataError   too few usable labeled accounts, or a class is missing
"""

from __future__ import annotations

__all__ = ["InsufficientDataError", "InvalidLabelsError", "TrainingError"]


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
