"""Run featurization, batch scoring and cross-validation folds on a Dask cluster.

Each task is independent of the others (a chunk of accounts, or one fold), and results are gathered in submission
order, so a cluster gives the numbers one process gives. The coordination join, which needs every post at once, and
the final fit stay on the client, as ``service/batch_scoring.py`` does with a process pool.

A scheduler address (``tcp://host:8786``) uses an existing cluster; ``local`` starts a ``LocalCluster`` here for the
duration of the block. Needs the ``dask`` extra (``pip install 'parrotwatch[dask]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.pipeline import FeatureUnion

from detector.coordination import CoordinationParams, PostTable, post_table
from detector.declared import DeclaredStateAccounts
from detector.model import AmplifierModel, family_rows
from detector.schema import Account
from detector.scoring import MAX_EVIDENCE_POSTS, AccountScore, PreparedBatch, finish_prepared, prepare_batch
from training.errors import DaskUnavailableError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["LOCAL_CLUSTER", "DaskBackend", "dask_client", "score_on_dask"]

LOCAL_CLUSTER = "local"
Tick = Callable[[int, int], None]  # (done, total): accounts, or folds


@contextmanager
def dask_client(address: str, *, n_workers: int = 2) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a ``LocalCluster`` of ``n_workers`` single-threaded worker
    processes when ``address`` is ``local`` (closed on leaving the block)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise DaskUnavailableError("Dask is not installed: pip install 'parrotwatch[dask]'") from exc
    if address == LOCAL_CLUSTER:
        # One thread per worker: the features hold the GIL, and processes are what gives the speed-up.
        with (
            LocalCluster(n_workers=n_workers, threads_per_worker=1, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout="20s")
    except OSError as exc:
        raise DaskUnavailableError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        yield client


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _transform(features: FeatureUnion, accounts: Sequence[Account]) -> np.ndarray:
    return family_rows(features, accounts)


def _post_table(params: CoordinationParams, accounts: Sequence[Account]) -> PostTable:
    return post_table(accounts, params)


def _prepare(model: AmplifierModel, accounts: Sequence[Account]) -> PreparedBatch:
    return prepare_batch(model, accounts, evidence_limit=MAX_EVIDENCE_POSTS)


class DaskBackend:
    """The ``ComputeBackend`` of training on a Dask client: chunks of ``chunk_size`` accounts, one task each.

    ``progress(done, total)`` is called as tasks finish, counting accounts (or folds).
    """

    def __init__(self, client: Client, *, chunk_size: int = 200, progress: Tick | None = None) -> None:
        self.client = client
        self.chunk_size = chunk_size
        self.progress = progress

    def _run(self, fn: Callable[..., Any], shared: Any, items: Sequence[Any], sizes: Sequence[int]) -> list[Any]:
        from distributed import as_completed

        shared_future = self.client.scatter(shared, broadcast=True) if shared is not None else None
        args = [(shared_future, item) if shared is not None else (item,) for item in items]
        futures = [self.client.submit(fn, *a, pure=False) for a in args]
        size_of = {future.key: size for future, size in zip(futures, sizes, strict=True)}
        total, done = sum(sizes), 0
        for future in as_completed(futures):
            done += size_of[future.key]
            if self.progress is not None:
                self.progress(done, total)
        return self.client.gather(futures)  # in submission order, whatever order they finished in

    def transform(self, features: FeatureUnion, accounts: Sequence[Account]) -> np.ndarray:
        chunks = _chunks(list(accounts), self.chunk_size)
        if not chunks:
            return family_rows(features, [])
        return np.vstack(self._run(_transform, features, chunks, [len(c) for c in chunks]))

    def post_table(self, accounts: Sequence[Account], params: CoordinationParams) -> PostTable:
        chunks = _chunks(list(accounts), self.chunk_size)
        if not chunks:
            return post_table([], params)
        return PostTable.concat(self._run(_post_table, params, chunks, [len(c) for c in chunks]))

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return self._run(fn, None, items, [1] * len(items))


def score_on_dask(
    client: Client,
    model: AmplifierModel,
    accounts: Sequence[Account],
    *,
    model_version: str,
    declared: DeclaredStateAccounts | None = None,
    chunk_size: int = 200,
    progress: Tick | None = None,
) -> list[AccountScore]:
    """Score ``accounts`` on the cluster: chunks prepared on workers, coordination joined and scores finished here.

    Equal to ``score_accounts(model, accounts, ...)`` without an index (coordination within the accounts given).
    """
    backend = DaskBackend(client, chunk_size=chunk_size, progress=progress)
    chunks = _chunks(list(accounts), chunk_size)
    prepared = backend._run(_prepare, model, chunks, [len(c) for c in chunks])
    return list(finish_prepared(model, prepared, model_version=model_version, declared=declared))
