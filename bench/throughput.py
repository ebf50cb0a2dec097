"""Scoring throughput: accounts/s and posts/s for the active model over a JSONL file, and peak RSS.

    .venv/bin/python bench/throughput.py [--input var/demo/accounts.jsonl] [--models models] [--batch 256]

Prints figures and the machine they ran on; asserts nothing (targets are read, not enforced, here).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

from detector.registry import ModelRegistry
from detector.scoring import score_accounts
from ingest.jsonl import read_accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=Path("var/demo/accounts.jsonl"))
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PARROTWATCH_MODELS_DIR", "models")))
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    loaded = ModelRegistry(args.models).load()
    n_accounts = n_posts = 0
    batch = []
    started = time.perf_counter()
    for account in read_accounts(args.input):
        batch.append(account)
        if len(batch) == args.batch:
            score_accounts(loaded.model, batch, model_version=loaded.version)
            n_accounts += len(batch)
            n_posts += sum(len(a.posts) for a in batch)
            batch = []
    if batch:
        score_accounts(loaded.model, batch, model_version=loaded.version)
        n_accounts += len(batch)
        n_posts += sum(len(a.posts) for a in batch)
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}")
    print(f"model: {loaded.version}  input: {args.input}")
    print(f"accounts: {n_accounts}  posts: {n_posts}  seconds: {elapsed:.2f} (read + parse + score, single process)")
    print(f"accounts/s: {n_accounts / elapsed:.1f}  posts/s: {n_posts / elapsed:.0f}  peak RSS: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
