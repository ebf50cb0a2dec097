"""The machine a benchmark ran on, in one line: every bench prints it beside its figures.

Timings on a shared machine are noisy, so the line carries the load average (1, 5 and 15 minutes) of the moment and
the CPU time of a fixed pure-Python workload (``reference_ms``): on a virtual machine the same code measured 1.3-1.6x
slower within an hour with the load average unchanged (neighbours the guest does not see), and that figure shows it.
"""

from __future__ import annotations

import json
import os
import platform
import time

__all__ = ["describe_machine", "load_average", "reference_ms"]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, e.g. ``"1.52 1.20 0.98"``."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def reference_ms(repeat: int = 5) -> float:
    """The least CPU milliseconds, of ``repeat`` runs, of a fixed workload like a request's own work: dictionaries,
    strings, JSON (15.7 ms on this 2-core machine on 2026-12-06 at load 0.8)."""
    document = {"results": [{"handle": f"h{i}", "score": i / 7, "posts": list(range(20))} for i in range(40)]}
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for _ in range(20):
            json.loads(json.dumps(document))
            sorted(str(i) for i in range(2000))
        best = min(best, time.process_time() - started)
    return best * 1000


def describe_machine() -> str:
    """Platform, cpu count, Python version, the load average now and the reference workload's CPU time."""
    return (
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}; "
        f"load average {load_average()} (1, 5, 15 min); reference workload {reference_ms():.1f} ms CPU"
    )
