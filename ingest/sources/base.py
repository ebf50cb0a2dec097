"""What every live source is: a platform, and a fetch that gives one outcome per handle.

``FetchOutcome`` and its statuses are the X source's (``ingest.x_api``), shared by all: ``found`` (profile and
posts), ``protected`` (profile only), ``not_found``, ``suspended`` (suspended, taken down or deleted by the platform),
``rate_limited`` (with the platform's own reset as ``retry_after_s`` when it gave one), ``unavailable`` (it kept
failing transiently) and ``error``. A condition of one account is an outcome, never an exception.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeVar, runtime_checkable

from ingest.errors import RateLimitedError, SourceError, SourceUnavailableError
from ingest.x_api import FetchOutcome, FetchStatus

__all__ = [
    "CallPolicy",
    "FetchOutcome",
    "FetchStatus",
    "LiveSource",
    "Source",
    "fetch_each",
    "keep_since",
    "seconds_until",
]


@runtime_checkable
class Source(Protocol):
    """A platform's live source of accounts."""

    platform: str
    """``detector.schema.PLATFORMS`` name of the platform it reads."""
    store_source: str
    """What the store records as the accounts' source (``x-api``, ``bluesky-api``): such accounts go stale."""

    def handle_problem(self, name: str) -> str | None:
        """Why the platform can have no account named ``name`` (then it is never asked), or ``None``."""

    def fetch(self, handles: Sequence[str], *, since: datetime | None = None) -> list[FetchOutcome]:
        """One outcome per handle, in order: the profile and up to the source's ``max_posts`` recent posts, none
        older than ``since`` when given. Raises only for what concerns every handle (e.g. refused credentials)."""


def keep_since(outcome: FetchOutcome, since: datetime | None) -> FetchOutcome:
    """The outcome with the posts older than ``since`` dropped (``since=None`` keeps all)."""
    if since is None or outcome.account is None:
        return outcome
    posts = [post for post in outcome.account.posts if post.created_at >= since]
    return replace(outcome, account=outcome.account.model_copy(update={"posts": posts}))


_T = TypeVar("_T")


@dataclass(frozen=True)
class CallPolicy:
    """How a source retries one call: wait out a rate limit whose reset is within ``max_wait_s`` (once), and retry
    a transient failure (``SourceUnavailableError``) up to ``retries`` times, doubling ``backoff_s``."""

    max_wait_s: float = 0.0
    retries: int = 2
    backoff_s: float = 1.0
    sleep: Callable[[float], None] = time.sleep

    def run(self, call: Callable[[], _T]) -> _T:
        waited = False
        failures = 0
        while True:
            try:
                return call()
            except RateLimitedError as exc:
                if waited or exc.retry_after_s is None or exc.retry_after_s > self.max_wait_s:
                    raise
                waited = True
                wait_s = float(exc.retry_after_s)
            except SourceUnavailableError:
                failures += 1
                if failures > self.retries:
                    raise
                wait_s = self.backoff_s * 2 ** (failures - 1)
            self.sleep(wait_s)


def fetch_each(
    handles: Sequence[str], fetch_one: Callable[[str], FetchOutcome], since: datetime | None
) -> list[FetchOutcome]:
    """One outcome per handle (each distinct one, case-insensitively, fetched once), in order.

    After a rate limit that was not waited out, the handles not yet fetched are ``rate_limited`` with the same reset,
    without a call: asking again before the reset would only be refused again.
    """
    results: dict[str, FetchOutcome] = {}
    limited: RateLimitedError | None = None
    for handle in handles:
        key = handle.lower()
        if key in results:
            continue
        if limited is None:
            try:
                results[key] = keep_since(fetch_one(handle), since)
                continue
            except RateLimitedError as exc:
                limited = exc
            except SourceUnavailableError as exc:
                results[key] = FetchOutcome(handle, "unavailable", None, detail=str(exc))
                continue
            except SourceError as exc:
                results[key] = FetchOutcome(handle, "error", None, detail=str(exc))
                continue
        wait_s = limited.retry_after_s
        results[key] = FetchOutcome(handle, "rate_limited", None, detail=str(limited), retry_after_s=wait_s)
    return [replace(results[h.lower()], handle=h) for h in handles]


def seconds_until(reset_epoch_s: float | None, now_s: float) -> float | None:
    """Seconds from ``now_s`` to a reset time (at least 1: never a tight retry), or ``None`` when none was given."""
    if reset_epoch_s is None or not math.isfinite(reset_epoch_s):
        return None
    return max(reset_epoch_s - now_s, 1.0)


class LiveSource:
    """What the free sources share: ``max_posts`` per account (up to ``max_depth``), a request deadline, a
    ``CallPolicy`` for retries and rate limits, a clock (injected in tests), and one ``_fetch_one`` per handle."""

    platform: str
    store_source: str
    max_depth: int

    def __init__(
        self,
        *,
        max_posts: int = 200,
        timeout_s: float = 10.0,
        policy: CallPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 1 <= max_posts <= self.max_depth:
            raise ValueError(f"max_posts must be in 1..{self.max_depth}, got {max_posts!r}")
        self.max_posts = max_posts
        self.timeout_s = timeout_s
        self.policy = policy or CallPolicy()
        self._clock = clock

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_posts={self.max_posts})"

    def fetch(self, handles: Sequence[str], *, since: datetime | None = None) -> list[FetchOutcome]:
        return fetch_each(handles, self._fetch_one, since)

    def _fetch_one(self, handle: str) -> FetchOutcome:
        raise NotImplementedError

    def _call(self, call: Callable[[], _T]) -> _T:
        """``call`` under the ``CallPolicy``, its SDK's errors translated by ``_translated``."""

        def once() -> _T:
            with self._translated():
                return call()

        return self.policy.run(once)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """The SDK's errors into the ``ingest.errors`` tree (each source says how)."""
        yield
