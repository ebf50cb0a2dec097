"""Telegram public channels through Telethon, signed in as a user (a ``StringSession``): a channel and its posts.

A handle is the channel's username (``telegram:channel``, ``t.me/channel``). The channel comes from ``get_entity``,
its description and subscriber count from ``GetFullChannelRequest``, its posts from ``iter_messages`` (newest
first). A post's links are its URL entities, hidden links and link preview; a forwarded message is a repost (text
``RT @origin: ...``), a reply a reply. Telethon is asyncio: the source runs it on a private event loop in its own
thread, so it works the same from sync code, worker threads and a running event loop.

Status: an unknown username is ``not_found`` (and so is a user or a basic group: only channels are read), a channel
restricted on every platform (taken down) is ``suspended``, a private one ``protected``; ``FloodWaitError`` is
``rate_limited`` with its ``seconds``; Telegram's server errors and network failures are ``unavailable``; a session
that is not signed in is ``error`` for every handle, saying so.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from telethon import TelegramClient, errors, types
from telethon.sessions import StringSession
from telethon.tl.functions.channels import GetFullChannelRequest

from detector.schema import Account, Post, Profile
from ingest.errors import RateLimitedError, SourceError, SourceUnavailableError
from ingest.sources.base import FetchOutcome, LiveSource

__all__ = ["TELEGRAM_API_SOURCE", "TelegramSource"]

TELEGRAM_API_SOURCE = "telegram-api"
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_TAKEN_DOWN = {"all", "ios", "android"}  # a restriction on every app is Telegram's takedown, not a local block
_LINKS = (types.MessageEntityUrl, types.MessageEntityTextUrl)


class TelegramSource(LiveSource):
    """Read public Telegram channels (profile and up to ``max_posts`` recent posts) as a signed-in user.

    ``client_factory`` builds the (unconnected) client inside the source's loop; the default is a
    ``TelegramClient`` on ``session`` that never sleeps out a flood wait itself. ``options`` are ``LiveSource``'s."""

    platform = "telegram"
    store_source = TELEGRAM_API_SOURCE
    max_depth = 3200  # as many as the other sources may be asked for (PARROTWATCH_LIVE_MAX_POSTS)

    def __init__(
        self,
        api_id: int,
        api_hash: str,
        session: str,
        *,
        client_factory: Callable[[], Any] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self._factory = client_factory or (
            lambda: TelegramClient(
                StringSession(session), api_id, api_hash, timeout=int(self.timeout_s), flood_sleep_threshold=0
            )
        )
        self._client: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def handle_problem(self, name: str) -> str | None:
        if not _USERNAME.fullmatch(name):
            return "a Telegram channel name is 4 to 32 letters, digits or _, starting with a letter"
        return None

    def _fetch_one(self, handle: str) -> FetchOutcome:
        try:
            entity = self._call(lambda client: client.get_entity(handle))
            if not isinstance(entity, types.Channel):
                return FetchOutcome(handle, "not_found", None, detail=f"{handle} is not a Telegram channel")
            reasons = {r.platform for r in entity.restriction_reason or []} if entity.restricted else set()
            if reasons & _TAKEN_DOWN:
                return FetchOutcome(handle, "suspended", None, detail=f"{handle} is taken down by Telegram")
            full = self._call(lambda client: client(GetFullChannelRequest(entity)))
            account = Account(
                handle=entity.username or handle,
                platform=self.platform,
                user_id=str(entity.id),
                profile=_profile(entity, full.full_chat),
            )
            try:
                messages = self._call(lambda client: _collect(client.iter_messages(entity, limit=self.max_posts)))
            except _AccountGoneError as exc:
                if exc.status != "protected":
                    raise
                return FetchOutcome(handle, "protected", account, detail=f"{handle}: {exc}")
            posts = [_post(m, entity.id) for m in messages if isinstance(m, types.Message)]
        except _AccountGoneError as exc:
            return FetchOutcome(handle, exc.status, None, detail=f"{handle}: {exc}")
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            return FetchOutcome(handle, "error", None, detail=f"unreadable answer from Telegram: {exc!r}")
        return FetchOutcome(handle, "found", account.model_copy(update={"posts": posts}))

    def _call(self, call: Callable[[Any], Awaitable[Any]]) -> Any:
        async def once() -> Any:
            with _translated():
                return await call(await self._connected())

        return self.policy.run(lambda: self._run(once))

    async def _connected(self) -> Any:
        if self._client is None:
            client = self._factory()
            await client.connect()
            if not await client.is_user_authorized():
                raise SourceError("telegram", "the Telegram session is not signed in: set a valid telegram_session")
            self._client = client
        return self._client

    def _run(self, coroutine: Callable[[], Awaitable[Any]]) -> Any:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="telegram-source", daemon=True).start()
        future = asyncio.run_coroutine_threadsafe(coroutine(), self._loop)  # type: ignore[arg-type]
        try:
            return future.result(timeout=self.timeout_s * (2 + self.max_posts / 100))
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise SourceUnavailableError("telegram", "Telegram did not answer in time") from exc


class _AccountGoneError(Exception):
    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status


async def _collect(messages: Any) -> list[Any]:
    return [message async for message in messages]


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except errors.FloodWaitError as exc:
        raise RateLimitedError(float(exc.seconds), f"Telegram flood wait; it ends in {exc.seconds} s") from exc
    except (errors.UsernameNotOccupiedError, errors.UsernameInvalidError, errors.ChannelInvalidError) as exc:
        raise _AccountGoneError("not_found", "no such channel on Telegram") from exc
    except ValueError as exc:  # get_entity's "No user has ... as username" / "Cannot find any entity"
        raise _AccountGoneError("not_found", f"no such channel on Telegram ({exc})") from exc
    except errors.ChannelPrivateError as exc:
        raise _AccountGoneError("protected", "private channel: its posts are not public") from exc
    except (errors.ServerError, errors.RpcCallFailError, OSError) as exc:  # OSError: connection failures, timeouts
        raise SourceUnavailableError("telegram", f"Telegram unreachable or failing: {type(exc).__name__}") from exc
    except errors.UnauthorizedError as exc:
        raise SourceError("telegram", f"Telegram refused the session: {exc}") from exc
    except errors.RPCError as exc:
        raise SourceError("telegram", f"Telegram refused the request: {exc}") from exc


def _profile(channel: types.Channel, full: Any) -> Profile:
    return Profile(
        display_name=channel.title or None,
        created_at=channel.date,
        description=getattr(full, "about", None) or None,
        followers_count=getattr(full, "participants_count", None),
        verified=channel.verified,
        default_profile_image=isinstance(channel.photo, types.ChatPhotoEmpty),
    )


def _post(message: types.Message, channel_id: int) -> Post:
    """One channel post; a forwarded one is a repost of its origin (``RT @origin: ...``)."""
    text = message.message or ""
    urls: list[str] = []
    hashtags: list[str] = []
    for entity, inner in message.get_entities_text():
        if isinstance(entity, _LINKS):
            urls.append(entity.url if isinstance(entity, types.MessageEntityTextUrl) else inner)
        elif isinstance(entity, types.MessageEntityHashtag):
            hashtags.append(inner.removeprefix("#"))
    page = getattr(message.media, "webpage", None)
    if isinstance(page, types.WebPage) and page.url not in urls:
        urls.append(page.url)
    if message.fwd_from is not None:
        text = f"RT @{_origin(message)}: {text}"
    return Post(
        id=f"telegram:{channel_id}:{message.id}",
        created_at=message.date,
        text=text,
        is_retweet=message.fwd_from is not None,
        is_reply=message.reply_to is not None,
        hashtags=hashtags,
        urls=urls,
        views=message.views,
        forwards=message.forwards,
    )


def _origin(message: types.Message) -> str:
    """Who a forwarded message came from: the origin channel's username when Telethon knows it, else its name."""
    chat = getattr(getattr(message, "forward", None), "chat", None)
    header = message.fwd_from
    peer = header.from_id
    fallback = f"channel{peer.channel_id}" if isinstance(peer, types.PeerChannel) else "unknown"
    return getattr(chat, "username", None) or header.from_name or header.post_author or fallback
