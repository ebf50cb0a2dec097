"""Time to featurize and score many synthetic accounts: in one process, and on a Dask LocalCluster.

    .venv/bin/python bench/scale.py [--accounts 100000] [--workers 2] [--chunk 500] [--models models]

Scores ``--accounts`` synthetic accounts (the demo generator, in blocks of 5,000 with their own seeds, handles
suffixed by block) with coordination across the whole batch, twice, and never holds all the accounts at once:

- in one process: each block is generated, prepared in chunks of ``--chunk`` accounts (``prepare_batch``) and
  dropped, keeping only the prepared chunks; then one coordination join and the scores (``finish_prepared``);
- on a ``LocalCluster`` of ``--workers`` single-threaded processes: one task per block generates its accounts on
  the worker and prepares them (the model is broadcast once; no post is shipped), the prepared chunks are gathered
  as tasks finish, and the join and the scores are done here.

Both give the same scores, checked account by account through a digest of each score (the scores are streamed, never
all held). Uses the active model of ``--models``, or trains a small one (600 demo accounts, linear head) when there
is none. Prints the time to generate and prepare, to join and score, accounts/s and posts/s, the peak RSS of this
process and of each worker, the load average and the machine; asserts nothing but the equality. 100,000 accounts
hold about 5 million posts; what stays in memory is the prepared chunks (post signatures, catalog matches),
several GB at that size; ``--accounts 2000`` finishes in a couple of minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import sys
import time
from pathlib import Path

from detector.catalog import load_catalog
from detector.model import AmplifierModel
from detector.registry import ModelRegistry
from detector.schema import Account
from detector.scoring import MAX_EVIDENCE_POSTS, AccountScore, PreparedBatch, finish_prepared, prepare_batch
from ingest.synthetic import generate_corpus
from training.dask_backend import dask_client
from training.labels import LabelRow
from training.train import assemble_labeled_set, train_model

BLOCK = 5_000
SEED = 2023


def block_accounts(n: int, block: int, seed: int = SEED) -> list[Account]:
    """Block ``block`` of ``n`` synthetic accounts: up to ``BLOCK`` accounts of seed ``seed + block``."""
    size = min(BLOCK, n - block * BLOCK)
    accounts: list[Account] = []
    for item in generate_corpus(seed=seed + block, n_accounts=size):
        account = item.account
        if block:  # handles must stay unique across blocks
            account = account.model_copy(update={"handle": f"{account.handle}_{block}"})
        accounts.append(account)
    return accounts


def prepare_block(model: AmplifierModel, n: int, block: int, chunk: int) -> tuple[list[PreparedBatch], float, float]:
    """Generate one block and prepare it in chunks; the accounts are dropped on return.

    Returns the prepared chunks and the seconds spent generating and preparing. Runs here or on a Dask worker.
    """
    started = time.perf_counter()
    accounts = block_accounts(n, block)
    generated = time.perf_counter()
    prepared = [
        prepare_batch(model, accounts[i : i + chunk], evidence_limit=MAX_EVIDENCE_POSTS)
        for i in range(0, len(accounts), chunk)
    ]
    return prepared, generated - started, time.perf_counter() - generated


def digest(score: AccountScore) -> bytes:
    return hashlib.blake2b(score.model_dump_json().encode(), digest_size=16).digest()


def peak_rss_mib() -> float:
    """Peak resident memory of this process, in MiB: since the last ``reset_peak_rss`` where Linux allows it."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux 4.0+)
    except OSError:
        return False
    return True


def small_model():
    corpus = generate_corpus(seed=7, n_accounts=600)
    labels = {c.account.handle.lower(): LabelRow(c.account.handle, c.label, c.network, i) for i, c in enumerate(corpus)}
    data = assemble_labeled_set([c.account for c in corpus], labels, min_posts=1)
    return train_model(data, catalog=load_catalog(), candidates=("linear",)).model, "bench-small"


def progress(label: str, done: int, total: int, started: float) -> None:
    print(f"  {label}: block {done}/{total}, {time.perf_counter() - started:.0f} s, "
          f"peak RSS {peak_rss_mib():,.0f} MiB", file=sys.stderr, flush=True)  # fmt: skip


def report(label: str, n: int, n_posts: int, generate_s: float, join_s: float) -> None:
    total = generate_s + join_s
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{label}: generate + featurize {generate_s:.1f} s, join + score {join_s:.1f} s, total {total:.1f} s "
          f"({n / total:,.0f} accounts/s, {n_posts / total:,.0f} posts/s; load average now {load})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PARROTWATCH_MODELS_DIR", "models")))
    args = parser.parse_args()
    n, n_blocks = args.accounts, -(-args.accounts // BLOCK)

    registry = ModelRegistry(args.models)
    if registry.active_version():
        loaded = registry.load()
        model, version = loaded.model, loaded.version
    else:
        print("no active model: training a small one (600 demo accounts)")
        model, version = small_model()

    # One process: generate and prepare block by block, keeping only the prepared chunks.
    started = time.perf_counter()
    prepared: list[PreparedBatch] = []
    gen_s = prep_s = 0.0
    for block in range(n_blocks):
        batches, g, p = prepare_block(model, n, block, args.chunk)
        prepared.extend(batches)
        gen_s, prep_s = gen_s + g, prep_s + p
        progress("one process", block + 1, n_blocks, started)
    local_prepare = time.perf_counter() - started
    n_posts = sum(sum(batch.n_posts) for batch in prepared)
    started = time.perf_counter()
    local = [digest(score) for score in finish_prepared(model, prepared, model_version=version)]
    local_join = time.perf_counter() - started
    del prepared
    print(f"{len(local):,} accounts, {n_posts:,} posts")
    report("one process", n, n_posts, local_prepare, local_join)
    local_peak = peak_rss_mib()
    print(f"  of which generating {gen_s:.1f} s, featurizing {prep_s:.1f} s; peak RSS {local_peak:,.0f} MiB")

    from distributed import as_completed

    started = time.perf_counter()
    with dask_client("local", n_workers=args.workers) as client:
        up = time.perf_counter() - started
        fresh = reset_peak_rss()
        started = time.perf_counter()
        shared = client.scatter(model, broadcast=True)
        futures = [client.submit(prepare_block, shared, n, b, args.chunk, pure=False) for b in range(n_blocks)]
        index = {future.key: b for b, future in enumerate(futures)}
        by_block: list[list[PreparedBatch]] = [[] for _ in range(n_blocks)]
        gen_s = prep_s = 0.0
        for done, (future, (batches, g, p)) in enumerate(as_completed(futures, with_results=True), 1):
            by_block[index[future.key]] = batches
            gen_s, prep_s = gen_s + g, prep_s + p
            futures[index[future.key]] = None  # the worker may drop the result
            del future, batches
            progress("LocalCluster", done, n_blocks, started)
        dask_prepare = time.perf_counter() - started
        workers = client.run(peak_rss_mib)  # VmHWM: ru_maxrss would carry the parent's over exec
    prepared = [batch for batches in by_block for batch in batches]
    del by_block
    started = time.perf_counter()
    differ, first, n_scores = 0, None, 0
    for score in finish_prepared(model, prepared, model_version=version):
        if n_scores >= len(local) or digest(score) != local[n_scores]:
            differ += 1
            first = first or score.handle
        n_scores += 1
    dask_join = time.perf_counter() - started
    del prepared
    report(f"LocalCluster of {args.workers} workers (started in {up:.1f} s)", n, n_posts, dask_prepare, dask_join)
    peaks = ", ".join(f"{mib:,.0f}" for mib in workers.values())
    print(f"  in the workers generating {gen_s:.1f} s, featurizing {prep_s:.1f} s; peak RSS "
          f"{'here' if fresh else 'here, whole run'} {peak_rss_mib():,.0f} MiB, workers {peaks} MiB")  # fmt: skip
    same = differ == 0 and n_scores == len(local)
    print(f"identical scores: {same}" + ("" if same else f" ({differ} differ, first {first}; {n_scores} scores)"))
    whole = max(local_peak, peak_rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"peak RSS of this process over the whole run: {whole:,.0f} MiB")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load}, Python {python}")
    if not same:
        raise SystemExit("scores differ between one process and Dask")


if __name__ == "__main__":
    main()
