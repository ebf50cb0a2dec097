"""The same code on Postgres (``PARROTWATCH_DATABASE_URL``): migrations, scores, jobs, keys, catalog, feedback.

Opt-in: set ``TEST_POSTGRES_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/parrotwatch_test``) to a
database this test may wipe, with the ``postgres`` extra installed. Skipped otherwise.
"""

from __future__ import annotations

import itertools
import os

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set TEST_POSTGRES_URL to run against Postgres")


@pytest.fixture
def pg_settings(settings):
    from ingest.database import open_database
    from ingest.jsonl import read_accounts
    from ingest.store import AccountStore

    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    engine = open_database(POSTGRES_URL)
    store = AccountStore(engine)
    return settings.model_copy(update={"database_url": POSTGRES_URL}), store, read_accounts


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
