"""Retention: a prune deletes superseded scores, old audit rows and old finished jobs, and nothing anyone still reads.

Rows are written as the service writes them, with times set in the past; the prune runs at a fixed ``NOW``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select

from ingest.database import open_database
from service.app import create_app
from service.config import Settings
from service.db.retention import PRUNED_TABLES, RetentionPolicy, prune
from service.db.tables import audit_log, feedback, job_items, jobs, scores
from service.db.timeutil import as_utc
from service.jobs.pruner import Pruner
from tests.service.conftest import bearer

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
POLICY = RetentionPolicy(score_days=90, audit_days=90, job_days=30)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def add_score(
    engine: Engine,
    handle: str,
    *,
    days_ago: float,
    model: str = "m1",
    served_days_ago: float | None = None,
    job_id: str | None = None,
) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(scores).values(
                handle=handle,
                handle_key=handle.lower(),
                score=0.5,
                band="low",
                components="{}",
                result=f'{{"handle": "{handle}", "days_ago": {days_ago}}}',
                model_version=model,
                catalog_version="c1",
                scored_at=ago(days_ago),
                last_served_at=ago(served_days_ago) if served_days_ago is not None else None,
                served_count=1 if served_days_ago is None else 2,
                job_id=job_id,
            )
        ).inserted_primary_key[0]


def add_job(engine: Engine, job_id: str, state: str, *, days_ago: float, score_ids: Sequence[int] = ()) -> None:
    """A job created ``days_ago`` (finished then too unless queued or running) whose items hold ``score_ids``."""
    finished = state in ("done", "cancelled")
    with engine.begin() as conn:
        conn.execute(
            insert(jobs).values(
                id=job_id,
                state=state,
                total=len(score_ids),
                done=len(score_ids) if finished else 0,
                failed=0,
                refresh=False,
                created_at=ago(days_ago),
                updated_at=ago(days_ago),
                finished_at=ago(days_ago) if finished else None,
            )
        )
    add_items(engine, job_id, score_ids, is_scored=finished)


def add_items(engine: Engine, job_id: str, score_ids: Sequence[int], *, is_scored: bool = True) -> None:
    with engine.begin() as conn:
        for position, score_id in enumerate(score_ids):
            conn.execute(
                insert(job_items).values(
                    job_id=job_id,
                    position=position,
                    handle=f"h{score_id}",
                    handle_key=f"h{score_id}",
                    state="scored" if is_scored else "pending",
                    score_id=score_id if is_scored else None,
                )
            )


def add_audit(engine: Engine, *, days_ago: float, n: int = 1, target: str = "/v1/scores") -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(audit_log),
            [{"at": ago(days_ago), "action": "POST /v1/scores", "target": target, "status": 200}] * n,
        )


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (jobs, job_items, scores, audit_log)
        }


def score_ids(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(select(scores.c.id)).scalars())


@pytest.fixture
def engine(head_database_url: str) -> Iterator[Engine]:
    """A database at head, of the test's kind (a SQLite file, or a Postgres database on its ``[postgres]`` run)."""
    url = head_database_url
    engine = open_database(url)
    yield engine
    engine.dispose()


def test_old_superseded_scores_go_and_each_handles_newest_score_per_model_version_stays(engine) -> None:
    alice_oldest = add_score(engine, "alice", days_ago=200)
    alice_old = add_score(engine, "alice", days_ago=150)
    alice_newest = add_score(engine, "Alice", days_ago=100)  # older than 90 days, but the newest of m1
    alice_other_model = add_score(engine, "alice", days_ago=120, model="m2")  # the newest (only) of m2
    bob_served_lately = add_score(engine, "bob", days_ago=200, served_days_ago=10)
    bob_newest = add_score(engine, "bob", days_ago=5)
    carol_recent = add_score(engine, "carol", days_ago=30)  # superseded, within 90 days
    carol_newest = add_score(engine, "carol", days_ago=1)

    removed = prune(engine, POLICY, now=NOW)

    assert removed == {"jobs": 0, "job_items": 0, "scores": 2, "audit_log": 0}
    assert {alice_oldest, alice_old}.isdisjoint(score_ids(engine))
    assert score_ids(engine) == {
        alice_newest, alice_other_model, bob_served_lately, bob_newest, carol_recent, carol_newest
    }  # fmt: skip


def test_a_score_that_feedback_or_a_kept_jobs_item_points_at_stays_until_the_job_goes(engine) -> None:
    with_feedback = add_score(engine, "dave", days_ago=200)
    in_a_job = add_score(engine, "dave", days_ago=190)
    add_score(engine, "dave", days_ago=1)
    with engine.begin() as conn:
        conn.execute(
            insert(feedback).values(
                handle="dave", handle_key="dave", verdict="confirm", score_id=with_feedback, created_at=ago(199)
            )
        )
    add_job(engine, "recent", "done", days_ago=10, score_ids=[in_a_job])

    assert prune(engine, POLICY, now=NOW)["scores"] == 0

    later = NOW + timedelta(days=30)  # the job is 40 days old: it goes, and the score it held with it
    removed = prune(engine, POLICY, now=later)
    assert removed == {"jobs": 1, "job_items": 1, "scores": 1, "audit_log": 0}
    assert with_feedback in score_ids(engine) and in_a_job not in score_ids(engine)


def test_old_audit_rows_go_and_recent_ones_stay(engine) -> None:
    add_audit(engine, days_ago=365, n=3)
    add_audit(engine, days_ago=91, n=2)
    add_audit(engine, days_ago=89, n=4)

    assert prune(engine, POLICY, now=NOW)["audit_log"] == 5
    with engine.connect() as conn:
        kept = conn.execute(select(audit_log.c.at)).scalars().all()
    assert len(kept) == 4 and all(as_utc(at) > ago(90) for at in kept)


def test_old_finished_jobs_go_with_their_items_and_their_scores_stay_in_the_history_detached(engine) -> None:
    add_job(engine, "old_done", "done", days_ago=40)
    old_scores = [add_score(engine, f"h{i}", days_ago=40, job_id="old_done") for i in range(3)]
    add_items(engine, "old_done", old_scores)
    add_job(engine, "old_cancelled", "cancelled", days_ago=31)
    add_job(engine, "recent_done", "done", days_ago=29, score_ids=[add_score(engine, "h9", days_ago=29)])
    add_job(engine, "old_running", "running", days_ago=400, score_ids=[1, 2])
    add_job(engine, "old_queued", "queued", days_ago=400, score_ids=[3])

    removed = prune(engine, POLICY, now=NOW)

    assert removed == {"jobs": 2, "job_items": 3, "scores": 0, "audit_log": 0}
    with engine.connect() as conn:
        assert set(conn.execute(select(jobs.c.id)).scalars()) == {"recent_done", "old_running", "old_queued"}
        assert conn.execute(select(func.count()).select_from(job_items)).scalar_one() == 4
        detached = conn.execute(select(scores.c.job_id).where(scores.c.id.in_(old_scores))).scalars().all()
    assert detached == [None, None, None]


def seed_old_rows(engine: Engine) -> dict[str, int]:
    """Some of everything, due and not; returns what a prune at ``NOW`` by ``POLICY`` deletes per table."""
    for i in range(5):
        add_score(engine, f"eve{i}", days_ago=120)
        add_score(engine, f"eve{i}", days_ago=100)
        add_score(engine, f"eve{i}", days_ago=2)
    add_job(engine, "done_long_ago", "done", days_ago=60, score_ids=[add_score(engine, "frank", days_ago=60)])
    add_job(engine, "running", "running", days_ago=60, score_ids=[1])
    add_audit(engine, days_ago=100, n=7)
    add_audit(engine, days_ago=1, n=2)
    return {"jobs": 1, "job_items": 1, "scores": 10, "audit_log": 7}


def test_a_dry_run_counts_what_a_prune_deletes_and_deletes_nothing(engine) -> None:
    due = seed_old_rows(engine)
    before = counts(engine)

    assert prune(engine, POLICY, now=NOW, dry_run=True) == due
    assert counts(engine) == before
    assert prune(engine, POLICY, now=NOW, batch_size=2) == due, "in batches of 2, the same rows"
    assert counts(engine) == {t: before[t] - due[t] for t in PRUNED_TABLES}
    assert prune(engine, POLICY, now=NOW) == dict.fromkeys(PRUNED_TABLES, 0)


def test_zero_days_keeps_every_row_of_that_kind(engine) -> None:
    seed_old_rows(engine)
    keep_all = RetentionPolicy(score_days=0, audit_days=0, job_days=0)
    assert prune(engine, keep_all, now=NOW) == dict.fromkeys(PRUNED_TABLES, 0)


def test_a_prune_asked_to_stop_ends_after_the_current_batch(engine) -> None:
    add_audit(engine, days_ago=100, n=10)
    asked: list[int] = []

    def stop_after_one_batch() -> bool:
        asked.append(1)
        return len(asked) > 1

    removed = prune(engine, RetentionPolicy(0, 90, 0), now=NOW, batch_size=3, should_stop=stop_after_one_batch)

    assert removed["audit_log"] == 3


def scores_and_audit_rows(settings: Settings) -> tuple[int, int]:
    engine = open_database(settings.resolved_database_url)
    try:
        found = counts(engine)
    finally:
        engine.dispose()
    return found["scores"], found["audit_log"]


def test_repeated_requests_for_unchanged_accounts_add_no_score_row_only_their_audit_rows(
    settings, make_client, demo_roles
) -> None:
    client = make_client(settings)
    client.app.state.runner.stop()
    handles = [demo_roles["amplifier"][0], demo_roles["ordinary"][0]]
    assert client.post("/v1/scores", json={"handles": handles}).status_code == 200
    n_scores, n_audit = scores_and_audit_rows(settings)

    for body in ({"handles": handles}, {"handles": handles[:1]}, {"handles": handles[::-1], "refresh": True}):
        assert client.post("/v1/scores", json=body).status_code == 200
    job = client.post("/v1/jobs", json={"handles": handles}).json()
    while client.app.state.runner.run_once():
        pass

    assert client.get(f"/v1/jobs/{job['id']}").json()["done"] == 2
    assert scores_and_audit_rows(settings) == (n_scores, n_audit + 4), (
        "a count on the stored rows; an audit row a request"
    )


def test_the_server_prunes_every_interval_and_stops_its_pruner_on_shutdown(settings) -> None:
    engine = open_database(settings.resolved_database_url)
    add_audit(engine, days_ago=400, n=5, target="old")
    engine.dispose()
    fast = settings.model_copy(update={"prune_interval_s": 0.05, "audit_retention_days": 30.0})

    with TestClient(create_app(fast), headers=bearer(settings.admin_key.get_secret_value())) as client:
        pruner = client.app.state.pruner
        assert pruner.is_running
        deadline = time.monotonic() + 10
        while pruner.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        entries = client.get("/v1/audit").json()

    assert pruner.runs >= 2, "pruned more than once"
    assert [e for e in entries if e["target"] == "old"] == []
    assert not pruner.is_running


def test_a_zero_interval_starts_no_pruner(engine) -> None:
    add_audit(engine, days_ago=400)
    pruner = Pruner(engine, POLICY, interval_s=0)
    pruner.start()
    assert not pruner.is_running
    pruner.stop()
    assert counts(engine)["audit_log"] == 1
