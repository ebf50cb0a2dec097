"""A job survives ``kill -9``: the restarted server resumes it, and every handle ends scored or errored exactly once."""

from __future__ import annotations

import json
import random
import time

import httpx
import pytest
import sqlalchemy as sa

N_HANDLES = 800
N_STORED = 160  # scoring is the slow part: enough of it to kill the server mid-job, no more
N_BEFORE_KILL = 80


def _wait(predicate, timeout_s: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _results(base: str, job_id: str, headers: dict[str, str]) -> list[dict]:
    response = httpx.get(f"{base}/v1/jobs/{job_id}/results", headers=headers, timeout=60)
    assert response.status_code == 200
    return [json.loads(line) for line in response.text.splitlines()]


@pytest.mark.slow
def test_job_resumes_after_sigkill_and_records_every_handle_exactly_once(
    settings, make_server, demo_roles, admin_headers
) -> None:
    stored = sorted(h for handles in demo_roles.values() for h in handles)[:N_STORED]
    handles = stored + [f"not_stored_{i:04d}" for i in range(N_HANDLES - len(stored))]
    random.Random(5).shuffle(handles)
    env = {"PARROTWATCH_JOB_WORKERS": "2", "PARROTWATCH_JOB_BATCH_SIZE": "25", "PARROTWATCH_LOG_LEVEL": "WARNING"}

    first = make_server(settings, **env)
    first.start()
    job = httpx.post(f"{first.base}/v1/jobs", json={"handles": handles}, headers=admin_headers, timeout=60)
    assert job.status_code == 202 and job.json()["total"] == N_HANDLES
    job_id = job.json()["id"]

    def progressed() -> dict | None:
        status = httpx.get(f"{first.base}/v1/jobs/{job_id}", headers=admin_headers, timeout=10).json()
        return status if status["done"] + status["failed"] >= N_BEFORE_KILL else None

    _wait(progressed, 60, f"the job to record {N_BEFORE_KILL} handles")
    before_kill = {r["handle"]: r for r in _results(first.base, job_id, admin_headers)}
    first.kill()

    database = sa.create_engine(settings.resolved_database_url, poolclass=sa.pool.NullPool)
    with database.connect() as db:
        query = sa.text("SELECT state, done + failed FROM jobs WHERE id = :id")
        state, recorded = db.execute(query, {"id": job_id}).one()
    assert state == "running" and N_BEFORE_KILL <= recorded < N_HANDLES, "the kill must land mid-job"

    second = make_server(settings, **env)
    second.start()
    final = _wait(
        lambda: (
            (s := httpx.get(f"{second.base}/v1/jobs/{job_id}", headers=admin_headers, timeout=10).json())["state"]
            == "done"
            and s
        ),
        60,
        "the resumed job to finish",
    )
    results = _results(second.base, job_id, admin_headers)

    assert final["done"] + final["failed"] == N_HANDLES and final["pending"] == 0
    assert sorted(r["handle"] for r in results) == sorted(handles), "every handle exactly once"
    assert sum(r["status"] == "scored" for r in results) == final["done"] == len(stored)
    assert all(r["status"] == "error" for r in results if r["handle"].startswith("not_stored_"))
    for handle, before in before_kill.items():  # what was recorded before the kill was kept, not redone
        assert next(r for r in results if r["handle"] == handle) == before
    with database.connect() as db:
        query = sa.text("SELECT count(*), count(DISTINCT handle_key) FROM scores WHERE job_id = :id")
        n_scores, n_distinct = db.execute(query, {"id": job_id}).one()
    assert n_scores == n_distinct == len(stored), "no score stored twice"
