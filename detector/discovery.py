"""Propose new talking points from what declared state accounts posted: lines the curated catalog does not hold yet.

Declared state accounts (embassies, ministries, state media) publish a line first and amplifiers repeat it days
later, so the state accounts' recent posts are where a new line shows up before anyone curates it. ``discover``:

1. takes the state accounts' own posts in the window (their retweets repeat someone else's post, not a new line);
2. groups near-identical posts within a script with MinHash LSH over the shingles repetition uses (word bigrams,
   character trigrams for Chinese): cheap, and it turns 100,000 posts into far fewer groups;
3. joins groups by meaning across languages with the multilingual sentence encoder, one representative post per
   group, biggest groups first and at most ``max_embedded`` of them (the encoder does some 800 posts a second: the
   cap is what keeps a large window under a minute). Without an encoder, groups stay within their script;
4. keeps clusters of at least ``min_state_posts`` posts whose posts do not match a line of ``catalog`` (nor a
   ``known`` line, such as the rejected candidates, so that a rejected line does not come back reworded);
5. measures each one's **spread**: how many non-state accounts assert it (or retweet an assertion), read with the
   same narrative matcher and attribution that scoring uses, fitted on the catalog plus the candidates as lines; a
   journalist reporting it or a critic countering it does not count. Its **speed** is the median delay from the
   line's first state post to each spreading account's first asserting post.

The candidate's ``fingerprint`` hashes the normalized text of its first state post: the same line found again in a
later run (while that post is in the window) has the same fingerprint, so a decision about it sticks.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from detector.attribution import Attribution
from detector.catalog import Source, TalkingPoint, TalkingPointCatalog
from detector.embeddings import Embedder
from detector.features.narrative import NarrativeFeatures
from detector.minhash import comparable_texts, minhash_signatures
from detector.schema import Account, Post, Profile
from detector.text_normalize import cjk_mask, normalize_texts

__all__ = ["Candidate", "DiscoveryParams", "discover", "line_fingerprint"]

_AMPLIFYING = (Attribution.ASSERTED, Attribution.RETWEET)
_RETWEET_PREFIX = re.compile(r"^\s*RT\s+@\w+:?", re.IGNORECASE)
_NOISE = re.compile(r"(?:https?://|www\.)\S+|[@#＃]\w+")
_CJK_LANGS = ("zh", "ja", "ko")


@dataclass(frozen=True)
class DiscoveryParams:
    """How discovery groups posts; the defaults were set on the synthetic corpus and the bench.

    ``bands`` x ``rows`` MinHash LSH (8 x 4 of 32 hashes) pairs posts from a shingle Jaccard of about 0.6, and
    ``min_jaccard`` confirms a pair. ``embedding_threshold`` is the encoder cosine from which two groups say the
    same: translations of one line scored 0.64-0.65 there, different lines on the same subject 0.3-0.45.
    ``catalog_share``: a cluster is an existing line when at least this share of its posts matches one.
    ``max_candidates`` bounds the lines spread is measured for (the state-post count picks them)."""

    min_state_posts: int = 2
    bands: int = 8
    rows: int = 4
    min_jaccard: float = 0.5
    embedding_threshold: float = 0.55
    max_embedded: int = 6000
    catalog_share: float = 0.34
    max_candidates: int = 500
    phrases_per_language: int = 3


@dataclass(frozen=True)
class Candidate:
    """A proposed talking point: what state accounts said, where and when first, and who repeats it since."""

    fingerprint: str
    phrasings: dict[str, str]  # language -> representative wording (URLs, mentions and hashtags removed)
    phrases: dict[str, tuple[str, ...]]  # language -> the distinct wordings used to measure spread
    state_accounts: tuple[str, ...]
    post_ids: tuple[str, ...]
    first_seen_at: datetime
    spread: int
    spreaders: tuple[str, ...]
    median_delay_s: float | None
    n_state_posts: int = field(default=0)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.phrasings))


def line_fingerprint(text: str) -> str:
    """The stable fingerprint of a line from its first post's text: 16 hex of sha256 of the normalized text."""
    normalized = normalize_texts([_NOISE.sub(" ", text)])[0]
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class _StatePost:
    handle: str
    post: Post
    language: str
    comparable: str


def discover(
    state_accounts: Sequence[Account],
    other_accounts: Sequence[Account],
    catalog: TalkingPointCatalog,
    *,
    since: datetime,
    until: datetime,
    embedder: Embedder | None = None,
    known: Sequence[TalkingPoint] = (),
    params: DiscoveryParams | None = None,
) -> list[Candidate]:
    """Return the candidate talking points in the state accounts' posts of ``[since, until)``, by spread then
    state posts, most first.

    Parameters
    ----------
    state_accounts : sequence of Account
        The declared state accounts (the shipped list and self-declared bios): where lines come from.
    other_accounts : sequence of Account
        Everyone else in the store: where spread is counted (their posts of the window only).
    catalog : TalkingPointCatalog
        The lines already curated; a cluster that matches one is not proposed.
    embedder : Embedder or None, default=None
        The multilingual sentence encoder that joins translations; ``None`` keeps clusters within one script.
    known : sequence of TalkingPoint, default=()
        Further lines not to propose again (rejected candidates).
    """
    params = params or DiscoveryParams()
    posts = _state_posts(state_accounts, since, until)
    if not posts:
        return []
    groups = _near_duplicate_groups(posts, params)
    clusters = _join_by_meaning(posts, groups, embedder, params)
    clusters = [c for c in clusters if len(c) >= params.min_state_posts]
    clusters = _drop_known(posts, clusters, catalog, known, params)
    clusters = sorted(clusters, key=lambda c: (-len(c), min(posts[i].post.created_at for i in c)))
    clusters = clusters[: params.max_candidates]
    if not clusters:
        return []
    drafts = [_draft(posts, cluster, params) for cluster in clusters]
    others = [_window(account, since, until) for account in other_accounts]
    return _with_spread(drafts, [a for a in others if a.posts], catalog)


def _window(account: Account, since: datetime, until: datetime) -> Account:
    posts = [p for p in account.posts if since <= p.created_at < until]
    return Account.model_construct(handle=account.handle, profile=account.profile, posts=posts)


def _state_posts(accounts: Sequence[Account], since: datetime, until: datetime) -> list[_StatePost]:
    chosen = [
        (account.handle, post)
        for account in accounts
        for post in account.posts
        if since <= post.created_at < until and not post.is_retweet and not _RETWEET_PREFIX.match(post.text)
    ]
    texts = [post.text for _, post in chosen]
    comparable = comparable_texts(texts, normalize_texts(texts))
    cjk = cjk_mask(comparable)
    return [
        _StatePost(handle, post, _language(post, bool(is_cjk)), text)
        for (handle, post), text, is_cjk in zip(chosen, comparable, cjk, strict=True)
        if text
    ]


def _language(post: Post, is_cjk: bool) -> str:
    lang = (post.lang or "").split("-")[0].lower()
    if is_cjk:
        return lang if lang in _CJK_LANGS else "zh"
    return lang if lang and lang not in _CJK_LANGS and lang != "und" else "und"


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = sp.coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _near_duplicate_groups(posts: Sequence[_StatePost], params: DiscoveryParams) -> list[list[int]]:
    """Groups of near-identical posts (index lists), via MinHash LSH: in each band, every post is paired with the
    first post that shares its band, and the pair is kept when enough of all hashes agree."""
    signatures, n_shingles = minhash_signatures([p.comparable for p in posts], params.bands * params.rows)
    usable = np.flatnonzero(n_shingles > 0)
    left, right = [np.arange(len(posts))], [np.arange(len(posts))]
    for band in range(params.bands):
        block = np.ascontiguousarray(signatures[usable, band * params.rows : (band + 1) * params.rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * params.rows))).ravel()
        order = np.argsort(keys, kind="stable")
        starts = np.r_[True, keys[order][1:] != keys[order][:-1]]
        first = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
        a, b = usable[first], usable[order]
        same = (signatures[a] == signatures[b]).mean(axis=1) >= params.min_jaccard
        left.append(a[same & (a != b)])
        right.append(b[same & (a != b)])
    labels = _components(len(posts), np.concatenate(left), np.concatenate(right))
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return list(groups.values())


def _join_by_meaning(
    posts: Sequence[_StatePost], groups: list[list[int]], embedder: Embedder | None, params: DiscoveryParams
) -> list[list[int]]:
    """Join groups whose representatives the encoder reads as the same line (translations, paraphrases).

    Biggest groups first, each group joins the cluster of its closest bigger group when it is also close to that
    cluster's first (biggest) group; otherwise it starts a cluster. Joining every close pair instead (connected
    components) chains: A is close to B and B to C, so A and C end in one cluster, and on a large window whole
    subjects ran together."""
    if embedder is None or len(groups) < 2:
        return groups
    ranked = sorted(range(len(groups)), key=lambda g: -len(groups[g]))[: params.max_embedded]
    vectors = np.asarray(embedder.encode([posts[groups[g][0]].post.text for g in ranked]), dtype=np.float32)
    parent = np.full(len(ranked), -1)
    for start in range(0, len(ranked), 1000):
        similarity = vectors[start : start + 1000] @ vectors[: start + 1000].T
        rows = np.arange(similarity.shape[0])
        similarity[similarity < params.embedding_threshold] = -np.inf
        similarity[np.arange(similarity.shape[1])[None, :] >= (start + rows)[:, None]] = -np.inf  # earlier only
        best = similarity.argmax(axis=1)
        close = np.isfinite(similarity[rows, best])
        parent[start + rows[close]] = best[close]
    root = np.arange(len(ranked))
    for position in np.flatnonzero(parent >= 0):
        leader = root[parent[position]]
        if float(vectors[position] @ vectors[leader]) >= params.embedding_threshold:
            root[position] = leader
    joined: dict[int, list[int]] = {}
    for position, leader in enumerate(root):
        joined.setdefault(int(leader), []).extend(groups[ranked[position]])
    embedded = set(ranked)
    return list(joined.values()) + [group for g, group in enumerate(groups) if g not in embedded]


def _drop_known(
    posts: Sequence[_StatePost],
    clusters: list[list[int]],
    catalog: TalkingPointCatalog,
    known: Sequence[TalkingPoint],
    params: DiscoveryParams,
) -> list[list[int]]:
    """The clusters whose posts mostly match no catalog (or known) line."""
    if not clusters:
        return []
    lines = catalog.model_copy(update={"talking_points": (*catalog.talking_points, *known)})
    matcher = NarrativeFeatures(catalog=lines).fit([])
    members = [posts[i].post for cluster in clusters for i in cluster]
    matched = {m.post.id for m in matcher.match_accounts([_pseudo_account(members)])[0]}
    return [c for c in clusters if sum(posts[i].post.id in matched for i in c) / len(c) < params.catalog_share]


def _pseudo_account(posts: Sequence[Post], handle: str = "discovery") -> Account:
    return Account.model_construct(handle=handle, profile=Profile(), posts=list(posts))


def _clean(text: str) -> str:
    return " ".join(_NOISE.sub(" ", _RETWEET_PREFIX.sub("", text)).split())


def _draft(posts: Sequence[_StatePost], cluster: list[int], params: DiscoveryParams) -> Candidate:
    members = sorted((posts[i] for i in cluster), key=lambda p: (p.post.created_at, p.post.id))
    by_language: dict[str, list[_StatePost]] = {}
    for member in members:
        by_language.setdefault(member.language, []).append(member)
    phrasings, phrases = {}, {}
    for language, said in by_language.items():
        counts = Counter(p.comparable for p in said)
        # The commonest wording, the earliest among equals (``said`` is in time order and Counter keeps it).
        representative = next(p for p in said if counts[p.comparable] == max(counts.values()))
        phrasings[language] = _clean(representative.post.text)
        distinct = list(dict.fromkeys(_clean(p.post.text) for p in said))
        phrases[language] = tuple(t for t in distinct if t)[: params.phrases_per_language]
    first = members[0]
    return Candidate(
        fingerprint=line_fingerprint(first.post.text),
        phrasings=phrasings,
        phrases=phrases,
        state_accounts=tuple(dict.fromkeys(p.handle for p in members)),
        post_ids=tuple(p.post.id for p in members),
        first_seen_at=first.post.created_at,
        spread=0,
        spreaders=(),
        median_delay_s=None,
        n_state_posts=len(members),
    )


def _with_spread(drafts: list[Candidate], others: Sequence[Account], catalog: TalkingPointCatalog) -> list[Candidate]:
    """Each draft with the non-state accounts that assert it, read by the narrative matcher over the catalog and the
    drafts together, so that a post closer to a curated line counts for that line."""
    if others:
        lines = [
            TalkingPoint(
                id=f"candidate-{n}",
                title=next(iter(draft.phrasings.values())),
                narrative="A line proposed by discovery.",
                phrases=draft.phrases,
                sources=(Source(who="discovery", where="state accounts", when=draft.first_seen_at.date().isoformat()),),
            )
            for n, draft in enumerate(drafts)
        ]
        merged = catalog.model_copy(update={"talking_points": (*catalog.talking_points, *lines)})
        matches = NarrativeFeatures(catalog=merged).fit([]).match_accounts(others)
    else:
        matches = []
    first_assertion: dict[str, dict[str, datetime]] = {}
    for account, found in zip(others, matches, strict=True):
        for match in found:
            if match.attribution in _AMPLIFYING and match.talking_point_id.startswith("candidate-"):
                seen = first_assertion.setdefault(match.talking_point_id, {})
                at = seen.get(account.handle)
                seen[account.handle] = match.post.created_at if at is None else min(at, match.post.created_at)
    results = []
    for n, draft in enumerate(drafts):
        seen = first_assertion.get(f"candidate-{n}", {})
        delays = [(at - draft.first_seen_at) / timedelta(seconds=1) for at in seen.values()]
        results.append(
            Candidate(
                **{
                    **vars(draft),
                    "spread": len(seen),
                    "spreaders": tuple(sorted(seen)),
                    "median_delay_s": float(median(delays)) if delays else None,
                }
            )
        )
    return sorted(results, key=lambda c: (-c.spread, -c.n_state_posts, c.first_seen_at, c.fingerprint))
