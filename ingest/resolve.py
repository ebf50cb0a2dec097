"""Find accounts by handle: from the local store when it has them fresh, else live from the handle's platform.

A handle names its platform (``ingest.platform_handles``: ``bsky:alice.bsky.social``, ``@user@mastodon.social``, a
bare name is X). One live ``Source`` per platform may be configured (``ingest.sources``); a platform without one is
"live fetch is off", and a handle of it the store lacks is an ``UnknownHandleError`` saying so and naming what to set
(X: ``PARROTWATCH_X_BEARER_TOKEN``): not a configuration error, since the account may simply not be imported.

Accounts imported from files never go stale (there is nothing to refresh them from); accounts fetched live are
refetched when older than ``max_age_s`` or when ``refresh`` is asked for. A platform guessed from a handle's shape
yields to the store's record (a Reddit name ``Some.User_99`` imported from a file stays Reddit); a platform named by
a prefix does not. A name its platform cannot have (``-Whiskey_Tango`` on X) is never sent to it.

Money (``ingest.x_cost``): a stale stored X account is updated with only its posts newer than the newest stored
(since_id, no users lookup); an account a pause cut short is stored as ``x-api-partial`` and read on from its oldest
post (until_id), so no post is read twice. ``plan`` says what resolving would read from X, from the store alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from detector.schema import Account
from ingest.errors import (
    TOKEN_VARIABLE,
    AccountUnavailableError,
    IngestError,
    RateLimitedError,
    SourceError,
    SourceUnavailableError,
    UnknownHandleError,
    XApiError,
    XApiUnavailableError,
)
from ingest.platform_handles import PLATFORM_LABELS, PlatformHandle, parse_handle
from ingest.sources.base import FetchOutcome, Source
from ingest.sources.x import X_API_SOURCE, XSource
from ingest.store import AccountStore, StoredAccount
from ingest.x_api import StoredTimeline, XApiSource
from ingest.x_cost import ReadPlan, XMeter, plan_reads

__all__ = ["LIVE_FETCH_SETTINGS", "X_API_SOURCE", "X_PARTIAL_SOURCE", "AccountResolver", "Resolution"]

logger = logging.getLogger(__name__)
X_PARTIAL_SOURCE = "x-api-partial"  # fetched from X, but a pause stopped the read before its last page

LIVE_FETCH_SETTINGS = {
    "x": f"set {TOKEN_VARIABLE}",
    "bluesky": "set PARROTWATCH_BLUESKY_LIVE=true",
    "mastodon": "set PARROTWATCH_MASTODON_LIVE=true",
    "telegram": "set PARROTWATCH_TELEGRAM_API_ID, PARROTWATCH_TELEGRAM_API_HASH and PARROTWATCH_TELEGRAM_SESSION",
    "reddit": "set PARROTWATCH_REDDIT_CLIENT_ID, PARROTWATCH_REDDIT_CLIENT_SECRET and PARROTWATCH_REDDIT_USER_AGENT",
}
"""What a platform without a live source needs, as its per-handle errors say."""


@dataclass(frozen=True)
class Resolution:
    """One handle's outcome: an account (possibly profile-only, when protected), or the error that explains why not."""

    handle: str
    account: Account | None
    error: IngestError | None = None
    status: str = "cached"
    platform: str | None = None


class AccountResolver:
    """``sources`` are the live sources by platform; ``x_source`` (the X API) is kept as its own argument."""

    def __init__(
        self,
        store: AccountStore,
        x_source: XApiSource | None,
        *,
        max_age_s: float,
        sources: Mapping[str, Source] | None = None,
    ) -> None:
        self.store = store
        self.x_source = x_source
        self.max_age_s = max_age_s
        self.sources: dict[str, Source] = dict(sources or {})
        if x_source is not None:
            self.sources["x"] = XSource(x_source)
        self._live = {source.store_source for source in self.sources.values()} | {X_API_SOURCE}

    def _is_fresh(self, source: str, fetched_at: datetime, refresh: bool, fetchable: bool) -> bool:
        if source == X_PARTIAL_SOURCE:
            return not fetchable
        if source not in self._live:
            return not (refresh and fetchable)
        return not refresh and (datetime.now(UTC) - fetched_at).total_seconds() <= self.max_age_s

    def _locate(self, raw: str) -> tuple[PlatformHandle, StoredAccount | None]:
        """The handle's platform and the stored account it names, if any: a guessed platform yields to the store's,
        a named one does not (an account stored as another platform's is then another account)."""
        parsed = parse_handle(raw)
        stored = self.store.get(raw)  # a named platform's account only; else the guessed one's, then any platform's
        stored_platform = stored.account.platform if stored is not None else None
        if stored_platform is not None and stored_platform != parsed.platform:
            parsed = PlatformHandle(stored_platform, parsed.name, explicit=False)
        return parsed, stored

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
        """What resolving ``handles`` would read from X at most, one ``ReadPlan`` per handle, from the store alone
        (other platforms' reads are free: ``not_fetched`` here)."""
        plans = []
        for handle in handles:
            parsed, stored = self._locate(handle)
            fetchable = (
                parsed.platform == "x" and self.x_source is not None and XSource.handle_problem(parsed.name) is None
            )
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

        When a refetch fails for a passing reason (rate limit, source unavailable or erring), a stored copy is still
        used (``stale``): having a live source never makes an answer worse than not having one. ``meter`` checks
        and counts every paid X read; a handle whose read it refused (or X's 402 stopped) has the
        ``XSpendStoppedError`` and status ``paused``, and what was read of it is stored.
        """
        results: dict[int, Resolution] = {}
        to_fetch: dict[str, list[tuple[int, str, Account | None]]] = {}
        timelines: dict[str, StoredTimeline] = {}
        for position, handle in enumerate(handles):
            parsed, stored = self._locate(handle)
            platform = parsed.platform
            source = self.sources.get(platform)
            rule = source.handle_problem if source is not None else _NAME_RULES.get(platform)
            refusal = rule(parsed.name) if rule is not None else None
            fetchable = source is not None and refusal is None
            if stored is not None and self._is_fresh(stored.source, stored.fetched_at, refresh, fetchable):
                results[position] = Resolution(handle, stored.account, platform=platform)
            elif not fetchable:
                if stored is not None:  # stale, but the best we have
                    results[position] = Resolution(handle, stored.account, status="stale", platform=platform)
                else:
                    label = PLATFORM_LABELS[platform]
                    if refusal is not None:
                        detail = f"@{handle} is not in the local store; {refusal}, so it was not fetched from {label}"
                    else:
                        detail = (
                            f"@{handle} is not in the local store (live fetch from {label} is off: "
                            f"{LIVE_FETCH_SETTINGS[platform]})"
                        )
                    error = UnknownHandleError(handle, detail)
                    results[position] = Resolution(handle, None, error, status="not_local", platform=platform)
            else:
                to_fetch.setdefault(platform, []).append(
                    (position, parsed.name, stored.account if stored is not None else None)
                )
                timeline = self._timeline(stored, refresh) if platform == "x" else None
                if timeline is not None:
                    timelines[parsed.name.lower()] = timeline
        for platform, wanted in to_fetch.items():
            source = self.sources[platform]
            money = {k: v for k, v in (("meter", meter), ("stored", timelines)) if v} if platform == "x" else {}
            try:
                outcomes = source.fetch([name for _, name, _ in wanted], **money)
            except (XApiError, SourceError) as exc:  # the whole lookup failed: every handle in it shares the outcome
                logger.warning("live lookup failed", extra={"platform": platform, "error": str(exc)})
                outcomes = [FetchOutcome(name, "error", None, str(exc)) for _, name, _ in wanted]
            for (position, name, stored_account), outcome in zip(wanted, outcomes, strict=True):
                partial = name.lower() in timelines and timelines[name.lower()].max_posts is not None
                results[position] = self._from_outcome(
                    handles[position], outcome, None if partial else stored_account, source
                )
        return [results[i] for i in range(len(handles))]

    def _from_outcome(self, handle: str, outcome: FetchOutcome, stored: Account | None, source: Source) -> Resolution:
        platform = source.platform
        if outcome.status == "paused" and outcome.stopped is not None:
            # What was read is kept (a resumed fetch reads on from it); a stored account nothing was read of stays.
            if outcome.account is not None and (outcome.account.posts or stored is None):
                self.store.put(outcome.account, source=X_PARTIAL_SOURCE if stored is None else X_API_SOURCE)
            return Resolution(handle, None, outcome.stopped, status="paused", platform=platform)
        if outcome.account is not None and outcome.status in ("found", "protected"):
            found = outcome.account.model_copy(update={"platform": outcome.account.platform or platform})
            self.store.put(found, source=source.store_source)
            if stored is not None:  # readable again: a tombstone, if it had one, is lifted
                self.store.mark_status(found.handle, None, platform=found.platform)
            fresh = self.store.get(found.handle, platform=found.platform)
            account = fresh.account if fresh is not None else found
            return Resolution(handle, account, status=outcome.status, platform=platform)
        if stored is not None and outcome.status in ("rate_limited", "unavailable", "error"):
            return Resolution(handle, stored, status="stale", platform=platform)
        label = PLATFORM_LABELS[platform]
        error: IngestError
        if outcome.status == "not_found":
            error = UnknownHandleError(handle, outcome.detail)
        elif outcome.status == "suspended":
            detail = outcome.detail or f"@{handle} is unavailable: suspended"
            if stored is not None:  # a tombstone: its posts and scores stay, marked with when it was first seen so
                since = self.store.mark_status(stored.handle, "suspended", platform=stored.platform or platform)
                when = f" since {since:%Y-%m-%d}" if since is not None else ""
                detail += f"; marked suspended{when}, its {len(stored.posts)} stored posts and its scores are kept"
            error = AccountUnavailableError(handle, "suspended", detail)
        elif outcome.status == "rate_limited":
            error = RateLimitedError(outcome.retry_after_s, outcome.detail)
        elif outcome.status == "unavailable" and platform == "x":
            error = XApiUnavailableError(outcome.detail or f"X API unavailable for @{handle}")
        elif outcome.status == "unavailable":
            error = SourceUnavailableError(platform, outcome.detail or f"{label} unavailable for {handle}")
        elif platform == "x":
            error = XApiError(outcome.detail or f"could not fetch @{handle}")
        else:
            error = SourceError(platform, outcome.detail or f"could not fetch {handle} from {label}")
        return Resolution(handle, None, error, status=outcome.status, platform=platform)


_NAME_RULES = {"x": XSource.handle_problem}
"""Names a platform cannot have, checked even while its live fetch is off."""
