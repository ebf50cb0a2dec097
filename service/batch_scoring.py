"""Score many stored accounts on every core.

The per-account work (reading the store, catalog matching, repetition, behaviour, post signatures) is most of the
cost and needs nothing from other accounts, so it runs in worker processes, a chunk of handles at a time. Only the
coordination join needs every post at once; it is vectorized and runs once in this process over the workers' post
tables, then each chunk is scored and explained here. Results equal ``score_accounts`` on the same accounts.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

from detector.declared import DeclaredStateAccounts
from detector.model import AmplifierModel
from detector.registry import LoadedModel, ModelRegistry
from detector.scoring import (
    MAX_EVIDENCE_POSTS,
    AccountScore,
    PreparedBatch,
    collector_paused,
    finish_prepared,
    prepare_batch,
)
from ingest.database import make_engine
from ingest.store import AccountStore, StoreLimits

__all__ = ["BatchSpec", "score_stored"]

_worker: dict[str, object] = {}


@dataclass(frozen=True)
class BatchSpec:
    """Where workers find the accounts and the model (they open both themselves: nothing large is pickled)."""

    database_url: str
    models_dir: Path
    version: str
    limits: StoreLimits | None = None


def _init_worker(spec: BatchSpec, model: AmplifierModel | None = None) -> None:
    """Open the store and load the model (``model``: the parent's, inherited by a forked worker)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one process per core: no nested BLAS threads
    _worker["store"] = AccountStore(make_engine(spec.database_url), limits=spec.limits)
    _worker["model"] = model if model is not None else ModelRegistry(spec.models_dir).load(spec.version).model
    # The collector's passes were a third of a worker's time and found nothing: the model lives as long as the
    # worker (frozen, it is never scanned again) and a chunk's objects all live until it is sent back. So a worker
    # collects cycles between chunks, when the last chunk's objects are gone, and never during one.
    gc.freeze()
    gc.disable()


def _prepare_chunk(handles: Sequence[str]) -> PreparedBatch:
    # What outlives a chunk is the worker's own state (the text cache, the store's statement cache): frozen after
    # each collection, it is not walked again by the next, which then costs milliseconds, not tens of them.
    gc.collect()
    gc.freeze()
    store: AccountStore = _worker["store"]  # type: ignore[assignment]
    accounts = list(store.iter_accounts(handles))
    return prepare_batch(_worker["model"], accounts, evidence_limit=MAX_EVIDENCE_POSTS)  # type: ignore[arg-type]


def _worker_start() -> tuple[BaseContext, bool]:
    """How to start workers, and whether they inherit this process's memory.

    A forked worker starts in milliseconds with the model already loaded; a spawned one imports the libraries and
    loads the model again (about 3 s here, a twentieth of scoring 10,000 accounts). Forking a process that runs
    other threads can leave a lock held forever in the child, so a process with threads (the service) spawns."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork"), True
    return multiprocessing.get_context("spawn"), False


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def score_stored(
    handles: Sequence[str],
    *,
    spec: BatchSpec,
    loaded: LoadedModel,
    workers: int | None = None,
    chunk_size: int = 100,
    declared: DeclaredStateAccounts | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[AccountScore]:
    """Yield a score for every handle found in the store, in input order; unknown handles are skipped.

    ``workers`` processes (default: the CPU count; 1 works in this process) prepare chunks of ``chunk_size``
    accounts; ``progress`` is called with the number of handles of each finished chunk. Coordination links every
    account with every other of ``handles``, as one batch would.
    """
    workers = workers or os.cpu_count() or 1
    prepared: list[PreparedBatch] = []
    chunks = _chunks(list(handles), chunk_size)
    if workers == 1:  # in this process: no start-up cost for small inputs
        store = AccountStore(make_engine(spec.database_url), limits=spec.limits)
        try:
            for chunk in chunks:
                with collector_paused():
                    accounts = list(store.iter_accounts(chunk))
                    prepared.append(prepare_batch(loaded.model, accounts, evidence_limit=MAX_EVIDENCE_POSTS))
                    del accounts  # gone before the collector runs again
                if progress is not None:
                    progress(len(chunk))
        finally:
            store.engine.dispose()
    else:
        context, inherits = _worker_start()
        initargs = (spec, loaded.model if inherits else None)  # a spawned worker loads the model itself
        with (
            ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=initargs) as pool,
            collector_paused(),  # every batch received is kept until the join: the collector's passes found nothing
        ):
            for chunk, batch in zip(chunks, pool.map(_prepare_chunk, _chunks(list(handles), chunk_size)), strict=True):
                prepared.append(batch)
                if progress is not None:
                    progress(len(chunk))
    yield from finish_prepared(loaded.model, prepared, model_version=loaded.version, declared=declared)
