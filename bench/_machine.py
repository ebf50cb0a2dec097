"""The machine a benchmark ran on, in one line: every bench prints it beside its figures.

Timings on a shared machine are noisy, so the line carries the load average (1, 5 and 15 minutes) of the moment.
"""

from __future__ import annotations

import os
import platform

__all__ = ["describe_machine", "load_average"]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, e.g. ``"1.52 1.20 0.98"``."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def describe_machine() -> str:
    """Platform, cpu count, Python version and the load average now."""
    return (
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}; "
        f"load average {load_average()} (1, 5, 15 min)"
    )
