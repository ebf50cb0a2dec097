"""The coordination network in the formats an analyst takes elsewhere: JSON (the page), GEXF and GraphML (Gephi,
networkx, igraph) and CSV (a spreadsheet, one row per linked post pair).

GEXF and GraphML attributes must be scalars, so each edge carries the posts behind it as one JSON string attribute
(``posts``), and an unknown value (no score, no p-value) is left out rather than written as a sentinel. CSV cells
that a spreadsheet would run as a formula are defused (``service.spreadsheet``): post texts come from anyone.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

import networkx as nx

from detector.coordination_network import CoordinationNetwork, EdgePost, NetworkEdge, NodeFacts
from service.errors import UnknownGraphFormatError
from service.spreadsheet import spreadsheet_safe

__all__ = [
    "CSV_COLUMNS",
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "check_graph_format",
    "network_dict",
    "network_graph",
    "render_network",
]

MEDIA_TYPES = {
    "json": "application/json",
    "gexf": "application/gexf+xml",
    "graphml": "application/graphml+xml",
    "csv": "text/csv; charset=utf-8",
}
GRAPH_FORMATS = tuple(MEDIA_TYPES)
CSV_COLUMNS = (
    "source",
    "target",
    "edge_weight",
    "kind",
    "similarity",
    "p_value",
    "gap_s",
    "source_post_id",
    "source_created_at",
    "source_text",
    "target_post_id",
    "target_created_at",
    "target_text",
)


def check_graph_format(format: str) -> str:
    """``format`` lower-cased when the network is exported in it; ``UnknownGraphFormatError`` otherwise."""
    if format.lower() not in GRAPH_FORMATS:
        raise UnknownGraphFormatError(format, GRAPH_FORMATS)
    return format.lower()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _post_dict(post: EdgePost) -> dict[str, Any]:
    return {name: _plain(value) for name, value in asdict(post).items()}


def _node_dict(node: NodeFacts) -> dict[str, Any]:
    return asdict(node)


def _edge_dict(edge: NetworkEdge) -> dict[str, Any]:
    return {
        "source": edge.source,
        "target": edge.target,
        "weight": edge.weight,
        "kind": edge.kind,
        "kinds": list(edge.kinds),
        "p_value": edge.p_value,
        "n_posts_shown": len(edge.posts),
        "posts": [_post_dict(post) for post in edge.posts],
    }


def network_dict(network: CoordinationNetwork) -> dict[str, Any]:
    """The network as JSON-ready data: ``centre``, ``truncated``, ``nodes`` and ``edges`` (each with its posts)."""
    return {
        "centre": network.centre,
        "truncated": network.truncated,
        "nodes": [_node_dict(node) for node in network.nodes],
        "edges": [_edge_dict(edge) for edge in network.edges],
    }


def _scalars(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def network_graph(network: CoordinationNetwork) -> nx.Graph:
    """The network as an undirected networkx graph keyed by handle, with scalar attributes only."""
    graph = nx.Graph(centre=network.centre or "", truncated=network.truncated)
    for node in network.nodes:
        graph.add_node(node.handle, **_scalars({**_node_dict(node), "label": node.handle}))
    for edge in network.edges:
        attributes = {**_edge_dict(edge), "kinds": ",".join(edge.kinds)}
        attributes["posts"] = json.dumps(attributes["posts"], ensure_ascii=False)
        del attributes["source"], attributes["target"]
        graph.add_edge(edge.source, edge.target, **_scalars(attributes))
    return graph


def _csv_rows(network: CoordinationNetwork) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for edge in network.edges:
        for post in edge.posts:
            row = {**_post_dict(post), "source": edge.source, "target": edge.target, "edge_weight": edge.weight}
            writer.writerow([spreadsheet_safe("" if row[c] is None else row[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()


def _json(network: CoordinationNetwork) -> bytes:
    return json.dumps(network_dict(network), ensure_ascii=False).encode("utf-8")


def _xml(write: Callable[[nx.Graph, io.BytesIO], None]) -> Callable[[CoordinationNetwork], bytes]:
    def render(network: CoordinationNetwork) -> bytes:
        buffer = io.BytesIO()
        write(network_graph(network), buffer)
        return buffer.getvalue()

    return render


_RENDERERS: dict[str, Callable[[CoordinationNetwork], bytes]] = {
    "json": _json,
    "gexf": _xml(nx.write_gexf),
    "graphml": _xml(nx.write_graphml),
    "csv": lambda network: _csv_rows(network).encode("utf-8"),
}


def render_network(network: CoordinationNetwork, format: str) -> bytes:
    """The network in ``format`` (one of ``MEDIA_TYPES``), UTF-8."""
    return _RENDERERS[format](network)
