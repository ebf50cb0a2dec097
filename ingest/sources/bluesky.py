"""Bluesky through the ``atproto`` SDK on the public AppView: no login, no credentials.

``app.bsky.actor.getProfile`` gives the profile and ``app.bsky.feed.getAuthorFeed`` the recent posts, a page of up to
100 at a time. A repost is kept as a repost (``is_retweet``, its text as ``RT @author: ...``, as X's are), a post that
embeds another as a quote, a reply as a reply; links come from the link facets and an external embed, hashtags from
the tag facets, the language from the record's first ``langs``.

Status: "Profile not found" is ``not_found``; a takedown (the ``AccountTakedown`` error or a ``!takedown`` label) is
``suspended``; a deactivated account is ``not_found`` saying so. A 429 is ``rate_limited`` with the AppView's own
``ratelimit-reset``; 5xx and network failures are retried (``CallPolicy``) and then ``unavailable``; a page that
does not parse is ``error``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from atproto import Client
from atproto_client import exceptions as atp
from atproto_client.request import Request

from detector.schema import Account, Post, Profile
from ingest.errors import RateLimitedError, SourceError, SourceUnavailableError
from ingest.sources.base import FetchOutcome, LiveSource, seconds_until

__all__ = ["BLUESKY_API_SOURCE", "PUBLIC_APPVIEW", "BlueskySource"]

logger = logging.getLogger(__name__)

PUBLIC_APPVIEW = "https://public.api.bsky.app"
BLUESKY_API_SOURCE = "bluesky-api"
_PAGE = 100  # getAuthorFeed serves at most 100 items a call
_MAX_PAGES = 40


class BlueskySource(LiveSource):
    """Read Bluesky accounts (profile and up to ``max_posts`` recent posts) by handle, without credentials.

    ``options`` are ``LiveSource``'s (``max_posts``, ``timeout_s``, ``policy``, ``clock``)."""

    platform = "bluesky"
    store_source = BLUESKY_API_SOURCE
    max_depth = _PAGE * _MAX_PAGES

    def __init__(self, *, base_url: str = PUBLIC_APPVIEW, **options: Any) -> None:
        super().__init__(**options)
        self._client = Client(base_url=base_url, request=Request(timeout=self.timeout_s))

    def handle_problem(self, name: str) -> str | None:
        return None if "." in name else "a Bluesky handle is a domain name such as alice.bsky.social"

    def _fetch_one(self, handle: str) -> FetchOutcome:
        try:
            profile = self._call(lambda: self._client.app.bsky.actor.get_profile({"actor": handle}))
        except atp.BadRequestError as exc:
            return _refusal(handle, exc)
        labels = {getattr(label, "val", None) for label in getattr(profile, "labels", None) or []}
        if "!takedown" in labels:
            return FetchOutcome(handle, "suspended", None, detail=f"{handle} was taken down by Bluesky moderation")
        account = Account(handle=profile.handle, platform=self.platform, user_id=profile.did, profile=_profile(profile))
        try:
            posts = self._posts(profile.did)
        except atp.BadRequestError as exc:
            return _refusal(handle, exc)
        return FetchOutcome(handle, "found", account.model_copy(update={"posts": posts}))

    def _posts(self, actor: str) -> list[Post]:
        posts: dict[str, Post] = {}
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            params = {"actor": actor, "limit": min(_PAGE, self.max_posts - len(posts)), "cursor": cursor}
            page = self._call(lambda p=params: self._client.app.bsky.feed.get_author_feed(p))
            for item in page.feed:
                post = _post(item)
                posts.setdefault(post.id, post)
            cursor = page.cursor
            if not cursor or not page.feed or len(posts) >= self.max_posts:
                break
        return list(posts.values())[: self.max_posts]

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SDK errors into the ``ingest.errors`` tree; a 400 is left to the caller (it names the account's state)."""
        try:
            yield
        except atp.RateLimitExceededError as exc:
            reset = exc.reset_at.timestamp() if exc.reset_at is not None else None
            wait_s = seconds_until(reset, self._clock())
            raise RateLimitedError(wait_s, f"Bluesky rate limit reached; {_when(wait_s)}") from exc
        except atp.BadRequestError:
            raise
        except atp.NetworkError as exc:
            raise SourceUnavailableError("bluesky", f"Bluesky AppView unreachable: {exc}") from exc
        except atp.RequestException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status is not None and status >= 500:
                raise SourceUnavailableError("bluesky", f"Bluesky AppView failed: {exc}", status) from exc
            raise SourceError("bluesky", f"Bluesky AppView refused the request: {exc}", status) from exc
        except atp.UnauthorizedError as exc:
            raise SourceError("bluesky", f"Bluesky AppView refused the request: {exc}") from exc
        except (atp.ModelError, AttributeError, TypeError, ValueError) as exc:
            raise SourceError("bluesky", f"unreadable answer from the Bluesky AppView: {exc}") from exc


def _when(wait_s: float | None) -> str:
    return f"it resets in {round(wait_s)} s" if wait_s is not None else "retry later"


def _refusal(handle: str, exc: atp.BadRequestError) -> FetchOutcome:
    """A 400 about the account: not found, taken down, deactivated."""
    content = exc.response.content if exc.response is not None else None
    error = str(getattr(content, "error", "") or "")
    message = str(getattr(content, "message", "") or error or "refused")
    if error == "AccountTakedown" or "takedown" in message.lower() or "suspended" in message.lower():
        return FetchOutcome(handle, "suspended", None, detail=f"{handle}: taken down by Bluesky ({message})")
    if error == "AccountDeactivated":
        return FetchOutcome(handle, "not_found", None, detail=f"{handle}: deactivated by its owner ({message})")
    if "not found" in message.lower() or error in ("InvalidRequest", "ActorNotFound"):
        return FetchOutcome(handle, "not_found", None, detail=f"{handle}: {message} on Bluesky")
    return FetchOutcome(handle, "error", None, detail=f"{handle}: Bluesky refused the request ({error}: {message})")


# Profile field <- ProfileViewDetailed attribute
_PROFILE_FIELDS = {
    "display_name": "display_name",
    "created_at": "created_at",
    "description": "description",
    "followers_count": "followers_count",
    "following_count": "follows_count",
    "statuses_count": "posts_count",
}


def _profile(profile: Any) -> Profile:
    fields = {ours: getattr(profile, theirs, None) for ours, theirs in _PROFILE_FIELDS.items()}
    return Profile(**fields, default_profile_image=getattr(profile, "avatar", None) is None)


def _post_id(prefix: str, uri: str) -> str:
    """``bsky:<did>:<rkey>`` when it fits the store's 64-character ids, else a digest of the URI."""
    did, _, rest = uri.removeprefix("at://").partition("/")
    readable = f"{prefix}:{did.removeprefix('did:plc:')}:{rest.rpartition('/')[2]}"
    return readable if len(readable) <= 64 else f"{prefix}:{hashlib.sha256(uri.encode()).hexdigest()[:48]}"


def _post(item: Any) -> Post:
    """One feed item as a ``Post``; a repost gets the reposter's id and time, and the text ``RT @author: ...``."""
    view = item.post
    record = view.record
    text = str(getattr(record, "text", "") or "")
    urls: list[str] = []
    hashtags: list[str] = []
    for facet in getattr(record, "facets", None) or []:
        for feature in facet.features:
            if getattr(feature, "uri", None):
                urls.append(feature.uri)
            elif getattr(feature, "tag", None):
                hashtags.append(feature.tag)
    embed = getattr(record, "embed", None)
    external = getattr(embed, "external", None)
    if external is not None and external.uri not in urls:
        urls.append(external.uri)
    is_quote = getattr(embed, "record", None) is not None
    langs = getattr(record, "langs", None) or []
    reason = item.reason
    is_repost = reason is not None and getattr(reason, "py_type", "") == "app.bsky.feed.defs#reasonRepost"
    if is_repost:
        post_id = _post_id("bsky-repost", f"{reason.by.did}/{view.uri}")
        created_at, text = reason.indexed_at, f"RT @{view.author.handle}: {text}"
    else:
        post_id, created_at = _post_id("bsky", view.uri), getattr(record, "created_at", None) or view.indexed_at
    return Post(
        id=post_id,
        created_at=created_at,
        text=text,
        lang=langs[0] if langs else None,
        is_retweet=is_repost,
        is_reply=getattr(record, "reply", None) is not None,
        is_quote=is_quote,
        hashtags=hashtags,
        urls=urls,
    )
