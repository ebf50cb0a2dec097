"""Archive import: rows/s and peak RSS for importing a generated Information Operations archive CSV.

    .venv/bin/python bench/import_archive.py [--rows 1000000] [--accounts 5000] [--keep FILE]

Writes a synthetic archive in the release's column layout (rows of one account interleaved with others', as in the
releases), then imports it into a fresh SQLite store in a child process, so that the RSS figure is the import's
alone. Prints figures and the machine; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

COLUMNS = [
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "follower_count", "following_count", "account_creation_date", "account_language",
    "tweet_language", "tweet_text", "tweet_time", "tweet_client_name", "is_retweet", "hashtags", "urls",
]  # fmt: skip
WORDS = [
    "china",
    "canada",
    "election",
    "report",
    "embassy",
    "hockey",
    "snow",
    "coffee",
    "budget",
    "housing",
    "policy",
    "vote",
    "trade",
    "music",
]


def write_archive(path: Path, n_rows: int, n_accounts: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for i in range(n_rows):
            account = rng.randrange(n_accounts)
            when = start + timedelta(seconds=rng.randrange(3 * 365 * 86400))
            writer.writerow([
                str(10**17 + i), str(10**9 + account), f"User {account}", f"user{account}", "Somewhere",
                "a synthetic profile for benchmarking", rng.randrange(5000), rng.randrange(5000), "2018-06-01",
                "en", "en", " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 30))),
                when.strftime("%Y-%m-%d %H:%M"), "Twitter Web App", "false", "[]", "[]",
            ])  # fmt: skip


def import_in_child(path: Path) -> None:
    from ingest.database import make_engine
    from ingest.io_archive import IoArchiveReader
    from ingest.store import AccountStore

    with tempfile.TemporaryDirectory() as folder:
        store = AccountStore(make_engine(f"sqlite:///{Path(folder) / 'bench.db'}"))
        started = time.perf_counter()
        report = store.import_rows(IoArchiveReader(path), source=path.name, path=path)
        elapsed = time.perf_counter() - started
    print(f"rows: {report.n_rows:,}  accounts: {len(report.handles):,}  posts added: {report.n_posts_added:,}")
    print(f"seconds: {elapsed:.1f}  rows/s: {report.n_rows / elapsed:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--keep", type=Path, help="write the archive here and keep it")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import_in_child(args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "archive.csv"
        started = time.perf_counter()
        write_archive(path, args.rows, args.accounts)
        size_mib = path.stat().st_size / 2**20
        print(f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}")
        print(f"archive: {args.rows:,} rows, {args.accounts:,} accounts, {size_mib:.0f} MiB, "
              f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip
        subprocess.run([sys.executable, __file__, "--child", str(path)], check=True)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"import peak RSS: {peak_mib:.0f} MiB (child process)")


if __name__ == "__main__":
    main()
