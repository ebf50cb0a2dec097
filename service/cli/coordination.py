"""``parrotwatch coordination export``: the account network of the coordination index, for Gephi or a spreadsheet.

The same network as ``GET /v1/coordination/graph`` (``service/coordination_graph.py``), read from the service's
database: the index from its stored signatures, accounts and post texts from the store, scores from the history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ingest.database import open_database
from ingest.store import AccountStore
from service.cli.console import err
from service.cli.options import settings_of
from service.coordination_export import GRAPH_FORMATS, check_graph_format, render_network
from service.coordination_graph import MAX_DEPTH, coordination_network
from service.state import warm_coordination_index

coordination_app = typer.Typer(help="Export the coordination network (accounts that post in step).")


@coordination_app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", dir_okay=False, help="The file to write.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(GRAPH_FORMATS)}.")] = "gexf",
    handle: Annotated[
        str | None, typer.Option("--handle", help="Draw the network around this account; without it, the whole index.")
    ] = None,
    depth: Annotated[int, typer.Option(min=1, max=MAX_DEPTH, help="1: the account and its peers; 2: theirs too.")] = 1,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", min=1, help="Most accounts written, the most linked first (the centre kept).")
    ] = 5_000,
) -> None:
    """Write nodes (accounts: handle, platform, latest score and band) and edges (linked account pairs, each with the
    posts behind it: ids, times, texts, kind, similarity, p-value). GEXF and GraphML carry an edge's posts as a JSON
    string attribute; CSV has one row per linked post pair. Exits 3 on an unknown --format or --handle."""
    format = check_graph_format(fmt)
    settings = settings_of(ctx)
    engine = open_database(settings.resolved_database_url)
    store = AccountStore(engine, limits=settings.store_limits)
    index = warm_coordination_index(engine, store, settings)
    network = coordination_network(index, store, engine, handle=handle, depth=depth, max_nodes=max_nodes)
    out.write_bytes(render_network(network, format))
    n_posts = sum(len(edge.posts) for edge in network.edges)
    err.print(
        f"{len(network.nodes)} accounts, {len(network.edges)} links, {n_posts} linked post pairs -> {out}",
        highlight=False,
    )
    if network.truncated:
        err.print(f"more accounts are linked than --max-nodes {max_nodes}: the most linked were kept", highlight=False)
