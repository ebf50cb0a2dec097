"""The coordination network: accounts as nodes, linked pairs as edges weighted by their linked posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from detector.coordination import CoordinatedPost
from detector.coordination_network import NodeFacts, build_network, strongest_nodes
from detector.schema import Post

START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _post(post_id: str, minutes: int) -> Post:
    return Post(id=post_id, created_at=START + timedelta(minutes=minutes), text=f"the text of {post_id}")


POSTS = {p.id: p for p in [_post("a1", 0), _post("b1", 3), _post("a2", 60), _post("b2", 62), _post("c1", 61)]}
# Each pair as both sides report it: the index gives a link once from each account it scores.
LINKS = {
    "alice": [
        CoordinatedPost("a1", "bob", "b1", 180.0, 0.93, "near_duplicate", 0.004),
        CoordinatedPost("a2", "bob", "b2", 120.0, 0.61, "translation", 0.02),
        CoordinatedPost("a2", "carol", "c1", 60.0, 1.0, "hashtag_sequence"),
    ],
    "bob": [
        CoordinatedPost("b1", "alice", "a1", 180.0, 0.93, "near_duplicate", 0.004),
        CoordinatedPost("b2", "alice", "a2", 120.0, 0.61, "translation", 0.02),
    ],
}


def test_a_link_reported_by_both_accounts_is_one_post_pair_of_one_edge() -> None:
    nodes, _ = strongest_nodes(LINKS, max_nodes=10)
    network = build_network(LINKS, nodes=nodes, facts={}, posts=POSTS)

    weights = {(e.source, e.target): e.weight for e in network.edges}
    assert weights == {("alice", "bob"): 2, ("alice", "carol"): 1}
    [pair] = [e for e in network.edges if e.target == "bob"]
    assert pair.kinds in {("near_duplicate", "translation"), ("translation", "near_duplicate")}
    assert pair.p_value == 0.004, "an edge carries its smallest p-value"
    assert [(p.source_post_id, p.target_post_id) for p in pair.posts] == [("a1", "b1"), ("a2", "b2")], "time order"
    assert pair.posts[0].target_text == "the text of b1" and pair.posts[0].target_created_at == POSTS["b1"].created_at


def test_the_centre_is_the_source_of_its_edges_and_its_posts_come_first() -> None:
    nodes, _ = strongest_nodes(LINKS, centre="bob", max_nodes=10)
    network = build_network(LINKS, nodes=nodes, facts={}, posts=POSTS, centre="bob")

    [pair] = [e for e in network.edges if "bob" in (e.source, e.target)]
    assert (pair.source, pair.target) == ("bob", "alice")
    assert (pair.posts[0].source_post_id, pair.posts[0].source_text) == ("b1", "the text of b1")


def test_nodes_over_the_limit_are_left_out_the_centre_kept_first_and_the_network_says_so() -> None:
    nodes, truncated = strongest_nodes(LINKS, centre="carol", max_nodes=2)
    network = build_network(LINKS, nodes=nodes, facts={}, posts=POSTS, centre="carol", truncated=truncated)

    assert nodes == ["carol", "alice"], "the centre, then the most linked account"
    assert truncated and network.truncated
    assert [(e.source, e.target) for e in network.edges] == [("carol", "alice")], "no edge to a node left out"


def test_unknown_facts_stay_unknown_and_posts_missing_from_the_store_have_no_text() -> None:
    nodes, _ = strongest_nodes(LINKS, max_nodes=10)
    facts = {"alice": NodeFacts("alice", "x", 0.91, "high")}
    network = build_network(LINKS, nodes=nodes, facts=facts, posts={"a1": POSTS["a1"]}, max_posts_per_edge=1)

    assert {n.handle: (n.score, n.band) for n in network.nodes} == {
        "alice": (0.91, "high"),
        "bob": (None, None),
        "carol": (None, None),
    }
    [pair] = [e for e in network.edges if e.target == "bob"]
    assert pair.weight == 2 and len(pair.posts) == 1, "the weight counts every pair, the posts are cut"
    assert pair.posts[0].source_text == "the text of a1" and pair.posts[0].target_text is None
