"""The HTTP contract of POST /v1/scores, health and docs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.app import create_app

PROBLEM = "application/problem+json"


def test_scores_amplifier_above_journalist_with_matched_talking_points(client, demo_roles) -> None:
    # Some synthetic amplifiers are sleepers that post no talking point: five of one corpus hold several that do.
    amplifiers, journalist = demo_roles["amplifier"][:5], demo_roles["journalist"][0]
    response = client.post("/v1/scores", json={"handles": [f"@{amplifiers[0]}", *amplifiers[1:], journalist]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["handle"] for r in results] == [*amplifiers, journalist]
    assert all(r["status"] == "scored" for r in results)
    *amps, jour = (r["result"] for r in results)
    asserting = [
        a for a in amps if any(m["attribution"] in ("asserted", "retweet") for m in a["evidence"]["matched_posts"])
    ]
    assert asserting
    assert all(a["score"] > jour["score"] for a in asserting)
    assert all(a["components"]["narrative"] > 0 for a in asserting)
    amp = asserting[0]
    for result in (amp, jour):
        assert {"score", "band", "components", "evidence", "n_posts", "model_version", "catalog_version"} <= set(result)
        assert result["state_affiliated"] is False and result["declared_list_version"]


def test_unknown_and_invalid_handles_get_error_entries_not_a_failed_request(client, demo_roles) -> None:
    known = demo_roles["ordinary"][0]
    response = client.post("/v1/scores", json={"handles": ["nobody_by_this", known, "not a handle!"]})
    assert response.status_code == 200
    unknown, scored, invalid = response.json()["results"]
    assert unknown["status"] == "error" and "nobody_by_this" in unknown["error"]["detail"]
    assert scored["status"] == "scored"
    assert invalid["error"]["type"] == "/problems/invalid-handle"


def test_more_than_100_handles_is_413_problem(client) -> None:
    response = client.post("/v1/scores", json={"handles": [f"user{i}" for i in range(101)]})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "/problems/too-many-handles" and body["limit"] == 100


@pytest.mark.parametrize(
    "body", [{"handles": []}, {"names": ["x"]}, {"handles": "abc"}], ids=["empty", "wrong-key", "not-list"]
)
def test_malformed_request_is_422_problem(client, body) -> None:
    response = client.post("/v1/scores", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/request-validation"


def test_health_reports_model_and_catalog_versions(client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["model_version"] and body["catalog_version"]


def test_openapi_docs_describe_the_scoring_endpoint(client) -> None:
    assert client.get("/docs").status_code == 200
    assert "/v1/scores" in client.get("/openapi.json").json()["paths"]


def test_active_model_card_is_served(client) -> None:
    body = client.get("/v1/models/active").json()
    assert body["active"] and body["card"]["metrics"]["held_out"]["n_accounts"] > 0


def test_without_a_model_scoring_is_503_and_health_degraded(settings, tmp_path, admin_headers) -> None:
    settings = settings.model_copy(update={"models_dir": tmp_path / "empty-models"})
    with TestClient(create_app(settings), headers=admin_headers) as client:
        assert client.get("/healthz").json()["status"] == "degraded"
        response = client.post("/v1/scores", json={"handles": ["anyone"]})
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/model-unavailable"


def test_tampered_model_is_refused_with_503_model_integrity(settings, admin_headers) -> None:
    active = (settings.models_dir / "ACTIVE").read_text().strip()
    artifact = settings.models_dir / active / "model.skops"
    artifact.write_bytes(artifact.read_bytes()[:-10] + b"tampered!!")
    with TestClient(create_app(settings), headers=admin_headers) as client:
        response = client.post("/v1/scores", json={"handles": ["anyone"]})
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/model-integrity"


def test_handle_missing_locally_without_x_token_is_unknown_saying_live_fetch_is_off(client) -> None:
    [entry] = client.post("/v1/scores", json={"handles": ["not_stored_here"]}).json()["results"]
    assert entry["status"] == "error"
    assert (entry["error"]["type"], entry["error"]["title"]) == ("/problems/unknown-handle", "No such account")
    assert entry["error"]["detail"] == (
        "@not_stored_here is not in the local store (live fetch from X is off: set PARROTWATCH_X_BEARER_TOKEN)"
    )


def _copy_version(models_dir, new_name: str) -> str:
    import shutil

    active = (models_dir / "ACTIVE").read_text().strip()
    shutil.copytree(models_dir / active, models_dir / new_name)
    return new_name


def test_activated_version_serves_the_next_request_without_restart(settings, demo_roles, admin_headers) -> None:
    from detector.registry import ModelRegistry

    handle = demo_roles["ordinary"][0]
    with TestClient(create_app(settings), headers=admin_headers) as client:
        before = client.post("/v1/scores", json={"handles": [handle]}).json()["results"][0]["result"]
        newer = _copy_version(settings.models_dir, "29990101T000000Z-newer000")
        ModelRegistry(settings.models_dir).activate(newer)
        after = client.post("/v1/scores", json={"handles": [handle]}).json()["results"][0]["result"]
        health = client.get("/healthz").json()
    assert before["model_version"] != newer
    assert after["model_version"] == newer and health["model_version"] == newer


@pytest.mark.parametrize("damage", ["replaced", "truncated"])
def test_tampered_new_version_is_refused_and_the_serving_model_stays(
    settings, demo_roles, admin_headers, damage
) -> None:
    from detector.registry import ModelRegistry

    handle = demo_roles["ordinary"][0]
    with TestClient(create_app(settings), headers=admin_headers) as client:
        serving = client.get("/healthz").json()["model_version"]
        newer = _copy_version(settings.models_dir, "29990101T000000Z-tampered")
        artifact = settings.models_dir / newer / "model.skops"
        data = artifact.read_bytes()
        artifact.write_bytes(b"not the model" if damage == "replaced" else data[: len(data) // 2])
        ModelRegistry(settings.models_dir).activate(newer)
        response = client.post("/v1/scores", json={"handles": [handle]})
        health = client.get("/healthz").json()
    assert response.json()["results"][0]["result"]["model_version"] == serving
    assert health["status"] == "degraded" and "tampered" in " ".join(health["problems"])


def test_accounts_scored_in_separate_requests_are_linked_as_coordinated(settings, admin_headers) -> None:
    from datetime import UTC, datetime, timedelta

    from detector.schema import Account, Post
    from ingest.database import make_engine
    from ingest.store import AccountStore

    line = "The so-called election interference reports are baseless smears against China and its people"
    start = datetime(2023, 5, 2, 9, 0, tzinfo=UTC)

    def account(handle: str, minutes: int) -> Account:
        posts = [Post(id=f"{handle}-0", created_at=start + timedelta(minutes=minutes), text=line)]
        posts += [  # the same small talk, but hours apart: not coordination
            Post(
                id=f"{handle}-{i}",
                created_at=start + timedelta(days=i, hours=minutes),
                text=f"day {i} of spring, the garden grows",
            )
            for i in range(1, 6)
        ]
        return Account(handle=handle, posts=posts)

    with TestClient(create_app(settings), headers=admin_headers) as client:
        store = AccountStore(make_engine(settings.resolved_database_url))
        store.put(account("first_poster", 0), source="test")
        store.put(account("second_poster", 4), source="test")
        first = client.post("/v1/scores", json={"handles": ["first_poster"]}).json()["results"][0]["result"]
        second = client.post("/v1/scores", json={"handles": ["second_poster"]}).json()["results"][0]["result"]
    assert first["evidence"]["peer_accounts"] == []
    assert second["evidence"]["peer_accounts"] == ["first_poster"]
    [link] = second["evidence"]["coordinated_posts"]
    assert link["gap_s"] == 240.0 and link["peer_post_id"] == "first_poster-0"


def test_the_coordination_index_comes_back_after_a_restart_from_its_stored_rows(settings, admin_headers) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import delete

    from detector.schema import Account, Post
    from ingest.database import make_engine
    from ingest.store import AccountStore, posts_table
    from service.db.coordination import count_rows

    line = "Western media keep smearing the Chinese community with these baseless interference stories again"
    start = datetime(2023, 6, 1, 15, 0, tzinfo=UTC)

    def account(handle: str, minutes: int) -> Account:
        posts = [Post(id=f"{handle}-0", created_at=start + timedelta(minutes=minutes), text=line)]
        posts += [
            Post(id=f"{handle}-{i}", created_at=start + timedelta(days=i, hours=minutes), text=f"walk {i} by the river")
            for i in range(1, 6)
        ]
        return Account(handle=handle, posts=posts)

    engine = make_engine(settings.resolved_database_url)
    with TestClient(create_app(settings), headers=admin_headers) as client:
        indexed_at_start = count_rows(engine)  # the demo store's posts, indexed at the first start
        AccountStore(engine).put(account("before_restart", 0), source="test")
        assert client.post("/v1/scores", json={"handles": ["before_restart"]}).status_code == 200
    assert count_rows(engine) == indexed_at_start + 6, "every post the index took is stored with its signature"
    with engine.begin() as conn:  # the link after the restart must come from the stored signatures, not the posts
        conn.execute(delete(posts_table))
    with TestClient(create_app(settings), headers=admin_headers) as client:
        AccountStore(engine).put(account("after_restart", 3), source="test")
        result = client.post("/v1/scores", json={"handles": ["after_restart"]}).json()["results"][0]["result"]
    assert result["evidence"]["peer_accounts"] == ["before_restart"]
    assert result["evidence"]["coordinated_posts"][0]["gap_s"] == 180.0


def test_a_handle_scored_again_with_nothing_changed_reuses_the_score_and_counts_it_on_the_stored_row(
    client, demo_roles, monkeypatch
) -> None:
    from datetime import UTC, datetime

    import service.scoring.handle_scorer as use_case
    from detector.schema import Account, Post

    computed: list[list[str]] = []
    real = use_case.score_accounts

    def counting(model, accounts, **kwargs):  # type: ignore[no-untyped-def]
        computed.append([a.handle for a in accounts])
        return real(model, accounts, **kwargs)

    monkeypatch.setattr(use_case, "score_accounts", counting)
    handle, other = demo_roles["amplifier"][0], demo_roles["ordinary"][0]
    first = client.post("/v1/scores", json={"handles": [handle, other]}).json()["results"]
    again = client.post("/v1/scores", json={"handles": [other, handle]}).json()["results"]
    assert computed == [[handle, other]], "the second request computed nothing"
    assert [r["result"] for r in again] == [first[1]["result"], first[0]["result"]]
    [entry] = client.get(f"/v1/accounts/{handle}/history").json()["scores"]
    assert entry["served_count"] == 2 and entry["last_served_at"] is not None, "every request is recorded, once"

    # A post anywhere (here a new account) may change coordination: the next request computes again.
    when = datetime(2023, 5, 2, 9, 0, tzinfo=UTC)
    newcomer = Account(
        handle="newcomer_1", posts=[Post(id="newcomer-1", created_at=when, text="hello there, a brand new account")]
    )
    client.app.state.service.coordination.add([newcomer])
    client.post("/v1/scores", json={"handles": [handle]})
    assert computed[-1] == [handle]


@pytest.mark.sqlite_only
def test_coordination_rows_the_database_was_too_busy_for_are_written_with_the_next_ones(tmp_path) -> None:
    """A busy database used to lose indexed rows from the persisted index for good (the index adds a post once)."""
    import sqlite3

    from detector.coordination import CoordinationIndex, CoordinationParams
    from ingest.database import open_database
    from service.db.coordination import RowPersister, count_rows
    from tests.conftest import make_account

    path = tmp_path / "parrotwatch.db"
    engine = open_database(f"sqlite:///{path}", busy_timeout_s=0.05)
    persister = RowPersister(engine)
    index = CoordinationIndex(CoordinationParams(), on_add=persister)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing

    added = index.add([make_account("first_voice", ["the harbour deal is a win for both peoples, says the mayor"])])

    assert added == 1 and len(index) == 1  # scoring goes on with the row in memory
    assert persister.n_pending == 1 and count_rows(engine) == 0
    other.execute("COMMIT")
    index.add([make_account("second_voice", ["a completely different post about the weather and the rain"])])
    assert persister.n_pending == 0 and count_rows(engine) == 2
    other.close()
    engine.dispose()


def test_the_response_is_the_score_response_schema_with_none_fields_left_out(client, demo_roles) -> None:
    import json

    from service.schemas import ScoreResponse

    handle = demo_roles["amplifier"][0]
    for _ in range(2):  # computed, then served from the memo with the JSON it made the first time
        response = client.post("/v1/scores", json={"handles": [handle, "no_such_handle_xyz", "bad handle!"]})
        body = response.json()
        assert body == json.loads(ScoreResponse.model_validate(body).model_dump_json(exclude_none=True))
        assert [r["status"] for r in body["results"]] == ["scored", "error", "error"]
        assert "error" not in body["results"][0] and "result" not in body["results"][1]


def test_a_score_request_is_audited_once_with_its_request_id_whether_computed_or_remembered(client, demo_roles) -> None:
    from service.db.audit import list_audit

    handle = demo_roles["ordinary"][1]
    ids = [client.post("/v1/scores", json={"handles": [handle]}).headers["x-request-id"] for _ in range(2)]
    failed = client.post("/v1/scores", json={"handles": ["x"] * 101})
    entries = [e for e in list_audit(client.app.state.service.engine) if e.action == "POST /v1/scores"]
    assert [(e.request_id, e.status) for e in entries[:3]] == [
        (failed.headers["x-request-id"], 413),
        (ids[1], 200),
        (ids[0], 200),
    ]
    assert len({e.request_id for e in entries}) == len(entries), "no request is audited twice"
