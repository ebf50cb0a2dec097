"""Coordination: different accounts posting the same thing, close in time.

Near-duplicate posting is a property of a group, not of one account, so this family needs context: the other
accounts of a batch, or an index of every post the service has seen. The kinds of link:

- **text**: near-identical posts (co-retweets of one post included: the ``RT @user:`` prefix is set aside): the exact
  Jaccard similarity of their sets of words (``detector/word_sets.py``), for the candidates that MinHash signatures
  of those sets find through locality-sensitive hashing (LSH) bands. Short posts are left out: "Good morning!" from
  two accounts is coincidence, not coordination (the trap the QUT toolkit's minimum document size guards against).
- **hashtags**: the same sequence of at least ``min_hashtags`` hashtags, in the same order, whatever the text.
- **links**: the same expanded URL, normalized (``detector/link_keys.py``): ``shared_link``. A near-identical pair of
  reposts of the same account's post is a ``co_repost`` rather than a ``near_duplicate``.
- **meaning** (when the table carries sentence vectors): paraphrases and translations, found in
  ``detector/semantic_links.py``; a pair already linked by text or hashtags is not linked again.

The lexical kinds are found by one vectorized join over the posts' keys (``detector/coordination_pairs.py``), whose
work follows the number of close candidates, not the square of the posts.

Each linked pair of accounts gets a p-value against chance and a Benjamini-Hochberg q-value
(``detector/coordination_chance.py``); which links count in the features is the model's ``CoordinationParams``.
"""

from __future__ import annotations

import math
import re
import threading
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from detector.coordination_chance import linked_pair_p_values, side_chance
from detector.coordination_pairs import co_hashtag_pairs, co_link_pairs, co_similar_pairs
from detector.link_keys import link_keys, repost_keys, text_key
from detector.minhash import MinHasher, comparable_text
from detector.post_columns import PostColumns
from detector.schema import Account, Post
from detector.semantic_links import (
    SEMANTIC_KINDS,
    SemanticColumns,
    SemanticEncoder,
    language_means,
    language_sums,
    merged_sums,
    semantic_pairs,
)
from detector.word_sets import WordSets, word_hashes

__all__ = [
    "COORDINATION_FEATURES",
    "LINK_KINDS",
    "CoordinatedPost",
    "CoordinationIndex",
    "CoordinationParams",
    "LinkKind",
    "PostTable",
    "batch_links",
    "coordination_row",
    "link_kind",
    "post_table",
    "trained_params",
]

COORDINATION_FEATURES = (
    "coordination__coordinated_share",
    "coordination__hashtag_sequence_share",
    "coordination__log_peer_accounts",
)
_HASHTAG = re.compile(r"[#＃](\w+)")
_MAX_SEGMENTS = 64


@dataclass(frozen=True)
class CoordinationParams:
    """How near and how close in time two posts must be to count as coordinated.

    ``window_s``: largest time gap (default 10 minutes). ``min_similarity``: Jaccard similarity of the posts' word
    sets (exact where the table holds them, ``PostTable.words``, else estimated from the signatures). ``num_perm``
    and ``bands`` size the MinHash/LSH (``num_perm`` must divide by ``bands``). ``min_shingles``: posts with fewer
    distinct words (CJK: character trigrams) are never compared. ``min_hashtags``: shortest hashtag sequence that
    links. ``max_bucket``: a key this common is text or a tag too common to mean anything, and is not searched.

    Chance (``detector/coordination_chance.py``): ``permutations`` resamples (0: no p-values) with blocks of
    ``null_shift_s`` shifted by up to as much. What counts in the features: links of ``counted_kinds`` and, with
    ``max_fdr``, only those of pairs whose q-value is at most it. The defaults are what models trained before these
    fields existed count (they load with them), so their features stay what they were; ``trained_params`` is what
    training writes now (with ``semantic``, paraphrase and translation count too: the links are then computed with
    sentence vectors wherever the model is served, ``detector.semantic_links.semantic_table``).
    """

    window_s: float = 600.0
    min_similarity: float = 0.8
    num_perm: int = 32
    bands: int = 8
    min_shingles: int = 5
    min_hashtags: int = 3
    max_bucket: int = 500
    permutations: int = 200
    null_shift_s: float = 3600.0
    max_fdr: float | None = None
    counted_kinds: tuple[str, ...] = ("near_duplicate", "co_repost", "hashtag_sequence")

    def __post_init__(self) -> None:
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")
        if not 0.0 < self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in (0, 1], got {self.min_similarity!r}")
        if self.permutations < (self.max_fdr is not None) or self.null_shift_s <= 0 or not 0 < (self.max_fdr or 1) <= 1:
            raise ValueError(f"need permutations >= 1, null_shift_s > 0 and max_fdr in (0, 1], got {self!r}")


LinkKind = Literal["near_duplicate", "paraphrase", "translation", "co_repost", "shared_link", "hashtag_sequence"]
"""Why two posts are linked: near-identical text, the same meaning reworded or in another language, a repost of
the same post, the same link, or the same hashtag sequence."""
LINK_KINDS: tuple[LinkKind, ...] = typing.get_args(LinkKind)
_LEGACY_KINDS = {"text": "near_duplicate", "hashtags": "hashtag_sequence"}  # names of links stored before 0.2
# Kinds that say the same thing as another account's post: ``coordinated_share``. ``shared_link`` is not one of them
# (the same article under different words): where a model counts it, it counts among the peers only.
_TEXT_KINDS = frozenset({"near_duplicate", "co_repost", "paraphrase", "translation"})
_LEXICAL_KINDS = ("near_duplicate", "co_repost", "shared_link", "hashtag_sequence")


def trained_params(max_fdr: float | None, *, semantic: bool = False) -> CoordinationParams:
    """What training writes into a new model: every lexical kind counts (with ``semantic``, paraphrase and
    translation too), with ``max_fdr`` only pairs chance fails."""
    return CoordinationParams(max_fdr=max_fdr, counted_kinds=_LEXICAL_KINDS + (SEMANTIC_KINDS if semantic else ()))


def link_kind(name: str) -> LinkKind:
    """The kind called ``name``, read from a stored explanation written under an earlier name too."""
    kind = _LEGACY_KINDS.get(name, name)
    if kind not in LINK_KINDS:
        raise ValueError(f"unknown link kind {name!r}; expected one of {', '.join(LINK_KINDS)}")
    return kind  # type: ignore[return-value]


@dataclass(frozen=True)
class CoordinatedPost:
    """One of an account's posts, and a post of another account within the window that says the same.

    ``p_value``: how often the pair of accounts would link this often by chance, when it was tested (None: not
    tested); ``q_value``: its Benjamini-Hochberg adjustment over the pairs this account was tested in."""

    post_id: str
    peer_handle: str
    peer_post_id: str
    gap_s: float
    similarity: float
    kind: LinkKind = "near_duplicate"
    p_value: float | None = None
    q_value: float | None = None


@dataclass
class PostTable:
    """Posts of many accounts as columns: what the joins need, cheap to pickle between processes and to store."""

    handles: list[str]  # one per account, as the source spells them
    account: np.ndarray  # int64, index into ``handles``, one per post
    post_ids: list[str]
    times: np.ndarray  # float64 unix seconds
    signatures: np.ndarray  # uint32 (n_posts, num_perm)
    n_shingles: np.ndarray  # int64
    hashtag_keys: np.ndarray  # uint64, 0 for a post with too few hashtags
    link_keys: np.ndarray | None = None  # uint64 (detector/link_keys.py), 0 for none; None: not known
    repost_keys: np.ndarray | None = None  # uint64, whom the post reposts, 0 for none; None: not known
    semantic: SemanticColumns | None = None  # sentence vectors, when the semantic pass embedded the posts
    words: WordSets | None = None  # each post's word-hash set, for exact similarity; None: not known

    def __len__(self) -> int:
        return len(self.post_ids)

    def keys(self, name: str) -> np.ndarray:  # ``link_keys`` or ``repost_keys``, zeros where not known
        found = getattr(self, name)
        return found if found is not None else np.zeros(len(self), dtype=np.uint64)

    def take(self, rows: np.ndarray) -> PostTable:
        """The table of ``rows`` (positions), with every account."""
        rows = np.asarray(rows, dtype=np.int64)
        return PostTable(
            self.handles,
            self.account[rows],
            [self.post_ids[i] for i in rows.tolist()],
            self.times[rows],
            self.signatures[rows],
            self.n_shingles[rows],
            self.hashtag_keys[rows],
            link_keys=self.keys("link_keys")[rows],
            repost_keys=self.keys("repost_keys")[rows],
            semantic=self.semantic.take(rows) if self.semantic is not None else None,
            words=self.words.take(rows) if self.words is not None else None,
        )

    @classmethod
    def concat(cls, tables: Sequence[PostTable]) -> PostTable:
        offsets = np.cumsum([0, *(len(t.handles) for t in tables)])[:-1]
        width = tables[0].signatures.shape[1] if tables else 0
        return cls(
            handles=[h for t in tables for h in t.handles],
            account=np.concatenate([t.account + o for t, o in zip(tables, offsets, strict=True)] or [_ints()]),
            post_ids=[p for t in tables for p in t.post_ids],
            times=np.concatenate([t.times for t in tables] or [np.zeros(0)]),
            signatures=np.vstack([t.signatures for t in tables]) if tables else np.zeros((0, width), np.uint32),
            n_shingles=np.concatenate([t.n_shingles for t in tables] or [_ints()]),
            hashtag_keys=np.concatenate([t.hashtag_keys for t in tables] or [np.zeros(0, np.uint64)]),
            link_keys=np.concatenate([t.keys("link_keys") for t in tables] or [np.zeros(0, np.uint64)]),
            repost_keys=np.concatenate([t.keys("repost_keys") for t in tables] or [np.zeros(0, np.uint64)]),
            semantic=SemanticColumns.concat([t.semantic or SemanticColumns.empty(len(t)) for t in tables])
            if any(t.semantic is not None for t in tables)
            else None,
            # A table without sets (made before they existed) joins with empty ones: its posts link to none.
            words=WordSets.concat([t.words or WordSets.empty(len(t)) for t in tables])
            if any(t.words is not None for t in tables)
            else None,
        )


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _hashtag_key(post: Post, min_hashtags: int) -> int:
    tags = [t.lower() for t in post.hashtags] or [t.lower() for t in _HASHTAG.findall(post.text)]
    if len(tags) < min_hashtags:
        return 0
    return text_key("\x1f".join(tags))


def post_table(
    accounts: Sequence[Account], params: CoordinationParams | None = None, columns: PostColumns | None = None
) -> PostTable:
    """Signatures and hashtag keys of every post of ``accounts``, computed in one vectorized pass (``columns``: their
    posts' columns, when already worked out)."""
    params = params or CoordinationParams()
    columns = columns if columns is not None else PostColumns(accounts)
    posts = columns.posts
    signatures, words = columns.word_signatures(params.num_perm)
    return PostTable(
        handles=[a.handle for a in accounts],
        account=columns.account,
        post_ids=[p.id for p in posts],
        times=columns.times,
        signatures=signatures,
        n_shingles=words.sizes(),
        hashtag_keys=np.fromiter(
            (
                _hashtag_key(p, params.min_hashtags) if p.hashtags or "#" in p.text or "＃" in p.text else 0
                for p in posts
            ),
            dtype=np.uint64,
            count=len(posts),
        ),
        link_keys=link_keys(posts),
        repost_keys=repost_keys(posts),
        words=words,
    )


def _kind_pairs(
    table: PostTable, params: CoordinationParams, link_window_s: float, wanted: set[str] | None = None
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, LinkKind]]:
    """Every kind's post pairs within the window: ``(first, second, similarity, kind)`` per kind; paraphrases and
    translations when the table carries sentence vectors (corroborated within ``link_window_s``, the links' window,
    however far ``params`` search), with ``wanted`` only those of the accounts of these lower-cased handles."""
    text_first, text_second, similarity = co_similar_pairs(table, params)
    reposts = table.keys("repost_keys")
    same = (reposts[text_first] == reposts[text_second]) & (reposts[text_first] != 0)
    tag_first, tag_second = co_hashtag_pairs(table, params)
    link_first, link_second = co_link_pairs(table, params)
    return [
        (text_first[~same], text_second[~same], similarity[~same], "near_duplicate"),
        (text_first[same], text_second[same], similarity[same], "co_repost"),
        (tag_first, tag_second, np.ones(len(tag_first)), "hashtag_sequence"),
        (link_first, link_second, np.ones(len(link_first)), "shared_link"),
        *_semantic_links(
            table, params, np.r_[text_first, tag_first], np.r_[text_second, tag_second], link_window_s, wanted
        ),
    ]


def _null_window_s(params: CoordinationParams) -> float:
    return params.window_s + 2 * params.null_shift_s  # both sides shift: farther pairs never meet under the null


def batch_links(
    table: PostTable,
    params: CoordinationParams,
    *,
    accounts: Sequence[int] | None = None,
    null_table: PostTable | None = None,
) -> list[list[CoordinatedPost]]:
    """Per account of ``table`` (or of the ``accounts`` positions given), its links with the table's other accounts.

    With ``params.permutations``, links carry their pair's p-value and q-value. Chance needs the pairs up to
    ``_null_window_s`` apart: from ``null_table`` when ``table`` holds only the window's neighbourhood (the index's),
    else from ``table`` searched that far, whose pairs within the window are the links (a key's bucket size does not
    depend on the window). Paraphrases and translations (a table with vectors) are tested the same way."""
    wanted = range(len(table.handles)) if accounts is None else accounts
    slot = {int(a): i for i, a in enumerate(wanted)}
    names = {table.handles[a].lower() for a in slot} if accounts is not None else None  # links of others: not needed
    far = replace(params, window_s=_null_window_s(params))
    found = _kind_pairs(table, far if params.permutations and null_table is None else params, params.window_s, names)
    chance: dict[tuple[int, int], tuple[float, float]] = {}
    if params.permutations:
        source, candidates = (
            (table, found) if null_table is None else (null_table, _kind_pairs(null_table, far, params.window_s, names))
        )
        p_of = linked_pair_p_values(source, candidates, {table.handles[a].lower() for a in slot}, params)
        chance = side_chance(table, found, slot, p_of, window_s=params.window_s)

    def link(post: int, peer_post: int, own: int, peer: int, gap: float, sim: float, kind: LinkKind) -> CoordinatedPost:
        pq = chance.get((own, peer), (None, None))
        return CoordinatedPost(
            table.post_ids[post], table.handles[peer], table.post_ids[peer_post], gap, sim, kind, *pq
        )

    links: list[list[CoordinatedPost]] = [[] for _ in slot]
    for first, second, sims, kind in found:
        gaps = np.abs(table.times[first] - table.times[second])
        first, second, gaps, sims = (values[gaps <= params.window_s] for values in (first, second, gaps, sims))
        for a, b, gap, sim in zip(first.tolist(), second.tolist(), gaps.tolist(), sims.tolist(), strict=True):
            account_a, account_b = int(table.account[a]), int(table.account[b])
            if account_a in slot:
                links[slot[account_a]].append(link(a, b, account_a, account_b, gap, sim, kind))
            if account_b in slot:
                links[slot[account_b]].append(link(b, a, account_b, account_a, gap, sim, kind))
    return links


def _semantic_links(
    table: PostTable,
    params: CoordinationParams,
    lexical_first: np.ndarray,
    lexical_second: np.ndarray,
    link_window_s: float,
    wanted: set[str] | None = None,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, LinkKind]]:
    """Paraphrase and translation pairs of ``table``, but for the pairs already linked lexically; with ``wanted``
    (lower-cased handles), only the pairs with a post of one of those accounts (``semantic_pairs``' ``focus``: a
    request's posts against their neighbourhood, not the neighbourhood against itself). Accounts are told apart by
    handle (an index's table holds one account at several positions: its own posts never corroborate its links)."""
    if table.semantic is None:
        return []
    names, owner = np.unique(np.asarray([handle.lower() for handle in table.handles], dtype=str), return_inverse=True)
    post_owner = owner.reshape(-1)[table.account]
    focus = None if wanted is None else np.isin(names, sorted(wanted))[post_owner]
    first, second, sims, translated = semantic_pairs(
        table.times, post_owner, table.semantic, params.window_s, support_window_s=link_window_s, focus=focus
    )
    n = len(table)
    fresh = ~np.isin(first * n + second, lexical_first * n + lexical_second)
    return [
        (first[fresh & ~translated], second[fresh & ~translated], sims[fresh & ~translated], "paraphrase"),
        (first[fresh & translated], second[fresh & translated], sims[fresh & translated], "translation"),
    ]


class CoordinationIndex:
    """Posts seen so far, to link the accounts of one request with those of earlier ones.

    Adding is idempotent by post id and safe across threads. ``on_add`` sees every batch of new rows (the service
    stores them), and ``add_table`` takes stored rows back, so a restarted service need not hash every post again.
    With ``semantic``, new posts are embedded as they are added (their vectors are stored with the rows) and links
    include paraphrases and translations.
    """

    def __init__(
        self,
        params: CoordinationParams | None = None,
        *,
        on_add: Callable[[PostTable], None] | None = None,
        semantic: SemanticEncoder | None = None,
    ) -> None:
        self.params = params or CoordinationParams()
        self.on_add = on_add  # told of every batch of rows added, e.g. to persist them
        self.semantic = semantic
        self._language_sums: dict[int, tuple[np.ndarray, int]] = {}  # of every indexed vector, for their means
        self._hasher = MinHasher(self.params.num_perm)
        self._tables: list[PostTable] = []
        self._merged: PostTable | None = None
        self._known: set[str] = set()
        self._lock = threading.Lock()
        self._generation = 0

    def __len__(self) -> int:
        return len(self._known)

    @property
    def generation(self) -> int:
        """Changes whenever posts are added: links computed at one generation hold until it changes."""
        return self._generation

    def signature(self, text: str) -> np.ndarray | None:
        """MinHash signature of the text's words, or ``None`` for a post too short to compare."""
        hashes = word_hashes(comparable_text(text))
        if len(hashes) < self.params.min_shingles:
            return None
        return self._hasher.signatures([hashes])[0][0]

    def has_unseen_posts(self, accounts: Iterable[Account]) -> bool:
        """Whether any post of ``accounts`` is not indexed yet (adding them would change ``generation``)."""
        with self._lock:
            return any(post.id not in self._known for account in accounts for post in account.posts)

    def add(self, accounts: Iterable[Account], *, columns: PostColumns | None = None) -> int:
        """Add the accounts' posts not yet present; return how many were added.

        ``columns``: the accounts' post columns, when the caller made them to score the accounts too: their
        signatures are then computed once for both, and not at all when every post is already indexed."""
        if columns is not None:
            accounts = list(accounts)
            if not self.has_unseen_posts(accounts):
                return 0
            table, posts = post_table(accounts, self.params, columns), columns.posts
        else:
            fresh = []
            for account in accounts:
                new = [p for p in account.posts if p.id not in self._known]
                if new:
                    fresh.append(account.model_copy(update={"posts": new}))
            if not fresh:
                return 0
            table, posts = post_table(fresh, self.params), [p for account in fresh for p in account.posts]
        if self.semantic is not None:  # only the posts not indexed yet are embedded
            with self._lock:
                rows = np.asarray([i for i, p in enumerate(posts) if p.id not in self._known], dtype=np.int64)
            table = table.take(rows)
            table.semantic = self.semantic.columns([posts[i] for i in rows.tolist()])
        return self.add_table(table)

    def add_table(self, table: PostTable) -> int:
        """Add the rows of ``table`` whose post ids are new; return how many were added."""
        with self._lock:
            keep = [i for i, post_id in enumerate(table.post_ids) if post_id not in self._known]
            if not keep:
                return 0
            if len(keep) < len(table):
                table = table.take(np.asarray(keep))
            self._known.update(table.post_ids)
            if table.semantic is not None:
                self._language_sums = merged_sums(self._language_sums, language_sums(table.semantic))
            self._generation += 1
            self._tables.append(table)
            self._merged = None
            if len(self._tables) > _MAX_SEGMENTS:  # each request adds a small segment: fold them now and then
                self._tables = [PostTable.concat(self._tables)]
        if self.on_add is not None:
            self.on_add(table)
        return len(keep)

    def table(self) -> PostTable:
        """Every indexed post, as one table."""
        with self._lock:
            if self._merged is None:
                self._merged = PostTable.concat(self._tables) if self._tables else post_table([], self.params)
                self._tables = [self._merged]
            return self._merged

    def links(self, account: Account) -> list[CoordinatedPost]:
        """Links of this account's posts with *other* accounts' posts in the index."""
        return self.links_many([account])[0]

    def links_many(
        self, accounts: Sequence[Account], *, columns: PostColumns | None = None
    ) -> list[list[CoordinatedPost]]:
        """``links`` for several accounts: the accounts' posts joined with the indexed posts near them in time.

        Only indexed posts within the window of one of the accounts' posts take part, found per stored segment by
        binary search over the accounts' post times: a request costs what its neighbourhood holds, not the index.
        ``columns``: the accounts' post columns, when already worked out (their signatures are reused).
        """
        if not accounts:
            return []
        own = post_table(accounts, self.params, columns)
        with self._lock:
            segments = list(self._tables)
        if self.semantic is not None and len(own):  # the accounts' posts, with the vectors the index holds for them
            posts = columns.posts if columns is not None else [p for account in accounts for p in account.posts]
            own.semantic = self.semantic.columns(posts, stored=self._stored_vectors(segments, own))
        near = [self._near(segment, own, self.params.window_s) for segment in segments] if len(own) else []
        joined = self._joined([own, *near])
        null_table = None
        if self.params.permutations and len(own):  # chance needs the posts that shifts could bring into the window
            far = _null_window_s(self.params)
            null_table = self._joined([own, *(self._near(segment, own, far) for segment in segments)])
        links = batch_links(joined, self.params, accounts=range(len(accounts)), null_table=null_table)
        # An account's own posts stored under the same handle in the index are not links to someone else.
        return [
            [link for link in found if link.peer_handle.lower() != account.handle.lower()]
            for account, found in zip(accounts, links, strict=True)
        ]

    def _joined(self, tables: Sequence[PostTable]) -> PostTable:
        """``tables`` as one, whose vectors are compared off the languages' means over the whole index."""
        joined = PostTable.concat(tables)
        if joined.semantic is not None:
            joined.semantic.means = language_means(self._language_sums)
        return joined

    def _near(self, segment: PostTable, own: PostTable, window: float, *, own_posts: bool = False) -> PostTable:
        """The rows of ``segment`` within ``window`` of a post of ``own``, other than ``own``'s posts themselves
        (``own_posts``: only those)."""
        own_times = np.sort(own.times)
        at = np.searchsorted(own_times, segment.times)
        before = own_times[np.maximum(at - 1, 0)]
        after = own_times[np.minimum(at, len(own_times) - 1)]
        close = (np.abs(segment.times - before) <= window) | (np.abs(after - segment.times) <= window)
        own_ids = set(own.post_ids)
        return segment.take(
            [i for i in np.flatnonzero(close).tolist() if (segment.post_ids[i] in own_ids) == own_posts]
        )

    def _stored_vectors(self, segments: Sequence[PostTable], own: PostTable) -> dict[str, tuple[np.ndarray, int]]:
        """The vectors and language codes the index holds for ``own``'s posts, by post id."""
        stored: dict[str, tuple[np.ndarray, int]] = {}
        for segment in segments:
            if segment.semantic is None:
                continue
            rows = self._near(segment, own, self.params.window_s, own_posts=True)
            assert rows.semantic is not None
            embedded = np.flatnonzero(rows.semantic.languages)
            for row, vector in zip(embedded.tolist(), rows.semantic.vectors_of(embedded), strict=True):
                stored[rows.post_ids[row]] = (vector, int(rows.semantic.languages[row]))
        return stored


def coordination_row(
    account: Account | int, links: Sequence[CoordinatedPost], params: CoordinationParams | None = None
) -> list[float]:
    """``coordinated_share`` (posts that say the same as a post of another account in the window, over all posts),
    ``hashtag_sequence_share`` (posts whose hashtag sequence another account used in the window) and
    ``log_peer_accounts`` (log1p of the distinct accounts linked either way); ``nan`` without posts. ``account``
    may be given as its number of posts.

    Only links that ``params`` (the model's) counts take part: of ``counted_kinds`` (``shared_link`` among the peers
    only), and with ``max_fdr`` only those whose q-value is at most it. Without ``params``, the defaults: what models
    trained before chance and the new kinds count."""
    params = params or CoordinationParams()
    n_posts = account if isinstance(account, int) else len(account.posts)
    if not n_posts:
        return [math.nan, math.nan, math.nan]
    fdr = params.max_fdr
    counted = [
        link
        for link in links
        if link.kind in params.counted_kinds and (fdr is None or (link.q_value is not None and link.q_value <= fdr))
    ]
    text = {link.post_id for link in counted if link.kind in _TEXT_KINDS}
    tags = {link.post_id for link in counted if link.kind == "hashtag_sequence"}
    peers = {link.peer_handle.lower() for link in counted}
    return [len(text) / n_posts, len(tags) / n_posts, math.log1p(len(peers))]
