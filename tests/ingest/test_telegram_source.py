"""The Telegram source against a fake client at Telethon's public API (``connect``, ``is_user_authorized``,
``get_entity``, a request call, ``iter_messages``), answering with Telethon's own types and errors: Telethon speaks
MTProto, not HTTP, so there is nothing to record. No connection leaves the test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telethon import errors, types
from telethon.tl.functions.channels import GetFullChannelRequest
from telethon.tl.types import messages as tl_messages

from ingest.sources.base import CallPolicy
from ingest.sources.telegram import TelegramSource

T0 = datetime(2024, 11, 2, 9, 0, tzinfo=UTC)


def channel(username: str, channel_id: int, **flags: object) -> types.Channel:
    return types.Channel(
        id=channel_id,
        title="Daily Truth",
        photo=types.ChatPhotoEmpty(),
        date=T0,
        broadcast=True,
        username=username,
        access_hash=77,
        **flags,
    )


def full_info(channel_id: int) -> tl_messages.ChatFull:
    full = types.ChannelFull(
        id=channel_id,
        about="News they hide from you.",
        read_inbox_max_id=0,
        read_outbox_max_id=0,
        unread_count=0,
        chat_photo=types.PhotoEmpty(id=0),
        notify_settings=types.PeerNotifySettings(),
        bot_info=[],
        pts=1,
        participants_count=48_210,
    )
    return tl_messages.ChatFull(full_chat=full, chats=[], users=[])


def message(msg_id: int, text: str, **fields: object) -> types.Message:
    return types.Message(
        id=msg_id, peer_id=types.PeerChannel(1001), date=T0.replace(minute=msg_id), message=text, post=True, **fields
    )


class FakeClient:
    """Telethon's ``TelegramClient`` as the source uses it; ``answers`` maps a username to what asking gives."""

    def __init__(self, entities: dict[str, object], messages: dict[int, object], *, authorized: bool = True):
        self.entities, self.messages, self.authorized = entities, messages, authorized
        self.asked: list[tuple[str, object]] = []

    async def connect(self) -> None:
        self.asked.append(("connect", None))

    async def is_user_authorized(self) -> bool:
        return self.authorized

    async def get_entity(self, name: str) -> object:
        self.asked.append(("get_entity", name))
        answer = self.entities[name]
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def __call__(self, request: object) -> object:
        assert isinstance(request, GetFullChannelRequest)
        return full_info(request.channel.id)

    def iter_messages(self, entity: types.Channel, limit: int):
        self.asked.append(("iter_messages", limit))
        answer = self.messages[entity.id]

        async def each():
            if isinstance(answer, Exception):
                raise answer
            for item in answer[:limit]:
                yield item

        return each()


def source_with(client: FakeClient, **options: object) -> TelegramSource:
    return TelegramSource(
        1, "hash", "session", client_factory=lambda: client, policy=CallPolicy(sleep=lambda s: None), **options
    )


def test_a_channel_is_read_with_links_tags_forwards_and_replies() -> None:
    posts = [
        message(
            3,
            "Polls are rigged, read https://example.org/r #referendum",
            entities=[types.MessageEntityUrl(offset=23, length=21), types.MessageEntityHashtag(offset=45, length=11)],
            views=15_000,
            forwards=320,
        ),
        message(
            2,
            "Share before it is deleted",
            fwd_from=types.MessageFwdHeader(date=T0, from_id=types.PeerChannel(555), from_name=None),
            views=9_000,
        ),
        message(
            1,
            "see here",
            entities=[types.MessageEntityTextUrl(offset=4, length=4, url="https://example.net/x")],
            reply_to=types.MessageReplyHeader(reply_to_msg_id=1),
        ),
        types.MessageService(
            id=0, peer_id=types.PeerChannel(1001), date=T0, action=types.MessageActionChannelCreate(title="Daily Truth")
        ),
    ]
    client = FakeClient({"dailytruth": channel("dailytruth", 1001)}, {1001: posts})

    [outcome] = source_with(client, max_posts=50).fetch(["dailytruth"])

    assert outcome.status == "found"
    account = outcome.account
    assert (account.handle, account.platform, account.user_id) == ("dailytruth", "telegram", "1001")
    profile = account.profile
    assert (profile.display_name, profile.followers_count, profile.created_at) == ("Daily Truth", 48_210, T0)
    assert profile.description == "News they hide from you." and profile.default_profile_image is True
    original, forward, reply = account.posts
    assert original.id == "telegram:1001:3" and original.urls == ["https://example.org/r"]
    assert original.hashtags == ["referendum"] and not original.is_retweet
    assert (original.views, original.forwards, forward.views, forward.forwards) == (15_000, 320, 9_000, None)
    assert forward.is_retweet and forward.text == "RT @channel555: Share before it is deleted"
    assert reply.is_reply and reply.urls == ["https://example.net/x"]
    assert ("iter_messages", 50) in client.asked


@pytest.mark.parametrize(
    ("answer", "status", "says"),
    [
        (errors.UsernameNotOccupiedError(request=None), "not_found", "no such channel"),
        (ValueError('No user has "gone_channel" as username'), "not_found", "no such channel"),
        (types.User(id=5, username="gone_channel"), "not_found", "not a Telegram channel"),
        (
            channel(
                "gone_channel",
                9,
                restricted=True,
                restriction_reason=[
                    types.RestrictionReason(
                        platform="all", reason="terms", text="This channel violated Telegram's Terms"
                    )
                ],
            ),
            "suspended",
            "taken down",
        ),
        (errors.ChannelPrivateError(request=None), "protected", "private channel"),
    ],
)
def test_unknown_taken_down_and_private_channels_are_outcomes(answer, status, says) -> None:
    [outcome] = source_with(FakeClient({"gone_channel": answer}, {})).fetch(["gone_channel"])

    assert outcome.status == status and says in outcome.detail and outcome.account is None


def test_a_channel_whose_posts_are_private_keeps_its_profile() -> None:
    client = FakeClient({"closedroom": channel("closedroom", 7)}, {7: errors.ChannelPrivateError(request=None)})

    [outcome] = source_with(client).fetch(["closedroom"])

    assert outcome.status == "protected" and outcome.account.profile.followers_count == 48_210


def test_a_flood_wait_reports_its_seconds_and_asks_nothing_more() -> None:
    client = FakeClient({"dailytruth": errors.FloodWaitError(request=None, capture=420)}, {})

    outcomes = source_with(client).fetch(["dailytruth", "othernews"])

    assert [(o.status, o.retry_after_s) for o in outcomes] == [("rate_limited", 420.0)] * 2
    assert [a for a in client.asked if a[0] == "get_entity"] == [("get_entity", "dailytruth")]


def test_a_short_flood_wait_is_waited_out_once_when_allowed() -> None:
    waits: list[float] = []
    answers = iter([errors.FloodWaitError(request=None, capture=5), channel("dailytruth", 1001)])

    class Flooding(FakeClient):
        async def get_entity(self, name: str) -> object:
            answer = next(answers)
            if isinstance(answer, Exception):
                raise answer
            return answer

    source = TelegramSource(
        1,
        "h",
        "s",
        client_factory=lambda: Flooding({}, {1001: []}),
        policy=CallPolicy(max_wait_s=10, sleep=waits.append),
    )

    [outcome] = source.fetch(["dailytruth"])

    assert outcome.status == "found" and waits == [5.0]


def test_a_malformed_post_is_an_error_and_an_unsigned_session_says_so() -> None:
    broken = message(1, "x", entities=[types.MessageEntityTextUrl(offset=0, length=1, url=None)])  # type: ignore[arg-type]
    [malformed] = source_with(FakeClient({"dailytruth": channel("dailytruth", 1001)}, {1001: [broken]})).fetch(
        ["dailytruth"]
    )
    [unsigned] = source_with(FakeClient({}, {}, authorized=False)).fetch(["dailytruth"])

    assert malformed.status == "error" and "unreadable answer from Telegram" in malformed.detail
    assert unsigned.status == "error" and "not signed in" in unsigned.detail


def test_a_name_no_channel_can_have_is_never_asked() -> None:
    source = source_with(FakeClient({}, {}))
    assert source.handle_problem("dailytruth") is None
    assert "4 to 32" in source.handle_problem("no")
