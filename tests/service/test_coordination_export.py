"""The coordination network's files: what Gephi and networkx read back is what was written."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from detector.coordination import CoordinatedPost
from detector.coordination_network import NodeFacts, build_network, strongest_nodes
from detector.schema import Post
from service.coordination_export import CSV_COLUMNS, check_graph_format, network_graph, render_network
from service.errors import UnknownGraphFormatError

START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
TEXTS = {
    "a1": "Keep your hands off our internal affairs",
    "b1": "别插手我们的内政",  # the same line in Chinese: the text must survive the XML
    "a2": '=HYPERLINK("http://evil.example") "quoted", and a comma',
    "c1": "#Stand #With #Us",
}


@pytest.fixture(scope="module")
def network():
    posts = {
        pid: Post(id=pid, created_at=START + timedelta(minutes=i), text=t) for i, (pid, t) in enumerate(TEXTS.items())
    }
    links = {
        "alice": [
            CoordinatedPost("a1", "bob", "b1", 60.0, 0.58, "translation", 0.003),
            CoordinatedPost("a2", "carol", "c1", 60.0, 1.0, "hashtag_sequence"),
        ],
        "dave": [],  # scored, never linked
    }
    facts = {
        "alice": NodeFacts("alice", "x", 0.93, "high"),
        "bob": NodeFacts("bob", "bluesky", 0.41, "low"),
        "dave": NodeFacts("dave", "x", 0.05, "low"),
    }
    nodes, _ = strongest_nodes(links, centre="alice", max_nodes=10)
    return build_network(links, nodes=nodes, facts=facts, posts=posts, centre="alice")


def _read(network, format: str) -> nx.Graph:
    read = {"gexf": nx.read_gexf, "graphml": nx.read_graphml}[format]
    return read(io.BytesIO(render_network(network, format)))


@pytest.mark.parametrize("format", ["gexf", "graphml"])
def test_the_export_reads_back_through_networkx_with_the_same_nodes_edges_and_edge_attributes(network, format) -> None:
    written, read = network_graph(network), _read(network, format)

    assert set(read.nodes) == set(written.nodes) == {"alice", "bob", "carol", "dave"}
    for handle in read.nodes:
        assert {k: v for k, v in read.nodes[handle].items() if k != "label"} == {
            k: v for k, v in written.nodes[handle].items() if k != "label"
        }
    assert "score" not in read.nodes["carol"], "an account never scored has no score, not a made-up one"
    assert {frozenset(e) for e in read.edges} == {frozenset(e) for e in written.edges}
    for a, b, attributes in written.edges(data=True):
        got = {k: v for k, v in read.edges[a, b].items() if k != "id"}  # GEXF numbers its edges
        assert got.pop("weight") == attributes["weight"]
        assert got == {k: v for k, v in attributes.items() if k != "weight"}
    posts = json.loads(read.edges["alice", "bob"]["posts"])
    assert posts[0]["target_text"] == TEXTS["b1"] and posts[0]["kind"] == "translation" and posts[0]["p_value"] == 0.003
    assert "p_value" not in read.edges["alice", "carol"], "no p-value when the pair was not tested"


def test_the_csv_has_one_row_per_linked_post_pair_with_both_texts_and_defused_formulas(network) -> None:
    rows = list(csv.DictReader(io.StringIO(render_network(network, "csv").decode("utf-8"))))

    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["source"], r["target"], r["source_post_id"], r["target_post_id"]) for r in rows] == [
        ("alice", "bob", "a1", "b1"),
        ("alice", "carol", "a2", "c1"),
    ]
    assert rows[0]["target_text"] == TEXTS["b1"] and rows[0]["p_value"] == "0.003" and rows[1]["p_value"] == ""
    assert rows[1]["source_text"] == "'" + TEXTS["a2"], "a spreadsheet must not run a post as a formula"
    assert rows[0]["source_created_at"] == START.isoformat()


def test_the_json_names_the_centre_and_every_node_with_what_is_known_of_it(network) -> None:
    body = json.loads(render_network(network, "json"))

    assert body["centre"] == "alice" and body["truncated"] is False
    assert {n["handle"]: n["band"] for n in body["nodes"]} == {
        "alice": "high",
        "bob": "low",
        "carol": None,
        "dave": "low",
    }
    assert body["edges"][0]["posts"][0]["source_text"] == TEXTS["a1"]


def test_an_unknown_format_is_refused_naming_the_formats_there_are() -> None:
    assert check_graph_format("GEXF") == "gexf"
    with pytest.raises(UnknownGraphFormatError, match="json, gexf, graphml, csv"):
        check_graph_format("xlsx")
