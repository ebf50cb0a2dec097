"""The coordination network: which accounts post in step, and the posts behind each link, for the page's picture
and for Gephi (``service/coordination_graph.py`` gathers it, ``service/coordination_export.py`` renders it)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from service.auth import require_analyst
from service.coordination_export import GRAPH_FORMATS, MEDIA_TYPES, check_graph_format, render_network
from service.coordination_graph import MAX_DEPTH, coordination_network
from service.deps import StateDep

router = APIRouter(prefix="/coordination", tags=["coordination"], dependencies=[Depends(require_analyst)])

DEFAULT_NODES = 200
MAX_NODES = 2_000
_FILE_UNSAFE = re.compile(r"[^\w.-]")  # a handle may hold a quote: not in a Content-Disposition file name


@router.get(
    "/graph",
    response_class=Response,
    responses={
        200: {
            "description": "The network: nodes (accounts) and edges (linked account pairs, each with its posts).",
            "content": {media_type: {} for media_type in MEDIA_TYPES.values()},
        },
        404: {"description": "``unknown-handle``: the store holds no such account."},
        422: {"description": "``unknown-graph-format``, ``invalid-handle`` or an out-of-range ``depth``/``limit``."},
    },
)
def get_graph(
    state: StateDep,
    handle: Annotated[
        str | None, Query(description="The account to draw the network around; without it, the whole index.")
    ] = None,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="1: the account and its peers; 2: theirs too.")] = 1,
    fmt: Annotated[str, Query(alias="format", description=f"One of {', '.join(GRAPH_FORMATS)}.")] = "json",
    limit: Annotated[
        int, Query(ge=1, le=MAX_NODES, description="Most accounts drawn, the most linked first (the centre always).")
    ] = DEFAULT_NODES,
) -> Response:
    """The account network of the coordination index: nodes are accounts (handle, platform, latest score and band),
    edges are linked account pairs with a weight (their linked post pairs) and the posts behind them (ids, times,
    texts, kind, similarity, p-value).

    JSON for the page; GEXF and GraphML (posts as a JSON string attribute) for Gephi; CSV with one row per linked post
    pair. Each edge carries its first 50 post pairs; ``truncated`` says when accounts beyond ``limit`` were left out.
    """
    format = check_graph_format(fmt)
    network = coordination_network(
        state.coordination, state.store, state.engine, handle=handle, depth=depth, max_nodes=limit
    )
    body = render_network(network, format)
    name = "coordination-" + _FILE_UNSAFE.sub("_", network.centre or "all") + f".{format}"
    headers = {} if format == "json" else {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=MEDIA_TYPES[format], headers=headers)
