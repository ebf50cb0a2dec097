"""Proposed talking points: discovery over the store proposes a new state line with its spread, and an admin's
decision changes what scoring matches, without retraining."""

from __future__ import annotations

import pytest
from discovery_corpus import DAY_1, LINE_EN, LINE_ZH, N_AMPLIFIERS, SINCE, UNTIL, plant_line

from detector.schema import Post

PROBLEM = "application/problem+json"
CATALOG_LINE = "China never interferes in other countries' internal affairs."


@pytest.fixture(scope="module")
def client(module_client):
    return module_client


@pytest.fixture(scope="module")
def planted(client, demo_roles) -> dict[str, list[str]]:
    """The planted line in the store (from day 1), and a catalog line three state accounts repeat on day 2."""
    store = client.app.state.service.store
    roles = demo_roles
    accounts = list(store.iter_accounts([*roles["state"], *roles["amplifier"], *roles["journalist"]]))
    changed = plant_line(accounts, roles["state"], roles["amplifier"], roles["journalist"])
    catalog_posts = []
    for n, account in enumerate(changed):
        if account.handle in roles["state"][3:6]:
            post = Post(id=f"catalog-{n}", created_at=DAY_1.replace(day=2), text=CATALOG_LINE, lang="en")
            catalog_posts.append(post.id)
            account = account.model_copy(update={"posts": [*account.posts, post]})
        store.put(account, source="test:planted")
    return {"catalog_posts": catalog_posts}


@pytest.fixture(scope="module")
def listed(client, planted) -> dict:
    response = client.get("/v1/talking-points/candidates", params={"since": "14d", "until": UNTIL.isoformat()})
    assert response.status_code == 200, response.text
    return response.json()


def _airship(listed: dict) -> dict:
    found = [c for c in listed["candidates"] if "civilian airship" in c["phrasings"].get("en", "")]
    assert len(found) == 1, [c["phrasings"] for c in listed["candidates"]]
    return found[0]


def _other(listed: dict, n: int) -> dict:
    return [c for c in listed["candidates"] if c["status"] == "open" and "airship" not in str(c["phrasings"])][n]


def test_a_new_state_line_is_proposed_once_with_both_languages_first_seen_and_spread(listed) -> None:
    candidate = _airship(listed)
    assert candidate["languages"] == ["en", "zh"] and candidate["phrasings"]["zh"] == LINE_ZH
    assert candidate["phrasings"]["en"] == LINE_EN
    assert candidate["first_seen_at"].startswith(DAY_1.date().isoformat())
    assert abs(candidate["spread"] - N_AMPLIFIERS) <= N_AMPLIFIERS // 10, "journalists reporting it do not count"
    assert candidate["median_delay_s"] > 2 * 86400, "amplifiers repeat it from day 3"
    assert listed["candidates"][0] == candidate, "ranked by spread"
    assert listed["since"].startswith(SINCE.date().isoformat())


def test_lines_already_in_the_catalog_are_not_proposed(listed, planted) -> None:
    proposed = {post_id for c in listed["candidates"] for post_id in c["post_ids"]}
    assert planted["catalog_posts"] and not proposed & set(planted["catalog_posts"])
    assert not any("internal affairs" in str(c["phrasings"]) for c in listed["candidates"])


def test_accepting_a_candidate_bumps_the_catalog_version_and_rescoring_matches_the_new_line(
    client, listed, demo_roles
) -> None:
    amplifier = demo_roles["amplifier"][0]  # repeats the line word for word on day 3
    before = client.post("/v1/scores", json={"handles": [amplifier]}).json()["results"][0]["result"]
    candidate = _airship(listed)

    response = client.post(
        f"/v1/talking-points/candidates/{candidate['id']}/accept",
        json={"id": "airship-overreaction", "phrasing": {"en": LINE_EN, "zh": LINE_ZH}, "languages": ["en", "zh"]},
    )

    assert response.status_code == 200, response.text
    decided = response.json()
    assert decided["candidate"]["status"] == "accepted"
    assert decided["catalog_version"] != before["catalog_version"] == listed["catalog_version"]
    after = client.post("/v1/scores", json={"handles": [amplifier]}).json()["results"][0]["result"]
    assert after["catalog_version"] == decided["catalog_version"] and after["model_version"] == before["model_version"]
    lines = {m["talking_point_id"] for m in after["evidence"]["matched_posts"]}
    assert "airship-overreaction" in lines
    assert "airship-overreaction" not in {m["talking_point_id"] for m in before["evidence"]["matched_posts"]}


def test_accepting_a_decided_candidate_is_409_and_an_unknown_one_404(client, listed) -> None:
    body = {"id": "another-line", "phrasing": {}, "languages": ["en"]}
    unknown = client.post("/v1/talking-points/candidates/999999/accept", json=body)
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM
    assert unknown.json()["type"] == "/problems/candidate-not-found"
    candidate = _other(listed, 0)
    assert client.post(f"/v1/talking-points/candidates/{candidate['id']}/reject").status_code == 200
    twice = client.post(f"/v1/talking-points/candidates/{candidate['id']}/accept", json=body)
    assert twice.status_code == 409 and twice.json()["type"] == "/problems/candidate-decided"
    past_64_bits = client.post("/v1/talking-points/candidates/212328845474032993173504/reject")
    assert past_64_bits.status_code == 422 and past_64_bits.headers["content-type"] == PROBLEM


def test_neither_a_rejected_nor_an_accepted_candidate_returns(client, listed) -> None:
    rejected, accepted = _other(listed, 1), _other(listed, 3)
    decision = client.post(f"/v1/talking-points/candidates/{rejected['id']}/reject").json()
    assert decision["candidate"]["status"] == "rejected"
    body = {"id": "accepted-in-test", "languages": accepted["languages"]}
    assert client.post(f"/v1/talking-points/candidates/{accepted['id']}/accept", json=body).status_code == 200

    again = client.get("/v1/talking-points/candidates", params={"since": "14d", "until": UNTIL.isoformat()}).json()

    fingerprints = {c["fingerprint"] for c in again["candidates"]}
    assert rejected["fingerprint"] not in fingerprints and accepted["fingerprint"] not in fingerprints
    assert again["catalog_version"] != listed["catalog_version"]


def test_accepting_with_a_taken_id_is_409_and_merging_into_an_unknown_line_404(client, listed) -> None:
    candidate = _other(listed, 2)
    clash = client.post(
        f"/v1/talking-points/candidates/{candidate['id']}/accept",
        json={"id": "non-interference-principle", "languages": candidate["languages"]},
    )
    assert clash.status_code == 409 and clash.json()["type"] == "/problems/talking-point-exists"
    unknown = client.post(
        f"/v1/talking-points/candidates/{candidate['id']}/merge", json={"talking_point_id": "no-such-line"}
    )
    assert unknown.status_code == 404 and unknown.json()["type"] == "/problems/talking-point-not-found"
    merged = client.post(
        f"/v1/talking-points/candidates/{candidate['id']}/merge", json={"talking_point_id": "mutual-respect-win-win"}
    )
    assert merged.status_code == 200 and merged.json()["candidate"]["talking_point_id"] == "mutual-respect-win-win"


def test_a_malformed_window_or_one_outside_the_calendar_is_422(client) -> None:
    response = client.get("/v1/talking-points/candidates", params={"since": "two weeks"})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    early = client.get("/v1/talking-points/candidates", params={"until": "0001-01-02T00:00:00Z"})
    assert early.status_code == 422 and early.json()["type"] == "/problems/invalid-window"
