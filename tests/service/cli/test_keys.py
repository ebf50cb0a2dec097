"""`parrotwatch keys`, `catalog export` and `feedback export`: the service's database from the command line."""

from __future__ import annotations

import os

import pytest
import yaml
from typer.testing import CliRunner

from service.cli import app


@pytest.fixture(scope="module")
def client(module_client):
    """One app for the module; the commands work on its database."""
    return module_client


@pytest.fixture
def run(module_settings, monkeypatch):
    monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(module_settings.data_dir))
    monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(module_settings.models_dir))
    monkeypatch.setenv("PARROTWATCH_LOG_JSON", "false")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def test_keys_create_prints_a_key_once_that_the_api_accepts_with_its_role(run, client) -> None:
    result = run("keys", "create", "--role", "analyst", "--name", "newsroom")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert key.startswith("pw_")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/models", headers=headers).status_code == 200
    assert client.get("/v1/keys", headers=headers).status_code == 403
    listed = run("keys", "list")
    assert "newsroom" in listed.output and key not in listed.output


def test_keys_create_with_a_team_shows_it_in_the_list_and_the_audit(run, client) -> None:
    key = run("keys", "create", "--name", "desk", "--team", "newsroom").stdout.strip()
    key_id = key.split("_")[1]
    [row] = [line for line in run("keys", "list").output.splitlines() if key_id in line]
    assert "desk" in row and "newsroom" in row
    targets = [e["target"] for e in client.get("/v1/audit").json() if e["action"] == "keys create"]
    assert f"key {key_id} (analyst, desk, team newsroom)" in targets
    assert run("keys", "create", "--name", "x", "--team", "").exit_code == 2


def test_keys_revoke_stops_the_key_and_is_audited(run, client) -> None:
    key = run("keys", "create", "--role", "admin", "--name", "script").stdout.strip()
    key_id = key.split("_")[1]
    assert run("keys", "revoke", key_id).exit_code == 0
    assert client.get("/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    actions = [(e["action"], e["target"]) for e in client.get("/v1/audit").json()]
    assert ("keys revoke", f"key {key_id}") in actions and any(a == "keys create" for a, _ in actions)


def test_keys_revoke_of_an_unknown_id_exits_3(run) -> None:
    result = run("keys", "revoke", "nosuchkey")
    assert result.exit_code == 3 and "nosuchkey" in result.output


def test_keys_create_refuses_an_unknown_role(run) -> None:
    assert run("keys", "create", "--role", "owner", "--name", "x").exit_code == 2


def test_catalog_export_writes_the_latest_edited_version(run, client, tmp_path) -> None:
    point = client.get("/v1/talking-points").json()["talking_points"][0]
    edited = client.post("/v1/talking-points", json={**point, "id": "exported-line"}).json()
    out = tmp_path / "catalog.yaml"
    assert run("catalog", "export", "--out", out).exit_code == 0
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert "exported-line" in {tp["id"] for tp in exported["talking_points"]}
    assert edited["catalog_version"].startswith(exported["version"])


def test_feedback_export_writes_handle_label_rows(run, client, demo_roles) -> None:
    handle = demo_roles["amplifier"][0]
    client.post("/v1/scores", json={"handles": [handle]})
    client.post(f"/v1/accounts/{handle}/feedback", json={"verdict": "confirm"})
    result = run("feedback", "export")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["handle,label", f"{handle},amplifier"]


def test_keys_create_on_a_new_data_folder_makes_a_database_only_its_owner_can_read(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(tmp_path / "models"))
    previous = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["keys", "create", "--name", "first", "--role", "admin"])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "var" / "parrotwatch.db").stat().st_mode & 0o777 == 0o600


def test_catalog_export_includes_lines_accepted_from_discovery_over_an_edited_version(run, client, tmp_path) -> None:
    from discovery_corpus import stored_line_candidate

    from detector.catalog import TalkingPoint
    from detector.overlay import OverlayEntry
    from service.db.discovery import decide_candidate, list_candidates, save_candidates

    engine = client.app.state.service.engine
    point = client.get("/v1/talking-points").json()["talking_points"][0]
    assert client.post("/v1/talking-points", json={**point, "id": "edited-before-discovery"}).status_code in (200, 201)
    wording = "the harbour airship programme is a gift of friendship to every coastal town"
    save_candidates(engine, [stored_line_candidate("f" * 16, wording)])
    [candidate] = [c for c in list_candidates(engine) if c.candidate.fingerprint == "f" * 16]
    line = TalkingPoint.model_validate({**point, "id": "accepted-from-discovery", "phrases": {"en": [wording]}})
    decide_candidate(
        engine, candidate.id, status="accepted", decided_by="test", entry=OverlayEntry(kind="add", talking_point=line)
    )
    out = tmp_path / "catalog.yaml"
    assert run("catalog", "export", "--out", out).exit_code == 0
    ids = {tp["id"] for tp in yaml.safe_load(out.read_text(encoding="utf-8"))["talking_points"]}
    assert {"edited-before-discovery", "accepted-from-discovery"} <= ids
