"""Coordination: different accounts posting the same thing, close in time.

Near-duplicate posting is a property of a group, not of one account, so this family needs context: the other
accounts of a batch, or an index of every post the service has seen. Two kinds of link count:

- **text**: near-identical posts (co-retweets of one post included: the ``RT @user:`` prefix is set aside), compared
  with MinHash signatures over shingles of their normalized text and found through locality-sensitive hashing (LSH)
  bands. Short posts are left out: "Good morning!" from two accounts is coincidence, not coordination (the trap
  the QUT toolkit's minimum document size guards against).
- **hashtags**: the same sequence of at least ``min_hashtags`` hashtags, in the same order, whatever the text.
- **meaning** (when the table carries sentence vectors): paraphrases and translations, found in
  ``detector/semantic_links.py``; a pair already linked by text or hashtags is not linked again.

Both are found the same way, vectorized: every post's keys (its LSH band keys, its hashtag-sequence key) are sorted
by (key, time) and each post is compared with the following posts of its key while they stay within the window. The
work follows the number of close candidates, not the square of the posts; a key shared by more than ``max_bucket``
posts is stock text or a trending tag and is skipped.
"""

from __future__ import annotations

import math
import os
import re
import threading
import typing
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numba import njit

from detector.minhash import MinHasher, comparable_text, shingle_hashes
from detector.post_columns import PostColumns
from detector.schema import Account, Post
from detector.semantic_links import (
    SemanticColumns,
    SemanticEncoder,
    language_means,
    language_sums,
    merged_sums,
    semantic_pairs,
)

__all__ = [
    "COORDINATION_FEATURES",
    "LINK_KINDS",
    "CoordinatedPost",
    "CoordinationIndex",
    "CoordinationParams",
    "LinkKind",
    "PostTable",
    "batch_links",
    "co_hashtag_pairs",
    "co_similar_pairs",
    "coordination_row",
    "link_kind",
    "post_table",
]

COORDINATION_FEATURES = (
    "coordination__coordinated_share",
    "coordination__hashtag_sequence_share",
    "coordination__log_peer_accounts",
)
_HASHTAG = re.compile(r"[#＃](\w+)")
_MIX = np.uint64(0x100000001B3)
_MAX_SEGMENTS = 64
_THREADED_FROM_POSTS = 100_000  # below this, starting threads costs more than the join


@dataclass(frozen=True)
class CoordinationParams:
    """How near and how close in time two posts must be to count as coordinated.

    ``window_s``: largest time gap (default 10 minutes). ``min_similarity``: estimated Jaccard similarity of the
    posts' shingle sets. ``num_perm`` and ``bands`` size the MinHash/LSH (``num_perm`` must divide by ``bands``).
    ``min_shingles``: posts with fewer shingles are never compared. ``min_hashtags``: shortest hashtag sequence that
    links. ``max_bucket``: a key this common is text or a tag too common to mean anything, and is not searched.
    ``semantic``: whether the features count paraphrase and translation links; a model records the params it was
    trained with, so that serving counts links as training did.
    """

    window_s: float = 600.0
    min_similarity: float = 0.8
    num_perm: int = 32
    bands: int = 8
    min_shingles: int = 5
    min_hashtags: int = 3
    max_bucket: int = 500
    semantic: bool = False  # paraphrase and translation links count in ``coordinated_share`` (they are shown anyway)

    def __post_init__(self) -> None:
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")
        if not 0.0 < self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in (0, 1], got {self.min_similarity!r}")


LinkKind = Literal["near_duplicate", "paraphrase", "translation", "co_repost", "shared_link", "hashtag_sequence"]
"""Why two posts are linked: near-identical text, the same meaning reworded or in another language, a repost of
the same post, the same link, or the same hashtag sequence."""
LINK_KINDS: tuple[LinkKind, ...] = typing.get_args(LinkKind)
_SEMANTIC_KINDS = frozenset({"paraphrase", "translation"})
_LEGACY_KINDS = {"text": "near_duplicate", "hashtags": "hashtag_sequence"}  # names of links stored before 0.2


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
    tested)."""

    post_id: str
    peer_handle: str
    peer_post_id: str
    gap_s: float
    similarity: float
    kind: LinkKind = "near_duplicate"
    p_value: float | None = None


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
    semantic: SemanticColumns | None = None  # sentence vectors, when the semantic pass embedded the posts

    def __len__(self) -> int:
        return len(self.post_ids)

    def take(self, rows: np.ndarray) -> PostTable:
        """The table of ``rows`` only (every account kept)."""
        return PostTable(
            self.handles,
            self.account[rows],
            [self.post_ids[i] for i in rows.tolist()],
            self.times[rows],
            self.signatures[rows],
            self.n_shingles[rows],
            self.hashtag_keys[rows],
            self.semantic.take(rows) if self.semantic is not None else None,
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
            semantic=SemanticColumns.concat([t.semantic or SemanticColumns.empty(len(t)) for t in tables])
            if any(t.semantic is not None for t in tables)
            else None,
        )


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _hashtag_key(post: Post, min_hashtags: int) -> int:
    tags = [t.lower() for t in post.hashtags] or [t.lower() for t in _HASHTAG.findall(post.text)]
    if len(tags) < min_hashtags:
        return 0
    encoded = "\x1f".join(tags).encode("utf-8")
    return (zlib.crc32(encoded) << 32 | zlib.adler32(encoded)) or 1


def post_table(
    accounts: Sequence[Account], params: CoordinationParams | None = None, columns: PostColumns | None = None
) -> PostTable:
    """Signatures and hashtag keys of every post of ``accounts``, computed in one vectorized pass (``columns``: their
    posts' columns, when already worked out)."""
    params = params or CoordinationParams()
    columns = columns if columns is not None else PostColumns(accounts)
    posts = columns.posts
    signatures, counts = columns.signatures(params.num_perm)
    return PostTable(
        handles=[a.handle for a in accounts],
        account=columns.account,
        post_ids=[p.id for p in posts],
        times=columns.times,
        signatures=signatures,
        n_shingles=counts,
        hashtag_keys=np.fromiter(
            (
                _hashtag_key(p, params.min_hashtags) if p.hashtags or "#" in p.text or "＃" in p.text else 0
                for p in posts
            ),
            dtype=np.uint64,
            count=len(posts),
        ),
    )


def _band_keys(signatures: np.ndarray, band: int, bands: int) -> np.ndarray:
    """uint64 key of every row of ``signatures`` in ``band`` of ``bands``: its values mixed into one number, distinct
    per band."""
    return _band_keys_kernel(np.ascontiguousarray(signatures), band, signatures.shape[1] // bands)


@njit(cache=True, nogil=True)
def _band_keys_kernel(signatures: np.ndarray, band: int, width: int) -> np.ndarray:
    # Row by row, in order: column by column in numpy, each band read the whole matrix once per column.
    keys = np.empty(len(signatures), dtype=np.uint64)
    for row in range(len(signatures)):
        key = np.uint64(band + 1)
        for column in range(band * width, (band + 1) * width):
            key = key * _MIX + np.uint64(signatures[row, column])
        keys[row] = key
    return keys


def _maybe_shared(keys: np.ndarray) -> np.ndarray:
    """Mask of the ``keys`` that may occur more than once: a superset of those that do, found by counting keys into
    about four buckets each by their low bits. Most band keys are unique, and dropping them before the sort (which
    costs ``n log n``) made the coordination join of two million posts several times faster."""
    bits = min(max(len(keys).bit_length() + 2, 10), 24)
    buckets = (keys & np.uint64((1 << bits) - 1)).astype(np.intp)
    return np.bincount(buckets, minlength=1 << bits)[buckets] >= 2


def _close_pairs(
    keys: np.ndarray, posts: np.ndarray, table: PostTable, params: CoordinationParams
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of ``posts`` (positions in ``table``, in time order) that share a key, by different accounts, within
    the window; unordered and possibly repeated (``_unique_pairs`` makes them ``first < second``, once each)."""
    shared = _maybe_shared(keys)
    keys, posts = keys[shared], posts[shared]
    order = np.argsort(keys, kind="stable")  # by key, then time: the posts come in time order
    posts = posts[order].astype(np.int64, copy=False)
    # Gathered here, so that the pass below reads each array in order (gathering as it went was slower).
    return _pairs_in_window(
        keys[order], posts, table.times[posts], table.account[posts], params.window_s, params.max_bucket
    )


@njit(cache=True, nogil=True)
def _pairs_in_window(
    keys: np.ndarray,
    posts: np.ndarray,
    times: np.ndarray,
    account: np.ndarray,
    window_s: float,
    max_bucket: int,
) -> tuple[np.ndarray, np.ndarray]:
    # ``posts`` sorted by key, then time, with their keys, times and accounts. Each run of one key with 2 to
    # ``max_bucket`` posts: every post with the posts after it while they stay within the window. One pass, where
    # numpy needed a pass per distance.
    capacity = 1024
    first = np.empty(capacity, dtype=np.int64)
    second = np.empty(capacity, dtype=np.int64)
    found = 0
    n = len(keys)
    start = 0
    while start < n:
        end = start + 1
        while end < n and keys[end] == keys[start]:
            end += 1
        if 2 <= end - start <= max_bucket:
            for a in range(start, end - 1):
                for b in range(a + 1, end):
                    if times[b] - times[a] > window_s:
                        break
                    if account[b] == account[a]:
                        continue
                    if found == capacity:
                        capacity *= 2
                        first = _grown(first, capacity)
                        second = _grown(second, capacity)
                    first[found], second[found] = posts[a], posts[b]
                    found += 1
        start = end
    return first[:found].copy(), second[:found].copy()


@njit(cache=True, nogil=True)
def _grown(values: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.empty(capacity, dtype=values.dtype)
    grown[: len(values)] = values
    return grown


def _unique_pairs(pairs: Sequence[tuple[np.ndarray, np.ndarray]], n_posts: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of every part, each once, ``first < second``, sorted."""
    first = np.concatenate([a for a, _ in pairs] or [_ints()])
    second = np.concatenate([b for _, b in pairs] or [_ints()])
    pair = np.sort(np.minimum(first, second) * n_posts + np.maximum(first, second))
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    return np.divmod(pair, n_posts)


def co_similar_pairs(table: PostTable, params: CoordinationParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Near-identical post pairs by different accounts within the window: ``(first, second, similarity)``."""
    eligible = _in_time_order(np.flatnonzero(table.n_shingles >= params.min_shingles), table)
    if len(eligible) < 2:
        return _ints(), _ints(), np.zeros(0)

    def band_pairs(band: int) -> tuple[np.ndarray, np.ndarray]:  # band by band: two bands' keys never match
        return _close_pairs(_band_keys(table.signatures, band, params.bands)[eligible], eligible, table, params)

    # The bands are independent and their work (numba, numpy's sort and gathers) runs without the GIL: on a large
    # table, threads use every core, where the join used to run on one while the rest waited.
    threads = min(params.bands, os.cpu_count() or 1) if len(eligible) >= _THREADED_FROM_POSTS else 1
    if threads > 1:
        with ThreadPoolExecutor(threads, thread_name_prefix="coordination") as pool:
            pairs = list(pool.map(band_pairs, range(params.bands)))
    else:
        pairs = [band_pairs(band) for band in range(params.bands)]
    first, second = _unique_pairs(pairs, len(table))
    similarity = (table.signatures[first] == table.signatures[second]).mean(axis=1)
    alike = similarity >= params.min_similarity
    return first[alike], second[alike], similarity[alike]


def co_hashtag_pairs(table: PostTable, params: CoordinationParams) -> tuple[np.ndarray, np.ndarray]:
    """Post pairs by different accounts within the window with the same hashtag sequence: ``(first, second)``."""
    eligible = _in_time_order(np.flatnonzero(table.hashtag_keys != 0), table)
    if len(eligible) < 2:
        return _ints(), _ints()
    return _unique_pairs([_close_pairs(table.hashtag_keys[eligible], eligible, table, params)], len(table))


def _in_time_order(posts: np.ndarray, table: PostTable) -> np.ndarray:
    return posts[np.argsort(table.times[posts], kind="stable")]


def batch_links(
    table: PostTable, params: CoordinationParams, *, accounts: Sequence[int] | None = None
) -> list[list[CoordinatedPost]]:
    """Per account of ``table`` (or of the ``accounts`` positions given), its links with the table's other accounts."""
    wanted = range(len(table.handles)) if accounts is None else accounts
    slot = {int(a): i for i, a in enumerate(wanted)}
    links: list[list[CoordinatedPost]] = [[] for _ in slot]
    text_first, text_second, similarity = co_similar_pairs(table, params)
    tag_first, tag_second = co_hashtag_pairs(table, params)
    found = [
        (text_first, text_second, similarity, "near_duplicate"),
        (tag_first, tag_second, np.ones(len(tag_first)), "hashtag_sequence"),
    ]
    if table.semantic is not None:
        found.extend(_semantic_links(table, params, np.r_[text_first, tag_first], np.r_[text_second, tag_second]))
    for first, second, sims, kind in found:
        gaps = np.abs(table.times[first] - table.times[second])
        for a, b, gap, sim in zip(first.tolist(), second.tolist(), gaps.tolist(), sims.tolist(), strict=True):
            account_a, account_b = int(table.account[a]), int(table.account[b])
            if account_a in slot:
                links[slot[account_a]].append(
                    CoordinatedPost(table.post_ids[a], table.handles[account_b], table.post_ids[b], gap, sim, kind)
                )
            if account_b in slot:
                links[slot[account_b]].append(
                    CoordinatedPost(table.post_ids[b], table.handles[account_a], table.post_ids[a], gap, sim, kind)
                )
    return links


def _semantic_links(
    table: PostTable, params: CoordinationParams, lexical_first: np.ndarray, lexical_second: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, LinkKind]]:
    """Paraphrase and translation pairs of ``table``, but for the pairs already linked lexically."""
    if table.semantic is None:
        return []
    first, second, sims, translated = semantic_pairs(table.times, table.account, table.semantic, params.window_s)
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
        """MinHash signature of the text's shingles, or ``None`` for a post too short to compare."""
        hashes = shingle_hashes(comparable_text(text))
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
        context = [self._near(segment, own) for segment in segments] if len(own) else []
        if self.semantic is not None and len(own):  # the accounts' posts, with the vectors the index holds for them
            posts = columns.posts if columns is not None else [p for account in accounts for p in account.posts]
            own.semantic = self.semantic.columns(posts, stored=self._stored_vectors(segments, own))
        joined = PostTable.concat([own, *context])
        if joined.semantic is not None:  # compared off the languages' means over the whole index, not this join's
            joined.semantic.means = language_means(self._language_sums)
        links = batch_links(joined, self.params, accounts=range(len(accounts)))
        # An account's own posts stored under the same handle in the index are not links to someone else.
        return [
            [link for link in found if link.peer_handle.lower() != account.handle.lower()]
            for account, found in zip(accounts, links, strict=True)
        ]

    def _near(self, segment: PostTable, own: PostTable, *, own_posts: bool = False) -> PostTable:
        """The rows of ``segment`` within the window of a post of ``own``, other than ``own``'s posts themselves
        (``own_posts``: only those)."""
        own_times = np.sort(own.times)
        at = np.searchsorted(own_times, segment.times)
        before = own_times[np.maximum(at - 1, 0)]
        after = own_times[np.minimum(at, len(own_times) - 1)]
        window = self.params.window_s
        close = (np.abs(segment.times - before) <= window) | (np.abs(after - segment.times) <= window)
        own_ids = set(own.post_ids)
        rows = np.asarray(
            [i for i in np.flatnonzero(close).tolist() if (segment.post_ids[i] in own_ids) == own_posts],
            dtype=np.int64,
        )
        return segment.take(rows)

    def _stored_vectors(self, segments: Sequence[PostTable], own: PostTable) -> dict[str, tuple[np.ndarray, int]]:
        """The vectors and language codes the index holds for ``own``'s posts, by post id."""
        stored: dict[str, tuple[np.ndarray, int]] = {}
        for segment in segments:
            if segment.semantic is None:
                continue
            rows = self._near(segment, own, own_posts=True)
            assert rows.semantic is not None
            embedded = np.flatnonzero(rows.semantic.languages)
            for row, vector in zip(embedded.tolist(), rows.semantic.vectors_of(embedded), strict=True):
                stored[rows.post_ids[row]] = (vector, int(rows.semantic.languages[row]))
        return stored


def coordination_row(
    account: Account | int, links: Sequence[CoordinatedPost], *, semantic: bool = False
) -> list[float]:
    """``coordinated_share`` (posts with a near-identical post of another account in the window, over all posts),
    ``hashtag_sequence_share`` (posts whose hashtag sequence another account used in the window) and
    ``log_peer_accounts`` (log1p of the distinct accounts linked either way); ``nan`` without posts. ``account``
    may be given as its number of posts. Paraphrase and translation links count (in the share and the peers) only
    with ``semantic``: a model trained without them must be served without them."""
    n_posts = account if isinstance(account, int) else len(account.posts)
    if not n_posts:
        return [math.nan, math.nan, math.nan]
    if not semantic:
        links = [link for link in links if link.kind not in _SEMANTIC_KINDS]
    text = {link.post_id for link in links if link.kind != "hashtag_sequence"}
    tags = {link.post_id for link in links if link.kind == "hashtag_sequence"}
    peers = {link.peer_handle.lower() for link in links}
    return [len(text) / n_posts, len(tags) / n_posts, math.log1p(len(peers))]
