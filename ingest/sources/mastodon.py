"""Mastodon through ``Mastodon.py``, on any instance, without a token: public accounts' profiles and statuses.

A handle is ``user@instance.social``; the account is looked up on its own instance (``account_lookup``) and its
statuses read from there (``account_statuses``, 40 a page). ``content`` is HTML: it becomes text, each link its full
URL (kept in ``urls`` too, mentions and hashtags excepted), each paragraph and line break a new line. A boost
(``reblog``) is a repost (``is_retweet``, text ``RT @author: ...``), a status quoting another a quote, a reply a reply.

Status: 404 is ``not_found``, 410 (deleted) and an account marked ``suspended`` are ``suspended``, a locked account
is ``protected`` (profile only); a 429 is ``rate_limited`` with the instance's own ``X-RateLimit-Reset``; 5xx and
network failures are retried, then ``unavailable``; an answer that cannot be read is ``error``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

from mastodon import Mastodon
from mastodon import errors as mdn

from detector.schema import Account, Post, Profile
from ingest.errors import RateLimitedError, SourceError, SourceUnavailableError
from ingest.sources.base import FetchOutcome, LiveSource, seconds_until

__all__ = ["MASTODON_API_SOURCE", "MastodonSource", "html_to_text"]

logger = logging.getLogger(__name__)

MASTODON_API_SOURCE = "mastodon-api"
_PAGE = 40  # account_statuses serves at most 40 statuses a call
_MAX_PAGES = 80


class _TextParser(HTMLParser):
    """Mastodon's status HTML as text: links as their full URL, ``<br>`` and paragraphs as new lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.urls: list[str] = []
        self._link: list[str] | None = None
        self._href: str | None = None
        self._plain_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            classes = (values.get("class") or "").split()
            self._link, self._href = [], values.get("href")
            self._plain_link = not ({"mention", "hashtag", "u-url"} & set(classes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            shown = "".join(self._link)
            if self._plain_link and self._href:
                self.urls.append(self._href)
                shown = self._href  # the shown text is cut short ("example.com/long…"); the link is what it says
            self.parts.append(shown)
            self._link = None

    def handle_data(self, data: str) -> None:
        (self._link if self._link is not None else self.parts).append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """The text of a status's HTML ``content`` and the URLs of its links (mentions and hashtags are not links)."""
    parser = _TextParser()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts).strip(), parser.urls


class MastodonSource(LiveSource):
    """Read public Mastodon accounts (profile and up to ``max_posts`` recent statuses) from their own instance.

    ``options`` are ``LiveSource``'s (``max_posts``, ``timeout_s``, ``policy``, ``clock``)."""

    platform = "mastodon"
    store_source = MASTODON_API_SOURCE
    max_depth = _PAGE * _MAX_PAGES

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._apis: dict[str, Mastodon] = {}

    def handle_problem(self, name: str) -> str | None:
        user, _, instance = name.partition("@")
        if not user or "." not in instance:
            return "a Mastodon handle names its instance: user@instance.social"
        return None

    def _api(self, instance: str) -> Mastodon:
        if instance not in self._apis:
            self._apis[instance] = Mastodon(
                api_base_url=f"https://{instance}",
                ratelimit_method="throw",
                request_timeout=self.timeout_s,
                version_check_mode="none",
            )
        return self._apis[instance]

    def _fetch_one(self, handle: str) -> FetchOutcome:
        user, _, instance = handle.removeprefix("@").partition("@")
        api = self._api(instance.lower())
        try:
            found = self._call(api, lambda: api.account_lookup(user))
            if found.get("suspended"):
                return FetchOutcome(handle, "suspended", None, detail=f"@{handle} is suspended by {instance}")
            account = Account(
                handle=f"{found['username']}@{instance.lower()}",
                platform=self.platform,
                user_id=str(found["id"]),
                profile=_profile(found),
            )
            if found.get("locked"):
                return FetchOutcome(handle, "protected", account, detail="locked account: its posts are not public")
            posts = self._posts(api, found["id"])
        except _AccountGoneError as exc:
            return FetchOutcome(handle, exc.status, None, detail=f"@{handle}: {exc}")
        except (KeyError, TypeError, ValueError) as exc:
            return FetchOutcome(handle, "error", None, detail=f"unreadable answer from {instance}: {exc!r}")
        return FetchOutcome(handle, "found", account.model_copy(update={"posts": posts}))

    def _posts(self, api: Mastodon, account_id: Any) -> list[Post]:
        posts: dict[str, Post] = {}
        max_id = None
        for _ in range(_MAX_PAGES):
            limit = min(_PAGE, self.max_posts - len(posts))
            page = self._call(api, lambda m=max_id, n=limit: api.account_statuses(account_id, limit=n, max_id=m))
            for status in page:
                post = _post(status, api.api_base_url.removeprefix("https://"))
                posts.setdefault(post.id, post)
            if not page or len(posts) >= self.max_posts:
                break
            max_id = page[-1]["id"]
        return list(posts.values())[: self.max_posts]

    def _call(self, api: Mastodon, call: Callable[[], Any]) -> Any:
        def once() -> Any:
            with self._translated(api):
                return call()

        return self.policy.run(once)

    @contextmanager
    def _translated(self, api: Mastodon) -> Iterator[None]:
        instance = api.api_base_url.removeprefix("https://")
        try:
            yield
        except mdn.MastodonRatelimitError as exc:
            wait_s = seconds_until(api.ratelimit_reset, self._clock())
            when = f"it resets in {round(wait_s)} s" if wait_s is not None else "retry later"
            raise RateLimitedError(wait_s, f"{instance} rate limit reached; {when}") from exc
        except mdn.MastodonNotFoundError as exc:
            raise _AccountGoneError("not_found", f"no such account on {instance}") from exc
        except mdn.MastodonServerError as exc:
            raise SourceUnavailableError("mastodon", f"{instance} failed: {_status_of(exc)}") from exc
        except mdn.MastodonNetworkError as exc:
            raise SourceUnavailableError("mastodon", f"{instance} unreachable: {type(exc).__name__}") from exc
        except mdn.MastodonAPIError as exc:
            if _status_of(exc) == 410:
                raise _AccountGoneError("suspended", f"deleted from {instance} (410 Gone)") from exc
            raise SourceError("mastodon", f"{instance} refused the request: {_status_of(exc)}") from exc
        except mdn.MastodonError as exc:
            raise SourceError("mastodon", f"unreadable answer from {instance}: {exc}") from exc


class _AccountGoneError(Exception):
    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def _status_of(exc: Exception) -> int | str:
    return next((arg for arg in exc.args if isinstance(arg, int)), str(exc))


def _profile(account: Any) -> Profile:
    note, _ = html_to_text(account.get("note") or "")
    return Profile(
        display_name=account.get("display_name") or None,
        created_at=account.get("created_at"),
        description=note or None,
        followers_count=account.get("followers_count"),
        following_count=account.get("following_count"),
        statuses_count=account.get("statuses_count"),
        verified=None,
        default_profile_image=str(account.get("avatar") or "").endswith("missing.png"),
    )


def _post(status: Any, instance: str) -> Post:
    """One status as a ``Post``; a boost is a repost of the boosted status, with the booster's id and time."""
    boosted = status.get("reblog")
    shown = boosted or status
    text, urls = html_to_text(shown.get("content") or "")
    if boosted:
        text = f"RT @{boosted['account']['acct']}: {text}"
    card = shown.get("card") or {}
    if card.get("url") and card["url"] not in urls:
        urls.append(card["url"])
    application = status.get("application") or {}
    return Post(
        id=f"mastodon:{instance}:{status['id']}",
        created_at=status["created_at"],
        text=text,
        lang=shown.get("language"),
        is_retweet=boosted is not None,
        is_reply=status.get("in_reply_to_id") is not None,
        is_quote=shown.get("quote") is not None,
        hashtags=[tag["name"] for tag in shown.get("tags") or []],
        urls=urls,
        client=application.get("name"),
    )
