"""The live account source: X API v2 through tweepy's ``Client`` (app-only bearer token).

``XApiSource.fetch`` resolves handles with the users lookup (100 per call) and reads each public account's recent
timeline, returning one ``FetchOutcome`` per requested handle. Per-account conditions (unknown, suspended, protected,
rate limited) are outcomes, not exceptions, so one bad handle never costs a batch. Only conditions an operator must
fix raise: ``XApiConfigurationError`` (no token, or X refused it / its access level) and ``XApiError`` (the users
lookup itself failed).

Rate limits are handled here, not by tweepy (``wait_on_rate_limit=False``): tweepy retries immediately when the
``x-rate-limit-reset`` header is missing, which is a tight loop against a limit that has not reset. We wait only up to
``max_wait_s``, retry a call once, and otherwise report ``rate_limited`` with ``retry_after_s`` for every handle not
yet fetched instead of hammering the API.

Transient failures are retried with exponential backoff: HTTP 5xx (500, 502, 503, 504...) and network errors or
timeouts. Every request carries a ``timeout_s`` deadline, because tweepy sets none and requests would then wait forever
on a stalled connection. Retry ``k`` (1-based) waits ``backoff_s * 2**(k-1)`` seconds stretched by up to 50% jitter, so
that workers failing together do not retry in step; after ``retries`` retries the call gives up. The handles it
concerned are then ``unavailable`` outcomes whose detail names the failures and the attempts, and outcomes already known
are kept. A users lookup that gives up also makes the later lookup batches ``unavailable`` without calling X, which is
down (each batch would cost another ``retries + 1`` calls); a timeline that gives up concerns only its account. 4xx
answers are never retried: asking again would get the same answer.

Money: every paid call is checked first with an optional ``XMeter`` (``ingest.x_cost``) for the most it can return
(a lookup batch's users, a page's ``max_results`` posts) and counted after from what the answer held. A read the
meter refuses (``BudgetExceededError``) or an HTTP 402 from X (``CreditsExhaustedError``) stops the fetch without
failing it: the handles not yet read are ``paused`` outcomes, each keeping what was read of it (a looked-up profile,
the pages of posts read so far), so that a resumed fetch continues with ``StoredTimeline`` and never reads a post
twice. ``StoredTimeline`` also reads a stale stored account's posts newer than its newest (since_id), without a
users lookup.

All tweepy and requests exceptions are translated into the ``ingest.errors`` tree in one place
(``XApiSource._translated``) and chained with ``from exc``. The token and post text are never logged.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

import requests
import tweepy
from requests.adapters import HTTPAdapter

from detector.schema import Account, Post
from ingest.errors import (
    TOKEN_VARIABLE,
    AccountUnavailableError,
    CreditsExhaustedError,
    RateLimitedError,
    UnknownHandleError,
    XApiConfigurationError,
    XApiError,
    XApiUnavailableError,
    XSpendStoppedError,
)
from ingest.x_cost import XMeter
from ingest.x_outcomes import (
    FetchOutcome,
    FetchStatus,
    StoredTimeline,
    failure_label,
    failure_summary,
    lookup_failure_outcome,
    paused_outcome,
    rate_limited_outcome,
    timeline_error,
    unavailable_outcome,
)
from ingest.x_usage import XUsage, read_usage
from ingest.x_v2 import PLATFORM, tweet_to_post, user_handle, user_to_profile

__all__ = ["X_HANDLE_RULE", "FetchOutcome", "FetchStatus", "StoredTimeline", "XApiSource", "is_x_handle"]

logger = logging.getLogger(__name__)

MAX_TIMELINE_POSTS = 3200  # X serves at most the 3,200 most recent posts of a user timeline.
LOOKUP_BATCH_SIZE = 100  # users lookup accepts at most 100 usernames per call.

USER_FIELDS = [
    "created_at",
    "description",
    "location",
    "public_metrics",
    "verified",
    "verified_type",
    "protected",
    "profile_image_url",
]
# ``note_tweet`` carries the full text of posts longer than 280 characters; ``text`` is truncated for those.
TWEET_FIELDS = [
    "created_at",
    "lang",
    "public_metrics",
    "referenced_tweets",
    "entities",
    "conversation_id",
    "source",
    "note_tweet",
]

_ACCESS_NEEDED = (
    f"Set {TOKEN_VARIABLE} to the bearer token of an X developer App attached to a Project with at least Basic "
    "access to X API v2 (user lookup and user Tweet timeline)."
)
# X's own handle rule; an invalid name in a lookup makes X reject the whole batch with a 400.
_HANDLE_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,15}$")
X_HANDLE_RULE = "1-15 letters, digits or _"
_ACCESS_LEVEL_MARKERS = (
    "client-not-enrolled",
    "client-forbidden",
    "subset of",
    "access level",
    "attached to a project",
)

_T = TypeVar("_T")
# Failures worth asking again for: X or the network may answer next time. ConnectTimeout is a ConnectionError too.
_TRANSIENT_NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def is_x_handle(handle: str) -> bool:
    """True when ``handle`` (without '@') has X's syntax: only such handles are ever sent to the X API.

    Other platforms' names (Reddit's ``-Whiskey_Tango``, Bluesky's ``name.bsky.social``) are valid handles in the
    store, just not on X.
    """
    return _HANDLE_PATTERN.fullmatch(handle) is not None


def _clean_handle(handle: str) -> str:
    return handle.strip().removeprefix("@")


def _normalise_rate_limit_reset(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """Drop an ``x-rate-limit-reset`` header that is not a number and round a fractional one up.

    tweepy 4.17 calls ``int()`` on the header before raising ``TooManyRequests``, so a malformed value would surface
    as a bare ``ValueError``; removing it lets our missing-header fallback (``default_backoff_s``) apply instead.
    """
    value = response.headers.get("x-rate-limit-reset")
    if value is not None:
        try:
            reset = float(value)
        except ValueError:
            reset = math.nan
        if math.isfinite(reset):
            response.headers["x-rate-limit-reset"] = str(math.ceil(reset))
        else:
            del response.headers["x-rate-limit-reset"]
    return response


class _TimeoutAdapter(HTTPAdapter):
    """Give every request without one a deadline: tweepy passes no timeout, so requests would wait forever."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self.timeout_s = timeout_s

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout_s
        return super().send(request, **kwargs)


def _api_messages(exc: tweepy.HTTPException) -> str:
    parts = [str(m) for m in exc.api_messages]
    try:
        body = exc.response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        parts += [str(body[k]) for k in ("reason", "type", "title", "detail") if body.get(k)]
    return " ".join(parts)


def _is_access_level_problem(exc: tweepy.HTTPException) -> bool:
    text = _api_messages(exc).lower()
    return any(marker in text for marker in _ACCESS_LEVEL_MARKERS)


class XApiSource:
    """Fetch accounts (profile and recent posts) from the X API v2 by handle.

    Parameters
    ----------
    bearer_token : str or None
        App-only bearer token; ``None`` or empty raises ``XApiConfigurationError`` naming
        ``PARROTWATCH_X_BEARER_TOKEN``.
    max_posts : int, default=200
        Most recent posts read per account, 1..3200 (X's timeline depth).
    max_wait_s : float, default=0.0
        Longest rate-limit wait this source sleeps through before retrying a call once; longer waits are reported
        as ``rate_limited`` outcomes so the caller (e.g. a batch job) can reschedule instead of blocking.
    default_backoff_s : float, default=60.0
        Wait this source sleeps through (within ``max_wait_s``) when a 429 carries no usable ``x-rate-limit-reset``
        header. It is ours, not X's, so a ``rate_limited`` outcome then has ``retry_after_s=None``.
    retries : int, default=3
        Retries of a call that failed transiently (5xx, timeout, network) before its handles are ``unavailable``;
        0 never retries.
    backoff_s : float, default=1.0
        Wait before the first retry; it doubles for each further one, plus up to 50% jitter.
    timeout_s : float, default=10.0
        Deadline of each HTTP request (connecting, and each wait for data).
    sleep, clock, jitter
        Injected so tests neither sleep nor depend on the wall clock or chance; ``jitter`` returns a number in [0, 1).
    on_response : callable, optional
        Called once per HTTP response from X (the service counts API calls with it).
    on_rate_limit_wait : callable, optional
        Called with the seconds of each wait for a rate-limit reset, not for backoffs after failures.
    """

    def __init__(
        self,
        bearer_token: str | None,
        *,
        max_posts: int = 200,
        max_wait_s: float = 0.0,
        default_backoff_s: float = 60.0,
        retries: int = 3,
        backoff_s: float = 1.0,
        timeout_s: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        on_response: Callable[[], None] | None = None,
        on_rate_limit_wait: Callable[[float], None] | None = None,
    ) -> None:
        if bearer_token is None or not bearer_token.strip():
            raise XApiConfigurationError(f"no X API bearer token configured. {_ACCESS_NEEDED}")
        if isinstance(max_posts, bool) or not isinstance(max_posts, int) or not 1 <= max_posts <= MAX_TIMELINE_POSTS:
            raise ValueError(f"max_posts must be an integer in 1..{MAX_TIMELINE_POSTS}, got {max_posts!r}")
        if not max_wait_s >= 0:
            raise ValueError(f"max_wait_s must be >= 0, got {max_wait_s!r}")
        if not default_backoff_s > 0:
            raise ValueError(f"default_backoff_s must be > 0, got {default_backoff_s!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be an integer >= 0, got {retries!r}")
        if not backoff_s > 0:
            raise ValueError(f"backoff_s must be > 0, got {backoff_s!r}")
        if not timeout_s > 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s!r}")
        self.max_posts = max_posts
        self.max_wait_s = float(max_wait_s)
        self.default_backoff_s = float(default_backoff_s)
        self.retries = retries
        self.backoff_s = float(backoff_s)
        self.timeout_s = float(timeout_s)
        self._sleep = sleep
        self._on_rate_limit_wait = on_rate_limit_wait
        self._clock = clock
        self._jitter = jitter
        self._client = tweepy.Client(bearer_token=bearer_token.strip(), wait_on_rate_limit=False, return_type=dict)
        self._client.session.mount("https://", _TimeoutAdapter(self.timeout_s))
        self._client.session.hooks["response"].append(_normalise_rate_limit_reset)
        if on_response is not None:

            def _observe(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
                on_response()
                return response

            self._client.session.hooks["response"].append(_observe)

    def usage(self) -> XUsage | None:
        """X's count of posts read this billing cycle and the cap (``ingest.x_usage``), ``None`` without access."""
        return read_usage(self._client)

    def __repr__(self) -> str:
        return f"XApiSource(max_posts={self.max_posts}, max_wait_s={self.max_wait_s}, retries={self.retries})"

    # -- public API -------------------------------------------------------------------------------------------

    def fetch(
        self,
        handles: Sequence[str],
        *,
        meter: XMeter | None = None,
        stored: Mapping[str, StoredTimeline] | None = None,
    ) -> list[FetchOutcome]:
        """Return one ``FetchOutcome`` per input handle, in input order; handles compare case-insensitively.

        Each distinct handle is looked up once. Raises ``XApiConfigurationError`` when X refuses the token or its
        access level (401/403), and ``XApiError`` when a users lookup fails in a way retrying cannot fix (another
        4xx, an unexpected payload); everything that concerns one account is an outcome. After a rate limit that
        cannot be waited out, every handle not yet fetched is ``rate_limited``; after a users lookup that failed
        transiently on every attempt, every handle not yet fetched is ``unavailable``. Outcomes already known, e.g.
        ``found`` or ``not_found``, are kept either way.

        ``meter`` checks and counts every paid read; once it refuses one or X answers 402, every handle not yet read
        is ``paused`` (keeping what was read of it). A handle in ``stored`` (keyed case-insensitively) is not looked
        up: only the part of its timeline its ``StoredTimeline`` names is read, and a ``found`` outcome holds only
        those posts (merge them with the stored ones).
        """
        requested = [_clean_handle(h) for h in handles]
        known = {key.lower(): timeline for key, timeline in (stored or {}).items() if timeline.account.user_id}
        results: dict[str, FetchOutcome] = {}
        pending: dict[str, str] = {}
        limited: RateLimitedError | None = None
        stopped: XSpendStoppedError | None = None
        for handle in requested:
            key = handle.lower()
            if key in results or key in pending:
                continue
            if key in known and is_x_handle(handle):
                timeline = known[key]
                try:
                    results[key] = self._read_outcome(
                        handle, timeline.account, limited, stopped, meter=meter, timeline=timeline
                    )
                except RateLimitedError as exc:
                    limited = exc
                    results[key] = rate_limited_outcome(handle, exc)
                stopped = stopped or results[key].stopped
            elif is_x_handle(handle):
                pending[key] = handle
            else:
                results[key] = FetchOutcome(handle, "not_found", None, detail=f"not a valid X handle ({X_HANDLE_RULE})")

        down: XApiUnavailableError | None = None
        order = list(pending.values())
        for start in range(0, len(order), LOOKUP_BATCH_SIZE):
            batch = order[start : start + LOOKUP_BATCH_SIZE]
            users: dict[str, Mapping[str, Any]] = {}
            errors: dict[str, Mapping[str, Any]] = {}
            if limited is None and down is None and stopped is None:
                try:
                    users, errors = self._lookup(batch, meter)
                except RateLimitedError as exc:
                    limited = exc
                except XSpendStoppedError as exc:
                    stopped = exc
                except XApiUnavailableError as exc:
                    logger.warning("X API users lookup unavailable; %d handle(s) left unfetched", len(order) - start)
                    down = exc
            for handle in batch:
                key = handle.lower()
                if key not in users and key not in errors and limited is not None:
                    results[key] = rate_limited_outcome(handle, limited)
                elif key not in users and key not in errors and down is not None:
                    results[key] = unavailable_outcome(handle, down)
                elif key not in users and key not in errors and stopped is not None:
                    results[key] = paused_outcome(handle, None, stopped)
                elif key not in users:
                    results[key] = lookup_failure_outcome(handle, errors.get(key))
                else:
                    try:
                        results[key] = self._account_outcome(handle, users[key], limited, stopped, meter=meter)
                    except RateLimitedError as exc:
                        limited = exc
                        results[key] = rate_limited_outcome(handle, exc)
                    stopped = stopped or results[key].stopped
        logger.debug("fetched %d distinct handle(s) from the X API", len(results))
        return [replace(results[h.lower()], handle=h) for h in requested]

    # -- per account ----------------------------------------------------------------------------------------

    def _account_outcome(
        self,
        handle: str,
        user: Mapping[str, Any],
        rate_limited_by: RateLimitedError | None,
        stopped_by: XSpendStoppedError | None,
        *,
        meter: XMeter | None,
    ) -> FetchOutcome:
        """Turn a looked-up user into an outcome, reading its timeline unless it is protected.

        Raises ``RateLimitedError`` when the timeline's rate limit cannot be waited out, and
        ``XApiConfigurationError`` when X says the token's access level does not cover timelines.
        """
        try:
            account = Account(
                handle=user_handle(user), platform=PLATFORM, user_id=str(user["id"]), profile=user_to_profile(user)
            )
        except (KeyError, ValueError) as exc:
            return FetchOutcome(handle, "error", None, detail=f"unreadable user object from X: {exc}")
        if user.get("protected") is True:
            return FetchOutcome(handle, "protected", account, detail="protected account: its posts are not public")
        return self._read_outcome(handle, account, rate_limited_by, stopped_by, meter=meter)

    def _read_outcome(
        self,
        handle: str,
        account: Account,
        rate_limited_by: RateLimitedError | None,
        stopped_by: XSpendStoppedError | None,
        *,
        meter: XMeter | None,
        timeline: StoredTimeline | None = None,
    ) -> FetchOutcome:
        """Read the timeline of a known account (all of it, or the part ``timeline`` names) into an outcome."""
        if rate_limited_by is not None:
            return rate_limited_outcome(handle, rate_limited_by)
        if stopped_by is not None:
            return paused_outcome(handle, account.model_copy(update={"posts": []}), stopped_by)
        try:
            posts, stopped = self._timeline(handle, str(account.user_id), meter=meter, timeline=timeline)
        except UnknownHandleError as exc:
            return FetchOutcome(handle, "not_found", None, detail=str(exc))
        except AccountUnavailableError as exc:
            status: FetchStatus = "suspended" if exc.reason == "suspended" else "error"
            return FetchOutcome(handle, status, None, detail=str(exc))
        except XApiUnavailableError as exc:
            return unavailable_outcome(handle, exc)
        except XApiError as exc:
            return FetchOutcome(handle, "error", None, detail=str(exc))
        if stopped is not None:
            return paused_outcome(handle, account.model_copy(update={"posts": posts}), stopped)
        return FetchOutcome(handle, "found", account.model_copy(update={"posts": posts}))

    def _lookup(
        self, batch: list[str], meter: XMeter | None
    ) -> tuple[dict[str, Mapping[str, Any]], dict[str, Mapping[str, Any]]]:
        """Look up to 100 usernames; return users and per-handle errors, both keyed by lowercased handle."""
        if meter is not None:
            meter.check(users=len(batch))
        page = self._call(
            lambda: self._client.get_users(usernames=batch, user_fields=USER_FIELDS),
            what=f"users lookup of {len(batch)} handle(s)",
        )
        if not isinstance(page, Mapping):
            raise XApiError("users lookup returned an unexpected payload", status=200)
        users = {
            str(user.get("username", "")).lower(): user for user in page.get("data") or [] if isinstance(user, Mapping)
        }
        if meter is not None:
            meter.record(users=len(page.get("data") or []))
        errors: dict[str, Mapping[str, Any]] = {}
        for error in page.get("errors") or []:
            if isinstance(error, Mapping):
                subject = error.get("value") or error.get("resource_id")
                if subject is not None:
                    errors.setdefault(str(subject).lower(), error)
        return users, errors

    def _timeline(
        self, handle: str, user_id: str, *, meter: XMeter | None, timeline: StoredTimeline | None = None
    ) -> tuple[list[Post], XSpendStoppedError | None]:
        """Read up to ``max_posts`` recent posts (retweets and replies included), newest first, without duplicates,
        and what stopped the read early (a budget cap, X's 402), ``None`` when nothing did.

        Pages are walked one call at a time, rather than with ``Paginator.flatten``, so that the 200-with-``errors``
        answer X gives for an account suspended since the lookup is seen, so a rate-limited page can be retried, and
        so each page is checked against the meter before it is asked for.
        """
        max_posts = timeline.max_posts if timeline is not None and timeline.max_posts is not None else self.max_posts
        bounds = {}
        if timeline is not None:
            bounds = {k: v for k, v in (("since_id", timeline.since_id), ("until_id", timeline.until_id)) if v}
        page_size = min(100, max(5, self.max_posts))
        pages = iter(
            tweepy.Paginator(
                self._client.get_users_tweets,
                id=user_id,
                max_results=page_size,
                tweet_fields=TWEET_FIELDS,
                **bounds,
            )
        )
        posts: dict[str, Post] = {}
        while len(posts) < max_posts:
            try:
                if meter is not None:
                    meter.check(posts=page_size)
                page = self._call(lambda: next(pages, None), what=f"timeline of @{handle}", handle=handle)
            except XSpendStoppedError as exc:
                return list(posts.values()), exc
            if page is None:
                break
            tweets = page.get("data") or []
            if meter is not None:
                meter.record(posts=len(tweets))
            if not tweets and page.get("errors"):
                raise timeline_error(handle, page["errors"][0])
            known = len(posts)
            for tweet in tweets:
                try:
                    post = tweet_to_post(tweet)
                except ValueError as exc:
                    logger.debug("skipping an unreadable post of @%s: %s", handle, exc)
                    continue
                posts.setdefault(post.id, post)
                if len(posts) >= max_posts:
                    break
            if tweets and len(posts) == known:
                # A page with nothing new means the cursor is going round in circles: stop rather than loop forever.
                logger.warning("X API repeated a timeline page of @%s; keeping the %d posts read", handle, known)
                break
        return list(posts.values()), None

    # -- calls, rate limits and error translation ---------------------------------------------------------------

    def _call(self, call: Callable[[], _T], *, what: str, handle: str | None = None) -> _T:
        """Run one API call, retrying what may succeed next time.

        After a 429 whose reset is within ``max_wait_s``, sleep until then and retry once. After a transient
        failure (5xx, timeout, network), back off and retry up to ``retries`` times, then raise an
        ``XApiUnavailableError`` that names every failure and the number of attempts.
        """
        has_waited_for_reset = False
        failures: list[str] = []
        while True:
            try:
                with self._translated(handle):
                    return call()
            except RateLimitedError as exc:
                # Without a reset from X, our own default wait, which is never reported as X's.
                wait_s = exc.retry_after_s if exc.retry_after_s is not None else self.default_backoff_s
                if has_waited_for_reset or wait_s > self.max_wait_s:
                    raise
                has_waited_for_reset = True
                if self._on_rate_limit_wait is not None:
                    self._on_rate_limit_wait(wait_s)
                logger.info(
                    "X API rate limit reached during %s; waiting %.0f s for it to reset, then retrying once",
                    what,
                    wait_s,
                )
            except XApiUnavailableError as exc:
                failures.append(failure_label(exc))
                if len(failures) > self.retries:
                    raise XApiUnavailableError(
                        f"X API failed for the {what} ({failure_summary(failures)}); "
                        f"gave up after {len(failures)} attempt(s)",
                        status=exc.status,
                        attempts=len(failures),
                    ) from exc
                wait_s = self._backoff_s(len(failures))
                logger.info("X API failed during %s (%s); retrying in %.1f s", what, failures[-1], wait_s)
            self._sleep(wait_s)

    def _backoff_s(self, retry: int) -> float:
        """Wait before retry number ``retry`` (1-based): doubling from ``backoff_s``, stretched by up to 50%."""
        jitter = min(max(self._jitter(), 0.0), 1.0)
        return self.backoff_s * 2 ** (retry - 1) * (1.0 + 0.5 * jitter)

    def _wait_s(self, exc: tweepy.TooManyRequests) -> float | None:
        """Seconds until the limit resets (+1 for clock skew), or ``None`` when X did not say."""
        header = exc.response.headers.get("x-rate-limit-reset") if exc.response is not None else None
        try:
            reset = float(header) if header is not None else math.nan
        except ValueError:
            reset = math.nan
        if not math.isfinite(reset):
            return None
        # A reset already in the past still gets a second's pause: never a tight retry.
        return max(reset - self._clock() + 1.0, 1.0)

    @contextmanager
    def _translated(self, handle: str | None) -> Iterator[None]:
        """Translate tweepy and requests exceptions into the ``ingest.errors`` tree, chained with ``from exc``.

        ``handle`` is ``None`` for users lookups, where 401/403 can only mean the token or its access level.
        For a timeline call it names the account: 401/403/404 there concern that account (e.g. suspended since
        the lookup), unless X's answer is about the access level.
        """
        try:
            yield
        except tweepy.TooManyRequests as exc:
            raise RateLimitedError(self._wait_s(exc)) from exc
        except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
            if handle is None or _is_access_level_problem(exc):
                raise XApiConfigurationError(f"X API refused the request: {_summary(exc)}. {_ACCESS_NEEDED}") from exc
            reason = "suspended" if "suspend" in _api_messages(exc).lower() else "forbidden"
            raise AccountUnavailableError(handle, reason, f"@{handle}: {_summary(exc)}") from exc
        except tweepy.NotFound as exc:
            if handle is None:
                raise XApiError(f"X API users lookup failed: {_summary(exc)}", status=404) from exc
            raise UnknownHandleError(handle, f"@{handle}: {_summary(exc)}") from exc
        except tweepy.TwitterServerError as exc:
            raise XApiUnavailableError(f"X API request failed: {_summary(exc)}", status=_status(exc)) from exc
        except tweepy.HTTPException as exc:
            if _status(exc) == 402:
                raise CreditsExhaustedError(_summary(exc)) from exc
            raise XApiError(f"X API request failed: {_summary(exc)}", status=_status(exc)) from exc
        except tweepy.TweepyException as exc:
            raise XApiError(f"X API request failed: {exc}") from exc
        except _TRANSIENT_NETWORK_ERRORS as exc:
            raise XApiUnavailableError(f"X API unreachable: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise XApiError(f"X API unreachable: {type(exc).__name__}") from exc


def _status(exc: tweepy.HTTPException) -> int | None:
    return getattr(exc.response, "status_code", None)


def _summary(exc: tweepy.HTTPException) -> str:
    """One line: HTTP status and X's own words (tweepy's ``str(exc)`` spans several lines)."""
    return " ".join(str(exc).split())
