"""The server's periodic prune: a daemon thread that deletes what the retention settings let go, every interval.

The first prune runs one interval after start, then one every ``interval_s`` (0: never). Each logs the rows removed
per table. A prune that fails (the database busy past its timeout, say) is logged and tried again at the next
interval; the thread never dies of it. ``stop`` ends a prune in progress between two batches and joins the thread.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from service.db.retention import RetentionPolicy, prune

__all__ = ["Pruner"]

logger = logging.getLogger(__name__)


class Pruner:
    """Prune ``engine`` by ``policy`` every ``interval_s`` seconds in a thread, from ``start`` until ``stop``."""

    def __init__(self, engine: Engine, policy: RetentionPolicy, *, interval_s: float) -> None:
        self.engine = engine
        self.policy = policy
        self.interval_s = interval_s
        self.runs = 0  # prunes completed, failed or not: for health checks and tests
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval_s <= 0:
            logger.info("periodic prune disabled", extra={"prune_interval_s": self.interval_s})
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="pruner", daemon=True)
        self._thread.start()
        logger.info("periodic prune started", extra={"prune_interval_s": self.interval_s, **vars(self.policy)})

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop after the current batch, if a prune is running, and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> dict[str, int] | None:
        """One prune in the calling thread; the rows removed per table, or ``None`` when it failed (logged)."""
        started = time.perf_counter()
        try:
            removed = prune(self.engine, self.policy, should_stop=self._stop.is_set)
        except Exception:  # the thread's boundary: log it, try again next interval
            logger.exception("prune failed")
            return None
        finally:
            self.runs += 1
        logger.info(
            "pruned",
            extra={**removed, "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
        )
        return removed

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.run_once()
