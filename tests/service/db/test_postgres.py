"""The same code on Postgres (``PARROTWATCH_DATABASE_URL``) from an empty database: migrations, scores, jobs, keys,
catalog, feedback, audit, in one pass.

Runs on the server ``TEST_POSTGRES_URL`` names (``make postgres`` starts one; ``make test`` sets it), in an empty
database of its own, once whatever ``--database`` says; skipped without a server.
"""

from __future__ import annotations

import itertools

import pytest


@pytest.fixture
def pg_settings(models_dir, postgres_database, tmp_path):
    """Settings on the empty database (not ``settings``: that one holds the demo store, on the test's kind)."""
    from database_fixtures import private_settings

    from ingest.database import open_database
    from ingest.jsonl import read_accounts
    from ingest.store import AccountStore

    store = AccountStore(open_database(postgres_database))
    settings = private_settings(tmp_path / "var", models_dir, None, postgres_database, "pw_test_postgres_admin_key")
    return settings, store, read_accounts


def test_the_service_runs_on_postgres(pg_settings, demo_dir, make_client, demo_roles) -> None:
    settings, store, read_accounts = pg_settings
    wanted = set(demo_roles["amplifier"][:3] + demo_roles["ordinary"][:3])
    for account in itertools.islice((a for a in read_accounts(demo_dir / "accounts.jsonl") if a.handle in wanted), 6):
        store.put(account, source="test")
    client = make_client(settings)
    client.app.state.runner.stop()
    handles = sorted(wanted)

    assert client.get("/readyz").status_code == 200
    assert client.post("/v1/scores", json={"handles": handles[:2]}).status_code == 200
    assert len(client.get(f"/v1/accounts/{handles[0]}/history").json()["scores"]) == 1
    job = client.post("/v1/jobs", json={"handles": [*handles, "not_stored_pg"]}).json()
    while client.app.state.runner.run_once():
        pass
    status = client.get(f"/v1/jobs/{job['id']}").json()
    assert (status["state"], status["done"], status["failed"]) == ("done", 6, 1)
    assert len(client.get(f"/v1/jobs/{job['id']}/results").text.splitlines()) == 7
    feedback = client.post(f"/v1/accounts/{handles[0]}/feedback", json={"verdict": "confirm"})
    assert feedback.status_code == 201
    key = client.post("/v1/keys", json={"name": "pg", "role": "analyst"}).json()
    assert client.get("/v1/models", headers={"Authorization": f"Bearer {key['key']}"}).status_code == 200
    point = client.get("/v1/talking-points").json()["talking_points"][0]
    assert client.post("/v1/talking-points", json={**point, "id": "pg-line"}).status_code == 201
    assert client.get("/v1/audit").json()[0]["action"] == "POST /v1/talking-points"
