"""Scoring throughput from the store: accounts/s and posts/s, with 1 and N worker processes, and peak RSS.

    .venv/bin/python bench/throughput.py [--accounts 10000] [--posts 200] [--workers 2] [--models models] [--repeat 3]

Builds (once, cached under var/bench/) a SQLite store of ``--accounts`` synthetic accounts with exactly ``--posts``
posts each: the demo generator's accounts, topped up with posts of accounts of the same role (each copy marked with
a number, so that no two texts are equal by construction). Then scores every account from the store with the active
model, no network, coordination across the whole batch included. Prints figures and the machine; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from detector.registry import ModelRegistry
from ingest.database import make_engine
from ingest.records import AccountRow
from ingest.store import AccountStore
from ingest.synthetic import generate_corpus
from service.batch_scoring import BatchSpec, score_stored


def build_store(path: Path, n_accounts: int, n_posts: int, seed: int = 2023) -> None:
    """Write ``n_accounts`` accounts of exactly ``n_posts`` posts each into a new store at ``path``."""
    corpus = generate_corpus(seed=seed, n_accounts=n_accounts)
    pool = defaultdict(list)
    for item in corpus:
        pool[item.role].extend(item.account.posts)
    rng = random.Random(seed)
    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    store = AccountStore(make_engine(f"sqlite:///{tmp}"))
    rows = []
    for item in corpus:
        account = item.account
        posts = list(account.posts[:n_posts])
        while len(posts) < n_posts:
            k = len(posts)
            base = rng.choice(pool[item.role])
            posts.append(
                base.model_copy(
                    update={
                        "id": f"{account.user_id}-{k}",
                        "text": f"{base.text} {k}",
                        "created_at": base.created_at + timedelta(days=rng.randint(1, 300)),
                    }
                )
            )
        rows.append(
            AccountRow(line=0, handle=account.handle, user_id=account.user_id, profile=account.profile, post=None)
        )
        rows += [
            AccountRow(line=0, handle=account.handle, user_id=account.user_id, profile=None, post=p) for p in posts
        ]
    store.import_rows(rows, source="bench")
    store.engine.dispose()
    tmp.rename(path)


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process and of its (finished) worker processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PARROTWATCH_MODELS_DIR", "models")))
    parser.add_argument("--cache", type=Path, default=Path("var/bench"))
    parser.add_argument("--single", action="store_true", help="also time one worker process")
    parser.add_argument(
        "--repeat", type=int, default=1, help="time the N-worker run this many times and print the median and best"
    )
    args = parser.parse_args()

    path = args.cache / f"store-{args.accounts}x{args.posts}.db"
    if not path.exists():
        args.cache.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        build_store(path, args.accounts, args.posts)
        print(f"built {path} in {time.perf_counter() - started:.0f} s")
    registry = ModelRegistry(args.models)
    loaded = registry.load()
    spec = BatchSpec(database_url=f"sqlite:///{path}", models_dir=args.models, version=loaded.version)
    store = AccountStore(make_engine(spec.database_url))
    handles = store.handles()
    n_accounts, n_posts = store.count()

    print(f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}")
    print(f"model: {loaded.version}  store: {path} ({n_accounts} accounts, {n_posts} posts)")
    print(f"load average before: {os.getloadavg()[0]:.1f} (other work on the machine slows the wall clock)")
    rates: list[float] = []
    for workers in ([1] if args.single else []) + [args.workers] * max(args.repeat, 1):
        own_before, workers_before = _cpu_seconds()
        started = time.perf_counter()
        scored = sum(1 for _ in score_stored(handles, spec=spec, loaded=loaded, workers=workers))
        elapsed = time.perf_counter() - started
        own_after, workers_after = _cpu_seconds()
        own, in_workers = own_after - own_before, workers_after - workers_before
        print(
            f"workers: {workers}  accounts: {scored}  seconds: {elapsed:.1f}  "
            f"accounts/s: {scored / elapsed:.0f}  posts/s: {n_posts / elapsed:,.0f}"
        )
        if workers == args.workers:
            rates.append(n_posts / elapsed)
        # CPU time does not depend on what else runs. With the cores to itself, the workers' share runs in parallel
        # and this process's share (reading results, the coordination join, explaining) after it.
        free_wall = (in_workers / workers if workers > 1 else 0.0) + own
        print(
            f"  cpu seconds: {own:.1f} here + {in_workers:.1f} in workers; with {workers} free core(s) that is about "
            f"{free_wall:.0f} s: {n_posts / free_wall:,.0f} posts/s, {scored / free_wall:.0f} accounts/s"
        )
    if len(rates) > 1:  # a shared virtual machine's CPU time itself varies by 10-20% from run to run
        print(
            f"{len(rates)} runs with {args.workers} workers: median {statistics.median(rates):,.0f} posts/s, "
            f"best {max(rates):,.0f}, worst {min(rates):,.0f}"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {own:.0f} MiB, largest worker {child:.0f} MiB")


if __name__ == "__main__":
    main()
