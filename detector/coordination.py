"""Coordination: near-identical posts by different accounts, close in time.

Near-duplicate posting is a property of a group, not of one account, so this family needs context: an index of
posts seen so far (the training batch, or everything the service has ingested). Posts are compared with MinHash
signatures over shingles of their normalized text and found through locality-sensitive hashing (LSH) bands, so a
lookup costs about the same whatever the index size. Short posts are left out: "Good morning!" from two accounts
is coincidence, not coordination (the trap the QUT toolkit's minimum document size guards against).
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from detector.schema import Account, Post
from detector.text_normalize import normalize_text

__all__ = [
    "COORDINATION_FEATURES",
    "CoordinatedPost",
    "CoordinationIndex",
    "CoordinationParams",
    "coordination_row",
]

COORDINATION_FEATURES = ("coordination__coordinated_share", "coordination__log_peer_accounts")
_PRIME = (1 << 31) - 1
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class CoordinationParams:
    """How near and how close in time two posts must be to count as coordinated.

    ``window_s``: largest time gap (default 10 minutes). ``min_similarity``: estimated Jaccard similarity of the
    posts' shingle sets. ``num_perm`` and ``bands`` size the MinHash/LSH (``num_perm`` must divide by ``bands``).
    ``min_shingles``: posts with fewer shingles are never compared. ``max_bucket``: a bucket this full is text too
    common to mean anything (a stock phrase), and is not searched.
    """

    window_s: float = 600.0
    min_similarity: float = 0.8
    num_perm: int = 32
    bands: int = 8
    min_shingles: int = 5
    max_bucket: int = 500

    def __post_init__(self) -> None:
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")
        if not 0.0 < self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in (0, 1], got {self.min_similarity!r}")


@dataclass(frozen=True)
class CoordinatedPost:
    """One of an account's posts, and a near-identical post of another account within the window."""

    post_id: str
    peer_handle: str
    peer_post_id: str
    gap_s: float
    similarity: float


def _shingles(text: str) -> set[str]:
    normalized = normalize_text(text)
    if _CJK.search(normalized):  # no spaces to split on: character trigrams
        compact = normalized.replace(" ", "")
        return {compact[i : i + 3] for i in range(len(compact) - 2)}
    words = normalized.split()
    return {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}


class CoordinationIndex:
    """An in-memory LSH index of posts; adding is idempotent by post id and safe across threads."""

    def __init__(self, params: CoordinationParams | None = None) -> None:
        self.params = params or CoordinationParams()
        rng = np.random.default_rng(20230218)  # fixed: signatures must agree across processes and restarts
        self._a = rng.integers(1, _PRIME, size=self.params.num_perm, dtype=np.uint64)
        self._b = rng.integers(0, _PRIME, size=self.params.num_perm, dtype=np.uint64)
        self._buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
        self._post_index: dict[str, int] = {}
        self._handles: list[str] = []  # lower-cased, for comparison
        self._display: list[str] = []  # as the source spells them, for evidence
        self._post_ids: list[str] = []
        self._times: list[float] = []
        self._signatures: list[np.ndarray] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._post_ids)

    def signature(self, text: str) -> np.ndarray | None:
        """MinHash signature of the text's shingles, or ``None`` for a post too short to compare."""
        shingles = _shingles(text)
        if len(shingles) < self.params.min_shingles:
            return None
        hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles))
        return ((self._a[:, None] * hashes[None, :] + self._b[:, None]) % _PRIME).min(axis=1)

    def _band_keys(self, signature: np.ndarray) -> list[tuple[int, bytes]]:
        rows = self.params.num_perm // self.params.bands
        return [(band, signature[band * rows : (band + 1) * rows].tobytes()) for band in range(self.params.bands)]

    def add(self, accounts: Iterable[Account]) -> int:
        """Add the accounts' posts (those not yet present); return how many were added."""
        added = 0
        for account in accounts:
            handle = account.handle.lower()
            for post in account.posts:
                if post.id in self._post_index:
                    continue
                signature = self.signature(post.text)
                with self._lock:
                    if post.id in self._post_index:
                        continue
                    position = len(self._post_ids)
                    self._post_index[post.id] = position
                    self._post_ids.append(post.id)
                    self._handles.append(handle)
                    self._display.append(account.handle)
                    self._times.append(post.created_at.timestamp())
                    self._signatures.append(signature)
                    if signature is not None:
                        for key in self._band_keys(signature):
                            self._buckets[key].append(position)
                added += 1
        return added

    def links(self, account: Account) -> list[CoordinatedPost]:
        """Near-identical posts of *other* accounts within the window, for each of this account's posts."""
        handle = account.handle.lower()
        found: list[CoordinatedPost] = []
        for post in account.posts:
            found.extend(self._links_of(handle, post))
        return found

    def _links_of(self, handle: str, post: Post) -> list[CoordinatedPost]:
        position = self._post_index.get(post.id)
        signature = self._signatures[position] if position is not None else self.signature(post.text)
        if signature is None:
            return []
        when = post.created_at.timestamp()
        candidates: set[int] = set()
        with self._lock:
            for key in self._band_keys(signature):
                bucket = self._buckets.get(key, ())
                if len(bucket) <= self.params.max_bucket:
                    candidates.update(bucket)
        links = []
        for other in sorted(candidates):
            if self._handles[other] == handle:
                continue
            gap = abs(self._times[other] - when)
            if gap > self.params.window_s:
                continue
            similarity = float((self._signatures[other] == signature).mean())
            if similarity >= self.params.min_similarity:
                links.append(CoordinatedPost(post.id, self._display[other], self._post_ids[other], gap, similarity))
        return links


def coordination_row(account: Account, links: Sequence[CoordinatedPost]) -> list[float]:
    """``coordinated_share`` (posts with a near-identical post of another account in the window, over all posts;
    ``nan`` without posts) and ``log_peer_accounts`` (log1p of the distinct accounts linked)."""
    if not account.posts:
        return [math.nan, math.nan]
    coordinated = {link.post_id for link in links}
    peers = {link.peer_handle.lower() for link in links}
    return [len(coordinated) / len(account.posts), math.log1p(len(peers))]
