"""X read costing: prices, the dry run's upper bounds, and meters that refuse a read past any cap up the chain."""

from __future__ import annotations

import pytest

from ingest.errors import BudgetExceededError
from ingest.x_cost import XMeter, XPrices, plan_reads


def test_scoring_one_account_from_200_posts_costs_about_a_dollar():
    assert XPrices().cost(users=1, posts=200) == pytest.approx(1.01)


@pytest.mark.parametrize(
    ("kind", "n_stored", "expected"),
    [("new", 0, (1, 200)), ("newer", 150, (0, 200)), ("rest", 120, (0, 80)), ("cached", 200, (0, 0))],
    ids=["uncached", "stale-since-id", "partial-rest", "fresh"],
)
def test_plan_reads_is_an_upper_bound_from_what_the_store_holds(kind, n_stored, expected):
    plan = plan_reads("h", kind, max_posts=200, n_stored_posts=n_stored)
    assert (plan.users, plan.posts) == expected


def test_meter_refuses_a_read_that_would_pass_its_cap_and_counts_what_it_recorded():
    meter = XMeter(XPrices(), cap_usd=1.0)
    meter.check(users=3)
    meter.record(users=3)
    meter.check(posts=100)
    meter.record(posts=100)
    with pytest.raises(BudgetExceededError, match=r"job budget of \$1.00") as refused:
        meter.check(posts=100)
    assert refused.value.spent_usd == pytest.approx(0.53) and refused.value.needed_usd == pytest.approx(0.5)
    assert (meter.users, meter.posts, meter.spent_usd) == (3, 100, pytest.approx(0.53))


def test_a_read_that_exactly_meets_the_cap_is_made():
    meter = XMeter(XPrices(), cap_usd=1.0)
    for _ in range(200):
        meter.check(posts=1)
        meter.record(posts=1)
    assert meter.spent_usd == pytest.approx(1.0)


def test_a_job_meter_is_capped_by_the_month_above_it_and_counts_into_it():
    spent: list[float] = []
    month = XMeter(XPrices(), scope="monthly", cap_usd=0.6, spent_usd=0.1, on_spend=lambda u, p, usd: spent.append(usd))
    job = XMeter(XPrices(), cap_usd=None, parent=month)
    job.record(posts=80)
    assert month.spent_usd == pytest.approx(0.5) and spent == [pytest.approx(0.4)]
    with pytest.raises(BudgetExceededError) as refused:
        job.check(posts=100)
    assert refused.value.scope == "monthly"
