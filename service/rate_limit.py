"""Per-key request budgets: a token bucket per API key, refilled continuously.

Kept in the process's memory: with several API workers each enforces the limit on its own (a shared limit would
need the database or Redis); a restart refills every bucket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from service.errors import KeyRateLimitedError

__all__ = ["RateLimiter"]


class RateLimiter:
    """``per_minute`` requests per key per minute, in bursts of up to ``per_minute``."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError(f"per_minute must be >= 1, got {per_minute!r}")
        self.per_minute = per_minute
        self._rate_per_s = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key id -> (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, key_id: str) -> None:
        """Spend one token of ``key_id``; raise ``KeyRateLimitedError`` with the wait when there is none."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(key_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self._rate_per_s)
            if tokens < 1.0:
                self._buckets[key_id] = (tokens, now)
                raise KeyRateLimitedError((1.0 - tokens) / self._rate_per_s, self.per_minute)
            self._buckets[key_id] = (tokens - 1.0, now)
