"""Jobs spend X credits within their budget: they pause at a cap or on X's 402, and resume without reading twice.

X is faked at the HTTP wire (``tests/x_api_fake.py``); every user and post it served is counted there.
"""

from __future__ import annotations

import pytest
import responses
from pydantic import SecretStr
from x_api_fake import FakeX, store_stale_account

from ingest.database import open_database
from ingest.errors import BudgetExceededError
from ingest.x_cost import XPrices
from service.db.x_spend import month_key, month_spend
from service.x_budget import XSpendLedger

HANDLES = ("budget_anna", "budget_boris", "budget_chen")  # 200 posts each: $0.01 + 200 x $0.005 = $1.01 a handle


@pytest.fixture
def make_stepped(settings, make_client):
    """An app with live fetch from X (200 posts per account) whose job workers are stopped: tests step jobs."""

    def make(**update: object):  # type: ignore[no-untyped-def]
        settings_ = settings.model_copy(
            update={"x_bearer_token": SecretStr("AAAA-test-token"), "x_max_posts": 200, **update}
        )
        client = make_client(settings_)
        client.app.state.runner.stop()
        return client

    return make


def _step_until_idle(client, limit: int = 10) -> int:  # type: ignore[no-untyped-def]
    runner = client.app.state.runner
    for n in range(limit):
        if not runner.run_once():
            return n
    raise AssertionError("the runner still claims batches: it spins on a job")


def _spend_metric(client) -> float:  # type: ignore[no-untyped-def]
    [line] = [x for x in client.get("/metrics").text.splitlines() if x.startswith("parrotwatch_x_spend_usd_total")]
    return float(line.split()[-1])


def test_job_over_budget_pauses_at_the_cap_and_resumes_when_raised_without_reading_a_post_twice(make_stepped):
    client = make_stepped()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        x = FakeX(dict.fromkeys(HANDLES, 200)).install(api)
        estimate = client.post("/v1/jobs", params={"dry_run": "true"}, json={"handles": list(HANDLES)}).json()
        assert (estimate["users"], estimate["posts"], estimate["cost_usd"]) == (3, 600, pytest.approx(3.03))

        job = client.post("/v1/jobs", json={"handles": list(HANDLES), "budget_usd": 1.0}).json()
        _step_until_idle(client)
        paused = client.get(f"/v1/jobs/{job['id']}").json()
        # Lookup $0.03 and one page of 100 posts $0.50: the next page ($0.50 more) would pass $1.
        assert paused["state"] == "paused" and paused["paused_reason"] == "budget"
        assert paused["x_spend_usd"] == pytest.approx(0.53) and paused["x_spend_usd"] <= 1.0
        assert (paused["x_users_read"], paused["x_posts_read"]) == (3, 100)
        assert paused["pending"] == 3 and paused["done"] == 0
        assert all(f"@{h}" in paused["paused_detail"] for h in HANDLES)
        assert len(x.posts_served) == 100

        assert _step_until_idle(client) == 0, "a paused job is not claimed"
        assert len(x.posts_served) == 100

        resumed = client.post(f"/v1/jobs/{job['id']}/resume", json={"budget_usd": 5.0}).json()
        assert resumed["state"] == "queued" and resumed["paused_reason"] is None
        _step_until_idle(client)
        done = client.get(f"/v1/jobs/{job['id']}").json()

    assert done["state"] == "done" and done["done"] == 3 and done["failed"] == 0
    assert done["x_spend_usd"] == pytest.approx(3.03)
    assert (done["x_users_read"], done["x_posts_read"]) == (3, 600)
    assert len(x.posts_served) == len(set(x.posts_served)) == 600, "no post is read twice"
    assert sorted(x.users_served) == sorted(HANDLES), "no user is looked up twice"
    results = [line for line in client.get(f"/v1/jobs/{job['id']}/results").text.splitlines() if line]
    assert len(results) == 3
    assert all('"n_posts":200' in line.replace(" ", "") for line in results), "the paused read was completed"
    assert _spend_metric(client) == pytest.approx(3.03)


def test_a_402_from_x_pauses_the_job_as_credits_exhausted_naming_the_handles(make_stepped):
    client = make_stepped()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        x = FakeX(dict.fromkeys(HANDLES[:2], 200), pages_before_402=1).install(api)
        job = client.post("/v1/jobs", json={"handles": list(HANDLES[:2])}).json()
        _step_until_idle(client)
        paused = client.get(f"/v1/jobs/{job['id']}").json()
        assert paused["state"] == "paused" and paused["paused_reason"] == "credits exhausted"
        assert "X API credits exhausted (HTTP 402)" in paused["paused_detail"]
        assert "does not have any credits" in paused["paused_detail"], "X's own words are kept"
        assert "@budget_anna" in paused["paused_detail"] and "@budget_boris" in paused["paused_detail"]
        assert paused["x_spend_usd"] == pytest.approx(0.02 + 0.5), "spend up to the 402 is recorded"
        assert paused["errors"] == [] and paused["pending"] == 2

        x.pages_before_402 = None  # credits bought
        client.post(f"/v1/jobs/{job['id']}/resume")
        _step_until_idle(client)
        assert client.get(f"/v1/jobs/{job['id']}").json()["state"] == "done"
    assert len(x.posts_served) == len(set(x.posts_served)) == 400


def test_monthly_cap_refuses_a_request_read_and_pauses_a_job_counting_spend_across_both(make_stepped):
    client = make_stepped(x_monthly_budget_usd=0.6)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        x = FakeX(dict.fromkeys(HANDLES[:2], 200)).install(api)
        [entry] = client.post("/v1/scores", json={"handles": [HANDLES[0]]}).json()["results"]
        assert entry["status"] == "error" and entry["error"]["type"] == "/problems/x-budget-exhausted"
        assert "monthly budget of $0.60" in entry["error"]["detail"]
        assert month_spend(client.app.state.service.engine, month_key())[0] == pytest.approx(0.51)

        job = client.post("/v1/jobs", json={"handles": [HANDLES[1]]}).json()
        _step_until_idle(client)
        paused = client.get(f"/v1/jobs/{job['id']}").json()
    assert paused["state"] == "paused" and paused["paused_reason"] == "budget"
    assert "monthly budget" in paused["paused_detail"]
    assert len(x.posts_served) == 100 and sorted(x.users_served) == sorted(HANDLES[:2])
    assert paused["x_spend_usd"] == pytest.approx(0.01), "its lookup fit under the month's cap; no page did"


def test_resuming_a_finished_job_is_409(make_stepped, demo_roles):
    client = make_stepped()
    job = client.post("/v1/jobs", json={"handles": demo_roles["ordinary"][:1]}).json()
    _step_until_idle(client)
    response = client.post(f"/v1/jobs/{job['id']}/resume")
    assert response.status_code == 409 and "resumed" in response.json()["detail"]


@pytest.mark.parametrize("budget", [-1, "lots"], ids=["negative", "not-a-number"])
def test_a_job_budget_that_is_not_a_number_of_dollars_is_422(make_stepped, budget):
    client = make_stepped()
    as_json = client.post("/v1/jobs", json={"handles": ["someone"], "budget_usd": budget})
    upload = client.post(
        "/v1/jobs", files={"file": ("h.txt", b"someone\n", "text/plain")}, data={"budget_usd": str(budget)}
    )
    assert as_json.status_code == upload.status_code == 422
    assert "budget_usd" in upload.text
    assert client.get("/v1/jobs").json() == []


def test_an_uploaded_job_keeps_its_budget(make_stepped):
    client = make_stepped()
    job = client.post("/v1/jobs", files={"file": ("h.txt", b"someone\n", "text/plain")}, data={"budget_usd": "2.5"})
    assert job.status_code == 202 and job.json()["x_budget_usd"] == 2.5


def test_a_job_paused_before_any_read_leaves_a_stale_account_stale(settings, make_stepped):
    x = FakeX({"budget_stale": 200})
    store_stale_account(settings, x, "budget_stale", 150)
    client = make_stepped(x_job_budget_usd=0.2)  # less than one page of 100 posts
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        x.install(api)
        job = client.post("/v1/jobs", json={"handles": ["budget_stale"]}).json()
        _step_until_idle(client)
        paused = client.get(f"/v1/jobs/{job['id']}").json()
        [plan] = client.post("/v1/jobs?dry_run=true", json={"handles": ["budget_stale"]}).json()["handles"]
    assert paused["state"] == "paused" and paused["x_spend_usd"] == 0 and "$0.20" in paused["paused_detail"]
    assert x.pages_served == 0 and x.users_served == []
    assert plan["read"] == "newer", "an account nothing was read of is not made fresh by the pause"


def test_the_monthly_cap_counts_what_another_process_spent_since_this_one_started(head_database_url: str) -> None:
    engine = open_database(head_database_url)
    try:
        server, cli = (XSpendLedger(engine, XPrices(), monthly_cap_usd=1.0) for _ in range(2))  # as two processes
        server_month = server.month()  # made at the server's first request: nothing spent yet
        cli.month().record(posts=180)  # a CLI run beside it reads $0.90 of posts

        with pytest.raises(BudgetExceededError):
            server_month.check(posts=40)  # $0.20 more would take the month to $1.10
        server_month.check(posts=20)  # $0.10 fits
        assert month_spend(engine, month_key())[0] == pytest.approx(0.9)
    finally:
        engine.dispose()
