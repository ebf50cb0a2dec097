"""What one fetch from the X API tells about each requested handle: ``FetchOutcome``, and the helpers that make
the outcome of each condition (rate limited, unavailable, paused, a per-handle error in X's ``errors`` array).

Kept apart from ``ingest.x_api`` (which re-exports ``FetchOutcome``, ``FetchStatus`` and ``StoredTimeline``) so the
source stays about calls, retries and translation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from detector.schema import Account
from ingest.errors import (
    AccountUnavailableError,
    RateLimitedError,
    UnknownHandleError,
    XApiUnavailableError,
    XSpendStoppedError,
)

__all__ = [
    "FetchOutcome",
    "FetchStatus",
    "StoredTimeline",
    "failure_label",
    "failure_summary",
    "lookup_failure_outcome",
    "paused_outcome",
    "rate_limited_outcome",
    "timeline_error",
    "unavailable_outcome",
]

FetchStatus = Literal["found", "not_found", "suspended", "protected", "rate_limited", "unavailable", "error", "paused"]


@dataclass(frozen=True)
class FetchOutcome:
    """What happened to one requested handle.

    ``account`` is set for ``found`` (profile and posts) and ``protected`` (profile only, ``posts=[]``).
    ``detail`` explains any other status; ``retry_after_s`` is set for ``rate_limited`` when X said when its limit
    resets (``None`` when it did not). ``unavailable`` means X
    kept failing transiently (5xx, timeout, network) until the retries ran out: try again later. ``paused`` means a
    budget cap or X's credits (``stopped``) ended the read early; ``account`` then holds what was read of it (the
    profile, the posts of the pages read), ``None`` when nothing was.
    """

    handle: str
    status: FetchStatus
    account: Account | None
    detail: str | None = None
    retry_after_s: float | None = None
    stopped: XSpendStoppedError | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StoredTimeline:
    """A stored X account (with its ``user_id``) to read part of the timeline of, without a users lookup.

    ``since_id``: only posts newer than it (a stale account's update); ``until_id``: only posts older than it (the
    rest of a read a pause cut short); ``max_posts``: at most this many (the source's ``max_posts`` when ``None``).
    """

    account: Account
    since_id: str | None = None
    until_id: str | None = None
    max_posts: int | None = None


def _classify_api_error(error: Mapping[str, Any]) -> tuple[FetchStatus, str]:
    """Map one item of an X ``errors`` array (HTTP 200 partial error) to an outcome status and detail.

    Suspended users come back with ``type`` resource-not-found too, so "suspended" in ``detail`` is checked first.
    """
    detail = str(error.get("detail") or error.get("title") or error.get("message") or "unspecified X API error")
    if "suspended" in detail.lower():
        return "suspended", detail
    if str(error.get("type", "")).endswith("/resource-not-found"):
        return "not_found", detail
    return "error", detail


def rate_limited_outcome(handle: str, exc: RateLimitedError) -> FetchOutcome:
    return FetchOutcome(handle, "rate_limited", None, detail=str(exc), retry_after_s=exc.retry_after_s)


def paused_outcome(handle: str, account: Account | None, exc: XSpendStoppedError) -> FetchOutcome:
    return FetchOutcome(handle, "paused", account, detail=str(exc), stopped=exc)


def unavailable_outcome(handle: str, exc: XApiUnavailableError) -> FetchOutcome:
    return FetchOutcome(handle, "unavailable", None, detail=str(exc))


def failure_label(exc: XApiUnavailableError) -> str:
    """``HTTP 503`` for an answer, the requests exception's name (``ReadTimeout``) for no answer."""
    if exc.status is not None:
        return f"HTTP {exc.status}"
    return type(exc.__cause__).__name__ if exc.__cause__ is not None else "no answer"


def failure_summary(labels: list[str]) -> str:
    """``HTTP 503 3 times, ReadTimeout once``: each kind of failure with its count, in order of first appearance."""
    counts = Counter(labels)
    return ", ".join(f"{label} {_times(n)}" for label, n in counts.items())


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def lookup_failure_outcome(handle: str, error: Mapping[str, Any] | None) -> FetchOutcome:
    if error is None:
        return FetchOutcome(handle, "error", None, detail="X returned neither the user nor an error for this handle")
    status, detail = _classify_api_error(error)
    return FetchOutcome(handle, status, None, detail=detail)


def timeline_error(handle: str, error: Mapping[str, Any]) -> Exception:
    status, detail = _classify_api_error(error)
    if status == "not_found":
        return UnknownHandleError(handle, detail)
    return AccountUnavailableError(handle, "suspended" if status == "suspended" else "unavailable", detail)
