"""What X reads cost this service: the spend of each calendar month (UTC) and of each job, added as it happens.

Every paid read is counted the moment its answer arrives (``ingest.x_cost.XMeter.on_spend``), so a crash loses no
spend and a resumed job starts from what it really spent. The month's total covers jobs and synchronous requests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from service.db.tables import jobs, x_spend_months
from service.db.timeutil import utcnow

__all__ = ["add_job_spend", "add_month_spend", "month_key", "month_spend"]


def month_key(now: datetime | None = None) -> str:
    """The calendar month (UTC) a spend counts in, as ``2026-12``."""
    return (now or utcnow()).strftime("%Y-%m")


def month_spend(engine: Engine, month: str) -> tuple[float, int, int]:
    """Dollars, users read and posts read in ``month`` (zeros for a month without spend)."""
    with engine.connect() as conn:
        row = conn.execute(select(x_spend_months).where(x_spend_months.c.month == month)).first()
    return (row.spend_usd, row.users_read, row.posts_read) if row is not None else (0.0, 0, 0)


def add_month_spend(engine: Engine, month: str, *, users: int, posts: int, usd: float) -> None:
    """Add one read's spend to ``month``'s total (the row is made by the month's first read)."""
    change = {
        "spend_usd": x_spend_months.c.spend_usd + usd,
        "users_read": x_spend_months.c.users_read + users,
        "posts_read": x_spend_months.c.posts_read + posts,
    }
    for _ in range(2):  # another writer may insert the month's row between our update and insert
        with engine.begin() as conn:
            if conn.execute(update(x_spend_months).where(x_spend_months.c.month == month).values(**change)).rowcount:
                return
        try:
            with engine.begin() as conn:
                conn.execute(
                    insert(x_spend_months).values(month=month, spend_usd=usd, users_read=users, posts_read=posts)
                )
            return
        except IntegrityError:
            continue


def add_job_spend(engine: Engine, job_id: str, *, users: int, posts: int, usd: float) -> None:
    """Add one read's spend to the job's."""
    with engine.begin() as conn:
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(
                x_spend_usd=jobs.c.x_spend_usd + usd,
                x_users_read=jobs.c.x_users_read + users,
                x_posts_read=jobs.c.x_posts_read + posts,
                updated_at=utcnow(),
            )
        )
