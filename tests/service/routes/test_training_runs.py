"""Admins retrain through the API: POST /v1/training-runs starts `parrotwatch retrain` in a child process that records
its steps and outcome; GET follows it. One run at a time, nothing labeled is refused, and a run whose process died is
reported as interrupted rather than left running forever."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient

from detector.registry import ModelRegistry
from ingest.database import open_database
from service.cli.run_record import recorded_run
from service.config import Settings
from service.db.api_keys import create_key
from service.db.training_runs import cancel_run, create_run, get_run, mark_running
from service.jobs.training_runs import TrainingLauncher, settings_environment
from training.errors import InsufficientDataError, PromotionRefusedError

RUN_TIMEOUT_S = 420


def _labels_folder(settings: Settings, demo_dir: Path) -> Path:
    folder = settings.resolved_labels_dir
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(demo_dir / "labels.csv", folder / "demo.csv")
    return folder


def _wait_until_finished(client: TestClient, run_id: str) -> dict:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        run = client.get(f"/v1/training-runs/{run_id}").json()
        if run["status"] not in ("queued", "running"):
            return run
        time.sleep(0.5)
    raise AssertionError(f"training run {run_id} still {run['status']} after {RUN_TIMEOUT_S} s")


@pytest.mark.slow
def test_an_admin_starts_a_run_watches_it_and_gets_a_promoted_version(settings, demo_dir, make_client) -> None:
    _labels_folder(settings, demo_dir)
    registry = ModelRegistry(settings.models_dir)
    before = registry.versions()
    client = make_client(settings)

    started = client.post("/v1/training-runs", json={"report": False})

    assert started.status_code == 202, started.text
    run = started.json()
    assert started.headers["location"] == f"/v1/training-runs/{run['id']}"
    assert run["status"] in ("queued", "running") and run["requested_by"] == "bootstrap-admin"
    assert run["options"] == {"promote": True, "with_feedback": True, "seed": 0, "report": False}
    done = _wait_until_finished(client, run["id"])
    assert done["status"] == "succeeded", done
    assert done["exit_code"] == 0 and done["error"] is None
    assert done["version"] not in before and done["version"] in registry.versions()
    # the same accounts and labels as the serving model: not worse, so the gate promotes it
    assert done["promoted"] is True and registry.active_version() == done["version"]
    assert done["result"]["gate"]["passed"] is True
    assert 0.5 < done["result"]["held_out"]["roc_auc"] <= 1.0
    card = registry.card(done["version"])
    assert card["source"]["format"] == "store" and card["source"]["label_files"][0].endswith("demo.csv")
    audit = (settings.models_dir / "AUDIT.jsonl").read_text().splitlines()
    assert '"user": "api:bootstrap-admin"' in audit[-1]
    log = client.get(done["log_url"])
    assert log.status_code == 200 and f"version {done['version']}" in log.text
    assert [r["id"] for r in client.get("/v1/training-runs").json()] == [run["id"]]


def test_a_run_that_fails_records_the_error_and_the_exit_code(settings, make_client) -> None:
    folder = settings.resolved_labels_dir
    folder.mkdir(parents=True)
    (folder / "bad.csv").write_text("handle,label\nsomeone,amplifer\n", encoding="utf-8")
    client = make_client(settings)
    active = ModelRegistry(settings.models_dir).active_version()

    run = client.post("/v1/training-runs", json={"with_feedback": False}).json()
    done = _wait_until_finished(client, run["id"])

    assert done["status"] == "failed"
    assert done["exit_code"] == 3  # bad input, as the CLI documents
    assert "amplifer" in done["error"] and "line 2" in done["error"]
    assert done["version"] is None and ModelRegistry(settings.models_dir).active_version() == active


def test_nothing_labeled_is_refused_before_a_run_starts(client) -> None:
    response = client.post("/v1/training-runs", json={})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/no-labels")
    assert client.get("/v1/training-runs").json() == []


def test_one_run_at_a_time(settings, demo_dir, client) -> None:
    _labels_folder(settings, demo_dir)
    engine = client.app.state.service.engine
    unfinished = create_run(engine, {"seed": 0}, requested_by="someone", key_id=None)

    response = client.post("/v1/training-runs", json={})

    assert response.status_code == 409
    assert response.json()["type"].endswith("/training-run-in-progress")
    assert response.json()["run_id"] == unfinished.id
    assert [r["id"] for r in client.get("/v1/training-runs").json()] == [unfinished.id]


def test_analysts_can_neither_start_nor_watch_runs(settings, make_client, client) -> None:
    key = create_key(client.app.state.service.engine, name="an analyst", role="analyst")[1]
    analyst = make_client(settings, key=key)

    assert analyst.post("/v1/training-runs", json={}).status_code == 403
    assert analyst.get("/v1/training-runs").status_code == 403


def test_unknown_runs_and_unknown_options(client) -> None:
    missing = client.get("/v1/training-runs/0123456789abcdef")
    assert missing.status_code == 404 and missing.json()["type"].endswith("/training-run-not-found")
    assert client.get("/v1/training-runs/0123456789abcdef/log").status_code == 404
    assert client.post("/v1/training-runs", json={"input": "/etc/passwd"}).status_code == 422  # no paths from clients


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_left_running_by_a_dead_process_is_interrupted_at_the_next_start(settings, make_client) -> None:
    engine = open_database(settings.resolved_database_url)
    stale = create_run(engine, {}, requested_by="someone", key_id=None)
    mark_running(engine, stale.id, pid=_dead_pid())
    engine.dispose()

    client = make_client(settings)
    run = client.get(f"/v1/training-runs/{stale.id}").json()

    assert run["status"] == "interrupted" and "without an outcome" in run["error"]


def test_a_child_that_exits_without_an_outcome_is_marked_interrupted_with_its_exit_code(settings, tmp_path) -> None:
    engine = open_database(settings.resolved_database_url)
    run = create_run(engine, {}, requested_by="someone", key_id=None)
    launcher = TrainingLauncher(settings, engine, python=shutil.which("false") or "/bin/false")

    launcher.start(run)
    deadline = time.monotonic() + 10
    while run.id in launcher._children and time.monotonic() < deadline:
        time.sleep(0.01)  # let the reaper get there first, as it did now and then: the exit code must still be known
    assert launcher.wait(run.id, timeout_s=30) == 1
    while get_run(engine, run.id).status == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)  # the reaper thread records it just after the exit

    ended = get_run(engine, run.id)
    assert ended.status == "interrupted" and ended.exit_code == 1
    engine.dispose()


def test_the_child_rebuilds_the_services_settings_without_its_secrets(settings, monkeypatch) -> None:
    env = settings_environment(settings)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    rebuilt = Settings()

    assert rebuilt.model_dump(exclude={"admin_key", "x_bearer_token"}) == settings.model_dump(
        exclude={"admin_key", "x_bearer_token"}
    )
    assert not {"PARROTWATCH_ADMIN_KEY", "PARROTWATCH_X_BEARER_TOKEN"} & set(env)
    assert rebuilt.admin_key is None


@pytest.mark.parametrize(
    ("error", "status", "exit_code"),
    [
        (InsufficientDataError("the held-out accounts hold one class only"), "failed", 3),
        (PromotionRefusedError("v1", "v0", {"candidate_pr_auc": 0.5, "active_pr_auc": 0.9, "n_accounts": 40}, 0.02),
         "refused", 7),
    ],
)  # fmt: skip
def test_a_run_that_ends_after_saving_a_version_still_names_it(settings, error, status, exit_code) -> None:
    engine = open_database(settings.resolved_database_url)
    run = create_run(engine, {}, requested_by="someone", key_id=None)

    with pytest.raises(type(error)), recorded_run(engine, run.id) as record:
        record.step("saving the version")
        record.published({"version": "v1", "promoted": False})
        raise error

    ended = get_run(engine, run.id)
    assert (ended.status, ended.version, ended.promoted, ended.exit_code) == (status, "v1", False, exit_code)
    assert ended.progress == "saving the version" and str(error) == ended.error
    engine.dispose()


def test_an_admin_cancels_a_running_run_and_its_process_is_stopped(client) -> None:
    engine = client.app.state.service.engine
    run = create_run(engine, {}, requested_by="someone", key_id=None)
    child = subprocess.Popen(["sleep", "60"], start_new_session=True)  # stands in for a long training process
    mark_running(engine, run.id, pid=child.pid)

    cancelled = client.delete(f"/v1/training-runs/{run.id}")

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and "bootstrap-admin" in cancelled.json()["error"]
    assert child.wait(timeout=10) == -15  # SIGTERM to its process group
    again = client.delete(f"/v1/training-runs/{run.id}")
    assert again.status_code == 409 and again.json()["type"].endswith("/training-run-finished")
    assert client.post("/v1/training-runs", json={}).json()["type"].endswith("/no-labels")  # no longer in progress


def test_a_run_cancelled_before_its_process_started_trains_nothing(settings) -> None:
    engine = open_database(settings.resolved_database_url)
    run = create_run(engine, {}, requested_by="someone", key_id=None)
    cancel_run(engine, run.id, by="ana")

    with pytest.raises(typer.Exit) as ended, recorded_run(engine, run.id):
        raise AssertionError("a cancelled run must not start training")

    assert ended.value.exit_code == 0
    assert get_run(engine, run.id).status == "cancelled" and get_run(engine, run.id).pid is None
    engine.dispose()
