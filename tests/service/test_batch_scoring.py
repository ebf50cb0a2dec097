"""Scoring stored accounts in worker processes gives exactly what one in-process batch gives."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from detector.registry import ModelRegistry
from detector.scoring import MAX_EVIDENCE_POSTS, finish_prepared, prepare_batch, score_accounts
from ingest.database import make_engine
from ingest.store import AccountStore
from service import batch_scoring
from service.batch_scoring import BatchSpec, score_stored


@pytest.mark.slow
@pytest.mark.parametrize(("workers", "start"), [(1, None), (2, "fork"), (2, "spawn")])
def test_scores_from_worker_processes_equal_one_batch_scored_in_process(
    trained_registry: Path, demo_store_file: Path, workers: int, start: str | None, monkeypatch
) -> None:
    if start is not None:  # forked workers inherit the parent's model, spawned ones load it from the registry
        context = multiprocessing.get_context(start)
        monkeypatch.setattr(batch_scoring, "_worker_start", lambda: (context, start == "fork"))
    loaded = ModelRegistry(trained_registry).load()
    url = f"sqlite:///{demo_store_file}"
    store = AccountStore(make_engine(url))
    handles = store.handles()[::8]  # every role, and accounts of the same networks
    expected = score_accounts(loaded.model, list(store.iter_accounts(handles)), model_version=loaded.version)
    # The comparison must cover cut evidence and cross-chunk coordination, or it proves little.
    assert any(s.evidence.n_matched_posts > MAX_EVIDENCE_POSTS for s in expected)
    assert any(s.evidence.n_coordinated_posts for s in expected)

    spec = BatchSpec(database_url=url, models_dir=trained_registry, version=loaded.version)
    scored = list(score_stored(handles, spec=spec, loaded=loaded, workers=workers, chunk_size=40))

    assert [s.handle for s in scored] == handles
    for got, want in zip(scored, expected, strict=True):
        assert got.model_dump() == want.model_dump(), got.handle


def test_batches_prepared_apart_and_finished_in_groups_score_as_one_batch(
    trained_registry: Path, demo_store_file: Path
) -> None:
    loaded = ModelRegistry(trained_registry).load()
    store = AccountStore(make_engine(f"sqlite:///{demo_store_file}"))
    accounts = list(store.iter_accounts(store.handles()[::10]))
    expected = score_accounts(loaded.model, accounts, model_version=loaded.version)

    prepared = [
        prepare_batch(loaded.model, accounts[i : i + 30], evidence_limit=MAX_EVIDENCE_POSTS)
        for i in range(0, len(accounts), 30)
    ]
    scored = list(finish_prepared(loaded.model, prepared, model_version=loaded.version, finish_accounts=70))

    assert [s.model_dump() for s in scored] == [s.model_dump() for s in expected]


def test_a_process_running_threads_spawns_its_workers_instead_of_forking() -> None:
    assert batch_scoring._worker_start()[0].get_start_method() == ("fork" if threading.active_count() == 1 else "spawn")
    started = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), stop.wait()))
    thread.start()
    try:
        started.wait()
        context, inherits = batch_scoring._worker_start()
        assert (context.get_start_method(), inherits) == ("spawn", False)
    finally:
        stop.set()
        thread.join()
