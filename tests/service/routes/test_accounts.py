"""Stored scores: the latest per account with evidence, every score in the history, feedback and its labels."""

from __future__ import annotations

import shutil

import pytest

from service.db.feedback import feedback_label_rows

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(module_client):
    """One app for the module: each test scores its own handles and puts back the model it activates."""
    return module_client


@pytest.fixture
def models_dir(client):
    return client.app.state.service.settings.models_dir


def _new_version(models_dir, name: str) -> str:
    active = (models_dir / "ACTIVE").read_text().strip()
    shutil.copytree(models_dir / active, models_dir / name)
    return name


def test_latest_score_is_stored_with_its_evidence(client, demo_roles) -> None:
    handle = demo_roles["amplifier"][0]
    scored = client.post("/v1/scores", json={"handles": [handle]}).json()["results"][0]["result"]
    body = client.get(f"/v1/accounts/@{handle.upper()}").json()
    assert body["handle"] == handle and body["score"] == scored["score"] and body["band"] == scored["band"]
    assert body["evidence"]["matched_posts"] == scored["evidence"]["matched_posts"]
    assert body["model_version"] == scored["model_version"] and body["scored_at"] and body["job_id"] is None
    assert body["account_status"] is None


def test_a_suspended_account_keeps_its_score_and_says_since_when(client, demo_roles) -> None:
    handle = demo_roles["amplifier"][1]
    scored = client.post("/v1/scores", json={"handles": [handle]}).json()["results"][0]["result"]
    since = client.app.state.service.store.mark_status(handle, "suspended")

    body = client.get(f"/v1/accounts/{handle}").json()

    assert body["score"] == scored["score"], "a tombstone keeps the score"
    assert body["account_status"] == "suspended"
    assert body["account_status_since"].startswith(f"{since:%Y-%m-%dT%H:%M:%S}")
    history = client.get(f"/v1/accounts/{handle}/history").json()  # what the page reads to show the tombstone
    assert (history["account_status"], history["account_status_since"]) == ("suspended", body["account_status_since"])


def test_never_scored_account_is_404_problem(client) -> None:
    response = client.get("/v1/accounts/never_scored_1")
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/not-scored" and response.json()["handle"] == "never_scored_1"
    assert client.get("/v1/accounts/never_scored_1/history").status_code == 404


def test_history_keeps_every_score_with_its_model_version_oldest_first(client, models_dir, demo_roles) -> None:
    handle = demo_roles["ordinary"][1]
    first = client.post("/v1/scores", json={"handles": [handle]}).json()["results"][0]["result"]
    newer = _new_version(models_dir, "29990101T000000Z-history0")
    activated = client.post(f"/v1/models/{newer}/activate")
    assert activated.status_code == 200 and activated.json()["version"] == newer
    client.post("/v1/scores", json={"handles": [handle]})
    client.post("/v1/scores", json={"handles": [handle]})
    client.post(f"/v1/models/{first['model_version']}/activate")
    history = client.get(f"/v1/accounts/{handle}/history").json()
    assert history["handle"] == handle
    versions = [s["model_version"] for s in history["scores"]]
    assert versions == [first["model_version"], newer], "the same score served twice is one entry"
    assert [s["served_count"] for s in history["scores"]] == [1, 2]
    times = [s["scored_at"] for s in history["scores"]]
    assert times == sorted(times)
    assert set(history["scores"][0]) >= {"score", "band", "components", "model_version", "catalog_version",
                                          "scored_at"}  # fmt: skip


def test_activation_rolls_back_and_refuses_unknown_versions(client, models_dir) -> None:
    original = client.get("/v1/models/active").json()["version"]
    newer = _new_version(models_dir, "29990101T000000Z-rollback")
    assert client.post(f"/v1/models/{newer}/activate").json()["version"] == newer
    assert client.get("/v1/models/active").json()["version"] == newer
    assert client.post(f"/v1/models/{original}/activate").json()["version"] == original  # rollback
    assert (models_dir / "ACTIVE").read_text().strip() == original
    missing = client.post("/v1/models/19990101T000000Z-nothing/activate")
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/model-version-not-found"


def test_feedback_is_stored_with_who_and_when(client, demo_roles) -> None:
    handle = demo_roles["amplifier"][2]
    band = client.post("/v1/scores", json={"handles": [handle]}).json()["results"][0]["result"]["band"]
    response = client.post(f"/v1/accounts/{handle}/feedback", json={"verdict": "dispute", "note": "a reporter"})
    assert response.status_code == 201
    entry = response.json()
    assert entry["key_name"] == "bootstrap-admin" and entry["key_id"] and entry["created_at"]
    assert entry["verdict"] == "dispute" and entry["note"] == "a reporter" and entry["band"] == band
    assert client.get(f"/v1/accounts/{handle}/feedback").json() == [entry]


def test_feedback_on_an_account_never_scored_is_404(client) -> None:
    response = client.post("/v1/accounts/never_scored_2/feedback", json={"verdict": "confirm"})
    assert response.status_code == 404 and response.json()["type"] == "/problems/not-scored"


@pytest.mark.parametrize("verdict", ["maybe", None])
def test_feedback_with_a_bad_verdict_is_422(client, demo_roles, verdict) -> None:
    handle = demo_roles["amplifier"][0]
    client.post("/v1/scores", json={"handles": [handle]})
    response = client.post(f"/v1/accounts/{handle}/feedback", json={"verdict": verdict})
    assert response.status_code == 422 and response.json()["type"] == "/problems/request-validation"


def test_feedback_becomes_label_rows_for_retraining(client, demo_roles) -> None:
    amplifier, ordinary = demo_roles["amplifier"][3], demo_roles["ordinary"][3]
    results = client.post("/v1/scores", json={"handles": [amplifier, ordinary]}).json()["results"]
    bands = {r["handle"]: r["result"]["band"] for r in results}
    assert bands[amplifier] in ("high", "elevated") and bands[ordinary] == "low"
    client.post(f"/v1/accounts/{amplifier}/feedback", json={"verdict": "dispute"})
    client.post(f"/v1/accounts/{amplifier}/feedback", json={"verdict": "confirm"})  # the latest verdict counts
    client.post(f"/v1/accounts/{ordinary}/feedback", json={"verdict": "dispute"})
    rows = dict(feedback_label_rows(client.app.state.service.engine))
    assert (rows[amplifier], rows[ordinary]) == ("amplifier", "amplifier")


def test_catalog_edits_create_new_versions_and_scoring_keeps_the_models_catalog(client) -> None:
    before = client.get("/v1/talking-points").json()
    assert before["catalog_version"] == before["scoring_catalog_version"] and before["stored_version_id"] is None
    point = before["talking_points"][0]
    added = client.post("/v1/talking-points", json={**point, "id": "a-new-line", "title": "A new line"})
    assert added.status_code == 201
    added = added.json()
    assert added["catalog_version"] != before["catalog_version"] and added["stored_version_id"] == 1
    assert added["catalog_version"].split("+")[0].endswith("-edit.1")
    assert added["scoring_catalog_version"] == before["scoring_catalog_version"]
    assert client.get("/v1/talking-points/a-new-line").json()["title"] == "A new line"
    replaced = client.put("/v1/talking-points/a-new-line", json={**point, "id": "a-new-line", "title": "Renamed"})
    assert replaced.json()["stored_version_id"] == 2
    deleted = client.delete("/v1/talking-points/a-new-line").json()
    assert deleted["stored_version_id"] == 3 and "a-new-line" not in {tp["id"] for tp in deleted["talking_points"]}
    assert client.post("/v1/talking-points", json=point).status_code == 409
    assert client.delete("/v1/talking-points/no-such-line").status_code == 404
