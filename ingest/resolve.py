"""Find accounts by handle: from the local store when it has them fresh, else live from the X API.

Accounts imported from files never go stale (there is nothing to refresh them from); accounts fetched from X are
refetched when older than ``max_age_s`` or when ``refresh`` is asked for. Without a bearer token live fetch is off, and
a handle the store lacks is an ``UnknownHandleError`` saying so and naming ``PARROTWATCH_X_BEARER_TOKEN``: not a
configuration error, since nothing is misconfigured and the account may simply not be imported.

Handles are platform-neutral (a Reddit name such as ``-Whiskey_Tango`` is found in the store like any other), but
only a handle with X's syntax (``ingest.x_api.is_x_handle``) of an account not stored as another platform's is ever
sent to X. Any other handle the store lacks is an ``UnknownHandleError`` saying it was not fetched from X, with or
without a token.

Money (``ingest.x_cost``): a stale stored X account is updated with only its posts newer than the newest stored
(since_id, no users lookup); an account a pause cut short is stored as ``x-api-partial`` and read on from its oldest
post (until_id), so no post is read twice. ``plan`` says what resolving would read, from the store alone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from detector.schema import Account
from ingest.errors import (
    TOKEN_VARIABLE,
    AccountUnavailableError,
    IngestError,
    RateLimitedError,
    UnknownHandleError,
    XApiError,
    XApiUnavailableError,
)
from ingest.store import AccountStore, StoredAccount
from ingest.x_api import X_HANDLE_RULE, FetchOutcome, StoredTimeline, XApiSource, is_x_handle
from ingest.x_cost import ReadPlan, XMeter, plan_reads

__all__ = ["X_API_SOURCE", "X_PARTIAL_SOURCE", "AccountResolver", "Resolution"]

logger = logging.getLogger(__name__)
X_API_SOURCE = "x-api"
X_PARTIAL_SOURCE = "x-api-partial"  # fetched from X, but a pause stopped the read before its last page


@dataclass(frozen=True)
class Resolution:
    """One handle's outcome: an account (possibly profile-only, when protected), or the error that explains why not."""

    handle: str
    account: Account | None
    error: IngestError | None = None
    status: str = "cached"


class AccountResolver:
    def __init__(self, store: AccountStore, x_source: XApiSource | None, *, max_age_s: float) -> None:
        self.store = store
        self.x_source = x_source
        self.max_age_s = max_age_s

    def _is_fresh(self, source: str, fetched_at: datetime, refresh: bool, fetchable: bool) -> bool:
        if source == X_PARTIAL_SOURCE:
            return not fetchable
        if source != X_API_SOURCE:
            return not (refresh and fetchable)
        return not refresh and (datetime.now(UTC) - fetched_at).total_seconds() <= self.max_age_s

    @staticmethod
    def _on_x(handle: str, stored: StoredAccount | None) -> bool:
        """Whether X could have this account: X's handle syntax, and not stored as another platform's account."""
        platform = stored.account.platform if stored is not None else None
        return is_x_handle(handle) and platform in (None, "x")

    def _timeline(self, stored: StoredAccount | None, refresh: bool) -> StoredTimeline | None:
        """The part of a stored X account's timeline to read instead of fetching it whole; ``None``: fetch it whole."""
        if stored is None or stored.account.user_id is None or self.x_source is None:
            return None
        ids = [p.id for p in stored.account.posts if p.id.isdigit()]
        if stored.source == X_PARTIAL_SOURCE:
            until_id = min(ids, key=int) if ids else None
            return StoredTimeline(stored.account, until_id=until_id, max_posts=self.x_source.max_posts - len(ids))
        if stored.source == X_API_SOURCE and not refresh and ids:
            return StoredTimeline(stored.account, since_id=max(ids, key=int))
        return None

    def plan(self, handles: Sequence[str], *, refresh: bool = False) -> list[ReadPlan]:
        """What resolving ``handles`` would read from X at most, one ``ReadPlan`` per handle, from the store alone."""
        plans = []
        for handle in handles:
            stored = self.store.get(handle)
            fetchable = self._on_x(handle, stored) and self.x_source is not None
            if stored is not None and self._is_fresh(stored.source, stored.fetched_at, refresh, fetchable):
                plans.append(plan_reads(handle, "cached", max_posts=0))
            elif not fetchable or self.x_source is None:
                plans.append(plan_reads(handle, "not_fetched", max_posts=0))
            else:
                timeline = self._timeline(stored, refresh)
                kind = "new" if timeline is None else "rest" if timeline.max_posts is not None else "newer"
                n_stored = len(stored.account.posts) if stored is not None else 0
                plans.append(plan_reads(handle, kind, max_posts=self.x_source.max_posts, n_stored_posts=n_stored))
        return plans

    def resolve(
        self, handles: Sequence[str], *, refresh: bool = False, meter: XMeter | None = None
    ) -> list[Resolution]:
        """One ``Resolution`` per handle, in order. Raises only ``XApiConfigurationError`` when X rejects the token.

        When a refetch fails for a passing reason (rate limit, X unavailable or erring), a stored copy is still used
        (``stale``): having a token never makes an answer worse than not having one. ``meter`` checks and counts
        every paid X read; a handle whose read it refused (or X's 402 stopped) has the ``XSpendStoppedError`` and
        status ``paused``, and what was read of it is stored.
        """
        results: dict[int, Resolution] = {}
        to_fetch: list[tuple[int, str, Account | None]] = []
        timelines: dict[str, StoredTimeline] = {}
        for position, handle in enumerate(handles):
            stored = self.store.get(handle)
            on_x = self._on_x(handle, stored)
            fetchable = on_x and self.x_source is not None
            if stored is not None and self._is_fresh(stored.source, stored.fetched_at, refresh, fetchable):
                results[position] = Resolution(handle, stored.account)
            elif not fetchable:
                if stored is not None:  # stale, but the best we have
                    results[position] = Resolution(handle, stored.account, status="stale")
                elif not on_x:
                    detail = (
                        f"@{handle} is not in the local store; not a valid X handle ({X_HANDLE_RULE}), so it was not "
                        "fetched from X"
                    )
                    results[position] = Resolution(handle, None, UnknownHandleError(handle, detail), status="not_local")
                else:
                    detail = f"@{handle} is not in the local store (live fetch from X is off: set {TOKEN_VARIABLE})"
                    results[position] = Resolution(handle, None, UnknownHandleError(handle, detail), status="not_local")
            else:
                to_fetch.append((position, handle, stored.account if stored is not None else None))
                timeline = self._timeline(stored, refresh)
                if timeline is not None:
                    timelines[handle.lower()] = timeline
        if to_fetch:
            try:
                extra = {k: v for k, v in (("meter", meter), ("stored", timelines)) if v}  # any Source fetches
                outcomes = self.x_source.fetch([h for _, h, _ in to_fetch], **extra)
            except XApiError as exc:  # the whole lookup failed: every handle in it shares the outcome
                logger.warning("X API lookup failed", extra={"error": str(exc), "n_handles": len(to_fetch)})
                outcomes = [FetchOutcome(handle, "error", None, str(exc)) for _, handle, _ in to_fetch]
            for (position, handle, stored_account), outcome in zip(to_fetch, outcomes, strict=True):
                partial = handle.lower() in timelines and timelines[handle.lower()].max_posts is not None
                results[position] = self._from_outcome(handle, outcome, None if partial else stored_account)
        return [results[i] for i in range(len(handles))]

    def _from_outcome(self, handle: str, outcome: FetchOutcome, stored: Account | None) -> Resolution:
        if outcome.status == "paused" and outcome.stopped is not None:
            # What was read is kept (a resumed fetch reads on from it); a stored account nothing was read of stays.
            if outcome.account is not None and (outcome.account.posts or stored is None):
                self.store.put(outcome.account, source=X_PARTIAL_SOURCE if stored is None else X_API_SOURCE)
            return Resolution(handle, None, outcome.stopped, status="paused")
        if outcome.account is not None and outcome.status in ("found", "protected"):
            self.store.put(outcome.account, source=X_API_SOURCE)
            fresh = self.store.get(outcome.account.handle)
            return Resolution(handle, fresh.account if fresh is not None else outcome.account, status=outcome.status)
        if stored is not None and outcome.status in ("rate_limited", "unavailable", "error"):
            return Resolution(handle, stored, status="stale")
        error: IngestError
        if outcome.status == "not_found":
            error = UnknownHandleError(handle, outcome.detail)
        elif outcome.status == "suspended":
            error = AccountUnavailableError(handle, "suspended", outcome.detail)
        elif outcome.status == "rate_limited":
            error = RateLimitedError(outcome.retry_after_s, outcome.detail)
        elif outcome.status == "unavailable":
            error = XApiUnavailableError(outcome.detail or f"X API unavailable for @{handle}")
        else:
            error = XApiError(outcome.detail or f"could not fetch @{handle}")
        return Resolution(handle, None, error, status=outcome.status)
