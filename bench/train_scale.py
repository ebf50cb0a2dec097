"""Training time and peak memory on synthetic corpora of growing size: the work of ``parrotwatch train``, by stage.

    .venv/bin/python bench/train_scale.py [--sizes 10000] [--quick] [--no-report] [--seed 2023]

Each size runs in a child process of its own, so that its peak RSS is its own: generate the corpus
(``ingest/synthetic.py``, about 53 posts an account), build the labeled set, ``train_model`` (features, coordination
links, the heads' grouped cross-validation, band thresholds and the final fit), the training report and saving the
version into a temporary registry, as ``parrotwatch train`` does after reading its files. Prints, for every stage, its
seconds and the peak RSS so far (the corpus stays in memory throughout), CPU seconds, the load average and the
machine; asserts nothing. ``--quick`` runs 1,000 accounts; the default sizes are 10,000 and 100,000. Memory grows
with the corpus, about 1 GiB of pydantic posts per 10,000 accounts, which stays in memory throughout: 100,000
accounts peaked at 13.2 GiB (10.2 GiB of it the corpus) and took about 32 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from _machine import describe_machine, load_average

QUICK_SIZES = [1_000]
FULL_SIZES = [10_000, 100_000]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Stages:
    """Wall seconds of consecutive stages, each closed by naming the next one, with the peak RSS at its end."""

    name: str
    started: float = field(default_factory=time.perf_counter)
    rows: list[tuple[str, float, float]] = field(default_factory=list)

    def next(self, name: str) -> None:
        now = time.perf_counter()
        self.rows.append((self.name, now - self.started, _peak_rss_mib()))
        self.name, self.started = name, now


def train_in_child(n_accounts: int, seed: int, with_report: bool) -> dict:
    """Generate, label, train, report and save ``n_accounts`` synthetic accounts; return the figures."""
    from detector.catalog import load_catalog
    from detector.registry import ModelRegistry
    from ingest.synthetic import generate_corpus
    from training.labels import LabelRow
    from training.report import build_report, write_report
    from training.train import assemble_labeled_set, train_model

    stages = Stages("generate corpus")
    corpus = generate_corpus(seed=seed, n_accounts=n_accounts)
    stages.next("assemble labeled set")
    labels = {c.account.handle.lower(): LabelRow(c.account.handle, c.label, c.network, i) for i, c in enumerate(corpus)}
    data = assemble_labeled_set([c.account for c in corpus], labels, min_posts=5)
    stages.next("load catalog")
    catalog = load_catalog()
    stages.next("train: grouped split")
    result = train_model(data, catalog=catalog, seed=0, progress=stages.next)
    report = None
    if with_report:
        stages.next("report: start")
        report = build_report(data, result, progress=stages.next)
    stages.next("save the version")
    with tempfile.TemporaryDirectory(prefix="pw-train-scale-") as models:
        write = partial(write_report, report) if report is not None else None
        ModelRegistry(Path(models)).save(result.model, result.card, result.split, before_publish=write)
    stages.next("done")
    return {
        "n_accounts": len(corpus),
        "n_labeled": len(data.accounts),
        "n_posts": sum(len(c.account.posts) for c in corpus),
        "head": result.card["head"]["kind"],
        "pr_auc": result.card["metrics"]["held_out"]["pr_auc"],
        "stages": stages.rows,
        "cpu_s": _cpu_seconds(),
        "peak_rss_mib": _peak_rss_mib(),
    }


def bench_size(n_accounts: int, args: argparse.Namespace) -> None:
    before = load_average()
    command = [sys.executable, __file__, "--child", str(n_accounts), "--seed", str(args.seed)]
    command += ["--no-report"] if args.no_report else []
    started = time.perf_counter()
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    wall = time.perf_counter() - started
    figures = json.loads(out.strip().splitlines()[-1])
    print(
        f"\n{figures['n_accounts']:,} accounts ({figures['n_posts']:,} posts, {figures['n_labeled']:,} with 5 or more"
        f" posts): {wall:.1f} s wall, {figures['cpu_s']:.1f} s CPU, peak RSS {figures['peak_rss_mib']:,.0f} MiB; head"
        f" {figures['head']}, held-out PR-AUC {figures['pr_auc']}; load average before {before}, after {load_average()}"
    )
    print(f"  {'stage':<72} {'seconds':>9} {'peak RSS MiB':>13}")
    for name, seconds, peak in figures["stages"]:
        print(f"  {name[:72]:<72} {seconds:>9.1f} {peak:>13,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=FULL_SIZES)
    parser.add_argument("--quick", action="store_true", help=f"CI size: --sizes {QUICK_SIZES[0]}")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--no-report", action="store_true", help="skip the training report (refits, ablations)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(train_in_child(args.child, args.seed, not args.no_report)))
        return
    print(describe_machine())
    for n_accounts in QUICK_SIZES if args.quick else args.sizes:
        bench_size(n_accounts, args)
    print(describe_machine())


if __name__ == "__main__":
    main()
