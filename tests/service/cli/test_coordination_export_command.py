"""``parrotwatch coordination export``: the network around an account, as a file Gephi and networkx read."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from service.cli import app


@pytest.fixture
def run(cli_env):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def test_export_writes_the_whole_network_then_the_network_around_its_most_linked_account(run, tmp_path) -> None:
    whole, around = tmp_path / "whole.graphml", tmp_path / "around.gexf"

    result = run("coordination", "export", "--format", "graphml", "--out", whole)

    assert result.exit_code == 0, result.output
    network = nx.read_graphml(whole)
    assert network.number_of_edges() >= 1, "the demo's amplifier networks post in step"
    handle = max(network.degree, key=lambda node_degree: node_degree[1])[0]
    assert f"{network.number_of_nodes()} accounts, {network.number_of_edges()} links" in result.stderr

    result = run("coordination", "export", "--handle", handle, "--format", "gexf", "--out", around)

    assert result.exit_code == 0, result.output
    graph = nx.read_gexf(around)
    assert set(graph.nodes) == {handle, *network.neighbors(handle)}, "depth 1: the account and its peers"
    assert all(handle in edge for edge in graph.edges)
    for a, b, attributes in graph.edges(data=True):
        posts = json.loads(attributes["posts"])
        assert attributes["weight"] == network.edges[a, b]["weight"]
        assert len(posts) == min(attributes["weight"], 50) and all(p["source_text"] for p in posts)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx"], "unknown format 'xlsx'"),
        (["--handle", "nobody_stored_here"], "nobody_stored_here"),
    ],
    ids=["unknown-format", "unknown-handle"],
)
def test_export_exits_3_on_bad_input_and_writes_nothing(run, tmp_path, args, message) -> None:
    out = tmp_path / "network.out"

    result = run("coordination", "export", *args, "--out", out)

    assert result.exit_code == 3 and message in result.stderr
    assert not out.exists()
