"""Handles that name their platform: which platform a handle string is on, and the one canonical spelling of it.

The syntaxes (the prefix is case-insensitive):

- X: ``name``, ``@name`` or ``x:name`` (a bare name stays X, as it always was);
- Bluesky: ``bsky:alice.bsky.social`` (or ``bluesky:``), or a bare domain handle ``alice.bsky.social``;
- Mastodon: ``mastodon:@user@instance.social``, ``@user@instance.social`` or ``user@instance.social``;
- Telegram: ``telegram:channel``, ``t.me/channel`` or ``https://t.me/channel``;
- Reddit: ``reddit:u/name``, ``reddit:/u/name`` or ``reddit:name``.

A platform given by a prefix is ``explicit``; one read from the name's shape (a dot is Bluesky, an ``@`` inside is
Mastodon, anything else X) is a guess, and the store's record of an account wins over it (a Reddit name such as
``Some.User_99`` imported from a file stays Reddit). The canonical spelling (``canonical``) drops the prefix whenever
the shape alone gives the same platform (``x:foo`` is ``foo``, ``bsky:a.bsky.social`` is ``a.bsky.social``), so that
the store keys, score history and job items of X accounts are what they always were, and keeps it otherwise
(``telegram:channel``, ``reddit:name``).

An account is known by its platform and its name there: its key (``account_key``) is the canonical spelling
lowercased, so an X ``name`` (``name``) and a Reddit ``name`` (``reddit:name``) are two accounts, each with its own
stored posts, scores and job items (migration 0009 rewrote the keys stored before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PLATFORM_LABELS", "PlatformHandle", "account_key", "canonical_handle", "lookup_keys", "parse_handle"]

PLATFORM_LABELS = {"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon", "telegram": "Telegram", "reddit": "Reddit"}

_PREFIXES = {
    "x": "x",
    "twitter": "x",
    "bsky": "bluesky",
    "bluesky": "bluesky",
    "mastodon": "mastodon",
    "telegram": "telegram",
    "reddit": "reddit",
}
_PREFIX = re.compile(r"^(?P<prefix>[A-Za-z]+):(?P<rest>.*)$", re.DOTALL)
_TELEGRAM_URL = re.compile(r"^(?:https?://)?(?:t|telegram)\.me/(?P<name>[^/?#]*)/?$", re.IGNORECASE)
_REDDIT_USER = re.compile(r"^/?u(?:ser)?/", re.IGNORECASE)


@dataclass(frozen=True)
class PlatformHandle:
    """A handle split into its platform and its name there (``alice.bsky.social``, ``user@instance.social``).

    ``problem`` says why the name cannot be a handle of its platform (``None`` when it can); ``explicit`` is true
    when a prefix or URL named the platform.
    """

    platform: str
    name: str
    explicit: bool = False
    problem: str | None = None

    @property
    def canonical(self) -> str:
        """The spelling the store, the history and job items know this handle by (see the module docstring)."""
        if _guess(self.name) == self.platform:
            return self.name
        return f"{self.platform}:{self.name}"

    @property
    def label(self) -> str:
        """``Bluesky``: the platform as people write it."""
        return PLATFORM_LABELS[self.platform]


def _guess(name: str) -> str:
    if "@" in name:
        return "mastodon"
    if "." in name:
        return "bluesky"
    return "x"


def _split(raw: str) -> tuple[str | None, str]:
    """The platform a prefix or URL names (``None`` when none does) and the rest of ``raw``."""
    telegram = _TELEGRAM_URL.match(raw)
    if telegram is not None:
        return "telegram", telegram["name"]
    prefixed = _PREFIX.match(raw)
    if prefixed is not None and prefixed["prefix"].lower() in _PREFIXES:
        return _PREFIXES[prefixed["prefix"].lower()], prefixed["rest"]
    return None, raw


def _problem(platform: str, name: str) -> str | None:
    if platform == "mastodon" and not re.fullmatch(r"[^@]+@[^@]+\.[^@]+", name):
        return "a Mastodon handle names its instance: user@instance.social"
    if platform == "bluesky" and "." not in name:
        return "a Bluesky handle is a domain name such as alice.bsky.social"
    return None


def parse_handle(raw: str) -> PlatformHandle:
    """Split ``raw`` into platform and name; surrounding whitespace and one leading ``@`` of the name are dropped.

    Never raises: the name's own checks (length, characters) are ``ingest.handles``'s, and what no handle of the
    named platform can be is ``problem``.
    """
    platform, rest = _split(raw.strip())
    rest = rest.strip()
    if platform == "reddit":
        rest = _REDDIT_USER.sub("", rest)
    name = rest.removeprefix("@")
    if platform is None:
        return PlatformHandle(_guess(name), name, explicit=False)
    return PlatformHandle(platform, name, explicit=True, problem=_problem(platform, name))


def canonical_handle(platform: str | None, name: str) -> str:
    """How to write the account ``name`` on ``platform`` so that it names that account (``reddit:name``); a name
    on an unknown platform (``None``: a file that did not say) is written as it is."""
    return name if platform is None else PlatformHandle(platform, name.strip().removeprefix("@")).canonical


def account_key(platform: str | None, name: str) -> str:
    """The key of the account ``name`` on ``platform`` (``None``, unknown: X's, where accounts stored before
    platforms were kept went): its canonical spelling, lowercased, in the store and the score history alike."""
    return canonical_handle(platform or "x", name).lower()


def lookup_keys(raw: str) -> list[str]:
    """The keys a handle may name, most likely first: only its own when a prefix names the platform, else the one
    its shape guesses and then the same name on every other platform (the store's record wins over a guess)."""
    parsed = parse_handle(raw)
    first = parsed.canonical.lower()
    if parsed.explicit:
        return [first]
    others = [account_key(platform, parsed.name) for platform in PLATFORM_LABELS if platform != parsed.platform]
    return [first, *others]
