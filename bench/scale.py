"""Time to featurize and score many synthetic accounts: in one process, and on a Dask LocalCluster.

    .venv/bin/python bench/scale.py [--accounts 100000] [--workers 2] [--chunk 500] [--models models]

Generates ``--accounts`` synthetic accounts (the demo generator, in blocks of 5,000 with their own seeds, handles
suffixed by block), then scores them all with coordination across the whole batch: first here (chunks prepared one
after the other, one join, finish), then on a ``LocalCluster`` of ``--workers`` single-threaded processes (chunks
prepared on workers, the join and finish here). Both give the same scores (checked). Uses the active model of
``--models``, or trains a small one (600 demo accounts, linear head) when there is none. Prints figures, the load
average and the machine; asserts nothing but the equality. 100,000 accounts hold about 5 million posts: expect
several GB of memory; ``--accounts 2000`` finishes in a couple of minutes.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from detector.catalog import load_catalog
from detector.registry import ModelRegistry
from detector.schema import Account
from detector.scoring import finish_prepared, prepare_batch
from ingest.synthetic import generate_corpus
from training.dask_backend import dask_client, score_on_dask
from training.labels import LabelRow
from training.train import assemble_labeled_set, train_model

BLOCK = 5_000


def synthetic_accounts(n: int, seed: int = 2023) -> list[Account]:
    accounts: list[Account] = []
    for block, start in enumerate(range(0, n, BLOCK)):
        size = min(BLOCK, n - start)
        for item in generate_corpus(seed=seed + block, n_accounts=size):
            account = item.account
            if block:  # handles must stay unique across blocks
                account = account.model_copy(update={"handle": f"{account.handle}_{block}"})
            accounts.append(account)
    return accounts


def small_model():
    corpus = generate_corpus(seed=7, n_accounts=600)
    labels = {c.account.handle.lower(): LabelRow(c.account.handle, c.label, c.network, i) for i, c in enumerate(corpus)}
    data = assemble_labeled_set([c.account for c in corpus], labels, min_posts=1)
    return train_model(data, catalog=load_catalog(), candidates=("linear",)).model, "bench-small"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PARROTWATCH_MODELS_DIR", "models")))
    args = parser.parse_args()

    registry = ModelRegistry(args.models)
    if registry.active_version():
        loaded = registry.load()
        model, version = loaded.model, loaded.version
    else:
        print("no active model: training a small one (600 demo accounts)")
        model, version = small_model()

    started = time.perf_counter()
    accounts = synthetic_accounts(args.accounts)
    n_posts = sum(len(a.posts) for a in accounts)
    print(f"generated {len(accounts):,} accounts, {n_posts:,} posts in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    chunks = [accounts[i : i + args.chunk] for i in range(0, len(accounts), args.chunk)]
    prepared = [prepare_batch(model, chunk) for chunk in chunks]
    featurized = time.perf_counter() - started
    local = list(finish_prepared(model, prepared, model_version=version))
    local_s = time.perf_counter() - started
    print(f"one process: featurize {featurized:.1f} s, featurize + join + score {local_s:.1f} s "
          f"({len(accounts) / local_s:,.0f} accounts/s)")  # fmt: skip

    started = time.perf_counter()
    with dask_client("local", n_workers=args.workers) as client:
        up = time.perf_counter() - started
        started = time.perf_counter()
        on_dask = score_on_dask(client, model, accounts, model_version=version, chunk_size=args.chunk)
        dask_s = time.perf_counter() - started
    print(f"LocalCluster of {args.workers} workers: start {up:.1f} s, featurize + join + score {dask_s:.1f} s "
          f"({len(accounts) / dask_s:,.0f} accounts/s)")  # fmt: skip
    same = [s.model_dump() for s in local] == [s.model_dump() for s in on_dask]
    print(f"identical scores: {same}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load}, Python {python}")
    if not same:
        raise SystemExit("scores differ between one process and Dask")


if __name__ == "__main__":
    main()
