"""Storage under a long run of requests (issue 18): the database's size after the first 1,000 requests and after.

    .venv/bin/python bench/storage_soak.py [--requests 100000] [--quick] [--every 10000] [--clients 4]
        [--retention-s 60] [--prune-interval-s 15] [--no-prune] [--seed 7]
        [--demo var/demo] [--models-dir models] [--data-dir DIR]

Starts the real server as ``bench/api_latency.py`` does (its ``prepare`` and ``serving``: ``python -m service.cli
serve`` under uvicorn on a loopback port, a fresh data dir holding the demo accounts, the active model of
``--models-dir``, an admin key, no rate limit, no X token) and sends ``--requests`` requests from ``--clients``
concurrent ``httpx.AsyncClient`` coroutines, a seeded mix of what analysts do:

- 80% ``POST /v1/scores`` of one of 5 hot handles (stored and unchanged: served from the memo, counted on its row);
- 8% one of 45 further handles, 5% two or three of the 50 at once, 2% a hot handle with ``refresh`` (no X token:
  the stored account again), 4% ``GET /v1/accounts/{handle}``;
- 0.5% a demo handle never scored before in the run (its first score is stored: the one row that must be added),
  0.5% ``POST /v1/jobs`` of 5 of the 50 (a job row, its items, its scores served again).

Every write request adds an audit row, so the server runs with its retention squeezed from days into the run's
minutes (``--retention-s`` for scores, audit rows and jobs, a prune every ``--prune-interval-s``); ``--no-prune``
runs without the prune, to show what it saves. The size is the database file plus its WAL, measured when the server
is up, after the first 1,000 requests and every ``--every`` after (requests pause while it is read), with the row
counts of the growing tables and the file's free pages. Prints a table, the request rate, and PASS when the final size
is under 2x the size at 1,000 requests (the issue's acceptance), else FAIL. ``--quick``: 5,000 requests, every 1,000.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from _machine import describe_machine, load_average
from api_latency import demo_handles, first_amplifier, prepare, serving

FULL_REQUESTS, QUICK_REQUESTS = 100_000, 5_000
FIRST = 1_000  # the acceptance's reference point
MAX_GROWTH = 2.0  # issue 18: the final size under 2x the size at FIRST requests
N_HOT, N_WARM = 5, 45
START_TIMEOUT_S = 900.0
COUNTED_TABLES = ("scores", "audit_log", "jobs", "job_items")


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict | None = None


class Mix:
    """The seeded request mix of the module docstring over the demo handles."""

    def __init__(self, handles: list[str], seed: int) -> None:
        self.hot, self.warm = handles[:N_HOT], handles[: N_HOT + N_WARM]
        self.new = iter(handles[N_HOT + N_WARM :])
        self.random = random.Random(seed)

    def next(self) -> Call:
        r, pick = self.random.random(), self.random.choice
        if r < 0.80:
            return Call("POST", "/v1/scores", {"handles": [pick(self.hot)]})
        if r < 0.88:
            return Call("POST", "/v1/scores", {"handles": [pick(self.warm)]})
        if r < 0.93:
            return Call("POST", "/v1/scores", {"handles": self.random.sample(self.warm, self.random.randint(2, 3))})
        if r < 0.95:
            return Call("POST", "/v1/scores", {"handles": [pick(self.hot)], "refresh": True})
        if r < 0.99:
            return Call("GET", f"/v1/accounts/{pick(self.hot)}")
        if r < 0.995:
            handle = next(self.new, None) or pick(self.warm)
            return Call("POST", "/v1/scores", {"handles": [handle]})
        return Call("POST", "/v1/jobs", {"handles": self.random.sample(self.warm, 5)})


@dataclass(frozen=True)
class Point:
    requests: int
    elapsed_s: float
    db_bytes: int
    wal_bytes: int
    free_bytes: int
    rows: dict[str, int]
    errors: int
    load: str

    @property
    def total_bytes(self) -> int:
        return self.db_bytes + self.wal_bytes


def measure(db: Path, requests: int, elapsed_s: float, errors: int) -> Point:
    """The file's and the WAL's sizes, its free pages and the growing tables' rows, read-only beside the server."""
    wal = db.with_name(db.name + "-wal")
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        rows = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}
        free = (
            connection.execute("PRAGMA freelist_count").fetchone()[0]
            * connection.execute("PRAGMA page_size").fetchone()[0]
        )
    finally:
        connection.close()
    wal_bytes = wal.stat().st_size if wal.exists() else 0
    return Point(requests, elapsed_s, db.stat().st_size, wal_bytes, free, rows, errors, load_average())


async def drive(client: httpx.AsyncClient, mix: Mix, n: int, clients: int, errors: Counter) -> None:
    """Send ``n`` requests of ``mix`` from ``clients`` coroutines; count answers that are not 2xx in ``errors``."""
    remaining = iter(range(n))

    async def client_loop() -> None:
        for _ in remaining:
            call = mix.next()
            try:
                response = await client.request(call.method, call.path, json=call.body)
                if response.status_code >= 300:
                    errors[f"{call.method} {call.path.split('/')[2]} {response.status_code}"] += 1
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] += 1

    await asyncio.gather(*(client_loop() for _ in range(clients)))


def checkpoints(total: int, every: int) -> Iterator[int]:
    """Request counts at which to measure: ``FIRST``, then every ``every``, and ``total``."""
    yield min(FIRST, total)
    yield from range(FIRST + every, total, every)
    if total > FIRST:
        yield total


async def soak(base: str, key: str, db: Path, mix: Mix, args: argparse.Namespace) -> list[Point]:
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    errors: Counter = Counter()
    points = [measure(db, 0, 0.0, 0)]
    done = 0
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as client:
        for at in checkpoints(args.requests, args.every):
            await drive(client, mix, at - done, args.clients, errors)
            done = at
            point = measure(db, done, time.perf_counter() - started, sum(errors.values()))
            points.append(point)
            print(
                f"  {done:,} requests, {point.elapsed_s:,.0f} s: {point.total_bytes / 1e6:,.1f} MB, "
                f"{point.rows}, errors {dict(errors) or 0}",
                file=sys.stderr,
            )
    return points


def markdown(points: list[Point]) -> str:
    header = ["requests", "elapsed s", "req/s", "db MB", "WAL MB", "total MB", "x at 1,000", "free MB",
              *COUNTED_TABLES, "errors", "load"]  # fmt: skip
    reference = next((p.total_bytes for p in points if p.requests == FIRST), points[-1].total_bytes)
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    previous = points[0]
    for p in points:
        span = p.elapsed_s - previous.elapsed_s
        rate = f"{(p.requests - previous.requests) / span:,.0f}" if span > 0 else "-"
        mb = [f"{b / 1e6:,.1f}" for b in (p.db_bytes, p.wal_bytes, p.total_bytes, p.free_bytes)]
        rows = [f"{p.rows[t]:,}" for t in COUNTED_TABLES]
        ratio = f"{p.total_bytes / reference:.3f}"
        cells = [f"{p.requests:,}", f"{p.elapsed_s:,.0f}", rate, *mb[:3], ratio, mb[3], *rows, str(p.errors), p.load]
        lines.append("| " + " | ".join(cells) + " |")
        previous = p
    return "\n".join(lines)


def verdict(points: list[Point]) -> str:
    first = next(p for p in points if p.requests == min(FIRST, points[-1].requests))
    last = points[-1]
    ratio = last.total_bytes / first.total_bytes
    met = ratio < MAX_GROWTH and last.requests >= FIRST
    return (
        f"{'PASS' if met else 'FAIL'}: after {last.requests:,} requests the database is "
        f"{last.total_bytes / 1e6:,.1f} MB, "
        f"{ratio:.3f}x its {first.total_bytes / 1e6:,.1f} MB after the first {first.requests:,} "
        f"(under {MAX_GROWTH:g}x wanted); {last.requests / last.elapsed_s:,.0f} requests/s over the run"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=FULL_REQUESTS)
    parser.add_argument("--quick", action="store_true", help=f"--requests {QUICK_REQUESTS:,} --every 1000")
    parser.add_argument("--every", type=int, default=10_000, help="requests between measurements after the first")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--retention-s", type=float, default=60.0, help="retention of scores, audit rows and jobs")
    parser.add_argument("--prune-interval-s", type=float, default=15.0, help="the server's prune interval")
    parser.add_argument("--no-prune", action="store_true", help="run the server without its periodic prune")
    parser.add_argument("--seed", type=int, default=7)
    data_dir = Path(os.environ.get("PARROTWATCH_DATA_DIR", "var"))
    parser.add_argument("--demo", type=Path, default=data_dir / "demo", help="demo-data output (made when absent)")
    models_dir = Path(os.environ.get("PARROTWATCH_MODELS_DIR", "models"))
    parser.add_argument("--models-dir", type=Path, default=models_dir, help="registry with an active model")
    parser.add_argument("--data-dir", type=Path, help="the server's data dir (default: a fresh temporary one)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.every = QUICK_REQUESTS, 1_000

    print(describe_machine())
    with tempfile.TemporaryDirectory(prefix="pw-storage-soak-") as tmp:
        work = Path(tmp)
        env, demo = prepare(args, work)
        days = str(args.retention_s / 86_400)
        env.update(
            PARROTWATCH_PRUNE_INTERVAL_S="0" if args.no_prune else str(args.prune_interval_s),
            PARROTWATCH_SCORE_RETENTION_DAYS=days,
            PARROTWATCH_AUDIT_RETENTION_DAYS=days,
            PARROTWATCH_JOB_RETENTION_DAYS=days,
        )
        hot = first_amplifier(demo)
        mix = Mix([hot, *demo_handles(demo, hot, seed=args.seed)], args.seed)
        db = Path(env["PARROTWATCH_DATA_DIR"]) / "parrotwatch.db"
        prune = "off" if args.no_prune else f"every {args.prune_interval_s:g} s, retention {args.retention_s:g} s"
        print(f"{args.requests:,} requests from {args.clients} clients; prune {prune}; hot handle {hot}")
        # The first start indexes every stored post for coordination: minutes on a loaded machine.
        with serving(env, work / "server.log", timeout_s=START_TIMEOUT_S) as (base, _server):
            points = asyncio.run(soak(base, env["PARROTWATCH_ADMIN_KEY"], db, mix, args))
    print(markdown(points))
    print(verdict(points))
    print(describe_machine())


if __name__ == "__main__":
    main()
