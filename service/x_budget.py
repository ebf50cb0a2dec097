"""The service's X meters: one for the calendar month (every paid read, jobs and requests), one per job under it.

Spend is written to the database as each answer arrives (``service.db.x_spend``) and counted in ``/metrics``
(``parrotwatch_x_spend_usd_total``). The month's meter is built from the stored total the first time a month is
seen, so caps hold across restarts; a new month starts at zero.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from ingest.x_cost import XMeter, XPrices
from service.db.jobs import JobStatus
from service.db.x_spend import add_job_spend, add_month_spend, month_key, month_spend
from service.metrics import Metrics

__all__ = ["XSpendLedger"]


@dataclass
class XSpendLedger:
    """Hands out meters: ``month()`` for a request, ``job(status, default_cap_usd)`` for a job's batches."""

    engine: Engine
    prices: XPrices
    monthly_cap_usd: float | None
    metrics: Metrics | None = None
    month_of: Callable[[], str] = month_key
    _month: tuple[str, XMeter] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def month(self) -> XMeter:
        """The current month's meter (the same object until the month changes)."""
        key = self.month_of()
        with self._lock:
            if self._month is None or self._month[0] != key:
                spent, users, posts = month_spend(self.engine, key)

                def persist(users: int, posts: int, usd: float) -> None:
                    add_month_spend(self.engine, key, users=users, posts=posts, usd=usd)
                    if self.metrics is not None:
                        self.metrics.record_x_spend(users=users, posts=posts, usd=usd)

                meter = XMeter(
                    self.prices,
                    scope="monthly",
                    cap_usd=self.monthly_cap_usd,
                    spent_usd=spent,
                    users=users,
                    posts=posts,
                    on_spend=persist,
                    shared_spend=lambda: month_spend(self.engine, key)[0],
                )
                self._month = (key, meter)
            return self._month[1]

    def job(self, status: JobStatus, default_cap_usd: float | None) -> XMeter:
        """A meter for ``status``'s job, starting from what it spent, capped by its budget (else the default)."""

        def persist(users: int, posts: int, usd: float) -> None:
            add_job_spend(self.engine, status.id, users=users, posts=posts, usd=usd)

        return XMeter(
            self.prices,
            scope="job",
            cap_usd=status.x_budget_usd if status.x_budget_usd is not None else default_cap_usd,
            spent_usd=status.x_spend_usd,
            users=status.x_users_read,
            posts=status.x_posts_read,
            parent=self.month(),
            on_spend=persist,
        )
