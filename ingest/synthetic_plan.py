"""What a synthetic account is before it becomes an ``Account``: its plan, its drafted posts, and the clock.

Internal to ``ingest.synthetic``. Times are whole seconds after ``SPAN_START``, so that every draw is an integer and
the corpus stays byte-identical for a seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = [
    "DAY_S",
    "ROLES",
    "SPAN_END",
    "SPAN_S",
    "SPAN_START",
    "Draft",
    "Handles",
    "Network",
    "Plan",
    "clamp_s",
    "created_between",
    "habit_time",
    "local_hours",
    "post_count",
]

ROLES = ("amplifier", "ordinary", "news_bot", "journalist", "researcher", "critic", "state")
SPAN_START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_END = datetime(2023, 6, 30, 23, 59, 59, tzinfo=UTC)
SPAN_S = int((SPAN_END - SPAN_START).total_seconds())
DAY_S = 86_400


@dataclass
class Draft:
    """A post before it gets its id; ``at`` is seconds after ``SPAN_START``."""

    at: int
    text: str
    lang: str
    client: str
    hashtags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    is_retweet: bool = False
    is_reply: bool = False
    is_quote: bool = False
    is_talking_point: bool = False  # a burst post; internal, amplifier retweets draw on these


@dataclass
class Plan:
    """Everything about one account before it becomes an ``Account``; ``created`` is seconds after ``SPAN_START``."""

    handle: str
    role: str
    network: str | None
    display_name: str
    description: str
    location: str | None
    created: int
    followers: int
    following: int
    verified: bool
    default_image: bool
    client: str
    n_posts: int
    n_retweets: int = 0
    extra_statuses: int = 0
    active_from: int = 0  # no post (retweets included) before this
    tp_quota: int = 0  # amplifiers: how many burst posts the account should take part in
    is_sleeper: bool = False  # amplifiers: an older, quieter member that mostly posts everyday things
    retweet_mix: tuple[tuple[str, float], ...] = ()  # (role, weight) to retweet from; empty: the role's default
    drafts: list[Draft] = field(default_factory=list)


@dataclass
class Network:
    """One coordinated amplifier network: the members and the look they share."""

    name: str
    lang_mode: str  # en | zh | mixed
    handle_style: str  # digits | plain
    focus: tuple[str, ...]
    openers_en: tuple[str, ...]
    closers_en: tuple[str, ...]
    openers_zh: tuple[str, ...]
    closers_zh: tuple[str, ...]
    clients: tuple[str, ...]
    start: int
    hours: tuple[int, ...]
    p_default_image: float
    everyday_topics: tuple[str, ...]
    themes: tuple[str, ...]  # filler themes
    tags_en: tuple[str, ...]
    tags_zh: tuple[str, ...]
    domains: tuple[str, ...]
    members: list[Plan] = field(default_factory=list)


def clamp_s(at: float) -> int:
    """Clamp a time to the span."""
    return min(max(int(at), 0), SPAN_S)


class Handles:
    """Hands out unique, valid X handles (1-15 of [A-Za-z0-9_], unique ignoring case)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()  # only probed, never iterated, so its order cannot leak into the output
        self.claimed: list[str] = []

    def claim(self, rng: random.Random, wanted: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "", wanted)
        while len(base) > 15 and re.search(r"[a-z][A-Z_][A-Za-z]*$", base):
            base = re.sub(r"[A-Z_][a-z]*$", "", base)  # "LiMacDonaldReports" -> "LiMacDonald", not "...Repor"
        base = base[:15] or "user"
        candidate = base
        while candidate.lower() in self._taken:
            digits = str(rng.randrange(10, 10_000))
            candidate = base[: 15 - len(digits) - 1] + "_" + digits
        self._taken.add(candidate.lower())
        self.claimed.append(candidate)
        return candidate


def created_between(rng: random.Random, lo_year: int, hi_year: int) -> int:
    """Seconds offset (negative: before the span) of a creation date between two years, uniformly."""
    lo = int((datetime(lo_year, 1, 1, tzinfo=UTC) - SPAN_START).total_seconds())
    hi = int((datetime(hi_year, 12, 31, tzinfo=UTC) - SPAN_START).total_seconds())
    return rng.randint(lo, min(hi, -DAY_S))


def habit_time(rng: random.Random, lo: int, hi: int, hours: tuple[int, ...]) -> int:
    """A time in [lo, hi] on a random day, at one of the account's usual UTC hours."""
    lo, hi = clamp_s(lo), clamp_s(hi)
    if hi <= lo:
        return lo
    day = rng.randint(lo // DAY_S, hi // DAY_S)
    at = day * DAY_S + rng.choice(hours) * 3600 + rng.randrange(3600)
    return at if lo <= at <= hi else rng.randint(lo, hi)


def local_hours(rng: random.Random, utc_offset: int, first: int, last: int) -> tuple[int, ...]:
    """UTC hours matching local waking hours ``first``..``last``, weighted by repetition toward evenings."""
    hours = list(range(first, last + 1)) + list(range(max(first, 17), last + 1))
    return tuple((h - utc_offset) % 24 for h in hours)


def post_count(rng: random.Random, median: float, sigma: float, lo: int = 3, hi: int = 200) -> int:
    """A log-normal post count around ``median``, kept in [lo, hi]."""
    return max(lo, min(hi, round(rng.lognormvariate(0.0, sigma) * median)))
