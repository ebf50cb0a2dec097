"""The coordination network use case, once for both doors (``GET /v1/coordination/graph``, ``parrotwatch
coordination export``): links from the coordination index, accounts and post texts from the store, scores from the
score history.

Around an account, the links are the index's for that account (depth 1: the account and its peers), then for its
peers too (depth 2: their links with each other and with their own peers). Without an account, every link among
the indexed posts. Either way at most ``max_nodes`` accounts are kept, the most linked first (the centre always),
and each edge keeps the first ``max_posts_per_edge`` of its post pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine

from detector.coordination import CoordinatedPost, CoordinationIndex, batch_links
from detector.coordination_network import CoordinationNetwork, NodeFacts, build_network, strongest_nodes
from detector.schema import Account
from ingest.errors import UnknownHandleError
from ingest.handles import normalize_handle
from ingest.store import AccountStore
from service.db.scores import latest_bands
from service.errors import InvalidHandleError

__all__ = ["MAX_DEPTH", "MAX_POSTS_PER_EDGE", "coordination_network"]

MAX_DEPTH = 2
MAX_POSTS_PER_EDGE = 50


def coordination_network(
    index: CoordinationIndex,
    store: AccountStore,
    engine: Engine,
    *,
    handle: str | None = None,
    depth: int = 1,
    max_nodes: int,
    max_posts_per_edge: int = MAX_POSTS_PER_EDGE,
) -> CoordinationNetwork:
    """The network around ``handle`` (``depth`` 1 or 2), or of the whole index without one.

    Raises ``InvalidHandleError`` when ``handle`` is not a handle (a leading @ is dropped), ``UnknownHandleError``
    when the store holds no such account (case-insensitive).
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be 1 to {MAX_DEPTH}, got {depth}")
    centre = None
    if handle is not None:
        normalized = normalize_handle(handle)
        if normalized is None:
            raise InvalidHandleError(handle)
        stored = store.get(normalized)
        if stored is None:
            raise UnknownHandleError(handle)
        centre = stored.account
        links, accounts = _links_around(index, store, centre, depth)
    else:
        links, accounts = _all_links(index), {}
    nodes, truncated = strongest_nodes(links, centre=centre.handle if centre else None, max_nodes=max_nodes)
    missing = [h for h in nodes if h.lower() not in accounts]
    accounts.update({a.handle.lower(): a for a in store.iter_accounts(missing)})
    bands = latest_bands(engine, nodes)
    facts = {}
    for handle_ in nodes:
        account = accounts.get(handle_.lower())
        known = (account.handle, account.platform) if account is not None else (handle_, None)
        facts[handle_.lower()] = NodeFacts(*known, *bands.get(handle_.lower(), (None, None)))
    posts = {post.id: post for h in nodes if h.lower() in accounts for post in accounts[h.lower()].posts}
    return build_network(
        links,
        nodes=nodes,
        facts=facts,
        posts=posts,
        centre=centre.handle if centre else None,
        max_posts_per_edge=max_posts_per_edge,
        truncated=truncated,
    )


def _links_around(
    index: CoordinationIndex, store: AccountStore, centre: Account, depth: int
) -> tuple[dict[str, list[CoordinatedPost]], dict[str, Account]]:
    """Links of the centre, then of its peers (depth 2); and the accounts read on the way, by lower-cased handle."""
    accounts = {centre.handle.lower(): centre}
    links: dict[str, list[CoordinatedPost]] = {}
    frontier: Sequence[Account] = [centre]
    for hop in range(depth):
        for account, found in zip(frontier, index.links_many(frontier), strict=True):
            links[account.handle] = found
        if hop + 1 == depth:
            break
        peers = sorted({link.peer_handle for found in links.values() for link in found})
        frontier = [a for a in store.iter_accounts(peers) if a.handle.lower() not in accounts]
        accounts.update({a.handle.lower(): a for a in frontier})
    return links, accounts


def _all_links(index: CoordinationIndex) -> dict[str, list[CoordinatedPost]]:
    """Every link among the indexed posts, by the handle of the account whose post it starts from."""
    table = index.table()
    links: dict[str, list[CoordinatedPost]] = {}
    spelled: dict[str, str] = {}
    for handle, found in zip(table.handles, batch_links(table, index.params), strict=True):
        # A handle stored in two segments of the index is two positions of the table, not two accounts.
        own = [link for link in found if link.peer_handle.lower() != handle.lower()]
        if own:
            links.setdefault(spelled.setdefault(handle.lower(), handle), []).extend(own)
    return links
