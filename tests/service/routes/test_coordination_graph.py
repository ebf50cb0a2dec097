"""GET /v1/coordination/graph: the account network around an account, with the posts behind each link."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from detector.schema import Account, Post
from ingest.database import make_engine
from ingest.store import AccountStore

PROBLEM = "application/problem+json"
LINE = "The so-called interference reports are baseless smears against our country and its people, again"
START = datetime(2023, 7, 3, 9, 0, tzinfo=UTC)
OTHER_LINE = "Foreign hands keep meddling in matters that belong to our people alone, and the world sees it now"
FIRST, SECOND, THIRD = "graph_first_poster", "graph_second_poster", "graph_third_poster"


def _account(handle: str, minutes: int, line: str = LINE) -> Account:
    posts = [Post(id=f"{handle}-0", created_at=START + timedelta(minutes=minutes), text=f"{line} ({handle[6:]})")]
    posts += [  # small talk days apart: not coordination
        Post(id=f"{handle}-{i}", created_at=START + timedelta(days=i, hours=minutes), text=f"day {i}, rain again")
        for i in range(1, 6)
    ]
    return Account(handle=handle, platform="x", posts=posts)


@pytest.fixture(scope="module")
def client(module_client):
    """The module's app with three accounts, all scored: the first and second posted one line four minutes apart,
    and the second posted another line two minutes after the third (the first has no link to the third)."""
    store = AccountStore(make_engine(module_client.app.state.service.settings.resolved_database_url))
    second = _account(SECOND, 4)
    second = second.model_copy(
        update={
            "posts": [*second.posts, Post(id=f"{SECOND}-x", created_at=START + timedelta(hours=3), text=OTHER_LINE)]
        }
    )
    for account in (_account(FIRST, 0), second, _account(THIRD, 178, OTHER_LINE)):
        store.put(account, source="test")
    assert module_client.post("/v1/scores", json={"handles": [FIRST, SECOND, THIRD]}).status_code == 200
    return module_client


def test_the_network_around_an_account_has_its_peer_their_scores_and_both_posts_texts(client) -> None:
    body = client.get("/v1/coordination/graph", params={"handle": f"@{SECOND.upper()}"}).json()

    assert body["centre"] == SECOND
    nodes = {n["handle"]: n for n in body["nodes"]}
    assert set(nodes) == {FIRST, SECOND, THIRD}
    assert nodes[FIRST]["platform"] == "x" and nodes[FIRST]["band"] and 0 <= nodes[FIRST]["score"] <= 1
    [edge] = [e for e in body["edges"] if e["target"] == FIRST]
    assert (edge["source"], edge["target"], edge["weight"]) == (SECOND, FIRST, 1)
    [post] = edge["posts"]
    assert (post["source_post_id"], post["target_post_id"]) == (f"{SECOND}-0", f"{FIRST}-0")
    assert post["source_text"].endswith("(second_poster)") and post["target_text"].endswith("(first_poster)")
    assert post["gap_s"] == 240.0 and post["kind"] in ("near_duplicate", "paraphrase")
    assert post["target_created_at"].startswith("2023-07-03T09:00:00")


def test_depth_2_adds_the_links_of_the_accounts_peers(client) -> None:
    def network(depth: int) -> tuple[set[str], set[tuple[str, str]]]:
        body = client.get("/v1/coordination/graph", params={"handle": FIRST, "depth": depth}).json()
        return {n["handle"] for n in body["nodes"]}, {(e["source"], e["target"]) for e in body["edges"]}

    assert network(1) == ({FIRST, SECOND}, {(FIRST, SECOND)})
    assert network(2) == ({FIRST, SECOND, THIRD}, {(FIRST, SECOND), (SECOND, THIRD)})


def test_the_graphml_download_reads_back_in_networkx_as_the_same_network(client) -> None:
    response = client.get("/v1/coordination/graph", params={"handle": FIRST, "format": "graphml"})

    assert response.headers["content-type"].startswith("application/graphml+xml")
    assert f'filename="coordination-{FIRST}.graphml"' in response.headers["content-disposition"]
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert set(graph.nodes) == {FIRST, SECOND} and graph.edges[FIRST, SECOND]["weight"] == 1, "depth 1 by default"
    assert SECOND in graph.edges[FIRST, SECOND]["posts"]


def test_an_account_the_store_lacks_is_a_404_problem(client) -> None:
    response = client.get("/v1/coordination/graph", params={"handle": "nobody_stored_here"})

    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/unknown-handle"
    assert "nobody_stored_here" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"handle": FIRST, "format": "xlsx"}, "/problems/unknown-graph-format"),
        ({"handle": "not/a/handle"}, "/problems/invalid-handle"),
        ({"handle": FIRST, "depth": 3}, "/problems/request-validation"),
    ],
    ids=["unknown-format", "not-a-handle", "depth-over-2"],
)
def test_a_bad_query_is_a_422_problem_that_says_what_is_wrong(client, params, problem) -> None:
    response = client.get("/v1/coordination/graph", params=params)

    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == problem
    if problem.endswith("format"):
        assert response.json()["detail"] == (
            "unknown format 'xlsx': the coordination network is exported as json, gexf, graphml, csv"
        )


def test_the_network_needs_an_api_key(client) -> None:
    response = client.get("/v1/coordination/graph", headers={"Authorization": ""})
    assert response.status_code == 401


def test_an_accounts_posts_come_oldest_first_with_their_texts_and_the_newest_kept_under_a_limit(client) -> None:
    body = client.get(f"/v1/accounts/{FIRST}/posts", params={"limit": 2}).json()

    assert body["handle"] == FIRST and body["n_posts"] == 6
    assert [p["id"] for p in body["posts"]] == [f"{FIRST}-4", f"{FIRST}-5"]
    assert body["posts"][1]["text"] == "day 5, rain again"
    missing = client.get("/v1/accounts/nobody_stored_here/posts")
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/unknown-handle"
