"""Reddit through PRAW with app credentials (read-only, client-credentials OAuth): a redditor's profile and posts.

A handle is the username (``reddit:u/name``). The profile is ``user/<name>/about``; the posts are the newest of
``user/<name>/overview`` (submissions and comments together, 100 a page). A post looks like a row of the Reddit
CSV import (``ingest.reddit_csv``), so the model sees one shape: a submission's text is its title and body, a link
submission carries its URL, a comment is a reply; a crosspost is a repost.

Status: 404 is ``not_found``, an account marked ``is_suspended`` is ``suspended``; a 429 is ``rate_limited`` with
Reddit's own ``x-ratelimit-reset`` (seconds), and once Reddit says the window is spent (``x-ratelimit-remaining: 0``)
the next handle is ``rate_limited`` without a call instead of PRAW sleeping out the window; 5xx and network failures
are ``unavailable``; refused credentials and answers that cannot be read are ``error``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import praw
import prawcore
import requests
from praw.models.listing.listing import Listing

from detector.schema import Account, Post, Profile
from ingest.errors import RateLimitedError, SourceError, SourceUnavailableError
from ingest.sources.base import FetchOutcome, LiveSource, seconds_until

__all__ = ["REDDIT_API_SOURCE", "RedditSource"]

logger = logging.getLogger(__name__)

REDDIT_API_SOURCE = "reddit-api"
_PAGE = 100  # Reddit serves at most 100 things a listing page
_MAX_DEPTH = 1000  # and no listing deeper than 1000


class RedditSource(LiveSource):
    """Read redditors (profile and up to ``max_posts`` newest submissions and comments) with a script app's
    credentials. ``session`` (a ``requests.Session``) is for tests; ``options`` are ``LiveSource``'s."""

    platform = "reddit"
    store_source = REDDIT_API_SOURCE
    max_depth = _MAX_DEPTH

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        user_agent: str,
        *,
        session: requests.Session | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        session = session or requests.Session()
        session.hooks["response"].append(self._note_limits)
        self._reset_at: float | None = None  # when Reddit said the rate-limit window was spent, its reset
        self._reddit = praw.Reddit(
            client_id=client_id,
            client_secret=client_secret,
            user_agent=user_agent,
            requestor_kwargs={"session": session},
            check_for_updates=False,
            check_for_async=False,
            timeout=self.timeout_s,
        )

    def handle_problem(self, name: str) -> str | None:
        if not 3 <= len(name) <= 20 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in name):
            return "a Reddit username is 3 to 20 letters, digits, _ or -"
        return None

    def _fetch_one(self, handle: str) -> FetchOutcome:
        name = handle.removeprefix("u/")
        try:
            about = vars(self._call(lambda: self._reddit.get(f"user/{name}/about/")))  # never a lazy fetch
            if about.get("is_suspended"):
                return FetchOutcome(handle, "suspended", None, detail=f"u/{name} is suspended by Reddit")
            account = Account(
                handle=about["name"], platform=self.platform, user_id=f"t2_{about['id']}", profile=_profile(about)
            )
            posts = self._posts(name)
        except _AccountGoneError as exc:
            return FetchOutcome(handle, "not_found", None, detail=f"u/{name}: {exc}")
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            return FetchOutcome(handle, "error", None, detail=f"unreadable answer from Reddit: {exc!r}")
        return FetchOutcome(handle, "found", account.model_copy(update={"posts": posts}))

    def _posts(self, name: str) -> list[Post]:
        posts: dict[str, Post] = {}
        after = None
        while len(posts) < self.max_posts:
            params = {"sort": "new", "limit": min(_PAGE, self.max_posts - len(posts)), "raw_json": 1}
            if after is not None:
                params["after"] = after
            page = self._call(lambda p=params: self._reddit.get(f"user/{name}/overview/", params=p))
            if not isinstance(page, Listing):
                raise TypeError(f"expected a listing, got {type(page).__name__}")
            for thing in page:
                post = _post(thing)
                posts.setdefault(post.id, post)
            after = page.after
            if not page.children or after is None:
                break
        return sorted(posts.values(), key=lambda p: p.created_at, reverse=True)[: self.max_posts]

    def _note_limits(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Keep Reddit's word that the window is spent (``x-ratelimit-remaining`` 0) and when it resets."""
        remaining, reset = response.headers.get("x-ratelimit-remaining"), response.headers.get("x-ratelimit-reset")
        try:
            spent = remaining is not None and float(remaining) < 1 and reset is not None
            self._reset_at = self._clock() + float(reset) if spent and reset is not None else None
        except ValueError:
            self._reset_at = None

    @contextmanager
    def _translated(self) -> Iterator[None]:
        if self._reset_at is not None and self._reset_at > self._clock():  # asking now would only be refused
            raise RateLimitedError(seconds_until(self._reset_at, self._clock()), _limited(self._reset_at, self))
        try:
            yield
        except prawcore.TooManyRequests as exc:
            headers = exc.response.headers
            wait = headers.get("x-ratelimit-reset") or headers.get("retry-after")
            reset_at = self._clock() + float(wait) if wait is not None and _is_number(wait) else None
            raise RateLimitedError(seconds_until(reset_at, self._clock()), _limited(reset_at, self)) from exc
        except prawcore.NotFound as exc:
            raise _AccountGoneError("no such account on Reddit") from exc
        except (prawcore.ServerError, prawcore.RequestException) as exc:
            raise SourceUnavailableError("reddit", f"Reddit failing or unreachable: {exc}") from exc
        except (prawcore.PrawcoreException, praw.exceptions.PRAWException) as exc:  # refused credentials too
            raise SourceError("reddit", f"Reddit refused the request or its answer is unreadable: {exc}") from exc


class _AccountGoneError(Exception):
    pass


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _limited(reset_at: float | None, source: RedditSource) -> str:
    wait_s = seconds_until(reset_at, source._clock())
    return f"Reddit rate limit reached; {f'it resets in {round(wait_s)} s' if wait_s is not None else 'retry later'}"


def _time(epoch_s: Any) -> datetime:
    return datetime.fromtimestamp(float(epoch_s), UTC)


def _profile(about: dict[str, Any]) -> Profile:
    """Reddit's profile page: its creation, and the profile subreddit's title, description and subscribers."""
    page = vars(about["subreddit"]) if about.get("subreddit") is not None else {}
    icon = str(about.get("icon_img") or "")
    return Profile(
        display_name=page.get("title") or None,
        created_at=_time(about["created_utc"]),
        description=page.get("public_description") or None,
        followers_count=page.get("subscribers"),
        default_profile_image="avatar_default" in icon if icon else None,
        link_karma=about.get("link_karma"),
        comment_karma=about.get("comment_karma"),
    )


def _post(thing: Any) -> Post:
    """A submission (title and body, its link when it links elsewhere) or a comment (a reply), as the CSV gives them."""
    data = vars(thing)  # what the listing said, never a lazy fetch of what it did not
    if isinstance(thing, praw.models.Comment):
        return Post(id=data["name"], created_at=_time(data["created_utc"]), text=data["body"].strip(), is_reply=True)
    if not isinstance(thing, praw.models.Submission):
        raise TypeError(f"expected a submission or a comment, got {type(thing).__name__}")
    parts = (data["title"].strip(), (data.get("selftext") or "").strip())
    return Post(
        id=data["name"],
        created_at=_time(data["created_utc"]),
        text="\n".join(part for part in parts if part),
        is_retweet=data.get("crosspost_parent") is not None,
        urls=[] if data["is_self"] else [urljoin("https://www.reddit.com", data["url"])],  # a crosspost's is relative
    )
