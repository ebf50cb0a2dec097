"""What X reads cost: prices, the reads a fetch would make, and a meter that accounts and caps actual spend.

The X API is pay per use: each user object and each post returned is charged (at the time of writing $0.01 per user
and $0.005 per post). ``XMeter`` is asked before every paid call (``check``, with the most that call can return) and
told after it what the answer held (``record``, counted from the response). A meter may have a ``parent`` (a job's
meter under the month's), so one read is checked against, and counted in, every cap up the chain. ``check`` raises
``BudgetExceededError`` rather than let a read take any cap's spend past it: the caller pauses, nothing fails.

``plan_reads`` is the dry run's arithmetic, an upper bound from what the store already holds: a handle it lacks
costs a user lookup and up to ``max_posts`` posts; a stored X account past its freshness costs only the posts newer
than its newest (since_id, up to ``max_posts``); a stored account read partly (a paused job) costs the rest of its
``max_posts``; a fresh one costs nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ingest.errors import BudgetExceededError

__all__ = ["FetchKind", "ReadPlan", "XMeter", "XPrices", "plan_reads"]

FetchKind = Literal["cached", "new", "newer", "rest", "not_fetched"]
_EPSILON_USD = 1e-9  # float sums of prices must not pause a read that exactly meets the cap


@dataclass(frozen=True)
class XPrices:
    """X's prices per resource read, in US dollars."""

    per_post_usd: float = 0.005
    per_user_usd: float = 0.01

    def cost(self, *, users: int = 0, posts: int = 0) -> float:
        return users * self.per_user_usd + posts * self.per_post_usd


@dataclass(frozen=True)
class ReadPlan:
    """What fetching one handle would read at most: ``kind`` says why (see the module docstring)."""

    handle: str
    kind: FetchKind
    users: int = 0
    posts: int = 0


def plan_reads(handle: str, kind: FetchKind, *, max_posts: int, n_stored_posts: int = 0) -> ReadPlan:
    """The most a fetch of ``kind`` reads for ``handle`` (``n_stored_posts``: what a partial account already has)."""
    if kind == "new":
        return ReadPlan(handle, kind, users=1, posts=max_posts)
    if kind == "newer":
        return ReadPlan(handle, kind, posts=max_posts)
    if kind == "rest":
        return ReadPlan(handle, kind, posts=max(0, max_posts - n_stored_posts))
    return ReadPlan(handle, kind)


@dataclass
class XMeter:
    """Spend of one scope (a job, a request, the month) against an optional cap; thread-safe.

    ``spent_usd``, ``users`` and ``posts`` start from what the scope had already spent (a resumed job, the month so
    far). ``on_spend`` is told each recorded read (users, posts, dollars): the service stores and counts it there.
    ``shared_spend``, when given, reads what the scope has spent by every process's account (the month's stored
    total): ``check`` reads it first, so a CLI run beside the server does not spend the same monthly cap a second
    time. Two processes checking at the same moment can still each pass by one read's cost.
    """

    prices: XPrices
    scope: str = "job"
    cap_usd: float | None = None
    spent_usd: float = 0.0
    users: int = 0
    posts: int = 0
    parent: XMeter | None = None
    on_spend: Callable[[int, int, float], None] | None = None
    shared_spend: Callable[[], float] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def _chain(self) -> list[XMeter]:
        chain, meter = [], self
        while meter is not None:
            chain.append(meter)
            meter = meter.parent
        return chain

    def check(self, *, users: int = 0, posts: int = 0) -> None:
        """Raise ``BudgetExceededError`` when reading this many resources could take any cap up the chain past it."""
        needed = self.prices.cost(users=users, posts=posts)
        for meter in self._chain():
            shared = meter.shared_spend() if meter.shared_spend is not None and meter.cap_usd is not None else None
            with meter._lock:
                if shared is not None and shared > meter.spent_usd:  # other processes' reads since ours
                    meter.spent_usd = shared
                if meter.cap_usd is not None and meter.spent_usd + needed > meter.cap_usd + _EPSILON_USD:
                    raise BudgetExceededError(meter.scope, meter.cap_usd, meter.spent_usd, needed)

    def record(self, *, users: int = 0, posts: int = 0) -> float:
        """Count what a response held in every meter up the chain; return its cost in dollars."""
        cost = self.prices.cost(users=users, posts=posts)
        if not cost:
            return 0.0
        for meter in self._chain():
            with meter._lock:
                meter.spent_usd += cost
                meter.users += users
                meter.posts += posts
            if meter.on_spend is not None:
                meter.on_spend(users, posts, cost)
        return cost
