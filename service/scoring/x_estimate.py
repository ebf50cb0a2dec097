"""The dry run: what scoring handles would read from X and cost, from the store's cache alone; nothing is fetched.

One function for both doors (``parrotwatch score --dry-run`` and ``POST /v1/jobs?dry_run=true``). The figures are
upper bounds (``ingest.x_cost.plan_reads``): X may hold fewer posts than ``x_max_posts``. With a token, X's own
usage count and monthly post cap (``GET /2/usage/tweets``) come along where the account has access to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ingest.resolve import AccountResolver
from ingest.x_cost import ReadPlan, XPrices
from ingest.x_usage import XUsage

__all__ = ["XReadEstimate", "estimate_reads"]


@dataclass(frozen=True)
class XReadEstimate:
    """Users and posts a request would read from X at most, their cost, and the plan of each distinct handle."""

    users: int
    posts: int
    cost_usd: float
    handles: list[ReadPlan]
    usage: XUsage | None = None

    def as_dict(self, prices: XPrices) -> dict[str, object]:
        return {
            "users": self.users,
            "posts": self.posts,
            "cost_usd": round(self.cost_usd, 6),
            "price_per_user_usd": prices.per_user_usd,
            "price_per_post_usd": prices.per_post_usd,
            "handles": [
                {
                    "handle": p.handle,
                    "read": p.kind,
                    "users": p.users,
                    "posts": p.posts,
                    "cost_usd": round(prices.cost(users=p.users, posts=p.posts), 6),
                }
                for p in self.handles
            ],
            "x_usage": asdict(self.usage) if self.usage is not None else None,
        }


def estimate_reads(
    resolver: AccountResolver, handles: Sequence[str], prices: XPrices, *, refresh: bool = False
) -> XReadEstimate:
    """The estimate for ``handles`` (duplicates, case-insensitive, counted once, as a job counts them)."""
    distinct: dict[str, str] = {}
    for handle in handles:
        distinct.setdefault(handle.removeprefix("@").lower(), handle.removeprefix("@"))
    plans = resolver.plan(list(distinct.values()), refresh=refresh)
    users, posts = sum(p.users for p in plans), sum(p.posts for p in plans)
    usage = resolver.x_source.usage() if resolver.x_source is not None else None
    return XReadEstimate(users, posts, prices.cost(users=users, posts=posts), plans, usage)
