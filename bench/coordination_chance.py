"""What the chance pass costs: coordination links with and without p-values, at 10,000 and 100,000 posts.

    .venv/bin/python bench/coordination_chance.py [--sizes 10000,100000] [--permutations 200] [--seed 7]

The posts are ``bench/coordination.py``'s corpus (30 days, ~5% in planted bursts of 3-8 accounts). For each size:
``batch_links`` without p-values (``permutations=0``: the join within the window), then with them (the join out to
``window_s + 2 * null_shift_s`` and the resampling of every linked pair), each the least wall and CPU seconds of
three runs; the difference is the p-value pass. Then how many pairs were tested and found significant: among the
generator's planted pairs (3-8 random accounts per burst, so a pair of them meets about once), and among
``--repeat-pairs`` pairs added here that post the same line a few minutes apart on ``--repeat-days`` different days.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import numpy as np
from _machine import describe_machine
from coordination import T0, generate

from detector.coordination import CoordinationParams, batch_links, post_table
from detector.schema import Account, Post, Profile

R = TypeVar("R")


def _timed(fn: Callable[[], R], repeat: int = 3) -> tuple[R, float, float]:
    """The result, and the least wall and CPU seconds of ``repeat`` runs (the machine is shared: the least is the
    least disturbed)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, min(walls), min(cpus)


def repeat_pairs(n_pairs: int, days: int, seed: int) -> list[Account]:
    """``n_pairs`` pairs of accounts posting one new line 1-4 minutes apart on each of ``days`` days."""
    rng = np.random.default_rng(seed)
    words = np.array([f"r{i}q" for i in range(5000)])
    accounts = []
    for pair in range(n_pairs):
        times = T0 + rng.permutation(30)[:days] * 86_400 + rng.integers(0, 86_400, size=days)
        lines = [" ".join(rng.choice(words, 12)) for _ in range(days)]
        for side, lag in (("a", 0), ("b", 1)):
            posts = [
                Post.model_construct(
                    id=f"rep{pair}{side}{day}",
                    created_at=datetime.fromtimestamp(int(at) + lag * int(rng.integers(60, 240)), UTC),
                    text=line,
                    hashtags=[],
                    urls=[],
                )
                for day, (at, line) in enumerate(zip(times.tolist(), lines, strict=True))
            ]
            accounts.append(Account.model_construct(handle=f"rep{pair}_{side}", profile=Profile(), posts=posts))
    return accounts


def bench_size(n_posts: int, permutations: int, seed: int, repeats: int, days: int) -> None:
    corpus = generate(n_posts, seed)
    owner = {post.id: account.handle for account in corpus.accounts for post in account.posts}
    planted_accounts = {tuple(sorted((owner[a], owner[b]))) for a, b in corpus.planted}
    repeated = {(f"rep{pair}_a", f"rep{pair}_b") for pair in range(repeats)}
    corpus.accounts.extend(repeat_pairs(repeats, days, seed))
    table = post_table(corpus.accounts, CoordinationParams())
    plain, plain_wall, plain_cpu = _timed(lambda: batch_links(table, CoordinationParams(permutations=0)))
    tested, wall, cpu = _timed(lambda: batch_links(table, CoordinationParams(permutations=permutations)))
    pairs: dict[tuple[str, str], tuple[float, float]] = {}
    for account, links in zip(corpus.accounts, tested, strict=True):
        for link in links:
            pairs[tuple(sorted((account.handle, link.peer_handle)))] = (link.p_value, link.q_value)  # type: ignore[assignment]
    n_links = sum(len(links) for links in plain)
    significant = {pair for pair, (p, q) in pairs.items() if q is not None and q <= 0.05}
    print(
        f"{corpus.n_posts:>7} posts, {n_links} links, {len(pairs)} account pairs tested ({permutations} resamples): "
        f"links {plain_wall:.2f} s wall / {plain_cpu:.2f} s CPU; with p-values {wall:.2f} s / {cpu:.2f} s; "
        f"p-value pass {wall - plain_wall:.2f} s / {cpu - plain_cpu:.2f} s CPU"
    )
    print(
        f"        pairs with p < 0.01: {sum(p < 0.01 for p, _ in pairs.values())}; with q <= 0.05: {len(significant)} "
        f"({len(significant & planted_accounts)} of the {len(planted_accounts & pairs.keys())} planted pairs linked, "
        f"{len(significant & repeated)} of the {len(repeated)} pairs in step on {days} days)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--permutations", type=int, default=CoordinationParams().permutations)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat-pairs", type=int, default=100)
    parser.add_argument("--repeat-days", type=int, default=4)
    args = parser.parse_args()
    print(describe_machine())
    batch_links(post_table(generate(500, args.seed).accounts), CoordinationParams())  # compile the kernels first
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(size, args.permutations, args.seed, args.repeat_pairs, args.repeat_days)


if __name__ == "__main__":
    main()
