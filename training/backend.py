"""Where training's parallel work runs: in this process, or on a Dask cluster (``training/dask_backend.py``).

Only the parts that need nothing from other accounts or other folds are handed out: featurizing chunks of accounts,
building their post tables, and fitting heads on cross-validation folds. The coordination join and the final fit
stay with the caller, so every backend gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
from sklearn.pipeline import FeatureUnion

from detector.coordination import CoordinationParams, PostTable, post_table
from detector.model import family_rows
from detector.schema import Account

__all__ = ["LOCAL", "ComputeBackend", "LocalBackend"]


class ComputeBackend(Protocol):
    def transform(self, features: FeatureUnion, accounts: Sequence[Account]) -> np.ndarray:
        """The fitted union's rows for ``accounts``, in order."""
        ...

    def post_table(self, accounts: Sequence[Account], params: CoordinationParams) -> PostTable:
        """The accounts' post table, accounts in order."""
        ...

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        """``fn`` applied to every item, results in order."""
        ...


class LocalBackend:
    """Everything in this process, featurization by chunks of ``chunk_size`` accounts (rows do not depend on their
    chunk: the transformers' contract), so its intermediate arrays stay the size of a chunk whatever the number of
    accounts; ``progress(done, total)``, when given, is called after each chunk."""

    def __init__(self, *, chunk_size: int = 500, progress: Callable[[int, int], None] | None = None) -> None:
        self.chunk_size = chunk_size
        self.progress = progress

    def _chunked(self, fn: Callable[[Sequence[Account]], Any], accounts: Sequence[Account]) -> list[Any]:
        if len(accounts) <= self.chunk_size:
            return [fn(accounts)]
        results = []
        for start in range(0, len(accounts), self.chunk_size):
            results.append(fn(accounts[start : start + self.chunk_size]))
            if self.progress is not None:
                self.progress(min(start + self.chunk_size, len(accounts)), len(accounts))
        return results

    def transform(self, features: FeatureUnion, accounts: Sequence[Account]) -> np.ndarray:
        return np.vstack(self._chunked(lambda chunk: family_rows(features, chunk), list(accounts)))

    def post_table(self, accounts: Sequence[Account], params: CoordinationParams) -> PostTable:
        return PostTable.concat(self._chunked(lambda chunk: post_table(chunk, params), list(accounts)))

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        results = []
        for i, item in enumerate(items, 1):
            results.append(fn(item))
            if self.progress is not None:
                self.progress(i, len(items))
        return results


LOCAL = LocalBackend()
