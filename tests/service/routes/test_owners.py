"""Owners and scopes: an analyst's jobs, results and feedback are its own (and its team's); admins see all; another
owner's job answers exactly like an unknown one (404), and every refusal is in the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from service.db.api_keys import create_key
from service.db.audit import list_audit
from service.db.jobs import cancel_job, unfinished_jobs
from tests.service.conftest import bearer

UNKNOWN_JOB = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def app_client(module_stepped_client: TestClient) -> TestClient:
    """The module's app as the bootstrap admin, job workers stopped; jobs earlier tests left unfinished cancelled."""
    engine = module_stepped_client.app.state.service.engine
    for job_id in unfinished_jobs(engine):
        cancel_job(engine, job_id)
    return module_stepped_client


@pytest.fixture
def as_new_key(app_client: TestClient) -> Callable[..., TestClient]:
    """A client of the same running app that sends a new key of ``role`` (and ``team``)."""

    def make(name: str, *, role: str = "analyst", team: str | None = None) -> TestClient:
        _, secret = create_key(app_client.app.state.service.engine, name=name, role=role, team=team)  # type: ignore[arg-type]
        return TestClient(app_client.app, headers=bearer(secret))

    return make


def _submit(client: TestClient, handles: list[str]) -> str:
    response = client.post("/v1/jobs", json={"handles": handles})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def _run_jobs(app_client: TestClient) -> None:
    while app_client.app.state.runner.run_once():
        pass


def _not_found_shape(response) -> tuple:  # type: ignore[no-untyped-def]
    """What a 404 says besides the id itself: it must not differ between another owner's job and no job."""
    assert response.status_code == 404, response.text
    body = response.json()
    return response.headers["content-type"], body["type"], body["title"], body["status"], sorted(body)


def _refusals(app_client: TestClient) -> list[tuple[str | None, str, int | None, str | None]]:
    entries = list_audit(app_client.app.state.service.engine, limit=1000)
    return [(e.key_name, e.action, e.status, e.target) for e in entries if e.status in (401, 403, 404)]


def test_analyst_b_can_neither_list_read_fetch_results_nor_cancel_analyst_a_job(app_client, as_new_key) -> None:
    alice, bob = as_new_key("alice"), as_new_key("bob")
    job_id = _submit(alice, ["someone_a"])

    assert job_id not in {j["id"] for j in bob.get("/v1/jobs").json()}
    for method, path in [("get", f"/v1/jobs/{job_id}"), ("get", f"/v1/jobs/{job_id}/results"),
                         ("delete", f"/v1/jobs/{job_id}")]:  # fmt: skip
        refused = bob.request(method, path)
        unknown = bob.request(method, path.replace(job_id, UNKNOWN_JOB))
        assert _not_found_shape(refused) == _not_found_shape(unknown), f"{method} {path} reveals that the job exists"
        assert refused.json()["detail"] == unknown.json()["detail"].replace(UNKNOWN_JOB, job_id)
    assert alice.get(f"/v1/jobs/{job_id}").json()["state"] == "queued", "bob's cancel changed nothing"

    mine = alice.get("/v1/jobs").json()
    assert [j["id"] for j in mine] == [job_id]
    alice_key_id = alice.headers["Authorization"].split("_")[1]
    assert (mine[0]["created_by_name"], mine[0]["created_by"]) == ("alice", alice_key_id)


def test_the_owner_and_an_admin_read_results_and_cancel(app_client, as_new_key, demo_roles) -> None:
    alice = as_new_key("alice")
    done = _submit(alice, demo_roles["ordinary"][:2])
    _run_jobs(app_client)
    for reader in (alice, app_client):
        results = reader.get(f"/v1/jobs/{done}/results")
        assert results.status_code == 200 and len(results.text.splitlines()) == 2
    assert done in {j["id"] for j in app_client.get("/v1/jobs").json()}, "an admin lists every job"

    queued = _submit(alice, ["someone_b"])
    cancelled = app_client.delete(f"/v1/jobs/{queued}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert alice.delete(f"/v1/jobs/{_submit(alice, ['someone_c'])}").json()["state"] == "cancelled"


def test_feedback_on_a_job_is_for_those_who_may_see_the_job(app_client, as_new_key, demo_roles) -> None:
    alice, bob = as_new_key("alice"), as_new_key("bob")
    handle = demo_roles["amplifier"][0]
    job_id = _submit(alice, [handle])
    _run_jobs(app_client)
    path = f"/v1/accounts/{handle}/feedback"

    refused = bob.post(path, json={"verdict": "dispute", "job_id": job_id})
    unknown = bob.post(path, json={"verdict": "dispute", "job_id": UNKNOWN_JOB})
    assert _not_found_shape(refused) == _not_found_shape(unknown)
    assert refused.json()["type"] == "/problems/job-not-found"

    given = alice.post(path, json={"verdict": "confirm", "job_id": job_id})
    assert given.status_code == 201 and given.json()["job_id"] == job_id and given.json()["key_name"] == "alice"
    assert app_client.post(path, json={"verdict": "confirm", "job_id": job_id}).status_code == 201
    bob.post(f"/v1/accounts/{handle}/feedback", json={"verdict": "dispute"})  # on the latest score: anyone may

    assert {f["key_name"] for f in bob.get(path).json()} == {"bob"}, "bob reads only his own verdicts"
    assert {f["key_name"] for f in alice.get(path).json()} == {"alice"}
    assert {"alice", "bob", "bootstrap-admin"} <= {f["key_name"] for f in app_client.get(path).json()}

    not_in_job = alice.post(f"/v1/accounts/{demo_roles['critic'][0]}/feedback",
                            json={"verdict": "confirm", "job_id": job_id})  # fmt: skip
    assert not_in_job.status_code == 404 and not_in_job.json()["type"] == "/problems/not-scored"


def test_a_stored_score_names_its_job_only_to_those_who_may_see_it(app_client, as_new_key, demo_roles) -> None:
    alice, bob = as_new_key("alice"), as_new_key("bob")
    handle = demo_roles["amplifier"][1]
    job_id = _submit(alice, [handle])
    _run_jobs(app_client)

    assert alice.get(f"/v1/accounts/{handle}").json()["job_id"] == job_id
    assert bob.get(f"/v1/accounts/{handle}").json()["job_id"] is None
    assert [s["job_id"] for s in bob.get(f"/v1/accounts/{handle}/history").json()["scores"]][-1] is None


def test_keys_of_one_team_share_jobs_and_feedback_and_no_one_else_does(app_client, as_new_key, demo_roles) -> None:
    ana, ben = as_new_key("ana", team="newsroom"), as_new_key("ben", team="newsroom")
    carla, solo = as_new_key("carla", team="lab"), as_new_key("solo")
    handle = demo_roles["amplifier"][2]
    job_id = _submit(ana, [handle])
    _run_jobs(app_client)
    ana.post(f"/v1/accounts/{handle}/feedback", json={"verdict": "confirm", "job_id": job_id})

    assert ben.get(f"/v1/jobs/{job_id}").status_code == 200
    assert ben.get(f"/v1/jobs/{job_id}/results").status_code == 200
    assert job_id in {j["id"] for j in ben.get("/v1/jobs").json()}
    assert [f["key_name"] for f in ben.get(f"/v1/accounts/{handle}/feedback").json()] == ["ana"]
    assert ben.post(f"/v1/accounts/{handle}/feedback", json={"verdict": "confirm", "job_id": job_id}).status_code == 201
    for outsider in (carla, solo):
        assert outsider.get(f"/v1/jobs/{job_id}").status_code == 404
        assert job_id not in {j["id"] for j in outsider.get("/v1/jobs").json()}
        assert outsider.get(f"/v1/accounts/{handle}/feedback").json() == []


def test_every_refusal_is_audited_with_who_what_and_target(app_client, as_new_key) -> None:
    alice, bob = as_new_key("alice"), as_new_key("bob")
    job_id = _submit(alice, ["someone_d"])
    bob.get(f"/v1/jobs/{job_id}")
    bob.get(f"/v1/jobs/{job_id}/results")
    bob.delete(f"/v1/jobs/{job_id}")
    bob.post("/v1/accounts/someone_d/feedback", json={"verdict": "confirm", "job_id": job_id})
    bob.get(f"/v1/jobs/{UNKNOWN_JOB}")  # a wrong id is no refusal: not audited
    bob.get("/v1/audit")  # 403: not an admin
    TestClient(app_client.app).get("/v1/jobs")  # 401: no key

    refusals = _refusals(app_client)
    for action in ("GET /v1/jobs/{job_id}", "GET /v1/jobs/{job_id}/results", "DELETE /v1/jobs/{job_id}",
                   "POST /v1/accounts/{handle}/feedback"):  # fmt: skip
        [(_, _, status, target)] = [r for r in refusals if r[:2] == ("bob", action) and job_id in (r[3] or "")]
        assert status == 404 and job_id in target and "outside the caller's scope" in target
    assert ("bob", "GET /v1/audit", 403, "/v1/audit") in refusals
    assert (None, "GET /v1/jobs", 401, "/v1/jobs") in refusals
    assert not [r for r in refusals if r[1].startswith("GET") and UNKNOWN_JOB in (r[3] or "")]
    assert app_client.get("/v1/audit").json()[0]["status"] == 401, "refusals are read like any other entry"


def test_an_activation_through_the_api_names_the_key_in_the_registry_audit(app_client, module_settings) -> None:
    version = app_client.get("/v1/models/active").json()["version"]
    assert app_client.post(f"/v1/models/{version}/activate").status_code == 200
    entry = json.loads((module_settings.models_dir / "AUDIT.jsonl").read_text().splitlines()[-1])
    [admin] = [k for k in app_client.get("/v1/keys").json() if k["name"] == "bootstrap-admin"]
    assert (entry["to"], entry["user"], entry["key_id"]) == (version, "api:bootstrap-admin", admin["id"])


def test_a_key_created_through_the_api_keeps_its_team(app_client) -> None:
    created = app_client.post("/v1/keys", json={"name": "desk", "role": "analyst", "team": "newsroom"})
    assert created.status_code == 201 and created.json()["team"] == "newsroom"
    [listed] = [k for k in app_client.get("/v1/keys").json() if k["id"] == created.json()["id"]]
    assert listed["team"] == "newsroom"
    assert app_client.post("/v1/keys", json={"name": "desk", "team": ""}).status_code == 422
