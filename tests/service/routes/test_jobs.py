"""Batch jobs through the API: submit (JSON or CSV), progress, results while running and after, cancel."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from service.db.jobs import cancel_job, unfinished_jobs


@pytest.fixture
def stepped(module_stepped_client):
    """A client whose job workers are stopped, so a test steps jobs batch by batch with ``runner.run_once()``.

    One app for the module; jobs earlier tests left unfinished are cancelled first, so a test steps only its own.
    """
    engine = module_stepped_client.app.state.service.engine
    for job_id in unfinished_jobs(engine):
        cancel_job(engine, job_id)
    return module_stepped_client


def _results(client, job_id: str, fmt: str = "jsonl"):  # type: ignore[no-untyped-def]
    response = client.get(f"/v1/jobs/{job_id}/results", params={"format": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        return response, list(csv.DictReader(io.StringIO(response.text)))
    return response, [json.loads(line) for line in response.text.splitlines()]


def test_json_job_is_202_and_scores_every_handle_once(stepped, demo_roles) -> None:
    client = stepped
    amplifiers = demo_roles["amplifier"][:3]
    handles = [*amplifiers, "@" + demo_roles["critic"][0], amplifiers[0].upper(), "not_in_store_1"]
    response = client.post("/v1/jobs", json={"handles": handles})
    assert response.status_code == 202
    job = response.json()
    assert job["state"] in ("queued", "running") and job["total"] == 5, "duplicates count once"
    while client.app.state.runner.run_once():
        pass
    job = client.get(f"/v1/jobs/{job['id']}").json()
    assert job["state"] == "done" and (job["done"], job["failed"], job["pending"]) == (4, 1, 0)
    assert [e["handle"] for e in job["errors"]] == ["not_in_store_1"]
    _, lines = _results(client, job["id"])
    assert [line["handle"] for line in lines] == [*demo_roles["amplifier"][:3], demo_roles["critic"][0],
                                                 "not_in_store_1"]  # fmt: skip
    assert lines[0]["status"] == "scored" and 0 <= lines[0]["result"]["score"] <= 1
    assert lines[-1]["status"] == "error" and lines[-1]["error"]["type"].startswith("/problems/")
    stored = client.get(f"/v1/accounts/{handles[0]}").json()
    assert stored["job_id"] == job["id"], "job scores are stored like any other"
    listed = client.get("/v1/jobs").json()
    assert listed[0]["id"] == job["id"] and listed[0]["done"] == 4


def test_csv_upload_with_a_handle_column_makes_a_job(stepped, demo_roles) -> None:
    rows = "\n".join(["name,handle", *(f"x,{h}" for h in demo_roles["ordinary"][:3])]) + "\n"
    response = stepped.post("/v1/jobs", files={"file": ("handles.csv", rows.encode(), "text/csv")})
    assert response.status_code == 202, response.text
    assert response.json()["total"] == 3


def test_plain_upload_with_one_handle_per_line_makes_a_job(stepped, demo_roles) -> None:
    text = "\n".join(["@" + h for h in demo_roles["ordinary"][:4]] + [""])
    response = stepped.post("/v1/jobs", files={"file": ("handles.txt", text.encode(), "text/plain")})
    assert response.status_code == 202 and response.json()["total"] == 4


def test_csv_upload_without_a_handle_column_is_422_naming_the_columns_found(stepped) -> None:
    upload = b"name,followers\nalice_a,10\nbob_b,20\n"
    before = len(stepped.get("/v1/jobs").json())

    response = stepped.post("/v1/jobs", files={"file": ("accounts.csv", upload, "text/csv")})

    body = response.json()
    assert response.status_code == 422 and body["type"] == "/problems/no-handle-column"
    assert body["columns"] == ["name", "followers"]
    assert body["detail"].startswith(
        "the CSV has no handle column: its first line has the columns 'name', 'followers'. Name the column of "
        "handles 'handle' (or 'username', 'screen_name', 'user_screen_name'), or upload one handle per line without "
        "a header"
    )
    assert len(stepped.get("/v1/jobs").json()) == before, "no job was queued, and 'name' was never scored"


def test_upload_with_an_invalid_line_is_422_naming_the_line(stepped) -> None:
    response = stepped.post("/v1/jobs", files={"file": ("h.csv", b"handle\nfine\nnot fine\n", "text/csv")})
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/invalid-handles" and "line 3" in response.json()["detail"]


def test_results_stream_while_the_job_runs(stepped, demo_roles) -> None:
    handles = demo_roles["ordinary"][:6]
    job = stepped.post("/v1/jobs", json={"handles": handles}).json()
    runner = stepped.app.state.runner
    assert runner.run_once()  # one batch of two
    status = stepped.get(f"/v1/jobs/{job['id']}").json()
    assert status["state"] == "running" and status["done"] == 2 and status["pending"] == 4
    response, lines = _results(stepped, job["id"])
    assert response.headers["x-job-state"] == "running"
    assert [line["handle"] for line in lines] == handles[:2]
    _, rows = _results(stepped, job["id"], "csv")
    assert [r["handle"] for r in rows] == handles[:2]
    assert [r["platform"] for r in rows] == ["x", "x"]
    assert set(rows[0]) >= {"handle", "score", "band", "narrative", "repetition", "coordination", "behaviour",
                            "state_affiliated", "model_version", "error"}  # fmt: skip
    while runner.run_once():
        pass
    response, lines = _results(stepped, job["id"])
    assert response.headers["x-job-state"] == "done" and [line["handle"] for line in lines] == handles


def test_cancel_stops_a_job_and_keeps_what_was_scored(stepped, demo_roles) -> None:
    job = stepped.post("/v1/jobs", json={"handles": demo_roles["ordinary"][:6]}).json()
    runner = stepped.app.state.runner
    assert runner.run_once()
    cancelled = stepped.delete(f"/v1/jobs/{job['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert not runner.run_once(), "a cancelled job is not worked on"
    status = stepped.get(f"/v1/jobs/{job['id']}").json()
    assert status["state"] == "cancelled" and status["done"] == 2 and status["finished_at"]
    assert len(_results(stepped, job["id"])[1]) == 2


def test_cancelling_a_finished_job_is_409_and_an_unknown_job_404(stepped, demo_roles) -> None:
    job = stepped.post("/v1/jobs", json={"handles": demo_roles["ordinary"][:1]}).json()
    stepped.app.state.runner.run_once()
    response = stepped.delete(f"/v1/jobs/{job['id']}")
    assert response.status_code == 409 and response.json()["type"] == "/problems/job-finished"
    for path in ("/v1/jobs/nope", "/v1/jobs/nope/results"):
        assert stepped.get(path).json()["type"] == "/problems/job-not-found"


def test_a_restarted_app_resumes_an_unfinished_job(make_client, stepped, demo_roles) -> None:
    job = stepped.post("/v1/jobs", json={"handles": demo_roles["ordinary"][:5]}).json()
    stepped.app.state.runner.run_once()
    # a second app on the same database, as after a crash: its workers finish the job
    restarted = make_client(stepped.app.state.service.settings)
    deadline = time.monotonic() + 60
    while (status := restarted.get(f"/v1/jobs/{job['id']}").json())["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status["done"] == 5
    _, lines = _results(restarted, job["id"])
    assert sorted(line["handle"] for line in lines) == sorted(demo_roles["ordinary"][:5])


def test_metrics_count_scores_by_band_and_requests_by_route(stepped, demo_roles) -> None:
    client = stepped
    client.post("/v1/scores", json={"handles": demo_roles["amplifier"][:2]})
    client.get("/v1/accounts/never_scored_3")
    text = client.get("/metrics").text
    assert 'parrotwatch_scores_total{band="' in text
    assert 'route="/v1/accounts/{handle}"' in text and 'route="/v1/scores"' in text
    assert "parrotwatch_job_queue_depth" in text and "parrotwatch_x_api_calls_total" in text


def test_readyz_is_503_problem_without_a_model(settings, make_client, tmp_path) -> None:
    client = make_client(settings.model_copy(update={"models_dir": tmp_path / "no-models"}))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["type"] == "/problems/not-ready"


@pytest.fixture
def other_writer(settings, monkeypatch):
    """Another process's write transaction on the database, opened the moment a scored batch is about to be
    recorded (SQLite then answers "database is locked" to the runner)."""
    import sqlite3

    import service.jobs.runner as runner_module

    connection = sqlite3.connect(settings.data_dir / "parrotwatch.db", isolation_level=None)
    real_record = runner_module.record_outcomes
    locked_once: list[bool] = []

    def record_after_the_lock_is_taken(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not locked_once:
            locked_once.append(True)
            connection.execute("BEGIN IMMEDIATE")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(runner_module, "record_outcomes", record_after_the_lock_is_taken)
    yield connection
    connection.close()


@pytest.mark.sqlite_only
def test_a_batch_scored_while_another_writer_holds_the_database_is_recorded_once_it_is_free(
    settings, make_client, demo_roles, other_writer
) -> None:
    """The scored batch waits in memory and is retried with backoff: nothing is lost."""
    client = make_client(settings.model_copy(update={"db_busy_timeout_s": 0.05, "job_batch_size": 2}))
    runner = client.app.state.runner
    runner.stop()
    handles = demo_roles["ordinary"][:2]
    job_id = client.post("/v1/jobs", json={"handles": handles}).json()["id"]
    retries: list[float] = []

    def sleep_then_release(seconds: float) -> None:
        retries.append(seconds)
        if len(retries) == 3:
            other_writer.execute("COMMIT")

    runner._sleep = sleep_then_release
    assert runner.run_once()
    assert retries == [0.25, 0.5, 1.0], "retried with backoff while locked, then recorded"
    job = client.get(f"/v1/jobs/{job_id}").json()
    assert (job["state"], job["done"], job["failed"]) == ("done", 2, 0)
    _, lines = _results(client, job_id)
    assert sorted(line["handle"] for line in lines) == sorted(handles)
    assert all(line["status"] == "scored" for line in lines)


@pytest.mark.sqlite_only
def test_a_database_busy_for_longer_than_the_retry_budget_leaves_the_batch_pending_to_score_again(
    settings, make_client, demo_roles, other_writer
) -> None:
    from sqlalchemy.exc import OperationalError

    client = make_client(
        settings.model_copy(update={"db_busy_timeout_s": 0.05, "job_batch_size": 2, "job_record_retry_s": 0.5})
    )
    runner = client.app.state.runner
    runner.stop()
    runner._sleep = lambda seconds: None
    job_id = client.post("/v1/jobs", json={"handles": demo_roles["ordinary"][:2]}).json()["id"]
    with pytest.raises(OperationalError, match="locked"):
        runner.run_once()
    other_writer.execute("ROLLBACK")
    assert client.get(f"/v1/jobs/{job_id}").json()["pending"] == 2
    runner._forget_cursors()  # what the worker loop does after a failed batch
    while runner.run_once():
        pass
    assert client.get(f"/v1/jobs/{job_id}").json()["done"] == 2


def test_csv_results_never_hand_a_spreadsheet_a_formula(stepped, demo_roles) -> None:
    """Error details quote X's words; a cell starting with = + - @ would run as a formula in a spreadsheet."""
    from service.db.jobs import ItemOutcome, pending_items, record_outcomes

    engine = stepped.app.state.service.engine
    job_id = stepped.post("/v1/jobs", json={"handles": ["formula_1", "formula_2", "formula_3"]}).json()["id"]
    details = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+cmd|' /C calc'!A0"]
    items = pending_items(engine, job_id, limit=10, after_position=-1)
    outcomes = [
        ItemOutcome(item_id=item_id, error_type="/problems/x-api-error", error_detail=detail)
        for (item_id, _, _), detail in zip(items, details, strict=True)
    ]
    record_outcomes(engine, job_id, outcomes)
    _, rows = _results(stepped, job_id, "csv")
    assert [row["error"] for row in rows] == ["'" + detail for detail in details]
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())
