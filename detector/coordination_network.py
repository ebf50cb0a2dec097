"""The coordination network: accounts as nodes, linked account pairs as edges, each edge with the posts behind it.

Built from the links the coordination index finds (``CoordinatedPost``: one per linked post pair, seen from each
side) and what is known of each account (platform, latest score and band, its posts' times and texts). Pure: the
service gathers the inputs and renders the formats an analyst exports (``service/coordination_graph.py``).

An edge's ``weight`` is the number of distinct linked post pairs of its two accounts, so a pair linked once by
coincidence weighs 1 and a pair posting in step all week weighs much more; the posts it keeps are the first
``max_posts_per_edge`` in time order (``n_posts`` counts them all).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from detector.coordination import CoordinatedPost, LinkKind
from detector.schema import Post

__all__ = ["CoordinationNetwork", "EdgePost", "NetworkEdge", "NodeFacts", "build_network", "strongest_nodes"]


@dataclass(frozen=True)
class NodeFacts:
    """What is known of one account: ``None`` where it is not (an account never scored has no score or band)."""

    handle: str
    platform: str | None = None
    score: float | None = None
    band: str | None = None


@dataclass(frozen=True)
class EdgePost:
    """One linked post pair of an edge, ``source_*`` being the post of the edge's source account.

    Times and texts are ``None`` when the store no longer holds the post (the index keeps only its signature)."""

    source_post_id: str
    target_post_id: str
    source_created_at: datetime | None
    target_created_at: datetime | None
    source_text: str | None
    target_text: str | None
    kind: LinkKind
    similarity: float
    gap_s: float
    p_value: float | None


@dataclass(frozen=True)
class NetworkEdge:
    """Two linked accounts. ``kinds``: the kinds of their links, most frequent first; ``p_value``: the smallest of
    their links' p-values (``None`` when none was tested)."""

    source: str
    target: str
    weight: int
    kinds: tuple[LinkKind, ...]
    p_value: float | None
    posts: tuple[EdgePost, ...]

    @property
    def kind(self) -> LinkKind:
        return self.kinds[0]


@dataclass(frozen=True)
class CoordinationNetwork:
    """Accounts and their links; ``centre`` is the account it was drawn around (``None``: the whole index).
    ``truncated``: accounts were left out to stay within the node limit."""

    nodes: tuple[NodeFacts, ...]
    edges: tuple[NetworkEdge, ...]
    centre: str | None = None
    truncated: bool = False


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a.lower() <= b.lower() else (b, a)


def _unique_links(links: Mapping[str, Sequence[CoordinatedPost]]) -> dict[tuple[str, str], dict[tuple, tuple]]:
    """Per account pair (ordered by lower-cased handle), its linked post pairs once each, whichever side reported
    them: ``(first account's post, second's post, kind) -> (handle of the reporting side, the link)``."""
    spelled = {handle.lower(): handle for handle in links}  # as the accounts spell themselves, else as peers do
    for found in links.values():
        for link in found:
            spelled.setdefault(link.peer_handle.lower(), link.peer_handle)
    pairs: dict[tuple[str, str], dict[tuple, tuple]] = {}
    for handle, found in links.items():
        for link in found:
            own, peer = spelled[handle.lower()], spelled[link.peer_handle.lower()]
            first, second = _pair_key(own, peer)
            posts = (link.post_id, link.peer_post_id) if first == own else (link.peer_post_id, link.post_id)
            pairs.setdefault((first, second), {}).setdefault((*posts, link.kind), (own, link))
    return pairs


def strongest_nodes(
    links: Mapping[str, Sequence[CoordinatedPost]], *, centre: str | None = None, max_nodes: int
) -> tuple[list[str], bool]:
    """The accounts of the network, at most ``max_nodes``: the centre first, then by the weight of their links
    (ties by handle); and whether any was left out."""
    spelled = {handle.lower(): handle for handle in links}  # an account without links is a node too (a centre)
    strength: Counter[str] = Counter({key: 0 for key in spelled})
    for (first, second), posts in _unique_links(links).items():
        for handle in (first, second):
            spelled.setdefault(handle.lower(), handle)
            strength[handle.lower()] += len(posts)
    centre_key = centre.lower() if centre is not None else None
    ranked = sorted(strength, key=lambda key: (key != centre_key, -strength[key], key))
    return [spelled[key] for key in ranked[:max_nodes]], len(ranked) > max_nodes


def build_network(
    links: Mapping[str, Sequence[CoordinatedPost]],
    *,
    nodes: Iterable[str],
    facts: Mapping[str, NodeFacts],
    posts: Mapping[str, Post],
    centre: str | None = None,
    max_posts_per_edge: int = 50,
    truncated: bool = False,
) -> CoordinationNetwork:
    """The network of ``nodes`` and the links between them.

    Parameters
    ----------
    links : mapping of handle to that account's links (``CoordinationIndex.links_many``, ``batch_links``); a pair
        reported from both sides counts once.
    nodes : the accounts to keep (``strongest_nodes``); links to any other account are left out.
    facts : per lower-cased handle, what is known of the account; a missing one is a bare ``NodeFacts``.
    posts : per post id, the stored post, for its time and text.
    centre : the account the network is drawn around; it is the source of its edges.
    """
    kept = {handle.lower(): handle for handle in nodes}
    node_facts = tuple(facts.get(key, NodeFacts(handle)) for key, handle in kept.items())
    edges = []
    for (first, second), found in _unique_links(links).items():
        if first.lower() not in kept or second.lower() not in kept:
            continue
        flip = centre is not None and second.lower() == centre.lower()
        source, target = (second, first) if flip else (first, second)
        linked = sorted(found.items(), key=lambda item: _first_time(posts, item[0][:2]))
        edges.append(
            NetworkEdge(
                source=kept[source.lower()],
                target=kept[target.lower()],
                weight=len(found),
                kinds=tuple(kind for kind, _ in Counter(k for (_, _, k) in found).most_common()),
                p_value=min((link.p_value for _, link in found.values() if link.p_value is not None), default=None),
                posts=tuple(
                    _edge_post(pair[1::-1] if flip else pair[:2], link, posts)
                    for pair, (_, link) in linked[:max_posts_per_edge]
                ),
            )
        )
    edges.sort(key=lambda e: (-e.weight, e.source.lower(), e.target.lower()))
    return CoordinationNetwork(nodes=node_facts, edges=tuple(edges), centre=centre, truncated=truncated)


def _first_time(posts: Mapping[str, Post], post_ids: Sequence[str]) -> tuple[bool, float, str]:
    times = [posts[i].created_at.timestamp() for i in post_ids if i in posts]
    return (not times, min(times, default=0.0), post_ids[0])


def _edge_post(post_ids: Sequence[str], link: CoordinatedPost, posts: Mapping[str, Post]) -> EdgePost:
    source, target = posts.get(post_ids[0]), posts.get(post_ids[1])
    return EdgePost(
        source_post_id=post_ids[0],
        target_post_id=post_ids[1],
        source_created_at=source.created_at if source else None,
        target_created_at=target.created_at if target else None,
        source_text=source.text if source else None,
        target_text=target.text if target else None,
        kind=link.kind,
        similarity=round(float(link.similarity), 4),
        gap_s=float(link.gap_s),
        p_value=link.p_value,
    )
