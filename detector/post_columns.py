"""The posts of a batch of accounts as columns, each worked out once for all of them.

Narrative matching reads each post's normalized text; repetition and coordination compare MinHash signatures of its
comparable text (hashtags set aside); behaviour and coordination read its time. Computed per family, one account at
a time, every post was normalized and hashed two or three times. ``PostColumns`` holds them for a whole batch, in
post order, each computed on first use, so each family reads columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cached_property

import numpy as np

from detector.minhash import comparable_texts, minhash_signatures
from detector.schema import Account, Post
from detector.text_normalize import normalize_texts
from detector.word_sets import WordSets, word_signatures

__all__ = ["PostColumns"]


class PostColumns:
    """Per post of ``accounts`` (account by account, each in ``account.posts`` order): the post, its account's
    position in the batch, its time; on first use its normalized and comparable texts and, per number of
    permutations, its MinHash signature and shingle count."""

    def __init__(self, accounts: Sequence[Account]) -> None:
        self.n_accounts = len(accounts)
        self.posts: list[Post] = [post for account in accounts for post in account.posts]
        sizes = np.fromiter((len(account.posts) for account in accounts), dtype=np.int64, count=len(accounts))
        self.account = np.repeat(np.arange(len(accounts), dtype=np.int64), sizes)
        self.times = np.fromiter((p.created_at.timestamp() for p in self.posts), dtype=np.float64, count=len(self))
        self._signatures: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._word_signatures: dict[int, tuple[np.ndarray, WordSets]] = {}
        # What a family derives from the batch's posts and another step reads again (the content family's hashed
        # documents, which scoring's explanations reuse), keyed by the family and its parameters.
        self.derived: dict[tuple[object, ...], object] = {}

    def __len__(self) -> int:
        return len(self.posts)

    @cached_property
    def texts(self) -> list[str]:
        return [p.text for p in self.posts]

    @cached_property
    def normalized(self) -> list[str]:
        return normalize_texts(self.texts)

    @cached_property
    def comparable(self) -> list[str]:
        return comparable_texts(self.texts, self.normalized)

    def first_post_at(self) -> list[datetime | None]:
        """Per account, the time of its first post (``None`` without posts)."""
        return self._post_at(np.argmin)

    def last_post_at(self) -> list[datetime | None]:
        return self._post_at(np.argmax)

    def _post_at(self, pick: Callable[[np.ndarray], np.intp]) -> list[datetime | None]:
        ends = np.cumsum(np.bincount(self.account, minlength=self.n_accounts)).tolist()
        found: list[datetime | None] = []
        for start, end in zip([0, *ends[:-1]], ends, strict=True):  # the first post at the extreme, as min() picks
            found.append(self.posts[start + int(pick(self.times[start:end]))].created_at if end > start else None)
        return found

    def signatures(self, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        """``(signatures, n_shingles)`` of the comparable texts: uint32 rows of ``num_perm``, as
        ``MinHasher(num_perm).signatures`` gives them."""
        if num_perm not in self._signatures:
            self._signatures[num_perm] = minhash_signatures(self.comparable, num_perm)
        return self._signatures[num_perm]

    def word_signatures(self, num_perm: int) -> tuple[np.ndarray, WordSets]:
        """``(signatures, word sets)`` of the comparable texts' words (``detector.word_sets``), for coordination."""
        if num_perm not in self._word_signatures:
            self._word_signatures[num_perm] = word_signatures(self.comparable, num_perm)
        return self._word_signatures[num_perm]
